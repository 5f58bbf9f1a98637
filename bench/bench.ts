// npm run bench: speed and size figures, each beside its goal (issue 10),
// measured side by side in one run. Not a test: nothing here fails a build,
// and the numbers vary with the machine and its load. docs/performance.md
// keeps the table from a quiet run.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { useBuildShortcuts } from "../compiler/build-shortcuts"
import { compileScript } from "../compiler/compile"
import { fromRoot } from "../project/paths"
import { runSimulation } from "../sim/session"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { loadWorldFile, parseWorld } from "../sim/world/world"
import { hardwareRows } from "./hardware"
import { loadContract } from "../sim/contract"
import { FirmwareBoard } from "../sim/firmware/board"
import { WASM_PATH } from "../sim/firmware/module"
import { Air } from "../sim/radio/air"
import { Timeline } from "../sim/timeline"
import { Wire } from "../sim/wired/wire"

const board = loadBoard("ai_thinker_esp32_cam")
const target = { board, hostname: "camscript" }
const dir = join(tmpdir(), "camscript-bench")
mkdirSync(dir, { recursive: true })
const rows: [string, string, string][] = []
const row = (what: string, figure: string, goal = "") => {
    rows.push([what, figure, goal])
    process.stderr.write(`  ${what}: ${figure}\n`)
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b)
    return s[Math.floor(s.length / 2)]
}

/** A copy of `source` that no build cache has seen. */
function freshCopy(name: string, source: string): string {
    const file = join(dir, `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.ts`)
    writeFileSync(file, `${source}\n// ${file}\n`)
    return file
}

/** CPU seconds (user + system) of a child process, from GNU time (a non-zero exit still counts). */
function cpuOf(args: string[], cwd: string): number {
    const r = spawnSync("/usr/bin/time", ["-f", "CPU %U %S", process.execPath, ...args], { cwd, encoding: "utf8" })
    const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr)
    return m ? Number(m[1]) + Number(m[2]) : NaN
}

async function compileFresh(name: string, source: string) {
    const c0 = process.cpuUsage()
    const compiled = await compileScript(freshCopy(name, source), target)
    const c = process.cpuUsage(c0)
    return { cpuS: (c.user + c.system) / 1e6, bytes: compiled.image.length }
}

/** One board's instance with all three services, as a run creates it: its linear memory. */
function firmwareInstanceMemory(): string {
    const world = loadWorldFile(fromRoot("sim/worlds/ethernet.json"))
    const wt32 = loadBoard("wt32_eth01")
    const clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }
    const timeline = new Timeline(() => 0)
    const fw = new FirmwareBoard({
        air: new Air(world, clock, timeline),
        clock,
        timeline,
        mac: world.camera.mac,
        services: {
            station: loadContract("wifi-station.md"),
            accessPoint: loadContract("wifi-access-point.md"),
            ethernet: loadContract("ethernet.md"),
        },
        wire: new Wire(world.ethernet, world, clock, timeline),
        ethernetHardware: wt32.camscript?.ethernet,
        clients: [],
    })
    const bytes = fw.memoryBytes
    fw.dispose()
    return `${(bytes / 1024).toFixed(0)} KiB`
}

const STATION = readFileSync(fromRoot("examples/wifi-station.ts"), "utf8")
const AP_ONLY = `import { network } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "cam-setup", key: "setup-1234" })
await ap.active(true)
console.log(ap.isconnected())
`
const LAN_ONLY = readFileSync(fromRoot("examples/ethernet.ts"), "utf8")
const ENTERPRISE = readFileSync(fromRoot("examples/enterprise.ts"), "utf8")

