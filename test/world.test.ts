import test from "ava"
import { readdirSync, readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { parseDuration } from "../project/duration"
import { loadWorldFile, parseWorld, WorldError } from "../sim/world/world"

// The world file validator: every error names the field and what is allowed.

const ap = { ssid: "net", security: "wpa2-psk", password: "password1", position: [1, 1] }

function problems(json: unknown): string {
    const e = t_throws(() => parseWorld(json, "w.json"))
    return e.message
}

function t_throws(f: () => unknown): WorldError {
    try {
        f()
    } catch (e) {
        if (e instanceof WorldError) return e
        throw e
    }
    throw new Error("expected a WorldError")
}

test("every shipped world validates, keeping every access point, client and event of its file", (t) => {
    const dir = fromRoot("sim/worlds")
    const files = readdirSync(dir).filter((n) => n.endsWith(".json"))
    t.true(files.length >= 14, `${files.length} worlds`)
    for (const f of files) {
        const raw = JSON.parse(readFileSync(`${dir}/${f}`, "utf8")) as {
            accessPoints?: unknown[]
            clients?: unknown[]
            events?: unknown[]
        }
        const w = loadWorldFile(`${dir}/${f}`)
        t.is(w.accessPoints.length, raw.accessPoints?.length ?? 0, `${f}: access points`)
        t.is(w.clients.length, raw.clients?.length ?? 0, `${f}: clients`)
        t.is(w.events.length, raw.events?.length ?? 0, `${f}: events`)
    }
})

test("defaults: channel 6, 20 dBm, DHCP subnet per AP, camera at the origin", (t) => {
    const w = parseWorld({ accessPoints: [{ ssid: "a", security: "open", position: [3, 4] }] }, "w.json")
    const a = w.accessPoints[0]
    t.is(a.channel, 6)
    t.is(a.txPowerDbm, 20)
    t.is(a.bssid, "02:ca:00:00:00:01")
    t.is(a.dhcp.delayMs, 300)
    t.is(a.dhcp.prefix, 24)
    t.deepEqual(w.camera.position, [0, 0])
    t.is(w.radio.sensitivityDbm, -92)
})

test("an unknown field is named", (t) => {
    t.regex(problems({ accessPoints: [{ ...ap, colour: "red" }] }), /accessPoints\[0\]: unknown field "colour"/)
})

test("a bad security mode lists the allowed ones", (t) => {
    t.regex(
        problems({ accessPoints: [{ ...ap, security: "wep" }] }),
        /accessPoints\[0\]\.security must be one of "open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise"/,
    )
})

test("a missing field is named", (t) => {
    t.regex(
        problems({ accessPoints: [{ ssid: "x", security: "open" }] }),
        /accessPoints\[0\]: missing field "position"/,
    )
})

test("a password network without a password is refused", (t) => {
    t.regex(
        problems({ accessPoints: [{ ...ap, password: undefined }] }),
        /security "wpa2-psk" needs a "password" of 8\.\.63 characters/,
    )
})

test("a short password is refused", (t) => {
    t.regex(
        problems({ accessPoints: [{ ...ap, password: "short" }] }),
        /accessPoints\[0\]\.password must NOT have fewer than 8 characters/,
    )
})

test("the error never repeats the password value", (t) => {
    t.false(problems({ accessPoints: [{ ...ap, password: "short" }] }).includes('short"'))
})

test("an event naming an unknown access point lists the known ones", (t) => {
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: "5s", accessPoint: "nope", action: "power-off" }] }),
        /events\[0\]\.accessPoint "nope" is not an access point of this world; known: net/,
    )
})

test("a bad duration says how to write one", (t) => {
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: "5 seconds", accessPoint: "net", action: "power-off" }] }),
        /events\[0\]\.at must be a duration: milliseconds, or a string like "300ms", "20s", "2m"/,
    )
})

test("a gateway outside the subnet is refused", (t) => {
    t.regex(
        problems({ accessPoints: [{ ...ap, dhcp: { subnet: "192.168.1.0/24", gateway: "10.0.0.1" } }] }),
        /accessPoints\[0\]\.dhcp\.gateway 10\.0\.0\.1 is not a host address of 192\.168\.1\.0\/24/,
    )
})

test("two APs with one name need distinct names", (t) => {
    t.regex(problems({ accessPoints: [ap, ap] }), /accessPoints\[1\]: another access point is already called "net"/)
})

test("move-camera needs a destination", (t) => {
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: 10, action: "move-camera" }] }),
        /events\[0\]: action "move-camera" needs "to": \[x, y\]/,
    )
})

