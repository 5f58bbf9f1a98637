import test from "ava"
import { Air } from "../sim/radio/air"
import { Timeline } from "../sim/timeline"
import { parseWorld } from "../sim/world/world"

// The shared medium (sim/radio/air.ts) on its own: what the camera and each
// access point hear of each other, the DHCP servers' answers, associations,
// and the world's timed events, with the timeline lines each one writes.
// Expected RSSI values are worked out by hand from the log-distance formula
// of docs/world-format.md: PL(d) = 40 + 10 * 3 * log10(d) dB (d >= 1 m).

/** A clock whose timers are only recorded: the test fires them itself. */
function recordingClock(startMs = 0) {
    let now = startMs
    const timers: { ms: number; fn: () => void }[] = []
    return {
        timers,
        clock: {
            now: () => now,
            setTimeout: (fn: () => void, ms: number) => timers.push({ fn, ms }),
            clearTimeout: () => undefined,
        },
        set: (ms: number) => (now = ms),
    }
}

function airOf(world: object, startMs = 0) {
    const c = recordingClock(startMs)
    const timeline = new Timeline(c.clock.now)
    const air = new Air(parseWorld(world, "w.json"), c.clock, timeline)
    return { air, timeline, ...c }
}

test("reception: the camera's antenna gain is added both ways, over the straight-line distance", (t) => {
    // camera at (1, 1), AP at (4, 5): d = 5 m, PL = 40 + 30 * log10(5) = 60.969 dB
    const { air } = airOf({
        camera: { position: [1, 1], antennaGainDbi: 2 },
        accessPoints: [{ ssid: "a", security: "open", position: [4, 5], txPowerDbm: 17 }],
    })
    t.deepEqual(air.cameraPosition, [1, 1])
    air.cameraTxPowerDbm = 10
    const r = air.reception(air.accessPoints[0])
    t.is(r.ap, air.accessPoints[0])
    // downlink: 17 + 2 - 60.969 = -41.97 -> -42; uplink: 10 + 2 - 60.969 = -48.97 -> -49
    t.is(r.rssi, -42)
    t.is(r.uplinkRssi, -49)
})

test("audible access points: powered ones at or above -92 dBm, strongest first", (t) => {
    // camera at the origin; at 10 m PL = 70 dB, at 100 m PL = 100 dB
    const { air } = airOf({
        accessPoints: [
            { name: "far", ssid: "a", security: "open", position: [100, 0], txPowerDbm: 20 }, // -80
            { name: "edge", ssid: "b", security: "open", position: [0, 100], txPowerDbm: 8 }, // -92: heard
            { name: "near", ssid: "c", security: "open", position: [10, 0], txPowerDbm: 20 }, // -50
            { name: "under", ssid: "d", security: "open", position: [0, -100], txPowerDbm: 7 }, // -93: not
            { name: "off", ssid: "e", security: "open", position: [1, 0], poweredOn: false },
        ],
    })
    const heard = air.audibleAccessPoints()
    t.deepEqual(
        heard.map((r) => [r.ap.config.name, r.rssi]),
        [
            ["near", -50],
            ["far", -80],
            ["edge", -92],
        ],
    )
})

test("byName finds an access point by its name and names the one it cannot find", (t) => {
    const { air } = airOf({
        accessPoints: [
            { name: "one", ssid: "a", security: "open", position: [0, 0] },
            { name: "two", ssid: "b", security: "open", position: [0, 0] },
        ],
    })
    t.is(air.byName("two"), air.accessPoints[1])
    t.is(air.byName("one"), air.accessPoints[0])
    t.throws(() => air.byName("three"), { message: 'no access point "three"' })
})

test("DHCP: leases from the pool with a timeline line each, then 'no free address' when it is exhausted", (t) => {
    // 10.0.0.0/29: hosts .1 .. .6, the gateway is .1, so the pool is .2 .. .6 (5 addresses)
    const { air, timeline } = airOf({
        accessPoints: [{ name: "ap", ssid: "a", security: "open", position: [0, 0], dhcp: { subnet: "10.0.0.0/29" } }],
    })
    const ap = air.accessPoints[0]
    t.is(air.lease(ap, "m1"), 0x0a000002)
    t.deepEqual(timeline.entries, [
        { atMs: 0, source: "world", event: "dhcp-lease", detail: "ap leased 10.0.0.2 to m1" },
    ])
    for (const m of ["m2", "m3", "m4", "m5"]) t.not(air.lease(ap, m), undefined)
    timeline.entries.length = 0
    t.is(air.lease(ap, "m6"), undefined)
    t.deepEqual(timeline.entries, [
        { atMs: 0, source: "world", event: "dhcp-no-lease", detail: "ap has no free address for m6 (all 5 leased)" },
    ])
})