async function compileFigures() {
    // the stock CLI on the same script, in a project of its own
    const stock = join(dir, `stock-${process.pid}`)
    mkdirSync(join(stock, "src"), { recursive: true })
    writeFileSync(join(stock, "devsconfig.json"), "{}\n")
    writeFileSync(join(stock, "src/main.ts"), `console.log("hi")\n`)
    const cli = fromRoot("node_modules/@devicescript/cli/built/devicescript-cli.cjs")
    const stockCpu = cpuOf([cli, "build", "--quiet", "src/main.ts"], stock)
    const nodeCpu = cpuOf(["-e", "0"], dir)

    // camscript sim, cold (a new script) and warm (the same again), as a user runs it
    const script = freshCopy("cold", `console.log("hi")\n`)
    const bin = fromRoot("bin/camscript.cjs")
    const coldCpu = cpuOf([bin, "sim", script, "--no-timeline"], fromRoot())
    const warm = [0, 1, 2].map(() => cpuOf([bin, "sim", script, "--no-timeline"], fromRoot()))
    row(
        "cold camscript sim of a new script (CPU, whole process)",
        `${coldCpu.toFixed(2)} s`,
        `<= stock devicescript build of it: ${stockCpu.toFixed(2)} s`,
    )
    row(
        "warm camscript sim of a cached script (CPU past Node's start)",
        `${(median(warm) - nodeCpu).toFixed(2)} s (Node's start ${nodeCpu.toFixed(2)} s)`,
        "< 0.5 s",
    )
    // the first builds of a process load the compiler and warm V8's JIT up; a
    // test file or --watch compiles many: those later builds are the figure
    for (let i = 0; i < 2; i++) await compileFresh("seed-warm-up", STATION)
    const inProcess = []
    for (let i = 0; i < 3; i++) inProcess.push(await compileFresh("seed", STATION))
    row(
        "compile of the seed example in a warm compiler (CPU, median of 3)",
        `${median(inProcess.map((c) => c.cpuS)).toFixed(2)} s`,
    )
    useBuildShortcuts(false)
    const plain = []
    for (let i = 0; i < 3; i++) plain.push(await compileFresh("seed-plain", STATION))
    useBuildShortcuts(true)
    row(
        "  the same without the build shortcuts (library re-checked, names re-printed)",
        `${median(plain.map((c) => c.cpuS)).toFixed(2)} s`,
    )
    return inProcess[0].bytes
}

async function imageFigures(seedBytes: number) {
    row('.devs: examples/wifi-station.ts ("camscript": everything)', `${seedBytes} B`)
    const stationEntry = STATION.replace('from "camscript"', 'from "camscript/src/station"')
    row(
        ".devs: the same through camscript/src/station (station only)",
        `${(await compileFresh("sta", stationEntry)).bytes} B`,
        "< 8 KB (8192 B)",
    )
    row(".devs: access point only", `${(await compileFresh("ap", AP_ONLY)).bytes} B`)
    row(".devs: examples/ethernet.ts (LAN only)", `${(await compileFresh("lan", LAN_ONLY)).bytes} B`)
    row(".devs: examples/enterprise.ts", `${(await compileFresh("ent", ENTERPRISE)).bytes} B`)
    row(".devs: a script without camscript", `${(await compileFresh("bare", `console.log("hi")\n`)).bytes} B`)

    // the VM heap once the link is up
    const script = await compileScript(fromRoot("examples/wifi-station.ts"), target)
    let heap: (() => GcHeapStats) | undefined
    let atLinkUp: GcHeapStats | undefined
    await runSimulation({
        script,
        world: loadWorldFile(fromRoot("sim/worlds/default.json")),
        board,
        onVmStarted: (vm) => (heap = vm.gcHeap),
        onOutput: (l) => {
            if (l.text === "link up") atLinkUp = heap?.()
        },
    })
    if (atLinkUp)
        row(
            "VM heap in use once the link is up (seed example)",
            `${atLinkUp.usedBytes} B used, ${atLinkUp.keptBytes} B kept by the last collection, of ${atLinkUp.heapBytes} B`,
            "< 8 KB",
        )
}

