import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import {
    defaultSubnet,
    describeAddress,
    loadWorldFile,
    parseWorld,
    pemBlocks,
    positionMac,
    WORLD_DEFAULTS,
    WorldError,
} from "../sim/world/world"
import { fromRoot } from "../project/paths"
import { tempDir } from "./helpers/cleanup"

// Turning a world file into a World (sim/world/world.ts), field by field:
// every default of docs/world-format.md, every limit at its edge, and the
// exact words of each problem (what was wrong, what is allowed).

const open = (o: object = {}) => ({ ssid: "site", security: "open", position: [0, 0], ...o })
const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0

/** The problems parseWorld reports for `world` (none: []). */
function problems(world: object): string[] {
    try {
        parseWorld(world, "w.json")
        return []
    } catch (e) {
        if (!(e instanceof WorldError)) throw e
        return e.problems
    }
}

test("WorldError: one problem on the file's line, several each on its own line", (t) => {
    const one = new WorldError("w.json", ["a is wrong"])
    t.is(one.message, "w.json: a is wrong")
    t.is(one.name, "WorldError")
    t.is(one.source, "w.json")
    t.deepEqual(one.problems, ["a is wrong"])
    t.is(new WorldError("w.json", ["a", "b"]).message, "w.json: \n  a\n  b")
})