test("not JSON / missing file", (t) => {
    t.regex(t_throws(() => loadWorldFile("/nonexistent/world.json")).message, /cannot read the world file \(ENOENT\)/)
})

test("durations", (t) => {
    t.is(parseDuration("300ms"), 300)
    t.is(parseDuration("20s"), 20_000)
    t.is(parseDuration("1.5s"), 1500)
    t.is(parseDuration("2m"), 120_000)
    t.is(parseDuration(42), 42)
    t.throws(() => parseDuration("soon"), { message: /"soon" is not a duration; use e\.g\. 300ms, 20s, 2m, 1h/ })
})

test("events are applied in time order whatever their order in the file", (t) => {
    const w = parseWorld(
        {
            accessPoints: [ap],
            events: [
                { at: "40s", accessPoint: "net", action: "power-on" },
                { at: "20s", accessPoint: "net", action: "power-off" },
            ],
        },
        "w.json",
    )
    t.deepEqual(
        w.events.map((e) => e.atMs),
        [20_000, 40_000],
    )
})

test("a position that is not [x, y] says so", (t) => {
    t.regex(
        problems({ accessPoints: [{ ...ap, position: [20] }] }),
        /accessPoints\[0\]\.position must be \[x, y\] in metres/,
    )
})

test("two access points with one BSSID are refused, naming both (any case, a default one too)", (t) => {
    const a = { ...ap, name: "hall", bssid: "02:00:00:00:00:0A" }
    const b = { ...ap, name: "yard", bssid: "02:00:00:00:00:0a" }
    t.is(
        problems({ accessPoints: [a, b] }),
        'w.json: accessPoints[1].bssid 02:00:00:00:00:0a: accessPoints[0] ("hall") and accessPoints[1] ("yard") have the same BSSID; each access point needs its own',
    )
    // the second AP's default is 02:ca:00:00:00:02 (its position), which the first wrote out
    t.regex(
        problems({
            accessPoints: [
                { ...a, bssid: "02:ca:00:00:00:02" },
                { ...ap, name: "yard" },
            ],
        }),
        /accessPoints\[1\]\.bssid 02:ca:00:00:00:02: accessPoints\[0\] \("hall"\) and accessPoints\[1\] \("yard"\) by default have the same BSSID/,
    )
    // one apart is two access points
    const w = parseWorld({ accessPoints: [a, { ...b, bssid: "02:00:00:00:00:0b" }] }, "w.json")
    t.deepEqual(
        w.accessPoints.map((x) => [x.name, x.bssid]),
        [
            ["hall", "02:00:00:00:00:0a"],
            ["yard", "02:00:00:00:00:0b"],
        ],
    )
})

test("two clients with one MAC are refused, naming both (any case, a default one too)", (t) => {
    const phone = (name: string, mac?: string) => ({ name, position: [2, 1], joins: "cam-setup", at: "1s", mac })
    t.is(
        problems({ accessPoints: [], clients: [phone("a", "02:00:00:00:00:7A"), phone("b", "02:00:00:00:00:7a")] }),
        'w.json: clients[1].mac 02:00:00:00:00:7a: clients[0] ("a") and clients[1] ("b") have the same MAC; each client needs its own',
    )
    // the second's default is 02:c1:00:00:00:02 (its position), which the first wrote out
    t.regex(
        problems({ accessPoints: [], clients: [phone("a", "02:c1:00:00:00:02"), phone("b")] }),
        /clients\[1\]\.mac 02:c1:00:00:00:02: clients\[0\] \("a"\) and clients\[1\] \("b"\) by default have the same MAC/,
    )
    const w = parseWorld({ accessPoints: [], clients: [phone("a"), phone("b", "02:00:00:00:00:7b")] }, "w.json")
    t.deepEqual(
        w.clients.map((c) => [c.name, c.mac]),
        [
            ["a", "02:c1:00:00:00:01"],
            ["b", "02:00:00:00:00:7b"],
        ],
    )
})

test("dnsZone: two spellings of one name are refused (matched without regard to case); distinct names are kept", (t) => {
    t.is(
        problems({ accessPoints: [], dnsZone: { "Hub.test": "127.0.0.1", "hub.TEST": "127.0.0.2" } }),
        'w.json: dnsZone: "Hub.test" and "hub.TEST" are one name (names match without regard to case); give it once',
    )
    const w = parseWorld({ accessPoints: [], dnsZone: { "Hub.test": "127.0.0.1", "hub2.test": "127.0.0.2" } }, "w.json")
    t.deepEqual(
        [...w.dnsZone],
        [
            ["hub.test", 0x7f000001],
            ["hub2.test", 0x7f000002],
        ],
    )
})
