import test from "ava"
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import { parseWorld } from "../sim/world/world"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { scriptFile } from "./helpers/run"

// Frames never enter the VM's heap: the script holds a handle, the bytes
// stay in the driver. Over 1,000 captures the heap the VM's collector keeps
// stays flat; a script that keeps a little of every frame (the leak below)
// is caught by the same check.

const CAPTURES = 1000
const EVERY = 20

function script(leak: boolean) {
    return `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "96X96", quality: 63, fb_count: 1 })
const kept: number[] = []
for (let i = 1; i <= ${CAPTURES}; i++) {
    const f = await cam.capture()
    ${leak ? "kept.push(f.sequence)" : ""}
    await f.release()
    if (i % ${EVERY} === 0) console.log(\`n \${i}\`)
}
`
}

async function heapOver(leak: boolean) {
    const board = loadBoard("ai_thinker_esp32_cam")
    const compiled = await compileScript(scriptFile(script(leak)), { board, hostname: "camscript" })
    const samples: { n: number; vm: GcHeapStats }[] = []
    let gcHeap: (() => GcHeapStats) | undefined
    let frames = 0
    let largest = 0
    const result = await runSimulation({
        script: compiled,
        world: parseWorld({ camera: { position: [0, 0] }, accessPoints: [] }, "(heap world)"),
        board,
        timeoutMs: 600_000,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onFrame: (f) => {
            frames++
            largest = Math.max(largest, f.bytes.length)
        },
        onOutput: (line) => {
            const m = /^n (\d+)$/.exec(line.text)
            if (m && gcHeap) samples.push({ n: Number(m[1]), vm: gcHeap() })
        },
    })
    // windows compared by their largest kept size (where the last collection fell moves it a little)
    const max = (from: number, to: number) =>
        Math.max(...samples.filter((s) => s.n >= from && s.n <= to).map((s) => s.vm.keptBytes))
    return { result, frames, largest, warm: max(100, 300), end: max(700, CAPTURES) }
}

test(`the VM heap stays flat over ${CAPTURES} captures: frames are handles, their bytes stay in the driver`, async (t) => {
    const { result, frames, largest, warm, end } = await heapOver(false)
    t.is(result.outcome, "finished", result.error)
    t.is(frames, CAPTURES)
    t.log(`kept ${warm} B at warm-up, ${end} B at the end; frames up to ${largest} B`)
    t.true(end - warm < 512, `grew ${end - warm} B`)
})

test("the same check catches a script that keeps a number of every frame", async (t) => {
    const { result, warm, end } = await heapOver(true)
    t.is(result.outcome, "finished", result.error)
    t.true(end - warm >= 2048, `grew only ${end - warm} B`)
})
