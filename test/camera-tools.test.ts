import test from "ava"
import { tempDir } from "./helpers/cleanup"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { readFrameNumber, runSource } from "../testing/index"
import { frameFileName } from "../sim/camera/frame-files"
import { camscriptBin } from "./helpers/bin"
import { runFile, scriptFile } from "./helpers/run"
import { fromRoot } from "../project/paths"

// What a person and a user's test see of the frames a run captured:
// `camscript sim --frames DIR` and camscript/testing's run.frames and
// readFrameNumber().

const TWO_FRAMES = `import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA" })
for (let i = 0; i < 2; i++) {
    const t = ds.millis()
    const f = await cam.capture()
    console.log(\`\${f.sequence} \${t}\`)
    await f.release()
    await ds.sleep(500)
}
`

test("frame files are named by camera and sequence, six digits at least", (t) => {
    t.is(frameFileName({ camera: "porch", sequence: 42 }), "porch-000042.jpg")
    t.is(frameFileName({ camera: "a", sequence: 1234567 }), "a-1234567.jpg")
})

test("camscript sim --frames DIR keeps every captured frame as a JPEG named by camera and sequence", async (t) => {
    const dir = join(tempDir("camscript-frames-"), "kept")
    const r = await camscriptBin(["sim", scriptFile(TWO_FRAMES), "--frames", dir, "--no-timeline"])
    t.is(r.code, 0, r.stderr)
    const sequences = r.stdout
        .trim()
        .split("\n")
        .map((l) => Number(/\] (\d+) /.exec(l)![1]))
    t.deepEqual(
        readdirSync(dir).sort(),
        sequences.map((s) => `camera-${String(s).padStart(6, "0")}.jpg`),
    )
    for (const s of sequences) {
        const jpeg = readFileSync(join(dir, `camera-${String(s).padStart(6, "0")}.jpg`))
        t.is(readFrameNumber(jpeg)?.sequence, s)
    }
})

test("camscript/testing: a run's frames (sizes, sequence numbers, times) and the frame number read back from each", async (t) => {
    const run = await runSource(TWO_FRAMES, { world: { camera: { name: "yard" }, accessPoints: [] } })
    t.is(run.outcome, "finished", run.error)
    t.is(run.frames.length, 2)
    run.frames.forEach((f, i) => {
        const [seq, call] = run.lines[i].split(" ").map(Number)
        t.is(f.camera, "yard")
        t.is(f.sequence, seq)
        t.deepEqual([f.width, f.height, f.length], [320, 240, f.jpeg.length])
        t.true(f.exposureStartMs >= call)
        t.deepEqual(readFrameNumber(f.jpeg), { sequence: seq, timeMs: f.exposureStartMs })
    })
    // a picture that is not the test card (an image scene's) has no number to read
    t.is(readFrameNumber(readFileSync(fromRoot("sim/worlds/scenes/garden-day.jpg"))), undefined)
})

test("examples/button-flash.ts: each press of the doorbell world's button takes one fresh frame with the flash lit", async (t) => {
    const run = await runFile(fromRoot("examples/button-flash.ts"), { world: "doorbell", timeout: "20s" })
    // the doorbell waits for presses forever: the run ends at its time limit
    t.is(run.outcome, "timeout", run.error)
    t.is(run.frames.length, 2)
    const presses = run.timeline.filter((e) => e.event === "press-button").map((e) => e.atMs)
    t.deepEqual(presses, [5000, 12000])
    run.frames.forEach((f, i) => {
        t.true(f.flash)
        t.true(f.exposureStartMs >= presses[i], `frame at ${f.exposureStartMs}, press at ${presses[i]}`)
        t.is(readFrameNumber(f.bytes)?.sequence, f.sequence)
        t.is(run.lines[i], `ding dong: frame #${f.sequence}, ${f.bytes.length} bytes, flash lit`)
    })
})

test("examples/snapshot-every-minute.ts: one fresh SVGA frame a minute", async (t) => {
    const run = await runFile(fromRoot("examples/snapshot-every-minute.ts"), { timeout: "150s" })
    t.is(run.outcome, "timeout", run.error)
    t.deepEqual(
        run.frames.map((f) => [f.width, f.height]),
        [
            [800, 600],
            [800, 600],
            [800, 600],
        ],
    )
    // a minute apart, each exposed after its call (the first one after init)
    t.deepEqual(
        run.output.map((l) => l.atMs - run.output[0].atMs),
        [0, 60_080, 120_080],
    )
})
