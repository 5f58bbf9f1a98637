import { readFileSync } from "node:fs"
import test from "ava"
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
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
/**
 * What the camera may cost a script that never uses it: its `camera` object
 * (21 entries) and the classes it names. Measured: 8 arrays fewer kept and
 * 2,648 B more used at start (before the fix: 77 arrays and 5,520 B).
 */
const CAMERA_OBJECT_ARRAYS = 12
const CAMERA_OBJECT_BYTES = 3072

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

// A script that never uses the camera must not pay for it: the image holds
// the camera module whatever the script imports, and every top-level
// statement of it runs when the image starts (DeviceScript emits all of a
// program's files), so module-level tables and the classes' prototypes took
// heap from every script, camera or not. The probe keeps 8-number arrays
// until the VM's heap is full; the same script is built twice, once with the
// library as it is and once with the camera module cut out of src/index.ts,
// and must keep (nearly) as many arrays both ways. Before the tables were
// made lazy and the classes @devsWhenUsed, the camera cost 77 arrays (526
// kept against 603, an array being about 80 B); what is left is the `camera`
// object itself (its 21 entries) and the classes it names: 8 arrays.

const FILL = `
import { network } from "camscript"
console.log(\`start \${network.ETH_GOT_IP}\`)
const keep: number[][] = []
while (true) {
    keep.push([1, 2, 3, 4, 5, 6, 7, 8])
    console.log(\`kept \${keep.length}\`)
}
`

/** src/index.ts without `module` (camera, upload): its export becomes an empty object, its types go. */
function indexWithout(module: "camera" | "upload"): string {
    const index = readFileSync(fromRoot("src/index.ts"), "utf8")
    const from = module === "camera" ? "camera\\/module" : "upload\\/upload"
    const cut = index
        .replace(new RegExp(`^export \\{ ${module} \\} from "\\.\\/${from}"$`, "m"), `export const ${module} = {}`)
        .replace(new RegExp(`^export type \\{[^}]*\\} from "\\.\\/${module}\\/[a-z]+"$`, "gm"), "")
    if (cut === index || new RegExp(`"\\./${module}/`).test(cut))
        throw new Error(`src/index.ts no longer exports ${module} as this test expects`)
    return cut
}

async function filled(without?: "camera" | "upload") {
    const board = loadBoard("ai_thinker_esp32_cam")
    const compiled = await compileScript(scriptFile(FILL), {
        board,
        hostname: "camscript",
        libraryText: without ? { "src/index.ts": indexWithout(without) } : undefined,
    })
    let gcHeap: (() => GcHeapStats) | undefined
    let atStart = 0
    let kept = 0
    const result = await runSimulation({
        script: compiled,
        world: parseWorld({ accessPoints: [] }, "(fill world)"),
        board,
        timeoutMs: 10_000,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onOutput: (line) => {
            if (line.text.startsWith("start") && gcHeap) atStart = gcHeap().usedBytes
            const m = /^kept (\d+)$/.exec(line.text)
            if (m) kept = Number(m[1])
        },
    })
    return { result, atStart, kept }
}

test("a script that never uses the camera keeps the heap it had without the camera module", async (t) => {
    const without = await filled("camera")
    const withCamera = await filled()
    for (const run of [without, withCamera]) t.regex(run.result.error ?? "", /^out of memory/)
    t.log(
        `arrays kept: ${withCamera.kept} (${without.kept} without the camera module); heap used at start: ${withCamera.atStart} B (${without.atStart} B)`,
    )
    t.true(without.kept > 500, `the probe filled the heap after only ${without.kept} arrays`)
    // the `camera` object's own entries, nothing more (the tables were 76 arrays)
    t.true(
        without.kept - withCamera.kept <= CAMERA_OBJECT_ARRAYS,
        `the camera costs ${without.kept - withCamera.kept} arrays`,
    )
    t.true(
        withCamera.atStart - without.atStart <= CAMERA_OBJECT_BYTES,
        `the camera costs ${withCamera.atStart - without.atStart} B at start`,
    )
})

/** The `upload` object's entries and its lazily bound driver: 6 arrays measured (13 when its lists were module-level). */
const UPLOAD_OBJECT_ARRAYS = 8

test("a script that never uploads keeps the heap it had without the upload module", async (t) => {
    const without = await filled("upload")
    const withUpload = await filled()
    for (const run of [without, withUpload]) t.regex(run.result.error ?? "", /^out of memory/)
    t.log(`arrays kept: ${withUpload.kept} (${without.kept} without the upload module)`)
    t.true(
        without.kept - withUpload.kept <= UPLOAD_OBJECT_ARRAYS,
        `the upload module costs ${without.kept - withUpload.kept} arrays`,
    )
})
