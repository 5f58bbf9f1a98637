import test from "ava"
import { runFleetWorld } from "./helpers/fleet"
import { events, runScript, scriptFile } from "./helpers/run"

// The radio model of docs/world-format.md#radio, observed through the
// bytecode on the VM: what scan() and status("rssi") report, and how an
// attempt ends, for antenna gains and uplinks no other test sets. Every
// expected value is worked out by hand from the documented formula,
//
//   PL(d) = PL(1 m) + 10 · n · log10(d)       (40 dB, n = 3 by default)
//   RSSI  = round(txPower + antennaGainDbi − PL(d))
//
// with the default floor (-92 dBm) and marginal band (-92..-90 dBm).

/** Three open APs at 10 m, 20 m and 30 m (a 3-4-5 triangle: [18, 24]), 20 dBm each. */
const threeDistances = (gain: number) => ({
    camera: { position: [0, 0], antennaGainDbi: gain },
    accessPoints: [
        { ssid: "at-10m", security: "open", position: [10, 0] },
        { ssid: "at-20m", security: "open", position: [0, 20] },
        { ssid: "at-30m", security: "open", position: [18, 24] },
    ],
})

const scanAndJoin = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi}\`)
await wlan.connect("at-10m")
await wlan.wait_connected(5000)
console.log(\`joined \${wlan.status("rssi")}\`)
`

// PL(10) = 70, PL(20) = 40 + 30 · 1.30103 = 79.03, PL(30) = 40 + 30 · 1.47712 = 84.31
const byGain: [gain: number, rssi: [number, number, number]][] = [
    [0, [-50, -59, -64]], // 20 - 70, 20 - 79.03 = -59.03, 20 - 84.31 = -64.31
    [6, [-44, -53, -58]], // 26 - 70, 26 - 79.03 = -53.03, 26 - 84.31 = -58.31
    [-6, [-56, -65, -70]], // 14 - 70, 14 - 79.03 = -65.03, 14 - 84.31 = -70.31
    [10, [-40, -49, -54]], // the largest gain allowed
    [-10, [-60, -69, -74]], // the smallest
    [2.6, [-47, -56, -62]], // 22.6 - 70 = -47.4, 22.6 - 79.03 = -56.43, 22.6 - 84.31 = -61.71
]
for (const [gain, [r10, r20, r30]] of byGain)
    test(`antenna gain ${gain} dBi is added to what the camera hears: ${r10}, ${r20}, ${r30} dBm at 10, 20, 30 m`, async (t) => {
        const run = await runScript(scanAndJoin, { world: threeDistances(gain) })
        t.is(run.outcome, "finished", run.error)
        t.deepEqual(run.lines, [`seen at-10m ${r10}`, `seen at-20m ${r20}`, `seen at-30m ${r30}`, `joined ${r10}`])
    })

// The uplink: the camera at 100 m from a 20 dBm access point hears it at
// 20 - 100 = -80 dBm whatever it sends; the access point hears the camera at
// txpower + gain - 100.
const far = (gain = 0) => ({
    camera: { position: [0, 0], antennaGainDbi: gain },
    accessPoints: [{ ssid: "far-net", security: "wpa2-psk", password: "far-password", position: [60, 80] }],
})

/** For each txpower: connect, wait 6 s (past the 4 s handshake timeout), report, disconnect. */
const uplinkScript = (txpowers: number[]) => `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const tx of [${txpowers.join(", ")}]) {
    await wlan.config({ txpower: tx })
    await wlan.connect("far-net", "far-password")
    await time.sleep_ms(6000)
    console.log(\`tx \${tx}: \${wlan.status()} \${wlan.isconnected() ? wlan.status("rssi") : wlan.reason()}\`)
    await wlan.disconnect()
}
`

const REJECTED =
    "the access point did not accept the association (it may be full, or not hear the camera: move closer or raise txpower)"
const HANDSHAKE = "the 4-way handshake timed out (the signal may be too weak)"

test("uplink at its edges: the AP that cannot hear the camera rejects it (203), a marginal uplink loses the handshake (204)", async (t) => {
    const run = await runScript(uplinkScript([7, 8, 10, 11]), { world: far() })
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        `tx 7: 203 ${REJECTED}`, // uplink 7 - 100 = -93: below the floor, while the camera hears the AP at -80
        `tx 8: 204 ${HANDSHAKE}`, // -92: heard, but marginal
        `tx 10: 204 ${HANDSHAKE}`, // -90: the top of the marginal band
        "tx 11: 1010 -80", // -89: enough; the reported RSSI is the downlink's
    ])
    // the reason names in the driver's timeline. tx 7: rejected 1.59 s after connect() (scan +
    // association), retried 0.5 s later and rejected again, the third attempt cut by disconnect() at
    // 6 s; tx 8 and 10: the handshake times out 5.59 s after connect(), before the first retry
    t.deepEqual(
        events(run)
            .filter((e) => e.startsWith("Idle reason="))
            .map((e) => e.split(" ")[1]),
        [
            "reason=AssocRejected",
            "reason=AssocRejected",
            "reason=LeftByRequest",
            "reason=HandshakeTimeout",
            "reason=LeftByRequest",
            "reason=HandshakeTimeout",
            "reason=LeftByRequest",
            "reason=LeftByRequest",
        ],
    )
})

