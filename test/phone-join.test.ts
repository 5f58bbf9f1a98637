import test from "ava"
import { Air } from "../sim/radio/air"
import { phoneJoin, type OfferedNetwork } from "../sim/radio/phone-join"
import { Timeline } from "../sim/timeline"
import { type ClientConfig, parseWorld } from "../sim/world/world"

// The one phone-join decision (sim/radio/phone-join.ts) both access points
// use: the model driver and ESP-IDF's simulated soft-AP. Expected values are
// worked out here from docs/world-format.md: PL(d) = 40 + 30 * log10(d) dB,
// sensitivity -92 dBm, RSSI rounded to whole dBm; a phone sends at 15 dBm,
// the camera at 20; a join takes AUTH_ASSOC_MS (30 ms) plus the WPA2
// handshake (40 ms), a wrong password is refused after 30 + 4000 ms.

const clock = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined }

/** The camera at the origin and one phone at `x` metres, joining "setup". */
function phoneAt(x: number, phone: object = {}): { air: Air; phone: ClientConfig } {
    const world = parseWorld(
        {
            accessPoints: [{ ssid: "elsewhere", security: "open", position: [500, 0] }],
            clients: [{ name: "phone", position: [x, 0], joins: "setup", password: "setup-1234", at: 0, ...phone }],
        },
        "w.json",
    )
    return { air: new Air(world, clock, new Timeline(clock.now)), phone: world.clients[0] }
}

const wpa2: OfferedNetwork = { ssid: "setup", open: false, key: "setup-1234", maxClients: 4, stations: 0 }

test("heard at the edge: the last metre a 15 dBm phone is heard joins, the next is not found", (t) => {
    // 15 - 40 - 30 * log10(d) rounds to -92 up to d = 10^(67.5 / 30) = 177.83 m
    const edge = Math.floor(10 ** (67.5 / 30))
    t.is(edge, 177)
    const near = phoneAt(edge)
    t.deepEqual(phoneJoin(near.air, near.phone, wpa2), { outcome: "associated", afterMs: 70, heardDbm: -92 })
    const far = phoneAt(edge + 1)
    t.deepEqual(phoneJoin(far.air, far.phone, wpa2), { outcome: "not-found" })
})

test("both ways: a phone the camera hears but that cannot hear the camera does not find the network", (t) => {
    // at 100 m: PL = 100 dB; the phone (20 dBm) is heard at -80, the camera at 2 dBm reaches it at -98
    const { air, phone } = phoneAt(100, { txPowerDbm: 20 })
    t.deepEqual(phoneJoin(air, phone, wpa2), { outcome: "associated", afterMs: 70, heardDbm: -80 })
    air.cameraTxPowerDbm = 2
    t.deepEqual(phoneJoin(air, phone, wpa2), { outcome: "not-found" })
    // the camera at 9 dBm reaches it at -91: heard again
    air.cameraTxPowerDbm = 9
    t.is(phoneJoin(air, phone, wpa2).outcome, "associated")
})

test("full: the last place is taken, the one before is not", (t) => {
    const { air, phone } = phoneAt(10)
    t.is(phoneJoin(air, phone, { ...wpa2, stations: 3 }).outcome, "associated")
    t.deepEqual(phoneJoin(air, phone, { ...wpa2, stations: 4 }), {
        outcome: "full",
        detail: "phone: the network is full (max_clients 4)",
    })
})

test("a wrong password is refused after the access point's retries, naming neither password", (t) => {
    const { air, phone } = phoneAt(10, { password: "guess-1234" })
    const join = phoneJoin(air, phone, wpa2)
    t.deepEqual(join, { outcome: "wrong-password", detail: `phone (${phone.mac}): wrong password`, afterMs: 4030 })
    t.false(JSON.stringify(join).includes("setup-1234"))
    t.false(JSON.stringify(join).includes("guess-1234"))
})

test("an open network takes any phone without a handshake; another name or no network is not found", (t) => {
    const { air, phone } = phoneAt(10, { password: "anything" })
    // at 10 m: 15 - 70 = -55
    t.deepEqual(phoneJoin(air, phone, { ...wpa2, open: true, key: "" }), {
        outcome: "associated",
        afterMs: 30,
        heardDbm: -55,
    })
    t.deepEqual(phoneJoin(air, phone, { ...wpa2, ssid: "other" }), { outcome: "not-found" })
    t.deepEqual(phoneJoin(air, phone, undefined), { outcome: "not-found" })
})