test("DHCP: a request for a remembered address is confirmed (with a line) only for its holder", (t) => {
    const { air, timeline } = airOf({
        accessPoints: [{ name: "ap", ssid: "a", security: "open", position: [0, 0], dhcp: { subnet: "10.0.0.0/29" } }],
    })
    const ap = air.accessPoints[0]
    air.lease(ap, "m1")
    timeline.entries.length = 0
    t.false(air.requestLease(ap, "m2", 0x0a000002))
    t.deepEqual(timeline.entries, [])
    t.true(air.requestLease(ap, "m1", 0x0a000002))
    t.deepEqual(timeline.entries, [
        { atMs: 0, source: "world", event: "dhcp-lease", detail: "ap confirmed 10.0.0.2 for m1" },
    ])
})

test("DHCP renewal: an ACK with the lease in ms, a NAK for someone else's address, silence when off or DHCP is off", (t) => {
    const { air } = airOf({
        accessPoints: [
            {
                name: "ap",
                ssid: "a",
                security: "open",
                position: [0, 0],
                dhcp: { subnet: "10.0.0.0/29", leaseSeconds: 600 },
            },
        ],
    })
    const ap = air.accessPoints[0]
    air.lease(ap, "m1")
    air.lease(ap, "m2")
    t.deepEqual(air.renewLease(ap, "m1", 0x0a000002), { ack: true, leaseMs: 600_000 })
    t.is(air.renewLease(ap, "m1", 0x0a000003), "nak")
    ap.dhcpEnabled = false
    t.is(air.renewLease(ap, "m1", 0x0a000002), "silent")
    ap.dhcpEnabled = true
    ap.poweredOn = false
    t.is(air.renewLease(ap, "m1", 0x0a000002), "silent")
})

test("associations: without limits every station is taken, and one station is on one access point at a time", (t) => {
    const { air, timeline } = airOf({
        accessPoints: [
            { name: "one", ssid: "a", security: "open", position: [0, 0] },
            { name: "two", ssid: "b", security: "open", position: [0, 0] },
        ],
    })
    const [one, two] = air.accessPoints
    for (const m of ["m1", "m2", "m3"]) t.true(air.associate(one, m))
    t.true(air.associate(two, "m2"))
    t.deepEqual([...one.stations], ["m1", "m3"])
    t.deepEqual([...two.stations], ["m2"])
    air.dissociate("m1")
    t.deepEqual([...one.stations], ["m3"])
    t.deepEqual(timeline.entries, [])
    // without joinsPerSecond no join times are kept: a long run must not grow a list nobody reads
    t.deepEqual(one.joins, [])
})

test("a full access point's refusal is a world line", (t) => {
    const { air, timeline } = airOf({
        accessPoints: [{ name: "ap", ssid: "a", security: "open", position: [0, 0], maxClients: 1 }],
    })
    const ap = air.accessPoints[0]
    t.true(air.associate(ap, "m1"))
    t.false(air.associate(ap, "m2"))
    t.deepEqual(timeline.entries, [
        { atMs: 0, source: "world", event: "assoc-refused", detail: "ap is full (1 of 1): refused m2" },
    ])
})

test("a busy access point's refusal is a world line; joins older than a second no longer count", (t) => {
    const { air, timeline, set } = airOf({
        accessPoints: [{ name: "ap", ssid: "a", security: "open", position: [0, 0], joinsPerSecond: 1 }],
    })
    const ap = air.accessPoints[0]
    set(5000)
    t.true(air.associate(ap, "m1"))
    set(5999)
    t.false(air.associate(ap, "m2"))
    t.is(timeline.entries.length, 1)
    t.like(timeline.entries[0], { source: "world", event: "assoc-busy" })
    // exactly one second later the first join has left the window
    set(6000)
    t.true(air.associate(ap, "m2"))
})

