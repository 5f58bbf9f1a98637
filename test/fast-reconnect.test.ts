import test from "ava"
import { AUTH_ASSOC_MS, DHCP_REUSE_SHARE, FULL_SCAN_MS, SCAN_DWELL_MS, WPA2_HANDSHAKE_MS } from "../sim/radio/timing"
import { runScript, type ScriptRun } from "./helpers/run"
import { defaultWorldJson } from "./helpers/worlds"

// Fast reconnect: a camera that restarts goes straight to the access point it
// last joined, on its channel, and asks DHCP for the same address; it takes
// the full path by itself when the AP moved or the address is refused. The
// board's flash is carried from one run to the next, as a restart keeps it.

// joins, then "uploads" for a second (the memory is written to flash just
// after the link comes up, in a fiber of its own)
const JOIN = `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
console.log(\`up \${wlan.ifconfig()[0]} status \${wlan.status()}\`)
await time.sleep_ms(1000)
`

const DHCP_MS = 300 // the default world's dhcp.delay
const defaultWorld = () =>
    defaultWorldJson<{
        accessPoints: { channel: number; dhcp: { subnet: string; gateway: string; dns: string[] } }[]
    }>()

/** Simulated ms from the first Scanning to GotAddress, from the timeline. */
function linkUpMs(run: ScriptRun): number {
    const wifi = run.timeline.filter((e) => e.source === "wifi")
    const scan = wifi.find((e) => e.event === "Scanning")
    const up = wifi.find((e) => e.event === "GotAddress")
    if (!scan || !up) throw new Error(`no link-up in ${JSON.stringify(wifi.map((e) => e.event))}`)
    return up.atMs - scan.atMs
}

const scans = (run: ScriptRun) => run.timeline.filter((e) => e.source === "wifi" && e.event === "Scanning").length

test("a restart goes straight back: one channel's dwell and DHCP reuse, at most 25% of a cold link-up", async (t) => {
    const flash = {}
    const cold = await runScript(JOIN, { flash })
    t.deepEqual(cold.lines, ["up 192.168.1.100 status 1010"])
    t.is(linkUpMs(cold), FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS) // 1930 ms

    const warm = await runScript(JOIN, { flash })
    t.deepEqual(warm.lines, ["up 192.168.1.100 status 1010"])
    t.is(linkUpMs(warm), SCAN_DWELL_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS * DHCP_REUSE_SHARE) // 340 ms
    t.true(linkUpMs(warm) <= 0.25 * linkUpMs(cold))
    t.true(warm.timeline.some((e) => e.event === "dhcp-lease" && e.detail.includes("confirmed 192.168.1.100")))
})

test("the access point moved channel: the hinted channel first, then the others, in one attempt", async (t) => {
    const flash = {}
    await runScript(JOIN, { flash })
    const moved = defaultWorld()
    moved.accessPoints[0].channel = 11
    const run = await runScript(`${JOIN}console.log(\`reason "\${wlan.reason()}"\`)\n`, { flash, world: moved })
    t.deepEqual(run.lines, ["up 192.168.1.100 status 1010", 'reason ""'])
    t.is(scans(run), 1)
    // the hinted channel's dwell plus the other twelve is a full scan: the miss
    // costs nothing over a cold start, and the address is still reused
    t.is(linkUpMs(run), FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS * DHCP_REUSE_SHARE)

    // and the new channel is what the next restart remembers
    const again = await runScript(JOIN, { flash, world: moved })
    t.is(linkUpMs(again), SCAN_DWELL_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS * DHCP_REUSE_SHARE)
})

test("the access point was replaced (another BSSID): the remembered one is not found, the station joins the new one", async (t) => {
    const flash = {}
    await runScript(JOIN, { flash })
    const replaced = defaultWorld() as unknown as { accessPoints: Record<string, unknown>[] }
    replaced.accessPoints[0].bssid = "02:ca:00:00:00:99"
    const run = await runScript(`${JOIN}console.log(\`reason "\${wlan.reason()}"\`)\n`, { flash, world: replaced })
    t.deepEqual(run.lines, ["up 192.168.1.100 status 1010", 'reason ""'])
    // a full scan for the old BSSID finds nothing; the bytecode drops the memory and scans for the name
    t.is(scans(run), 2)
    t.true(run.timeline.some((e) => e.event === "Idle" && e.detail.includes("reason=NoApFound")))
    t.true(run.timeline.some((e) => e.event === "GotAddress" && e.detail.includes("02:ca:00:00:00:99")))
})

test("the remembered address is refused (the network was renumbered): NAK, then the full DHCP exchange", async (t) => {
    const flash = {}
    await runScript(JOIN, { flash })
    const renumbered = defaultWorld()
    renumbered.accessPoints[0].dhcp = { subnet: "10.9.0.0/24", gateway: "10.9.0.1", dns: ["10.9.0.1"] }
    const run = await runScript(JOIN, { flash, world: renumbered })
    t.deepEqual(run.lines, ["up 10.9.0.100 status 1010"])
    t.true(run.timeline.some((e) => e.event === "dhcp-nak" && e.detail.startsWith("192.168.1.100 refused")))
    t.is(linkUpMs(run), SCAN_DWELL_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS * DHCP_REUSE_SHARE + DHCP_MS)
})

test("a pinned BSSID and a static address are the user's: no remembered AP, no address asked for", async (t) => {
    const flash = {}
    await runScript(JOIN, { flash })
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.ifconfig(["192.168.1.77", "255.255.255.0", "192.168.1.1", "192.168.1.1"])
await wlan.connect("my-network", "my-password", { bssid: "02:ca:00:00:00:01" })
await wlan.wait_connected(20000)
console.log(\`up \${wlan.ifconfig()[0]}\`)
`,
        { flash },
    )
    t.deepEqual(run.lines, ["up 192.168.1.77"])
    t.is(linkUpMs(run), FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS)
    t.false(run.timeline.some((e) => e.event === "dhcp-lease"))
})

test("without a flash kept between runs every start is cold", async (t) => {
    const first = await runScript(JOIN)
    const second = await runScript(JOIN)
    t.is(linkUpMs(first), linkUpMs(second))
    t.is(linkUpMs(second), FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + DHCP_MS)
})
