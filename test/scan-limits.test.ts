import test from "ava"
import { runScript, type ScriptRun } from "./helpers/run"

// A scan that hears many networks keeps only the strongest SCAN_MAX_RESULTS
// (20): a list of 100 once ran the VM's 64 KB heap out. The driver reports
// at most the 32 strongest (as the firmware does); of those, the ones not
// kept are counted in status("scan_dropped"). scan({ max, ssid }) asks for
// fewer.

const CAP = 20
const DRIVER_REPORTS = 32

/** `n` open networks in a row, 0.8 m apart; every fifth is called "shop". */
function crowd(n: number) {
    const hex = (v: number) => v.toString(16).padStart(2, "0")
    const accessPoints = []
    for (let i = 0; i < n; i++)
        accessPoints.push({
            name: `ap-${i}`,
            ssid: i % 5 === 2 ? "shop" : `net-${i}`,
            bssid: `02:aa:00:00:${hex(i >> 8)}:${hex(i & 255)}`,
            security: "open",
            position: [1 + i * 0.8, 0],
            dhcp: { subnet: `10.${i >> 8}.${i & 255}.0/24` },
        })
    return {
        radio: { pathLossExponent: 3, referenceLossDb: 40, sensitivityDbm: -92 },
        camera: { position: [0, 0], antennaGainDbi: 0 },
        accessPoints,
    }
}

/** What the radio reports for network i: 20 dBm, log-distance loss, whole dBm. */
function rssi(i: number): number {
    const d = Math.max(1, 1 + i * 0.8)
    return Math.round(20 - (40 + 30 * Math.log10(d)))
}

/** The expected line: the `max` strongest of those named `ssid` (ties in world order). */
function expected(label: string, n: number, max: number, ssid?: string): string {
    const heard = [...Array(n).keys()]
        .map((i) => ({ name: i % 5 === 2 ? "shop" : `net-${i}`, rssi: rssi(i), i }))
        .filter((r) => r.rssi >= -92)
        .sort((a, b) => b.rssi - a.rssi || a.i - b.i)
        .slice(0, DRIVER_REPORTS)
        .filter((r) => ssid === undefined || r.name === ssid)
    const kept = heard.slice(0, max)
    return `${label}: ${kept.length} dropped ${heard.length - kept.length} ${kept.map((r) => `${r.name}@${r.rssi}`).join(",")}`
}

const SCRIPT = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
function show(label: string, list: any[]) {
    let names = ""
    for (const r of list) names += (names ? "," : "") + r.ssid + "@" + r.rssi
    console.log(label + ": " + list.length + " dropped " + wlan.status("scan_dropped") + " " + names)
}
show("all", await wlan.scan())
show("max 5", await wlan.scan({ max: 5 }))
show("shop", await wlan.scan({ ssid: "shop" }))
show("shop max 2", await wlan.scan({ ssid: "shop", max: 2 }))
show("nowhere", await wlan.scan({ ssid: "nowhere" }))
show("max ${CAP}", await wlan.scan({ max: ${CAP} }))
async function probe(name: string, options: any) {
    try {
        await wlan.scan(options)
        console.log(name + ": no error")
    } catch (e) {
        console.log(name + ": " + (e as Error).message)
    }
}
await probe("max 0", { max: 0 })
await probe("max ${CAP + 1}", { max: ${CAP + 1} })
await probe("max 1.5", { max: 1.5 })
await probe("max string", { max: "5" })
await probe("ssid 33 bytes", { ssid: "${"s".repeat(33)}" })
await probe("ssid number", { ssid: 5 })
await probe("unknown key", { limit: 5 })
await probe("not an object", "shop")
await probe("null", null)
`

async function scanIn(n: number): Promise<ScriptRun> {
    return runScript(SCRIPT, { world: crowd(n), timeout: "5m" })
}

function checkRun(t: import("ava").ExecutionContext, run: ScriptRun, n: number) {
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines.slice(0, 6), [
        expected("all", n, CAP),
        expected("max 5", n, 5),
        expected("shop", n, CAP, "shop"),
        expected("shop max 2", n, 2, "shop"),
        expected("nowhere", n, CAP, "nowhere"),
        expected(`max ${CAP}`, n, CAP),
    ])
    t.deepEqual(run.lines.slice(6), [
        `max 0: scan(): max must be an integer 1..${CAP}, got 0`,
        `max ${CAP + 1}: scan(): max must be an integer 1..${CAP}, got ${CAP + 1}`,
        `max 1.5: scan(): max must be an integer 1..${CAP}, got 1.5`,
        `max string: scan(): max must be an integer 1..${CAP}, got "5"`,
        "ssid 33 bytes: scan(): the network name (ssid) must be 1..32 bytes, got 33",
        "ssid number: scan(): the network name (ssid) must be a string of 1..32 bytes, got number",
        'unknown key: scan(): unknown option "limit"; allowed: max, ssid',
        'not an object: scan(): options must be an object like { max: 10, ssid: "name" }, got "shop"',
        'null: scan(): options must be an object like { max: 10, ssid: "name" }, got null',
    ])
}

test("300 networks heard: the driver reports 32, the 20 strongest are kept, 12 counted as dropped; max and ssid narrow it", async (t) => {
    t.is(Math.min(...[...Array(300).keys()].map(rssi)), -91, "all 300 are audible")
    t.is(expected("all", 300, CAP).split(" ")[3], "12")
    checkRun(t, await scanIn(300), 300)
})

test("100 networks heard (an apartment block): the script survives and keeps the 20 strongest", async (t) => {
    checkRun(t, await scanIn(100), 100)
})

for (const n of [CAP - 1, CAP, CAP + 1, DRIVER_REPORTS + 1])
    test(`the edge of the cap: ${n} networks heard`, async (t) => {
        const run = await scanIn(n)
        checkRun(t, run, n)
        const reported = Math.min(n, DRIVER_REPORTS)
        t.true(run.lines[0].startsWith(`all: ${Math.min(n, CAP)} dropped ${Math.max(0, reported - CAP)} `))
    })