/** A world with one event of every kind the air applies, and some it does not. */
const eventWorld = {
    camera: { position: [1, 1] },
    accessPoints: [
        { name: "ap", ssid: "a", security: "wpa2-psk", password: "first-pass", position: [0, 0] },
        { name: "other", ssid: "b", security: "open", position: [0, 0] },
    ],
    ethernet: {},
    clients: [{ name: "phone", position: [0, 0], joins: "cam", at: "1s" }],
    events: [
        { at: "8s", action: "dhcp-renumber", accessPoint: "ap", subnet: "10.9.8.0/24" },
        { at: "1s", action: "power-off", accessPoint: "ap" },
        { at: "2s", action: "power-on", accessPoint: "ap" },
        { at: "3s", action: "set-password", accessPoint: "ap", password: "second-pass" },
        { at: "4s", action: "dhcp-off", accessPoint: "ap" },
        { at: "5s", action: "dhcp-on", accessPoint: "ap" },
        { at: "6s", action: "move-camera", to: [7, 8] },
        { at: "7s", action: "set-channel", accessPoint: "ap", channel: 11 },
        // not the air's: the wire's, a client's, the driver's
        { at: "500ms", action: "unplug-cable" },
        { at: "600ms", action: "client-join", client: "phone" },
        { at: "700ms", action: "restart-driver" },
    ],
}

test("start schedules only the air's events, each at its time from now", (t) => {
    const { air, timers } = airOf(eventWorld, 250)
    t.deepEqual(timers, [])
    air.start()
    // events come sorted by time; the clock reads 250 ms
    t.deepEqual(
        timers.map((x) => x.ms),
        [750, 1750, 2750, 3750, 4750, 5750, 6750, 7750],
    )
})

test("each timed event changes the air, writes its world line (never a password) and tells the listeners", (t) => {
    const { air, timers, timeline, set } = airOf(eventWorld)
    const ap = air.accessPoints[0]
    const other = air.accessPoints[1]
    let told = 0
    air.onChange(() => told++)
    air.start()
    air.lease(ap, "cam")
    air.associate(ap, "cam")
    air.associate(other, "phone2")
    timeline.entries.length = 0
    const fire = (i: number) => {
        set((i + 1) * 1000)
        timers[i].fn()
        return timeline.entries.at(-1)
    }

    t.deepEqual(fire(0), { atMs: 1000, source: "world", event: "power-off", detail: "ap" })
    t.false(ap.poweredOn)
    t.deepEqual([...ap.stations], [], "a restarted AP remembers no associations")
    t.deepEqual([...other.stations], ["phone2"])
    t.true(other.poweredOn)
    t.is(told, 1)

    t.deepEqual(fire(1), { atMs: 2000, source: "world", event: "power-on", detail: "ap" })
    t.true(ap.poweredOn)

    t.like(fire(2), { event: "set-password", detail: "ap" })
    t.is(ap.password, "second-pass")
    t.is(ap.passwordEpoch, 1)

    t.like(fire(3), { event: "dhcp-off", detail: "ap" })
    t.false(ap.dhcpEnabled)
    t.true(other.dhcpEnabled)
    t.like(fire(4), { event: "dhcp-on", detail: "ap" })
    t.true(ap.dhcpEnabled)

    t.like(fire(5), { source: "world", event: "move-camera", detail: "camera to [7, 8]" })
    t.deepEqual(air.cameraPosition, [7, 8])

    t.like(fire(6), { event: "set-channel", detail: "ap to channel 11" })
    t.is(ap.channel, 11)
    t.is(other.channel, 6)

    t.is(ap.leases.size, 1)
    t.like(fire(7), { event: "dhcp-renumber", detail: "ap now serves 10.9.8.0/24" })
    t.is(ap.dhcp.network, 0x0a090800)
    t.is(ap.leases.size, 0, "the old lease table means nothing on a new subnet")

    t.is(told, 8)
    t.is(timeline.entries.length, 8)
    t.false(
        timeline.entries.some((e) => e.detail.includes("pass")),
        "no password in the timeline",
    )
})

test("changed() tells every listener", (t) => {
    const { air } = airOf({ accessPoints: [{ ssid: "a", security: "open", position: [0, 0] }] })
    const heard: string[] = []
    air.onChange(() => heard.push("a"))
    air.onChange(() => heard.push("b"))
    air.changed()
    t.deepEqual(heard, ["a", "b"])
})

test("a second camera's air shares the access points it is given", (t) => {
    const first = airOf({ accessPoints: [{ ssid: "a", security: "open", position: [0, 0] }] })
    const second = new Air(first.air.world, first.clock, first.timeline, first.air.accessPoints)
    t.is(second.accessPoints, first.air.accessPoints)
    second.accessPoints[0].poweredOn = false
    t.false(first.air.accessPoints[0].poweredOn)
})