test("schema problems name the field and say what is allowed", (t) => {
    t.deepEqual(problems({ accessPoints: [], acessPoints: 1 }), [
        'unknown field "acessPoints"; did you mean "accessPoints"?',
    ])
    t.deepEqual(problems({ accessPoints: [open({ chanel: 3 })] }), [
        'accessPoints[0]: unknown field "chanel"; did you mean "channel"?',
    ])
    t.deepEqual(problems({ accessPoints: [{ security: "open", position: [0, 0] }] }), [
        'accessPoints[0]: missing field "ssid"',
    ])
    t.deepEqual(problems({}), ['missing field "accessPoints"'])
    const modes = '"open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise", "wpa3-enterprise"'
    t.deepEqual(problems({ accessPoints: [open({ security: "wpa2-pks" })] }), [
        `accessPoints[0].security must be one of ${modes}; did you mean "wpa2-psk"?`,
    ])
    t.deepEqual(problems({ accessPoints: [open({ security: 5 })] }), [
        `accessPoints[0].security must be one of ${modes}`,
    ])
    t.deepEqual(problems({ accessPoints: [open({ position: [0] })] }), [
        "accessPoints[0].position must be [x, y] in metres",
    ])
    t.deepEqual(problems({ accessPoints: [open()], events: [{ at: 1, action: "move-camera", to: [1, 2, 3] }] }), [
        "events[0].to must be [x, y] in metres",
    ])
    t.deepEqual(problems({ accessPoints: [open()], events: [{ at: true, action: "move-camera", to: [1, 2] }] }), [
        'events[0].at must be a duration: milliseconds, or a string like "300ms", "20s", "2m"',
    ])
    t.deepEqual(problems({ accessPoints: [open({ channel: "x" })] }), ["accessPoints[0].channel must be integer"])
    t.regex(
        problems({ board: "No Such", accessPoints: [] })[0],
        /^board: unknown board "No Such" \(known boards: .*ai_thinker_esp32_cam/,
    )
})

test("defaults: the camera, the radio, an access point and its DHCP server", (t) => {
    const w = parseWorld({ accessPoints: [open()] }, "w.json")
    t.deepEqual(w.camera, {
        position: [0, 0],
        antennaGainDbi: 0,
        mac: WORLD_DEFAULTS.cameraMac,
        name: "camera",
        sensor: { scene: "test-card" },
    })
    t.deepEqual(w.radio, { pathLossExponent: 3, referenceLossDb: 40, sensitivityDbm: -92 })
    const ap = w.accessPoints[0]
    t.like(ap, {
        name: "site",
        ssid: "site",
        bssid: "02:ca:00:00:00:01",
        channel: 6,
        security: "open",
        txPowerDbm: 20,
        hidden: false,
        poweredOn: true,
        bootMs: 0,
        maxClients: undefined,
        joinsPerSecond: undefined,
        loginServer: undefined,
        password: undefined,
    })
    t.like(ap.dhcp, {
        enabled: true,
        network: ip(192, 168, 1, 0),
        prefix: 24,
        gateway: ip(192, 168, 1, 1),
        dns: [ip(192, 168, 1, 1)],
        leaseSeconds: 86400,
        delayMs: 300,
    })
    // a /24 hands out .100 .. .254, like many home routers
    t.is(ap.dhcp.pool.length, 155)
    t.is(ap.dhcp.pool.at(0), ip(192, 168, 1, 100))
    t.is(ap.dhcp.pool.at(-1), ip(192, 168, 1, 254))
    t.is(w.ethernet, undefined)
    t.deepEqual(w.clients, [])
    t.deepEqual(w.events, [])
    t.is(w.dnsZone.size, 0)
    t.is(w.board, undefined)
    t.is(w.source, "w.json")
})

test("given values win over the defaults; MACs and BSSIDs are lower-cased, DNS names too", (t) => {
    const w = parseWorld(
        {
            board: "ai_thinker_esp32_cam",
            camera: { position: [3, 4], antennaGainDbi: -2, mac: "AA:BB:CC:00:11:22" },
            radio: { pathLossExponent: 2.5, referenceLossDb: 41, sensitivityDbm: -90 },
            accessPoints: [
                open({
                    name: "lobby",
                    bssid: "AA:00:00:00:00:0F",
                    channel: 11,
                    txPowerDbm: 15,
                    hidden: true,
                    poweredOn: false,
                    maxClients: 4,
                    joinsPerSecond: 2,
                    bootTime: "2s",
                    dhcp: {
                        subnet: "10.0.0.0/25",
                        gateway: "10.0.0.126",
                        dns: ["9.9.9.9", "1.1.1.1"],
                        leaseSeconds: 600,
                        delay: "1.5s",
                        enabled: false,
                    },
                }),
            ],
            dnsZone: { "Cam.Local": "127.0.0.5" },
        },
        "w.json",
    )
    t.is(w.board, "ai_thinker_esp32_cam")
    t.deepEqual(w.camera, {
        position: [3, 4],
        antennaGainDbi: -2,
        mac: "aa:bb:cc:00:11:22",
        name: "camera",
        sensor: { scene: "test-card" },
    })
    t.deepEqual(w.radio, { pathLossExponent: 2.5, referenceLossDb: 41, sensitivityDbm: -90 })
    const ap = w.accessPoints[0]
    t.like(ap, {
        name: "lobby",
        bssid: "aa:00:00:00:00:0f",
        channel: 11,
        txPowerDbm: 15,
        hidden: true,
        poweredOn: false,
        maxClients: 4,
        joinsPerSecond: 2,
        bootMs: 2000,
    })
    // a /25 has 126 hosts: the pool is all of them but the gateway
    t.like(ap.dhcp, {
        enabled: false,
        network: ip(10, 0, 0, 0),
        prefix: 25,
        gateway: ip(10, 0, 0, 126),
        dns: [ip(9, 9, 9, 9), ip(1, 1, 1, 1)],
        leaseSeconds: 600,
        delayMs: 1500,
    })
    t.is(ap.dhcp.pool.length, 125)
    t.is(ap.dhcp.pool.at(0), ip(10, 0, 0, 1))
    t.is(ap.dhcp.pool.at(-1), ip(10, 0, 0, 125))
    t.deepEqual([...w.dnsZone], [["cam.local", ip(127, 0, 0, 5)]])
})

test("a /24 with its gateway inside the pool's range leaves the gateway out of the pool", (t) => {
    const w = parseWorld({ accessPoints: [open({ dhcp: { subnet: "10.0.0.0/24", gateway: "10.0.0.150" } })] }, "w")
    const pool = w.accessPoints[0].dhcp.pool
    t.is(pool.length, 154)
    t.false(pool.includes(ip(10, 0, 0, 150)))
    t.true(pool.includes(ip(10, 0, 0, 149)))
})

test("subnets: /30 is the narrowest; a bad subnet or a gateway outside it is named", (t) => {
    const dhcp = (d: object) => problems({ accessPoints: [open({ dhcp: d })] })
    t.deepEqual(dhcp({ subnet: "10.0.0.0/30" }), [])
    const w = parseWorld({ accessPoints: [open({ dhcp: { subnet: "10.0.0.0/30" } })] }, "w")
    t.is(w.accessPoints[0].dhcp.gateway, ip(10, 0, 0, 1))
    t.deepEqual([...w.accessPoints[0].dhcp.pool], [ip(10, 0, 0, 2)])
    t.deepEqual(dhcp({ subnet: "10.0.0.0/31" }), [
        "accessPoints[0].dhcp.subnet /31 leaves no room for a gateway and a camera; use /30 or wider",
    ])
    t.deepEqual(dhcp({ subnet: "10.0.0.0/32" }), [
        "accessPoints[0].dhcp.subnet /32 leaves no room for a gateway and a camera; use /30 or wider",
    ])
    // the schema refuses what does not look like a subnet; an octet past 255 is caught here
    t.deepEqual(dhcp({ subnet: "10.0.256.0/24" }), [
        'accessPoints[0].dhcp.subnet "10.0.256.0/24" is not a subnet like 192.168.1.0/24',
    ])
    t.deepEqual(dhcp({ subnet: "10.0.0.0/24", gateway: "10.0.1.1" }), [
        "accessPoints[0].dhcp.gateway 10.0.1.1 is not a host address of 10.0.0.0/24",
    ])
    t.deepEqual(dhcp({ subnet: "10.0.0.0/24", gateway: "10.0.0.255" }), [
        "accessPoints[0].dhcp.gateway 10.0.0.255 is not a host address of 10.0.0.0/24",
    ])
    t.deepEqual(dhcp({ subnet: "10.0.0.0/24", gateway: "10.0.0.254" }), [])
})

test("access point rules: passwords only (and always) for PSK and SAE, login servers only for enterprise", (t) => {
    const ap = (o: object) => problems({ accessPoints: [open(o)] })
    t.deepEqual(ap({ security: "wpa2-psk" }), [
        'accessPoints[0]: security "wpa2-psk" needs a "password" of 8..63 characters',
    ])
    t.deepEqual(ap({ security: "wpa3-sae" }), [
        'accessPoints[0]: security "wpa3-sae" needs a "password" of 8..63 characters',
    ])
    t.deepEqual(ap({ security: "wpa3-sae", password: "12345678" }), [])
    t.deepEqual(ap({ security: "open", password: "12345678" }), [
        'accessPoints[0]: security "open" takes no "password" (use wpa2-psk or wpa3-sae for a password network)',
    ])
    t.deepEqual(ap({ security: "wpa2-enterprise", password: "12345678" }), [
        'accessPoints[0]: security "wpa2-enterprise" takes no "password" (use wpa2-psk or wpa3-sae for a password network)',
    ])
    t.deepEqual(ap({ security: "wpa2-psk", password: "12345678", loginServer: { caCertFile: "x", domain: "d" } }), [
        'accessPoints[0]: "loginServer" is for wpa2-enterprise or wpa3-enterprise access points',
        "accessPoints[0].loginServer.caCertFile: cannot read x (ENOENT)",
    ])
})

test("SSIDs: 32 bytes, counted in UTF-8: 16 two-byte letters pass, 11 three-byte ones do not", (t) => {
    const ssid = (s: string) => problems({ accessPoints: [open({ ssid: s })] })
    t.deepEqual(ssid("x".repeat(32)), [])
    t.deepEqual(ssid("é".repeat(16)), [])
    // 33 characters: the schema's limit says so first
    t.deepEqual(ssid("x".repeat(33)), ["accessPoints[0].ssid must NOT have more than 32 characters"])
    t.deepEqual(ssid("é".repeat(16) + "x"), ["accessPoints[0].ssid must be at most 32 bytes"])
    t.deepEqual(ssid("€".repeat(11)), ["accessPoints[0].ssid must be at most 32 bytes"])
})

test("two access points with one name, or one BSSID, are named", (t) => {
    t.deepEqual(problems({ accessPoints: [open(), open({ ssid: "other" }), open()] }), [
        'accessPoints[2]: another access point is already called "site"; give one a distinct "name"',
    ])
    t.deepEqual(
        problems({
            accessPoints: [open({ bssid: "02:00:00:00:00:01" }), open({ name: "b", bssid: "02:00:00:00:00:01" })],
        }),
        [
            'accessPoints[1].bssid 02:00:00:00:00:01: accessPoints[0] ("site") and accessPoints[1] ("b") have the same BSSID; each access point needs its own',
        ],
    )
    // default BSSIDs by position never clash with each other
    t.deepEqual(problems({ accessPoints: [open(), open({ name: "b" })] }), [])
})

test("positionMac and defaultSubnet: distinct for every position", (t) => {
    t.is(positionMac("02:ca", 1), "02:ca:00:00:00:01")
    t.is(positionMac("02:ca", 256), "02:ca:00:00:01:00")
    t.is(positionMac("02:c1", 0x01020304), "02:c1:01:02:03:04")
    t.is(defaultSubnet(1), "192.168.1.0/24")
    t.is(defaultSubnet(255), "192.168.255.0/24")
    t.is(defaultSubnet(256), "10.1.0.0/24")
    t.is(defaultSubnet(257), "10.1.1.0/24")
    t.is(defaultSubnet(4096), "10.16.0.0/24")
    t.is(describeAddress(ip(10, 1, 2, 3)), "10.1.2.3")
})

test("ethernet: defaults, and each setting given", (t) => {
    const plain = parseWorld({ accessPoints: [], ethernet: {} }, "w").ethernet!
    t.like(plain, { plugged: true, speedMbps: 100, fullDuplex: true })
    t.like(plain.dhcp, { network: ip(192, 168, 10, 0), prefix: 24, gateway: ip(192, 168, 10, 1) })
    const set = parseWorld(
        {
            accessPoints: [],
            ethernet: { cable: "unplugged", speedMbps: 10, duplex: "half", dhcp: { subnet: "10.5.0.0/16" } },
        },
        "w",
    ).ethernet!
    t.like(set, { plugged: false, speedMbps: 10, fullDuplex: false })
    t.like(set.dhcp, { network: ip(10, 5, 0, 0), prefix: 16 })
    t.deepEqual(problems({ accessPoints: [], ethernet: { dhcp: { subnet: "1.2.3.999/24" } } }), [
        'ethernet.dhcp.subnet "1.2.3.999/24" is not a subnet like 192.168.1.0/24',
    ])
})

test("clients: defaults, unique names, leaving only after joining", (t) => {
    const client = (o: object = {}) => ({ name: "phone", position: [1, 1], joins: "cam", at: "1s", ...o })
    const w = parseWorld(
        {
            accessPoints: [],
            clients: [
                client(),
                client({ name: "tab", mac: "AA:BB:CC:DD:EE:FF", txPowerDbm: 10, password: "pw-12345", leaveAt: 1001 }),
            ],
        },
        "w",
    )
    t.deepEqual(w.clients[0], {
        name: "phone",
        mac: "02:c1:00:00:00:01",
        position: [1, 1],
        joins: "cam",
        password: undefined,
        atMs: 1000,
        leaveAtMs: undefined,
        txPowerDbm: 15,
    })
    t.like(w.clients[1], {
        mac: "aa:bb:cc:dd:ee:ff",
        txPowerDbm: 10,
        password: "pw-12345",
        atMs: 1000,
        leaveAtMs: 1001,
    })
    t.deepEqual(problems({ accessPoints: [], clients: [client(), client()] }), [
        'clients[1]: another client is already called "phone"',
    ])
    t.deepEqual(problems({ accessPoints: [], clients: [client({ leaveAt: "1s" })] }), [
        'clients[0].leaveAt must be after its "at"',
    ])
    t.deepEqual(problems({ accessPoints: [], clients: [client({ at: "3651d" })] }), [
        'clients[0].at: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed',
    ])
    t.deepEqual(problems({ accessPoints: [], clients: [client({ leaveAt: 315360000001 })] }), [
        "clients[0].leaveAt: duration 315360000001 is longer than the 10 years (3650d, 315360000000 ms) allowed",
        'clients[0].leaveAt must be after its "at"',
    ])
})

const ev = (o: object) => ({ at: "1s", ...o })

test("events: what each action needs, said for the event that lacks it", (t) => {
    const w = (events: object[], more: object = {}) => problems({ accessPoints: [open()], events, ...more })
    t.deepEqual(w([ev({ action: "power-off" })]), ['events[0]: action "power-off" needs "accessPoint"'])
    t.deepEqual(w([ev({ action: "set-password", accessPoint: "site" })]), [
        'events[0]: action "set-password" needs "password"',
    ])
    t.deepEqual(w([ev({ action: "move-camera" })]), ['events[0]: action "move-camera" needs "to": [x, y]'])
    t.deepEqual(w([ev({ action: "set-channel", accessPoint: "site" })]), [
        'events[0]: action "set-channel" needs "channel": 1..13',
    ])
    t.deepEqual(w([ev({ action: "unplug-cable" })]), [
        'events[0]: action "unplug-cable" needs an "ethernet" section in the world',
    ])
    t.deepEqual(w([ev({ action: "unplug-cable" })], { ethernet: {} }), [])
    t.deepEqual(w([ev({ action: "client-join" })]), [
        'events[0]: action "client-join" needs "client": the name of one of "clients"',
    ])
    t.deepEqual(w([ev({ action: "client-leave", client: "ghost" })]), [
        'events[0].client "ghost" is not a client of this world; known: none',
    ])
    t.deepEqual(w([ev({ action: "power-on", accessPoint: "elsewhere" })]), [
        'events[0].accessPoint "elsewhere" is not an access point of this world; known: site',
    ])
    t.deepEqual(problems({ accessPoints: [], events: [ev({ action: "power-on", accessPoint: "x" })] }), [
        'events[0].accessPoint "x" is not an access point of this world; known: none',
    ])
    t.deepEqual(w([ev({ action: "restart-driver" }), ev({ action: "move-camera", to: [1, 2] })]), [])
    t.deepEqual(w([ev({ action: "dhcp-renumber", accessPoint: "site" })]), [
        'events[0]: action "dhcp-renumber" needs "subnet", e.g. "10.1.2.0/24"',
    ])
    t.deepEqual(w([ev({ action: "power-off", accessPoint: "site", at: "3651d" })]), [
        'events[0].at: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed',
    ])
})

test("events keep their fields and come sorted by time, ties in file order", (t) => {
    const w = parseWorld(
        {
            accessPoints: [open({ security: "wpa2-psk", password: "12345678" })],
            clients: [{ name: "phone", position: [0, 0], joins: "cam", at: 0 }],
            events: [
                ev({ at: "3s", action: "set-channel", accessPoint: "site", channel: 11 }),
                ev({ at: "2s", action: "set-password", accessPoint: "site", password: "abcdefgh" }),
                ev({ at: "2s", action: "move-camera", to: [5, 6] }),
                ev({ at: 500, action: "client-join", client: "phone" }),
            ],
        },
        "w",
    )
    t.deepEqual(
        w.events.map((e) => [e.atMs, e.action]),
        [
            [500, "client-join"],
            [2000, "set-password"],
            [2000, "move-camera"],
            [3000, "set-channel"],
        ],
    )
    t.deepEqual(w.events[0], {
        atMs: 500,
        action: "client-join",
        accessPoint: undefined,
        password: undefined,
        to: undefined,
        camera: undefined,
        channel: undefined,
        dhcp: undefined,
        client: "phone",
    })
    t.like(w.events[1], { accessPoint: "site", password: "abcdefgh" })
    t.deepEqual(w.events[2].to, [5, 6])
    t.is(w.events[3].channel, 11)
})

test("renumbering: the new subnet with the server's lease length and delay; ethernet's from its own server", (t) => {
    const w = parseWorld(
        {
            accessPoints: [open({ dhcp: { subnet: "10.0.0.0/24", leaseSeconds: 120, delay: 50, enabled: false } })],
            ethernet: { dhcp: { subnet: "10.9.0.0/24", leaseSeconds: 60, delay: 70 } },
            events: [
                ev({ action: "dhcp-renumber", accessPoint: "site", subnet: "172.16.0.0/24" }),
                ev({ at: "2s", action: "ethernet-dhcp-renumber", subnet: "172.17.0.0/24" }),
            ],
        },
        "w",
    )
    t.like(w.events[0].dhcp, {
        network: ip(172, 16, 0, 0),
        prefix: 24,
        gateway: ip(172, 16, 0, 1),
        leaseSeconds: 120,
        delayMs: 50,
        enabled: true,
    })
    t.like(w.events[1].dhcp, { network: ip(172, 17, 0, 0), leaseSeconds: 60, delayMs: 70, enabled: true })
    // without an ethernet dhcp section, the default server's settings (a day, 300 ms)
    const d = parseWorld(
        { accessPoints: [], ethernet: {}, events: [ev({ action: "ethernet-dhcp-renumber", subnet: "172.17.0.0/24" })] },
        "w",
    )
    t.like(d.events[0].dhcp, { network: ip(172, 17, 0, 0), leaseSeconds: 86400, delayMs: 300 })
    t.deepEqual(
        problems({
            accessPoints: [open()],
            events: [ev({ action: "dhcp-renumber", accessPoint: "site", subnet: "10.300.0.0/16" })],
        }),
        ['events[0].subnet "10.300.0.0/16" is not a subnet like 192.168.1.0/24'],
    )
    t.deepEqual(
        problems({ accessPoints: [], events: [ev({ action: "ethernet-dhcp-renumber", subnet: "10.0.0.0/24" })] }),
        ['events[0]: action "ethernet-dhcp-renumber" needs an "ethernet" section in the world'],
    )
})

test("fleet events: cameras only in a fleet, camera actions only, known cameras listed up to ten", (t) => {
    const cams = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, position: [0, 0] }))
    const fleet = (events: object[], n = 2) => problems({ accessPoints: [open()], cameras: cams(n), events })
    t.deepEqual(problems({ accessPoints: [open()], events: [ev({ action: "power-off", camera: "c0" })] }), [
        'events[0]: "camera" needs a "cameras" list',
    ])
    t.deepEqual(problems({ accessPoints: [open()], events: [ev({ action: "site-power-off" })] }), [
        'events[0]: action "site-power-off" needs a "cameras" list',
    ])
    t.deepEqual(fleet([ev({ action: "site-power-off" }), ev({ action: "site-power-on" })]), [])
    t.deepEqual(
        fleet([ev({ action: "power-off", camera: "c1" }), ev({ action: "move-camera", camera: "c0", to: [1, 1] })]),
        [],
    )
    t.deepEqual(fleet([ev({ action: "dhcp-off", camera: "c1" })]), [
        'events[0]: action "dhcp-off" takes no "camera" (only move-camera, power-off and power-on do)',
    ])
    t.deepEqual(fleet([ev({ action: "power-on", camera: "c1", accessPoint: "site" })]), [
        'events[0]: give "camera" or "accessPoint", not both',
    ])
    t.deepEqual(fleet([ev({ action: "power-on", camera: "c9" })]), [
        'events[0].camera "c9" is not a camera of this world; known: c0, c1',
    ])
    t.deepEqual(fleet([ev({ action: "power-on", camera: "x" })], 10), [
        'events[0].camera "x" is not a camera of this world; known: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9',
    ])
    t.deepEqual(fleet([ev({ action: "power-on", camera: "x" })], 11), [
        'events[0].camera "x" is not a camera of this world; known: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ...',
    ])
    t.deepEqual(fleet([ev({ action: "move-camera", to: [1, 1] })]), [
        'events[0]: in a world with "cameras", action "move-camera" needs "camera"',
    ])
    t.deepEqual(problems({ accessPoints: [open()], camera: { position: [0, 0] }, cameras: cams(1) }), [
        'give either "camera" (one camera) or "cameras" (a fleet), not both',
    ])
    t.deepEqual(problems({ accessPoints: [open()], ethernet: {}, cameras: cams(1) }), [
        '"ethernet" is for one camera: a fleet ("cameras") has no per-camera cabling yet',
    ])
})

