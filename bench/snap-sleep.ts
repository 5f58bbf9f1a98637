// npm run bench:sleep: one battery camera's snapshot cycle on the default
// world (wake, join, capture a VGA frame, sleep 10 minutes), simulated
// through the compiled bytecode on the virtual clock. The figure boards are
// compared by: the time awake per cycle (wake to sleep), with fast
// reconnect's memory (every wake after the first) against without it (a
// board whose flash holds no memory: every wake is a cold join), and an
// energy estimate from documented currents. Not a test: docs/power.md keeps
// a run's table. (The upload, when it lands, goes between capture and sleep.)
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { loadWorldFile } from "../sim/world/world"
import { fromRoot } from "../project/paths"
import { scriptFile } from "./script-file"

const board = loadBoard("ai_thinker_esp32_cam")
const SLEEP_MS = 600_000
const CYCLES = 4

const CYCLE = `
import { network, camera, machine } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
const cam = new camera.Camera()
await cam.init({ framesize: "VGA" })
const frame = await cam.capture()
console.log(\`frame \${frame.length} bytes\`)
await frame.release()
await machine.deepsleep(${SLEEP_MS})
`

/**
 * Currents, mA. The chip: ESP32 datasheet (ESP-WROOM-32 user manual,
 * Table 5 "Power Consumption by Power Modes"): Wi-Fi RX and listening
 * 80-90 mA (90 taken for the whole wake: it ignores the short transmit
 * bursts of 160-260 mA and the camera), deep sleep with the RTC timer and
 * RTC memory 10 uA. The AI-Thinker ESP32-CAM board as measured by its users
 * (cicciocb.com forum, "Sleep mode on ESP32-Cam", 2021): 190 mA running
 * without the flash LED, 4.4 mA asleep (the AMS1117 regulator and the
 * camera's supply stay on).
 */
const PROFILES = [
    { name: "ESP32 chip (datasheet)", awakeMa: 90, asleepMa: 0.01 },
    { name: "AI-Thinker ESP32-CAM board (measured)", awakeMa: 190, asleepMa: 4.4 },
]

/** Wake-to-sleep spans of one run, ms: the first starts at the run's start. */
function awakeSpans(timeline: TimelineEntry[]): number[] {
    const spans: number[] = []
    let from = 0
    for (const e of timeline) {
        if (e.source !== "sim") continue
        if (e.event === "wake") from = e.atMs
        if (e.event === "deep-sleep") spans.push(e.atMs - from)
    }
    return spans
}

async function main() {
    const script = await compileScript(scriptFile(CYCLE), { board, hostname: "camscript" })
    const world = loadWorldFile(fromRoot("sim/worlds/default.json"))
    const run = (cycles: number, flash: { data?: Uint8Array }) =>
        runSimulation({ script, world, board, flash, timeoutMs: cycles * (SLEEP_MS + 30_000) - SLEEP_MS / 2 })
    // with the memory: one run, the flash kept across its deep sleeps
    const warm = awakeSpans((await run(CYCLES, {})).timeline)
    // without: each cycle on a board whose flash holds nothing
    const cold: number[] = []
    for (let i = 0; i < CYCLES - 1; i++) cold.push(...awakeSpans((await run(1, {})).timeline))
    const first = warm[0]
    const warmMean = warm.slice(1).reduce((a, b) => a + b, 0) / (warm.length - 1)
    const coldMean = cold.reduce((a, b) => a + b, 0) / cold.length
    console.log(`awake per cycle (wake to deep sleep, simulated): first boot ${first} ms`)
    console.log(`| cycle | awake ms (mean) |`)
    console.log(`| --- | --- |`)
    console.log(`| with fast reconnect (${warm.length - 1} wakes) | ${warmMean.toFixed(0)} |`)
    console.log(`| without (${cold.length} cold boots) | ${coldMean.toFixed(0)} |`)
    console.log()
    console.log(`energy per cycle, one snapshot every ${SLEEP_MS / 60000} min:`)
    console.log(`| profile | with fast reconnect | without | 2000 mAh lasts (with / without) |`)
    console.log(`| --- | --- | --- | --- |`)
    for (const p of PROFILES) {
        // mA x ms -> uAh: / 3600
        const uah = (awakeMs: number) => (awakeMs * p.awakeMa + SLEEP_MS * p.asleepMa) / 3600
        const days = (awakeMs: number) => 2000_000 / (uah(awakeMs) * (86_400_000 / (SLEEP_MS + awakeMs)))
        console.log(
            `| ${p.name} | ${uah(warmMean).toFixed(1)} uAh | ${uah(coldMean).toFixed(1)} uAh | ${days(warmMean).toFixed(0)} / ${days(coldMean).toFixed(0)} days |`,
        )
    }
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e)
        process.exit(1)
    },
)