async function clockFigures() {
    // the spec's 10-second timeout, compiled once, run 5 times
    const script = await compileScript(fromRoot("examples/wifi-timeout.ts"), target)
    const world = loadWorldFile(fromRoot("sim/worlds/wrong-password.json"))
    const runs = []
    for (let i = 0; i < 5; i++) runs.push(await runSimulation({ script, world, board }))
    const wall = median(runs.map((r) => r.wallMs))
    const sim = median(runs.map((r) => r.simulatedMs))
    row(
        "10 s timeout example, past compile (median of 5)",
        `${(sim / 1000).toFixed(2)} s simulated in ${wall.toFixed(0)} ms: ${(sim / wall).toFixed(0)}x`,
    )
    // the whole run, as a user types it (the build cached)
    const bin = fromRoot("bin/camscript.cjs")
    const whole = [0, 1, 2].map(() => {
        const t0 = performance.now()
        try {
            execFileSync(
                process.execPath,
                [bin, "sim", "examples/wifi-timeout.ts", "--world", "sim/worlds/wrong-password.json"],
                {
                    cwd: fromRoot(),
                    stdio: "ignore",
                },
            )
        } catch {
            // the example ends with its own error (exit 1): that is the scenario
        }
        return performance.now() - t0
    })
    row(
        "10 s timeout example, whole camscript sim process (median of 3)",
        `${median(whole).toFixed(0)} ms: ${(sim / median(whole)).toFixed(0)}x`,
        ">= 100x",
    )

    // six simulated hours of link watching, the AP power-cycled every 30 minutes
    const events = []
    for (let m = 30; m < 360; m += 30) {
        events.push({ at: m * 60_000, action: "power-off", accessPoint: "my-network" })
        events.push({ at: m * 60_000 + 20_000, action: "power-on", accessPoint: "my-network" })
    }
    const base = JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as Record<string, unknown>
    const sixHours = parseWorld({ ...base, events, $schema: undefined }, "(bench: 6 h of AP flaps)")
    const watcher = await compileScript(
        freshCopy(
            "watch6h",
            `import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
let changes = 0
const off = wlan.on_change(() => changes++)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
for (let i = 0; i < 360; i++) await time.sleep_ms(60000)
console.log(\`changes \${changes} connected \${wlan.isconnected()}\`)
off()
`,
        ),
        target,
    )
    const long = await runSimulation({ script: watcher, world: sixHours, board, timeoutMs: 7 * 3600_000 })
    row(
        "6 h of link watching with 11 AP power cycles",
        `${(long.simulatedMs / 3600_000).toFixed(2)} h simulated in ${(long.wallMs / 1000).toFixed(1)} s: ${(long.simulatedMs / long.wallMs).toFixed(0)}x (${long.output.map((o) => o.text).join("; ")})`,
        ">= 1000x",
    )
}

/** Fast reconnect: a cold link-up, a warm one (the flash kept), and the fallback when the AP moved channel. */
async function reconnectFigures() {
    const join = await compileScript(
        freshCopy(
            "join",
            `import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
const t0 = time.ticks_ms()
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
console.log(\`\${time.ticks_diff(time.ticks_ms(), t0)}\`)
await time.sleep_ms(1000)
`,
        ),
        target,
    )
    const base = JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as {
        accessPoints: { channel: number }[]
    }
    const home = parseWorld(base, "(bench: default)")
    base.accessPoints[0].channel = 11
    const moved = parseWorld(base, "(bench: the AP on channel 11)")
    const flash = {}
    const upMs = async (world: typeof home) =>
        Number((await runSimulation({ script: join, world, board, flash })).output[0]?.text)
    const cold = await upMs(home)
    const warm = await upMs(home)
    const afterMove = await upMs(moved)
    row("link-up, connect() to isconnected(): cold (nothing remembered)", `${cold} ms`)
    row(
        "link-up after a restart: warm (AP, channel and lease remembered)",
        `${warm} ms (${((100 * warm) / cold).toFixed(0)}% of cold)`,
        "<= 25% of cold",
    )
    row("link-up after a restart when the AP moved channel (the fallback)", `${afterMove} ms`)
}

