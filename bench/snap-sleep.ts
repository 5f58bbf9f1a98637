// npm run bench:sleep: one battery camera's snapshot cycle on the default
// world plus one upload server (wake, join, capture a VGA frame, upload it,
// sleep 10 minutes), simulated through the compiled bytecode on the virtual
// clock. The figure boards are compared by: the time awake per cycle (wake
// to upload acknowledged, then to sleep), with fast reconnect's memory
// (every wake after the first) against without it (a board whose flash
// holds no memory: every wake is a cold join), and an energy estimate from
// documented currents. Not a test: docs/power.md keeps a run's table.
// `npm run bench:sleep -- --driver firmware` runs the same cycles on the
// firmware's C drivers (deep sleep reboots their WebAssembly instance).
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { parseWorld } from "../sim/world/world"
import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { scriptFile } from "./script-file"
import { DRIVER_KINDS, type DriverKind } from "../sim/firmware/drivers"

const board = loadBoard("ai_thinker_esp32_cam")
const SLEEP_MS = 600_000
const CYCLES = 4

/** --driver model (default) or --driver firmware */
function driverArg(): DriverKind {
    const i = process.argv.indexOf("--driver")
    if (i < 0) return "model"
    const kind = process.argv[i + 1] as DriverKind
    if (!DRIVER_KINDS.includes(kind))
        throw new Error(`--driver ${process.argv[i + 1] ?? ""}: expected one of ${DRIVER_KINDS.join(", ")}`)
    return kind
}

const CYCLE = `
import { network, camera, machine, upload, time } from "camscript"
const woke = time.ticks_ms()
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
const cam = new camera.Camera()
await cam.init({ framesize: "VGA" })
const frame = await cam.capture()
const r = await upload.put("http://frames.camscript.test/porch.jpg", frame)
console.log(\`uploaded \${r.ok} \${r.status} at \${time.ticks_ms() - woke}\`)
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

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

async function main() {
    const driver = driverArg()
    const script = await compileScript(scriptFile(CYCLE), { board, hostname: "camscript" })
    const base = JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as Record<string, unknown>
    const world = parseWorld(
        { ...base, $schema: undefined, servers: [{ name: "frames", url: "http://frames.camscript.test/porch.jpg" }] },
        "(bench world: the default world and one upload server)",
    )
    /** One run: its wake-to-sleep spans, and each cycle's first line to upload acknowledged. */
    const run = async (cycles: number, flash: { data?: Uint8Array }) => {
        const acked: number[] = []
        const result = await runSimulation({
            script,
            world,
            board,
            flash,
            driver,
            timeoutMs: cycles * (SLEEP_MS + 30_000) - SLEEP_MS / 2,
            onOutput: (l) => {
                const m = /^uploaded true \d+ at (\d+)$/.exec(l.text)
                if (m) acked.push(Number(m[1]))
            },
        })
        return { awake: awakeSpans(result.timeline), acked }
    }
    // with the memory: one run, the flash kept across its deep sleeps (the first boot is cold)
    const warm = await run(CYCLES, {})
    // without: each cycle on a board whose flash holds nothing
    const cold = { awake: [] as number[], acked: [] as number[] }
    for (let i = 0; i < CYCLES - 1; i++) {
        const r = await run(1, {})
        cold.awake.push(...r.awake)
        cold.acked.push(...r.acked)
    }
    if (warm.acked.length !== CYCLES || cold.acked.length !== CYCLES - 1)
        throw new Error(`not every cycle's upload was acknowledged: ${warm.acked.length}, ${cold.acked.length}`)
    const warmAwake = mean(warm.awake.slice(1))
    const coldAwake = mean(cold.awake)
    console.log(`--driver ${driver}`)
    console.log(`| cycle | awake, wake to deep sleep | program start to upload acknowledged |`)
    console.log(`| --- | --- | --- |`)
    console.log(
        `| with fast reconnect (${CYCLES - 1} wakes) | ${warmAwake.toFixed(0)} ms | ${mean(warm.acked.slice(1)).toFixed(0)} ms |`,
    )
    console.log(
        `| without (${CYCLES - 1} cold boots) | ${coldAwake.toFixed(0)} ms | ${mean(cold.acked).toFixed(0)} ms |`,
    )
    console.log()
    console.log(`energy per cycle, one snapshot every ${SLEEP_MS / 60000} min:`)
    console.log(`| profile | with fast reconnect | without | 2000 mAh lasts (with / without) |`)
    console.log(`| --- | --- | --- | --- |`)
    for (const p of PROFILES) {
        // mA x ms -> uAh: / 3600
        const uah = (awakeMs: number) => (awakeMs * p.awakeMa + SLEEP_MS * p.asleepMa) / 3600
        const days = (awakeMs: number) => 2000_000 / (uah(awakeMs) * (86_400_000 / (SLEEP_MS + awakeMs)))
        console.log(
            `| ${p.name} | ${uah(warmAwake).toFixed(1)} uAh | ${uah(coldAwake).toFixed(1)} uAh | ${days(warmAwake).toFixed(0)} / ${days(coldAwake).toFixed(0)} days |`,
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