test("pemBlocks: each BEGIN/END pair of one label, whitespace dropped, as DER", (t) => {
    const b64 = (s: string) => Buffer.from(s).toString("base64")
    const text =
        `junk\n-----BEGIN CERTIFICATE-----\n${b64("first").slice(0, 4)}\n ${b64("first").slice(4)}\n-----END CERTIFICATE-----\n` +
        `-----BEGIN PRIVATE KEY-----\n${b64("second")}\n-----END PRIVATE KEY-----\n` +
        `-----BEGIN CERTIFICATE-----\n${b64("unmatched")}\n-----END PRIVATE KEY-----\n`
    t.deepEqual(
        pemBlocks(text).map((b) => b.toString()),
        ["first", "second"],
    )
    t.deepEqual(pemBlocks("no blocks here"), [])
})

test("enterprise login servers: certificate files read relative to the world, defaults, and each problem", (t) => {
    const dir = tempDir("camscript-world-parse-")
    mkdirSync(dir, { recursive: true })
    const pem = (s: string) =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(s).toString("base64")}\n-----END CERTIFICATE-----\n`
    writeFileSync(join(dir, "ca.pem"), pem("the CA"))
    writeFileSync(join(dir, "client.pem"), pem("client cert"))
    writeFileSync(join(dir, "empty.pem"), "nothing\n")
    const source = join(dir, "w.json")
    const ent = (loginServer: object) => ({ accessPoints: [open({ security: "wpa2-enterprise", loginServer })] })
    const w = parseWorld(
        ent({
            caCertFile: "ca.pem",
            domain: "Radius.Corp.Example",
            users: [
                { username: "u", password: "p" },
                { identity: "cam", clientCertFile: "client.pem" },
            ],
            down: [{ from: "1s" }, { from: 5, until: "10s" }],
        }),
        source,
    )
    const ls = w.accessPoints[0].loginServer!
    t.deepEqual(
        ls.caDer.map((b) => b.toString()),
        ["the CA"],
    )
    t.is(ls.domain, "radius.corp.example")
    t.deepEqual(ls.methods, ["PEAP", "TTLS"])
    t.is(ls.latencyMs, 20)
    t.deepEqual(ls.down, [
        { fromMs: 1000, untilMs: Number.POSITIVE_INFINITY },
        { fromMs: 5, untilMs: 10_000 },
    ])
    t.like(ls.users[0], { username: "u", password: "p", clientCertDer: undefined })
    t.is(ls.users[1].clientCertDer!.toString(), "client cert")
    t.is(ls.radius, undefined)
    const custom = parseWorld(ent({ caCertFile: "ca.pem", domain: "d", methods: ["TLS"], latency: "50ms" }), source)
    t.like(custom.accessPoints[0].loginServer, { methods: ["TLS"], latencyMs: 50 })

    const at = "accessPoints[0].loginServer"
    const p = (o: object) => {
        try {
            parseWorld(ent(o), source)
            return []
        } catch (e) {
            return (e as WorldError).problems
        }
    }
    t.deepEqual(p({ caCertFile: "empty.pem", domain: "d" }), [`${at}.caCertFile: empty.pem holds no PEM block`])
    const missing = p({ caCertFile: "missing.pem", domain: "d" })
    t.is(missing.length, 1)
    t.true(missing[0].startsWith(`${at}.caCertFile: `))
    t.regex(missing[0], /missing\.pem/)
    t.deepEqual(p({ caCertFile: "ca.pem", domain: "d", users: [{ identity: "c", clientCertFile: "empty.pem" }] }), [
        `${at}.users[0].clientCertFile: empty.pem holds no PEM block`,
    ])
    t.deepEqual(
        p({
            caCertFile: "ca.pem",
            domain: "d",
            methods: ["PEAP", "TLS"],
            radius: { host: "127.0.0.1", port: 1812, secret: "s" },
        }),
        [
            `${at}.radius: a RADIUS server is asked with PAP (inside PEAP or TTLS); TLS logins need the embedded users list`,
        ],
    )
    t.deepEqual(p({ caCertFile: "ca.pem", domain: "d", radius: { host: "127.0.0.1", port: 1812, secret: "s" } }), [])
    t.deepEqual(p({ caCertFile: "ca.pem", domain: "d", latency: "3651d" }), [
        `${at}.latency: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed`,
    ])
    t.deepEqual(p({ caCertFile: "ca.pem", domain: "d", down: [{ from: "3651d", until: "3652d" }] }), [
        `${at}.down[0].from: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed`,
        `${at}.down[0].until: duration "3652d" is longer than the 10 years (3650d, 315360000000 ms) allowed`,
    ])
})

test("loadWorldFile: unreadable, not JSON, duplicate keys, and a good file", (t) => {
    const dir = tempDir("camscript-world-load-")
    mkdirSync(dir, { recursive: true })
    const file = (name: string, text: string | Buffer) => {
        writeFileSync(join(dir, name), text)
        return join(dir, name)
    }
    const fails = (f: string) => {
        const e = t.throws(() => loadWorldFile(f), { instanceOf: WorldError })!
        t.is(e.source, f)
        t.is(e.problems.length, 1)
        return e.problems[0]
    }
    t.regex(fails(join(dir, "absent.json")), /absent\.json|no such file|ENOENT/i)
    t.regex(fails(file("bad.json", '{\n  "accessPoints": [,]\n}')), /line 2/)
    t.regex(
        fails(file("utf8.json", Buffer.from([0x7b, 0xff, 0x7d]))),
        /^not valid UTF-8: byte 0xff at line 1, column 2/,
    )
    t.is(
        fails(file("dup.json", '{\n"accessPoints": [],\n"accessPoints": []\n}')),
        '(top level): key "accessPoints" appears twice (lines 2 and 3); JSON keeps only the last, so remove one',
    )
    t.deepEqual(loadWorldFile(file("good.json", '{"accessPoints": []}')).accessPoints, [])
    t.is(loadWorldFile(file("good2.json", '{"accessPoints": []}')).source, join(dir, "good2.json"))
})

test("schema problems: every one is reported, each with its field's path, array indexes of any length", (t) => {
    const ap = open()
    t.deepEqual(problems({ accessPoints: [open({ channel: "x", hidden: 3 })] }), [
        "accessPoints[0].channel must be integer",
        "accessPoints[0].hidden must be boolean",
    ])
    // keys that end or start with a digit are names, not indexes
    t.deepEqual(problems({ accessPoints: [ap], dnsZone: { cam1: 5 } }), ["dnsZone.cam1 must be string"])
    t.regex(problems({ accessPoints: [ap], dnsZone: { "1cam": "x" } })[0], /^dnsZone\.1cam must match pattern/)
    const eleven = Array.from({ length: 11 }, (_, i) => open({ name: `a${i}` }))
    eleven[10] = { ...eleven[10], chanel: 1 } as typeof ap
    t.deepEqual(problems({ accessPoints: eleven }), [
        'accessPoints[10]: unknown field "chanel"; did you mean "channel"?',
    ])
    // a pattern that is not the board's is said as the schema says it
    t.deepEqual(problems({ accessPoints: [open({ dhcp: { subnet: "x" } })] }), [
        'accessPoints[0].dhcp.subnet must match pattern "^[0-9.]+/([0-9]|[12][0-9]|3[0-2])$"',
    ])
    // an enum of numbers gets no suggestion for a string
    t.deepEqual(problems({ accessPoints: [], ethernet: { speedMbps: "100" } }), [
        "ethernet.speedMbps must be one of 10, 100",
    ])
    t.deepEqual(problems({ accessPoints: [open({ position: "x" })] }), [
        "accessPoints[0].position must be [x, y] in metres",
    ])
    t.deepEqual(problems({ accessPoints: [open({ ssid: 5 })] }), ["accessPoints[0].ssid must be string"])
    t.deepEqual(problems({ accessPoints: [], clients: [{ name: "p", position: [0, 0], joins: "x", at: 0 }, 5] }), [
        "clients[1] must be object",
    ])
})

test("each wired action needs an ethernet section; each access point action needs an access point", (t) => {
    for (const action of [
        "unplug-cable",
        "plug-cable",
        "ethernet-dhcp-off",
        "ethernet-dhcp-on",
        "switch-off",
        "switch-on",
    ])
        t.deepEqual(
            problems({ accessPoints: [], events: [ev({ action })] }),
            [`events[0]: action "${action}" needs an "ethernet" section in the world`],
            action,
        )
    for (const action of [
        "power-off",
        "power-on",
        "set-password",
        "dhcp-off",
        "dhcp-on",
        "set-channel",
        "dhcp-renumber",
    ]) {
        const p = problems({
            accessPoints: [open()],
            events: [ev({ action, password: "12345678", channel: 3, subnet: "10.0.0.0/24" })],
        })
        t.true(p.includes(`events[0]: action "${action}" needs "accessPoint"`), `${action}: ${p.join("; ")}`)
    }
})

test("the documented defaults as numbers and names, not as the code's own constants", (t) => {
    const w = parseWorld({ accessPoints: [] }, "w")
    t.is(w.camera.mac, "24:0a:c4:00:c4:3e")
})

test("clients: the network they join is an SSID of at most 32 bytes", (t) => {
    const c = (joins: string) =>
        problems({ accessPoints: [], clients: [{ name: "p", position: [0, 0], joins, at: 0 }] })
    t.deepEqual(c("é".repeat(16)), [])
    t.deepEqual(c("é".repeat(16) + "x"), ["clients[0].joins must be at most 32 bytes (an SSID)"])
    t.deepEqual(c("x".repeat(32)), [])
})

test("problems list the known names joined with commas", (t) => {
    t.deepEqual(
        problems({
            accessPoints: [open({ name: "a" }), open({ name: "b" })],
            events: [ev({ action: "power-on", accessPoint: "c" })],
        }),
        ['events[0].accessPoint "c" is not an access point of this world; known: a, b'],
    )
    const client = (name: string) => ({ name, position: [0, 0], joins: "x", at: 0 })
    t.deepEqual(
        problems({
            accessPoints: [],
            clients: [client("p"), client("q")],
            events: [ev({ action: "client-join", client: "r" })],
        }),
        ['events[0].client "r" is not a client of this world; known: p, q'],
    )
})

test("wpa3-enterprise takes a login server; a renumbered AP keeps its own server's settings, not another's", (t) => {
    const dir = tempDir("camscript-world-wpa3-")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
        join(dir, "ca.pem"),
        `-----BEGIN CERTIFICATE-----\n${Buffer.from("ca").toString("base64")}\n-----END CERTIFICATE-----\n`,
    )
    t.notThrows(() =>
        parseWorld(
            {
                accessPoints: [
                    open({ security: "wpa3-enterprise", loginServer: { caCertFile: "ca.pem", domain: "d" } }),
                ],
            },
            join(dir, "w.json"),
        ),
    )
    const w = parseWorld(
        {
            accessPoints: [
                open({ name: "a", dhcp: { subnet: "10.0.0.0/24", leaseSeconds: 111 } }),
                open({ name: "b", dhcp: { subnet: "10.0.1.0/24", leaseSeconds: 222 } }),
            ],
            events: [ev({ action: "dhcp-renumber", accessPoint: "b", subnet: "10.9.0.0/24" })],
        },
        "w",
    )
    t.is(w.events[0].dhcp!.leaseSeconds, 222)
})

test("a bad subnet and a bad duration in one DHCP section are both reported, with the delay's path", (t) => {
    t.deepEqual(problems({ accessPoints: [open({ dhcp: { subnet: "10.0.0.0/24", delay: "3651d" } })] }), [
        'accessPoints[0].dhcp.delay: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed',
    ])
    t.deepEqual(problems({ accessPoints: [open({ bootTime: "3651d" })] }), [
        'accessPoints[0].bootTime: duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed',
    ])
    // an unusable subnet leaves a disabled, empty server (and says why)
    try {
        parseWorld({ accessPoints: [open({ dhcp: { subnet: "10.0.0.300/24" } })] }, "w")
        t.fail("should be refused")
    } catch (e) {
        t.deepEqual((e as WorldError).problems, [
            'accessPoints[0].dhcp.subnet "10.0.0.300/24" is not a subnet like 192.168.1.0/24',
        ])
    }
})

test("a duration's problem does not hide another field's; a list too short says how many", (t) => {
    t.deepEqual(
        problems({ accessPoints: [open({ channel: "x" })], events: [{ at: true, action: "move-camera", to: [1, 2] }] }),
        [
            "accessPoints[0].channel must be integer",
            'events[0].at must be a duration: milliseconds, or a string like "300ms", "20s", "2m"',
        ],
    )
    t.deepEqual(problems({ accessPoints: [open({ dhcp: { subnet: "10.0.0.0/24", dns: [] } })] }), [
        "accessPoints[0].dhcp.dns must NOT have fewer than 1 items",
    ])
    // renumbering an access point the world does not have is a problem, not a crash
    t.deepEqual(
        problems({
            accessPoints: [open()],
            events: [ev({ action: "dhcp-renumber", accessPoint: "nope", subnet: "10.0.0.0/24" })],
        }),
        ['events[0].accessPoint "nope" is not an access point of this world; known: site'],
    )
})

test("a login server without users has none", (t) => {
    const dir = tempDir("camscript-world-nousers-")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
        join(dir, "ca.pem"),
        `-----BEGIN CERTIFICATE-----\n${Buffer.from("ca").toString("base64")}\n-----END CERTIFICATE-----\n`,
    )
    const w = parseWorld(
        { accessPoints: [open({ security: "wpa2-enterprise", loginServer: { caCertFile: "ca.pem", domain: "d" } })] },
        join(dir, "w.json"),
    )
    t.deepEqual(w.accessPoints[0].loginServer!.users, [])
    t.deepEqual(w.accessPoints[0].loginServer!.down, [])
})

test("a wrong coordinate inside a position is named as such; an empty fleet says how many it needs", (t) => {
    t.deepEqual(problems({ accessPoints: [open({ position: ["x", 0] })] }), [
        "accessPoints[0].position[0] must be number",
    ])
    t.deepEqual(problems({ accessPoints: [], cameras: [] }), ["cameras must NOT have fewer than 1 items"])
})

// ---- what connect() and a radio would refuse, no world may hold (issue 23, item 6)

test("SSIDs: a NUL is refused in an access point's ssid and a client's joins, naming the field", (t) => {
    t.deepEqual(problems({ accessPoints: [open({ ssid: "si\u0000te" })] }), [
        "accessPoints[0].ssid holds a NUL character: a camera's connect() refuses such a name (the radio would cut it short there), so nothing could join it",
    ])
    const joining = problems({
        accessPoints: [open()],
        clients: [{ name: "phone", position: [1, 1], joins: "site\u0000", at: "1s" }],
    })
    t.deepEqual(joining, [
        "clients[0].joins holds a NUL character: a camera's connect() refuses such a name (the radio would cut it short there), so nothing could join it",
    ])
    // the last allowed: any other control character is a byte like another (connect() takes it)
    t.deepEqual(problems({ accessPoints: [open({ ssid: "si\u0001te" })] }), [])
})

test("lone UTF-16 surrogates are refused in any string of a world, keys too; a whole pair is allowed", (t) => {
    t.deepEqual(problems({ accessPoints: [open({ ssid: "a\ud800" })] }), [
        "accessPoints[0].ssid holds a lone UTF-16 surrogate (\\ud800) at position 1: it has no UTF-8 form; write the character itself or a whole surrogate pair",
    ])
    t.deepEqual(problems({ accessPoints: [open({ name: "\udc00x" })] }), [
        "accessPoints[0].name holds a lone UTF-16 surrogate (\\udc00) at position 0: it has no UTF-8 form; write the character itself or a whole surrogate pair",
    ])
    const zone = problems({ accessPoints: [open()], dnsZone: { "a\udbffb.test": "127.0.0.1" } })
    t.true(
        zone.some((p) => p.startsWith("dnsZone.a\udbffb.test (the key) holds a lone UTF-16 surrogate (\\udbff)")),
        zone.join("\n"),
    )
    t.deepEqual(problems({ accessPoints: [open({ ssid: "cam \ud83d\ude00" })] }), [], "a whole pair is a character")
})

test("a camera's MAC must be unicast: all zeros, broadcast and multicast are refused, with the field", (t) => {
    const single = (mac: string) => problems({ accessPoints: [open()], camera: { mac } })
    t.deepEqual(single("00:00:00:00:00:00"), [
        "camera.mac 00:00:00:00:00:00 is all zeros, which is no device's address: give a unicast MAC",
    ])
    t.deepEqual(single("FF:FF:FF:FF:FF:FF"), [
        "camera.mac ff:ff:ff:ff:ff:ff is the broadcast address: give a unicast MAC",
    ])
    t.deepEqual(single("01:00:5e:00:00:fb"), [
        "camera.mac 01:00:5e:00:00:fb is a multicast address (the lowest bit of its first byte is set): give a unicast MAC, e.g. 24:0a:c4:...",
    ])
    // the edges: the first byte's group bit alone decides
    t.deepEqual(single("00:00:00:00:00:01"), [])
    t.deepEqual(single("fe:ff:ff:ff:ff:ff"), [])
    t.is(single("ff:ff:ff:ff:ff:fe").length, 1, "multicast, not broadcast")
    const fleet = problems({
        accessPoints: [open()],
        cameras: [
            { name: "a", position: [0, 0], mac: "33:33:00:00:00:01" },
            { name: "b", position: [1, 0], mac: "00:00:00:00:00:00" },
        ],
    })
    t.deepEqual(fleet, [
        "cameras[0].mac 33:33:00:00:00:01 is a multicast address (the lowest bit of its first byte is set): give a unicast MAC, e.g. 24:0a:c4:...",
        "cameras[1].mac 00:00:00:00:00:00 is all zeros, which is no device's address: give a unicast MAC",
    ])
    const phone = problems({
        accessPoints: [open()],
        clients: [{ name: "p", position: [1, 1], joins: "site", at: "1s", mac: "ff:ff:ff:ff:ff:ff" }],
    })
    t.deepEqual(phone, ["clients[0].mac ff:ff:ff:ff:ff:ff is the broadcast address: give a unicast MAC"])
})

test("the DHCP pool is sized from the subnet: a /16 hands out .100 up to its last host, a /8 too", (t) => {
    const pool = (subnet: string) =>
        parseWorld({ accessPoints: [open({ dhcp: { subnet } })] }, "w").accessPoints[0].dhcp.pool
    const p16 = pool("10.9.0.0/16")
    t.is(p16.length, 65_534 - 99)
    t.is(p16.at(0), ip(10, 9, 0, 100))
    t.is(p16.at(925), ip(10, 9, 4, 1), "past the 925 the pool used to stop at")
    t.is(p16.at(-1), ip(10, 9, 255, 254))
    const p8 = pool("10.0.0.0/8")
    t.is(p8.length, 2 ** 24 - 2 - 99)
    t.is(p8.at(-1), ip(10, 255, 255, 254))
    // the edge of the .100 rule: 200 hosts start at the first, 201 at .100 (a /24 has 254)
    t.is(pool("10.0.0.0/25").at(0), ip(10, 0, 0, 2), "126 hosts: from the first after the gateway")
    t.is(pool("10.0.0.0/24").length, 155)
})

test("camera.sensor: JPEG images over time, the first at 0, each decoded at load; problems name the field", (t) => {
    const source = fromRoot("sim/worlds/garden-day-night.json")
    const w = parseWorld(
        {
            accessPoints: [],
            camera: {
                name: "garden",
                sensor: {
                    images: [
                        { at: "12h", file: "scenes/garden-night.jpg" },
                        { at: 0, file: "scenes/garden-day.jpg" },
                    ],
                },
            },
        },
        source,
    )
    t.is(w.camera.name, "garden")
    if (w.camera.sensor.scene !== "images") return t.fail("not an image scene")
    t.deepEqual(
        w.camera.sensor.images.map((i) => [i.atMs, i.file.endsWith("garden-day.jpg"), i.picture.width]),
        [
            [0, true, 320],
            [43_200_000, false, 320],
        ],
    )
    const bad = (images: object[]) => {
        try {
            parseWorld({ accessPoints: [], camera: { sensor: { images } } }, source)
            return []
        } catch (e) {
            return (e as WorldError).problems
        }
    }
    t.deepEqual(bad([{ at: "1s", file: "scenes/garden-day.jpg" }]), [
        "camera.sensor.images: the first image must start at 0 (it starts at 1000 ms)",
    ])
    t.deepEqual(bad([{ at: 0, file: "default.json" }]), [
        "camera.sensor.images[0].file default.json is not a baseline JPEG (SOI not found)",
    ])
    t.regex(
        bad([{ at: 0, file: "missing.jpg" }])[0],
        /^cannot read camera\.sensor\.images\[0\]\.file missing\.jpg \(ENOENT\)$/,
    )
})

test("camera faults are events of a one-camera world", (t) => {
    const fleet = {
        accessPoints: [],
        cameras: [{ name: "a", position: [0, 0] }],
        events: [{ at: 1, action: "camera-brownout" }],
    }
    t.throws(() => parseWorld(fleet, "(fleet)"), {
        message:
            /action "camera-brownout" is for the one camera of a world with "camera"; a fleet's cameras have no sensor model yet/,
    })
    const one = parseWorld({ accessPoints: [], events: [{ at: "2s", action: "camera-sensor-stop" }] }, "(one)")
    t.deepEqual(
        one.events.map((e) => [e.atMs, e.action]),
        [[2000, "camera-sensor-stop"]],
    )
})