/** --driver firmware (the C drivers in WebAssembly) against the models. */
async function firmwareFigures() {
    const soak = await compileScript(fromRoot("test/scripts/watch-link.ts"), target)
    const seedScript = await compileScript(fromRoot("examples/wifi-station.ts"), target)
    const defaultWorld = loadWorldFile(fromRoot("sim/worlds/default.json"))
    const powerCycle = loadWorldFile(fromRoot("sim/worlds/ap-power-cycle.json"))
    for (const driver of ["model", "firmware"] as const) {
        const seedRuns = []
        for (let i = 0; i < 5; i++)
            seedRuns.push(await runSimulation({ script: seedScript, world: defaultWorld, board, driver }))
        row(
            `seed example (examples/wifi-station.ts), --driver ${driver}: wall time (median of 5)`,
            `${median(seedRuns.map((r) => r.wallMs)).toFixed(0)} ms for ${(seedRuns[0].simulatedMs / 1000).toFixed(2)} s`,
        )
    }
    for (const driver of ["model", "firmware"] as const) {
        const cycles = []
        for (let i = 0; i < 3; i++) cycles.push(await runSimulation({ script: soak, world: powerCycle, board, driver }))
        row(
            `watch-link (60 s, AP power cycle), --driver ${driver}: wall time (median of 3)`,
            `${median(cycles.map((r) => r.wallMs)).toFixed(0)} ms for ${(cycles[0].simulatedMs / 1000).toFixed(1)} s`,
        )
    }
    row("firmware drivers: WebAssembly module", `${statSync(WASM_PATH).size} B`)
    row("firmware drivers: linear memory of one instance (station, AP, Ethernet)", firmwareInstanceMemory())
}

async function accessPointFigures() {
    const apScript = await compileScript(
        freshCopy(
            "ap",
            `import { network, time } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "bench-setup", key: "bench-key-1", max_clients: 10 })
const t0 = time.ticks_ms()
await ap.active(true)
console.log(\`up \${time.ticks_diff(time.ticks_ms(), t0)}\`)
while (ap.status("stations").length < 10) await time.sleep_ms(100)
console.log(\`full \${time.ticks_ms()}\`)
`,
        ),
        target,
    )
    const phones = Array.from({ length: 10 }, (_, i) => ({
        name: `phone-${i + 1}`,
        position: [1 + i, 2],
        joins: "bench-setup",
        password: "bench-key-1",
        at: `${1 + i * 0.2}s`,
    }))
    const apWorld = parseWorld({ accessPoints: [], clients: phones }, "(bench world)")
    const apRuns = []
    for (let i = 0; i < 3; i++) apRuns.push(await runSimulation({ script: apScript, world: apWorld, board }))
    const apRun = apRuns[0]
    row("access point: active(true) until up (simulated)", `${apRun.output[0]?.text.split(" ")[1]} ms`)
    row("access point: 10 phones joined at (simulated)", `${apRun.output[1]?.text.split(" ")[1]} ms`)
    row("access point with 10 phones: wall time (median of 3)", `${median(apRuns.map((r) => r.wallMs)).toFixed(0)} ms`)
}

async function main() {
    process.stderr.write("camscript benchmark (figures as they come):\n")
    const seedBytes = await compileFigures()
    await imageFigures(seedBytes)
    await clockFigures()
    await reconnectFigures()
    await firmwareFigures()
    await accessPointFigures()
    for (const [what, figure] of await hardwareRows()) row(what, figure)
    const w = Math.max(...rows.map((r) => r[0].length))
    const f = Math.max(...rows.map((r) => r[1].length))
    console.log("camscript benchmark")
    for (const [k, v, goal] of rows)
        console.log(`${k.padEnd(w)}  ${v.padEnd(f)}  ${goal ? `goal: ${goal}` : ""}`.trimEnd())
}

main().catch((e) => {
    console.error(e)
    process.exit(1)
})
