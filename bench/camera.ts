// npm run bench:camera: the camera in the simulator. Capture latency per
// frame size (simulated: what the script waits; wall: what the host spends,
// mostly JPEG encoding), and the VM heap over 1,000 captures at two frame
// sizes (flat: frames are handles). Not a test: figures vary with the
// machine and its load; docs/camera.md keeps a run's table.
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { parseWorld } from "../sim/world/world"
import { scriptFile } from "./script-file"
import { encodeJpeg } from "../sim/camera/jpeg"
import { drawTestCard, NEUTRAL_LOOK } from "../sim/camera/test-card"
import { frameHeight, frameSizeIndex, frameWidth } from "../src/camera/sizes"

const board = loadBoard("ai_thinker_esp32_cam")
const world = () => parseWorld({ camera: { position: [0, 0], name: "bench" }, accessPoints: [] }, "(bench world)")
const SIZES = ["QQVGA", "QVGA", "VGA", "SVGA", "XGA", "HD", "SXGA", "UXGA"]
const PER_SIZE = 10

const LATENCY = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA" })
for (const size of ${JSON.stringify(SIZES)}) {
    await cam.config({ framesize: size })
    let total = 0
    for (let i = 0; i < ${PER_SIZE}; i++) {
        const t = ds.millis()
        const f = await cam.capture()
        total += ds.millis() - t
        await f.release()
        await ds.sleep(97)
    }
    console.log(\`size \${size} \${total / ${PER_SIZE}}\`)
}
`

async function latency() {
    const script = await compileScript(scriptFile(LATENCY), { board, hostname: "camscript" })
    const bytes: Record<string, number[]> = {}
    const sim: Record<string, number> = {}
    await runSimulation({
        script,
        world: world(),
        board,
        timeoutMs: 600_000,
        onFrame: (f) => (bytes[`${f.width}x${f.height}`] ??= []).push(f.bytes.length),
        onOutput: (l) => {
            const m = /^size (\w+) ([\d.]+)$/.exec(l.text)
            if (m) sim[m[1]] = Number(m[2])
        },
    })
    console.log(
        "| frame size | simulated capture latency (mean of 10) | host ms to draw and encode a frame (median of 5) | JPEG bytes (q12, test card) |",
    )
    console.log("| --- | --- | --- | --- |")
    for (const s of SIZES) {
        const i = frameSizeIndex(s)
        const [w, h] = [frameWidth(i), frameHeight(i)]
        const times: number[] = []
        for (let k = 0; k < 5; k++) {
            const t0 = performance.now()
            encodeJpeg(drawTestCard(w, h, { name: "bench", sequence: k, timeMs: k }, NEUTRAL_LOOK), 12)
            times.push(performance.now() - t0)
        }
        times.sort((x, y) => x - y)
        const b = bytes[`${w}x${h}`]
        const mean = Math.round(b.reduce((x, y) => x + y, 0) / b.length)
        console.log(`| ${s} (${w}x${h}) | ${sim[s]} ms | ${times[2].toFixed(0)} | ${mean} |`)
    }
}

async function heap(size: string) {
    const source = `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "${size}", fb_count: 1 })
for (let i = 1; i <= 1000; i++) {
    const f = await cam.capture()
    await f.release()
    if (i % 50 === 0) console.log(\`n \${i}\`)
}
`
    const script = await compileScript(scriptFile(source), { board, hostname: "camscript" })
    let gcHeap: (() => GcHeapStats) | undefined
    const kept: [number, number][] = []
    const start = performance.now()
    await runSimulation({
        script,
        world: world(),
        board,
        timeoutMs: 3_600_000,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onOutput: (l) => {
            const m = /^n (\d+)$/.exec(l.text)
            if (m && gcHeap) kept.push([Number(m[1]), gcHeap().keptBytes])
        },
    })
    const at = (lo: number, hi: number) => Math.max(...kept.filter(([n]) => n >= lo && n <= hi).map(([, k]) => k))
    console.log(
        `heap over 1000 ${size} captures: kept ${at(100, 300)} B (captures 100..300), ${at(700, 1000)} B (700..1000); ${((performance.now() - start) / 1000).toFixed(0)} s wall`,
    )
}

async function main() {
    await latency()
    await heap("QQVGA")
    await heap("VGA")
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e)
        process.exit(1)
    },
)