test("antenna gain is added to what the camera sends too: at 2 dBm, 0 dBi is not heard, +8 is marginal, +9 joins", async (t) => {
    const source = uplinkScript([2])
    // 2 + 0 - 100 = -98: rejected; 2 + 8 - 100 = -90: marginal; 2 + 9 - 100 = -89: joins, and the
    // camera then hears the AP at 20 + 9 - 100 = -71
    const [none, eight, nine] = await Promise.all([0, 8, 9].map((g) => runScript(source, { world: far(g) })))
    t.deepEqual(none.lines, [`tx 2: 203 ${REJECTED}`])
    t.deepEqual(eight.lines, [`tx 2: 204 ${HANDSHAKE}`])
    t.deepEqual(nine.lines, ["tx 2: 1010 -71"])
})

test("no key for a password network: CONNECT_FAIL (203), SecurityMismatch, 'needs a password and none was given'", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network")
await time.sleep_ms(3000)
console.log(\`\${wlan.status()} \${wlan.reason()}\`)
`,
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, ["203 the network needs a password and none was given"])
    // found by the scan (0.988 s + 1.56 s), refused at association (30 ms later)
    t.deepEqual(
        run.timeline
            .filter((e) => e.source === "wifi" && e.event === "Idle" && e.detail)
            .map((e) => [e.atMs, e.detail]),
        [[988 + 1560 + 30, "reason=SecurityMismatch ap=my-network (02:ca:00:00:00:01, ch 6) rssi=-44 dBm"]],
    )
})

test("a txpower change while connected re-checks the uplink: 7 dBm at 100 m loses the link 6 s later (200); back to 11 dBm within 6 s, or a marginal 8 dBm, holds it", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("far-net", "far-password")
await wlan.wait_connected(5000)
// the AP hears 7 - 100 = -93 dBm: below the floor, while the camera still hears it at -80
await wlan.config({ txpower: 7 })
await time.sleep_ms(5000)
console.log(\`5 s quiet: \${wlan.isconnected()}\`)
await wlan.config({ txpower: 11 }) // -89: heard again before the 6 s ran out
await time.sleep_ms(10000)
console.log(\`10 s later: \${wlan.isconnected()}\`)
await wlan.config({ txpower: 8 }) // -92: marginal, which an established link survives
await time.sleep_ms(10000)
console.log(\`10 s marginal: \${wlan.isconnected()}\`)
await wlan.config({ txpower: 7 })
const again = time.ticks_ms()
while (wlan.isconnected()) await time.sleep_ms(10)
console.log(\`lost after \${time.ticks_ms() - again} ms: \${wlan.status()} \${wlan.reason()}\`)
`,
        { world: far() },
    )
    t.is(run.outcome, "finished", run.error)
    t.is(run.lines[0], "5 s quiet: true")
    t.is(run.lines[1], "10 s later: true")
    t.is(run.lines[2], "10 s marginal: true")
    // 6 s of missed beacons (BEACON_LOSS_MS), seen by a loop that looks every 10 ms, with the bus's 2 ms
    const lost = /^lost after (\d+) ms: 200 (.*)$/.exec(run.lines[3])
    t.truthy(lost, run.lines.join("\n"))
    t.true(Number(lost![1]) >= 6000 && Number(lost![1]) <= 6000 + 2 + 10, lost![1])
    t.is(lost![2], "the access point's beacons stopped (it went out of range or was switched off)")
    t.is(events(run).filter((e) => e.startsWith("Idle reason=BeaconTimeout")).length, 1)
})

test("the floor and the marginal band at their edges: heard at 261 m (-92), not at 262 m (-93); a handshake at 207 m (-89), not at 208 m (-90)", async (t) => {
    // 20 - (40 + 30 log10 d): 261 m -92.50 -> -92, 262 m -92.55 -> -93, 207 m -89.48 -> -89, 208 m -89.54 -> -90
    const world = {
        accessPoints: [
            { ssid: "at-261m", security: "open", position: [261, 0] },
            { ssid: "at-262m", security: "open", position: [0, 262] },
            { ssid: "at-207m", security: "wpa2-psk", password: "edge-password", position: [-207, 0] },
            { ssid: "at-208m", security: "wpa2-psk", password: "edge-password", position: [0, -208] },
        ],
    }
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi}\`)
for (const ssid of ["at-208m", "at-207m"]) {
    await wlan.connect(ssid, "edge-password")
    await time.sleep_ms(6000)
    console.log(\`\${ssid}: \${wlan.status()} \${wlan.isconnected() ? wlan.status("rssi") : wlan.reason()}\`)
    await wlan.disconnect()
}
`,
        { world },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "seen at-207m -89",
        "seen at-208m -90",
        "seen at-261m -92",
        `at-208m: 204 ${HANDSHAKE}`,
        "at-207m: 1010 -89",
    ])
})

