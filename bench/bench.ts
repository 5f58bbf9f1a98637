// npm run bench: speed and size figures (not a test; nothing here can fail
// a build). Prints a table; numbers vary with the machine.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { loadBoard } from "../sim/boards"
import { compileScript } from "../sim/compile"
import { fromRoot } from "../sim/paths"
import { runSimulation } from "../sim/session"
import { loadWorldFile, parseWorld } from "../sim/world/world"

const board = loadBoard("ai_thinker_esp32_cam")
const target = { board, hostname: "camscript" }
const dir = join(tmpdir(), "camscript-bench")
mkdirSync(dir, { recursive: true })

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

async function compileFresh(name: string, source: string) {
    const t0 = performance.now()
    const compiled = await compileScript(freshCopy(name, source), target)
    return { ms: performance.now() - t0, bytes: compiled.image.length }
}

async function main() {
    const rows: [string, string][] = []
    const seed = readFileSync(fromRoot("examples/wifi-station.ts"), "utf8")

    const compiles = []
    for (let i = 0; i < 3; i++) compiles.push(await compileFresh("seed", seed))
    rows.push([
        "compile examples/wifi-station.ts (cold, median of 3)",
        `${median(compiles.map((c) => c.ms)).toFixed(0)} ms`,
    ])
    rows.push([".devs size: examples/wifi-station.ts", `${compiles[0].bytes} B`])
    const empty = await compileFresh("empty", `console.log("hi")\n`)
    rows.push([".devs size: a script without camscript", `${empty.bytes} B`])
    const everything = await compileFresh(
        "all",
        `import { network, time } from "camscript"
const w = new network.WLAN(network.WLAN.IF_STA)
await w.active(true)
await w.config({ hostname: "x", reconnects: 3, txpower: 10 })
await w.ifconfig(["192.168.1.5", "255.255.255.0", "192.168.1.1", "1.1.1.1"])
await w.ifconfig("dhcp")
await w.connect("a", "password1", { bssid: "02:00:00:00:00:01" })
const off = w.on_change((c) => console.log(c.state))
console.log(\`\${w.status()} \${w.isconnected()} \${w.config("mac")} \${w.ifconfig()} \${(await w.scan()).length} \${time.ticks_diff(time.ticks_ms(), 0)}\`)
await w.wait_connected(1000)
await w.disconnect()
await w.active(false)
off()
`,
    )
    rows.push([".devs size: every network/time API used", `${everything.bytes} B`])
    rows.push(["  => network module alone (every API minus bare script)", `${everything.bytes - empty.bytes} B`])

    // the spec's 10-second timeout scenario, compiled once, run 5 times
    const script = await compileScript(fromRoot("examples/wifi-timeout.ts"), target)
    const world = loadWorldFile(fromRoot("sim/worlds/wrong-password.json"))
    const runs = []
    for (let i = 0; i < 5; i++) runs.push(await runSimulation({ script, world, board }))
    const wall = median(runs.map((r) => r.wallMs))
    const sim = median(runs.map((r) => r.simulatedMs))
    rows.push(["10 s timeout scenario: simulated time", `${(sim / 1000).toFixed(3)} s`])
    rows.push(["10 s timeout scenario: wall time (median of 5, past compile)", `${wall.toFixed(0)} ms`])
    rows.push(["10 s timeout scenario: speed-up over real time", `${(sim / wall).toFixed(0)}x`])

    // a long soak: ten simulated minutes of a connected camera
    const soak = await compileScript(fromRoot("test/scripts/watch-link.ts"), target)
    const tenMin = await runSimulation({
        script: soak,
        world: loadWorldFile(fromRoot("sim/worlds/ap-power-cycle.json")),
        board,
    })
    rows.push([
        "watch-link (60 s, AP power cycle): wall time",
        `${tenMin.wallMs.toFixed(0)} ms for ${(tenMin.simulatedMs / 1000).toFixed(1)} s`,
    ])

    // the access point: time to bring it up, and serving max_clients phones
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
    rows.push(["access point: active(true) until up (simulated)", `${apRun.output[0]?.text.split(" ")[1]} ms`])
    rows.push(["access point: 10 phones joined at (simulated)", `${apRun.output[1]?.text.split(" ")[1]} ms`])
    rows.push([
        "access point with 10 phones: wall time (median of 3)",
        `${median(apRuns.map((r) => r.wallMs)).toFixed(0)} ms`,
    ])

    const w = Math.max(...rows.map((r) => r[0].length))
    console.log("camscript benchmark")
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`)
}

main().catch((e) => {
    console.error(e)
    process.exit(1)
})