test("the world's radio numbers are used: n = 2, 30 dB at 1 m, a -80 dBm floor", async (t) => {
    // 20 - (30 + 20 log10 d): 0.5 m counts as 1 m: -10; 100 m: -50; 1000 m: -70; 10 km: -90, below -80
    const world = {
        radio: { pathLossExponent: 2, referenceLossDb: 30, sensitivityDbm: -80 },
        accessPoints: [
            { ssid: "at-0.5m", security: "open", position: [0.3, 0.4] },
            { ssid: "at-100m", security: "open", position: [100, 0] },
            { ssid: "at-1km", security: "open", position: [0, 1000] },
            { ssid: "at-10km", security: "open", position: [-10_000, 0] },
        ],
    }
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi}\`)
`,
        { world },
    )
    t.deepEqual(run.lines, ["seen at-0.5m -10", "seen at-100m -50", "seen at-1km -70"])
})

test("in a fleet each camera's own antenna gain counts: +6 dBi and -6 dBi side by side, 10 m from the AP, read -44 and -56", async (t) => {
    const script = scriptFile(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi}\`)
`)
    const r = await runFleetWorld(
        {
            accessPoints: [{ ssid: "site", security: "open", position: [10, 0] }],
            cameras: [
                { name: "loud", position: [0, 0], antennaGainDbi: 6 },
                { name: "quiet", position: [0, 0], antennaGainDbi: -6 },
                { name: "plain", position: [0, 0] },
            ],
        },
        { script, timeout: "10s" },
    )
    // 20 +/- 6 - 70
    t.deepEqual(
        r.cameras.map((c) => [c.name, c.output.map((l) => l.text)]),
        [
            ["loud", ["seen site -44"]],
            ["quiet", ["seen site -56"]],
            ["plain", ["seen site -50"]],
        ],
    )
})

test("an access point's txPowerDbm sets what the camera hears of it, not what it hears of the camera", async (t) => {
    // 10 m (PL 70): 30 dBm -> -40, 5 dBm -> -65; 100 m (PL 100): 30 dBm -> -70, heard; 0 dBm -> -100, not heard
    const world = {
        accessPoints: [
            { ssid: "loud-10m", security: "open", position: [10, 0], txPowerDbm: 30 },
            { ssid: "soft-10m", security: "open", position: [0, 10], txPowerDbm: 5 },
            { ssid: "loud-100m", security: "open", position: [60, 80], txPowerDbm: 30 },
            { ssid: "silent-100m", security: "open", position: [-60, -80], txPowerDbm: 0 },
        ],
    }
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi}\`)
// the loud AP 100 m away: heard at -70, but it hears a 7 dBm camera at 7 - 100 = -93: rejected
await wlan.config({ txpower: 7 })
await wlan.connect("loud-100m")
await time.sleep_ms(2000)
console.log(\`\${wlan.status()} \${wlan.reason()}\`)
`,
        { world },
    )
    t.deepEqual(run.lines, ["seen loud-10m -40", "seen soft-10m -65", "seen loud-100m -70", `203 ${REJECTED}`])
})

test("several access points with one name: the strongest is joined, and kept (no roaming) when another becomes stronger", async (t) => {
    // A at 10 m (-50 dBm), B at 50 m (20 - (40 + 30 log10 50) = -70.97: -71); at 30 s the camera moves
    // to [40, 0]: A 30 m away (-64.31: -64), B 10 m away (-50)
    const world = {
        accessPoints: [
            { name: "a", ssid: "mesh", security: "open", position: [10, 0], bssid: "02:00:00:00:00:0a" },
            { name: "b", ssid: "mesh", security: "open", position: [50, 0], bssid: "02:00:00:00:00:0b" },
        ],
        events: [{ at: "30s", action: "move-camera", to: [40, 0] }],
    }
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("mesh")
await wlan.wait_connected(5000)
console.log(\`joined rssi \${wlan.status("rssi")}\`)
await time.sleep_ms(40000)
console.log(\`after the move \${wlan.isconnected()} rssi \${wlan.status("rssi")}\`)
`,
        { world },
    )
    t.deepEqual(run.lines, ["joined rssi -50", "after the move true rssi -64"])
    const joins = events(run).filter((e) => e.startsWith("Associating"))
    t.deepEqual(joins, ["Associating ap=mesh (02:00:00:00:00:0a, ch 6) rssi=-50 dBm"])
})
