import test from "ava"
import { decodeJpeg } from "../sim/camera/jpeg"
import { readFrameCode } from "../sim/camera/test-card"
import { framePeriodMs, SENSOR_START_MS } from "../sim/camera/timing"
import { frameSizeIndex } from "../src/camera/sizes"
import { SETTLE_FRAMES } from "../src/camera/timing"
import { runScript, type ScriptRun, value } from "./helpers/run"

// The camera end to end: scripts compiled to bytecode capture through
// src/camera on the VM, against the simulator's driver and sensor model
// (sim/drivers/camera.ts), on the virtual clock. Each frame is decoded here
// and its drawn frame number and time are read back, so "fresh" is proved by
// the picture, not by what the driver says about it.

/** A world with one camera named "porch" and, optionally, camera faults. */
function world(events: object[] = []) {
    return {
        board: "ai_thinker_esp32_cam",
        camera: { position: [0, 0], name: "porch" },
        accessPoints: [],
        events,
    }
}

// each script is compiled once; the tests below share its run
const FRESH = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
const ok = await cam.init()
const settings = \`q\${cam.config("quality")} fb\${cam.config("fb_count")} \${cam.status("sensor")}\`
console.log(\`init \${ok} \${cam.status()} \${cam.config("framesize")} \` + settings)
const first = ds.millis()
const f0 = await cam.capture()
console.log(\`first \${first} \${f0.sequence} \${f0.time} \${f0.discarded}\`)
await f0.release()
await ds.sleep(1000)
for (let i = 0; i < 3; i++) {
    const t = ds.millis()
    const f = await cam.capture()
    const head = \`frame \${i} call \${t} seq \${f.sequence} time \${f.time}\`
    console.log(head + \` \${f.width}x\${f.height} len \${f.length} \${f.format} disc \${f.discarded} idx \${f.index}\`)
    await f.release()
    await f.release()
    await ds.sleep(333)
}
const t = ds.millis()
const l = await cam.capture({ mode: "latest" })
console.log(\`latest call \${t} seq \${l.sequence} time \${l.time} disc \${l.discarded}\`)
await l.release()
`

let freshRun: Promise<ScriptRun> | undefined
const fresh = () => (freshRun ??= runScript(FRESH, { world: world(), timeout: "30s" }))

/** The i-th "frame" line of the FRESH script, as numbers. */
function frameLine(run: ScriptRun, i: number) {
    const m = /^call (\d+) seq (\d+) time (\d+) (\d+)x(\d+) len (\d+) (\w+) disc (\d+) idx (\d+)$/.exec(
        value(run, `frame ${i}`) ?? "",
    )
    if (!m) throw new Error(`no frame ${i} line in ${JSON.stringify(run.lines)}`)
    const n = m.slice(1).map(Number)
    return {
        call: n[0],
        seq: n[1],
        time: n[2],
        width: n[3],
        height: n[4],
        len: n[5],
        format: m[7],
        disc: n[7],
        index: n[8],
    }
}

test("init() starts the board's camera with the defaults: VGA, quality 12, two buffers, the OV2640 found", async (t) => {
    const run = await fresh()
    t.is(run.error, undefined)
    t.is(value(run, "init"), "true ready VGA q12 fb2 OV2640")
})

test("every captured frame is a real JPEG of the size asked, and the byte length the script reads is the JPEG's", async (t) => {
    const run = await fresh()
    t.is(run.frames.length, 5)
    for (const f of run.frames) {
        t.deepEqual([f.bytes[0], f.bytes[1]], [0xff, 0xd8], "SOI")
        t.deepEqual([f.bytes[f.bytes.length - 2], f.bytes[f.bytes.length - 1]], [0xff, 0xd9], "EOI")
        const p = decodeJpeg(f.bytes)
        t.deepEqual([p.width, p.height], [640, 480])
    }
    for (let i = 0; i < 3; i++) {
        const line = frameLine(run, i)
        const frame = run.frames.find((f) => f.sequence === line.seq)!
        t.is(line.len, frame.bytes.length)
        t.deepEqual([line.width, line.height, line.format], [640, 480, "jpeg"])
    }
})

test("capture() is fresh: the frame number and time drawn in each frame show its exposure started after the call", async (t) => {
    const run = await fresh()
    for (let i = 0; i < 3; i++) {
        const line = frameLine(run, i)
        const frame = run.frames.find((f) => f.sequence === line.seq)!
        const drawn = readFrameCode(decodeJpeg(frame.bytes))!
        t.is(drawn.sequence, line.seq, "the number drawn is the handle's")
        // the VM's clock and the simulator's run together (the VM reads the faked Date)
        t.true(drawn.timeMs >= line.call, `exposure at ${drawn.timeMs} ms, call at ${line.call} ms`)
        t.is(drawn.timeMs, frame.exposureStartMs)
        // the handle's time is the exposure's start, to the bus's millisecond
        t.true(Math.abs(line.time - drawn.timeMs) <= 2, `${line.time} vs ${drawn.timeMs}`)
        // and no later than one frame period after the call: the very next frame
        t.true(drawn.timeMs - line.call <= framePeriodMs("OV2640", frameSizeIndex("VGA")))
    }
})

test("after an idle second, a fresh capture gives back the stale frame the queue kept (what users capture twice for)", async (t) => {
    const run = await fresh()
    // two buffers in GRAB_LATEST: the queue keeps one completed frame
    for (let i = 0; i < 3; i++) t.is(frameLine(run, i).disc, 1)
})

test("the settling frames after init are never delivered: the first frame is the one after them, and it is not dark", async (t) => {
    const run = await fresh()
    const seq = Number(value(run, "first")!.split(" ")[1])
    t.true(seq >= SETTLE_FRAMES, `first frame #${seq}`)
    const frame = run.frames[0]
    t.is(frame.sequence, seq)
    // the start: Starting, then frame 0 at SENSOR_START_MS, Ready after the settling frames
    const starting = run.timeline.find((e) => e.source === "camera" && e.event === "Starting")!
    const ready = run.timeline.find((e) => e.source === "camera" && e.event === "Ready")!
    const period = framePeriodMs("OV2640", frameSizeIndex("VGA"))
    t.is(ready.atMs - starting.atMs, SENSOR_START_MS + SETTLE_FRAMES * period)
    // a settled frame's grey background: mean luma of the top-right corner well above a settling frame's
    const p = decodeJpeg(frame.bytes)
    let sum = 0
    for (let y = 60; y < 100; y++) for (let x = 560; x < 600; x++) sum += p.data[(y * p.width + x) * 4 + 1]
    t.true(sum / 1600 > 150, `mean green ${sum / 1600}`)
})

test("capture({ mode: 'latest' }) takes the newest frame already taken: exposed before the call, at most a frame period old", async (t) => {
    const run = await fresh()
    const line = value(run, "latest")!.split(" ")
    const [call, seq, time, disc] = [Number(line[1]), Number(line[3]), Number(line[5]), Number(line[7])]
    const frame = run.frames.find((f) => f.sequence === seq)!
    const drawn = readFrameCode(decodeJpeg(frame.bytes))!
    const period = framePeriodMs("OV2640", frameSizeIndex("VGA"))
    t.true(drawn.timeMs < call)
    t.true(call - drawn.timeMs <= 2 * period, `${call - drawn.timeMs} ms old`)
    t.true(Math.abs(time - drawn.timeMs) <= 2)
    t.is(disc, 0)
})

test("sequence numbers count every frame the sensor delivered: they follow the time between captures", async (t) => {
    const run = await fresh()
    const period = framePeriodMs("OV2640", frameSizeIndex("VGA"))
    const frames = run.frames.slice(1, 4)
    for (let i = 1; i < frames.length; i++)
        t.is(
            frames[i].sequence - frames[i - 1].sequence,
            (frames[i].exposureStartMs - frames[i - 1].exposureStartMs) / period,
        )
})

// One script meets every fault; each world injects one (sim/drivers/camera.ts).
const FAULTS = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
const stop = cam.on_change((c) => console.log(\`change \${c.state} \${c.reason}\`))
const ok = await cam.init()
console.log(\`init \${ok} \${cam.status()} \${cam.status("reason")}\`)
if (!ok) console.log(\`detail \${cam.status("detail")}\`)
// a frame held across the fault
let held: camera.Frame = null
if (ok) held = await cam.capture()
await ds.sleep(3000)
console.log(\`held \${held ? held.released() : "none"}\`)
const t = ds.millis()
try {
    const f = await cam.capture()
    console.log(\`captured \${f.sequence}\`)
    await f.release()
} catch (e) {
    const err = e as camera.CameraError
    console.log(\`error \${err instanceof camera.CameraError} \${err.reason} after \${ds.millis() - t}\`)
    console.log(\`message \${err.message}\`)
}
console.log(\`after \${cam.status()} \${cam.status("reason")}\`)
const again = await cam.init({ fb_count: 1, framesize: "HVGA" })
console.log(\`again \${again} \${cam.status()} \${cam.status("reason")}\`)
stop()
`

const faultRuns: Record<string, Promise<ScriptRun>> = {}
const fault = (action: string, at: string | number = "2s") =>
    (faultRuns[action] ??= runScript(FAULTS, { world: world([{ at, action }]), timeout: "60s" }))

test("camera-disconnect before init: init() resolves false, status failed/probe-failed with what to check, capture throws a CameraError", async (t) => {
    const run = await fault("camera-disconnect", 0)
    t.is(run.error, undefined)
    t.is(value(run, "init"), "false failed probe-failed")
    t.is(
        value(run, "detail"),
        "no camera sensor answered on SCCB (SDA GPIO26, SCL GPIO27): check that the ribbon is seated and latched, that the board file's pins match the board, and the sensor's power (PWDN GPIO32); then init() again",
    )
    t.regex(value(run, "error")!, /^true probe-failed after 0$/)
    t.is(value(run, "again"), "false failed probe-failed")
    t.deepEqual(
        run.lines.filter((l) => l.startsWith("change")),
        ["change starting ", "change failed probe-failed", "change starting ", "change failed probe-failed"],
    )
})

test("camera-brownout while running: the camera reads failed/brownout at once, capture throws, a new init() recovers", async (t) => {
    const run = await fault("camera-brownout")
    t.is(value(run, "init"), "true ready")
    t.regex(value(run, "error")!, /^true brownout after 0$/)
    t.regex(value(run, "message")!, /^capture\(\): the camera is failed \(brownout\): the supply dipped/)
    t.is(value(run, "after"), "failed brownout")
    // its buffer went with the sensor's power
    t.is(value(run, "held"), "true")
    t.is(value(run, "again"), "true ready")
    const changes = run.lines.filter((l) => l.startsWith("change"))
    t.deepEqual(changes, [
        "change starting ",
        "change ready ",
        "change failed brownout",
        "change starting ",
        "change ready ",
    ])
})

test("camera-sensor-stop: the next capture fails after esp32-camera's 4 s timeout (never a hang), reading sensor-not-responding", async (t) => {
    const run = await fault("camera-sensor-stop")
    t.is(value(run, "init"), "true ready")
    const m = /^true sensor-not-responding after (\d+)$/.exec(value(run, "error") ?? "")
    t.truthy(m, value(run, "error"))
    // FB_GET_TIMEOUT from the command's arrival, plus the bus's few milliseconds
    t.true(Number(m![1]) >= 4000 && Number(m![1]) <= 4010, m?.[1])
    t.is(value(run, "after"), "failed sensor-not-responding")
    // a frame held since before the stop is still the script's until the camera stops
    t.is(value(run, "held"), "false")
    // a restart resets the sensor: frames again
    t.is(value(run, "again"), "true ready")
})

test("camera-no-psram: two buffers do not fit, init() reads no-psram naming what fits; one HVGA buffer starts", async (t) => {
    const run = await fault("camera-no-psram", 0)
    t.is(value(run, "init"), "false failed no-psram")
    t.is(
        value(run, "detail"),
        'no PSRAM was found (the board file says 4 MiB of PSRAM): without it one frame buffer of at most HVGA fits; init({ fb_count: 1, framesize: "HVGA" }), or check the module\'s PSRAM',
    )
    t.is(value(run, "again"), "true ready")
})

const BUFFERS = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA", fb_count: 2, quality: 30 })
const a = await cam.capture()
const b = await cam.capture()
console.log(\`held \${cam.status("held")} \${a.index} \${b.index}\`)
const t = ds.millis()
try {
    await cam.capture()
} catch (e) {
    console.log(\`full \${ds.millis() - t} \${(e as Error).message}\`)
}
try {
    await cam.config({ framesize: "SVGA" })
} catch (e) {
    console.log(\`resize \${(e as Error).message}\`)
}
await a.release()
console.log(\`released \${a.released()} \${b.released()} \${cam.status("held")}\`)
const c = await cam.capture()
console.log(\`again \${c.index} \${c.width}x\${c.height} \${c.sequence > b.sequence}\`)
await b.release()
await c.release()
await cam.config({ framesize: "SVGA" })
const d = await cam.capture()
console.log(\`svga \${d.width}x\${d.height} \${cam.config("framesize")}\`)
await d.release()
await cam.config({ quality: 5, brightness: 2, hmirror: true })
const e = await cam.capture()
console.log(\`settings \${e.length > d.length} \${cam.config("brightness")} \${cam.config("hmirror")}\`)
await e.release()
await cam.flash(true)
await cam.flash(0)
const f = await cam.capture({ flash: true })
console.log(\`flash \${f.sequence}\`)
await f.release()
console.log(\`largest \${cam.largest()} \${cam.largest(1)}\`)
await cam.deinit()
console.log(\`deinit \${cam.status()} \${cam.status("reason")} \${f.released()}\`)
`

let buffersRun: Promise<ScriptRun> | undefined
const buffers = () => (buffersRun ??= runScript(BUFFERS, { world: world(), timeout: "30s" }))

test("a script holding every buffer gets a clear error from the next capture at once, never a hang; a release frees one", async (t) => {
    const run = await buffers()
    t.is(run.error, undefined)
    t.is(value(run, "held"), "2 0 1")
    t.is(
        value(run, "full"),
        "0 capture(): all 2 frame buffers are held by frames not released; await frame.release() on one first (or init({ fb_count }) with more, up to 4)",
    )
    t.is(value(run, "released"), "true false 1")
    t.is(value(run, "again"), "0 320x240 true")
})

test("changing the frame size restarts the camera with buffers of the new size; refused while frames are held", async (t) => {
    const run = await buffers()
    t.is(
        value(run, "resize"),
        "config(): a new framesize or fb_count restarts the camera, and 2 frames are still held; release() them first",
    )
    t.is(value(run, "svga"), "800x600 SVGA")
    const svga = run.frames.find((f) => f.width === 800)!
    t.deepEqual([decodeJpeg(svga.bytes).width, decodeJpeg(svga.bytes).height], [800, 600])
    // two starts: QVGA, then SVGA, each with its settling frames
    t.deepEqual(
        run.timeline.filter((e) => e.source === "camera" && e.event === "Ready").map((e) => e.detail),
        ["320x240 2 buffer(s), 20 ms/frame", "800x600 2 buffer(s), 40 ms/frame"],
    )
})

test("sensor settings apply at once: better quality gives more bytes; a mirrored card still reads back", async (t) => {
    const run = await buffers()
    t.is(value(run, "settings"), "true 2 true")
    const mirrored = run.frames[run.frames.length - 2]
    t.is(readFrameCode(decodeJpeg(mirrored.bytes))!.sequence, mirrored.sequence)
    // encoded at the quality set on the running sensor, and reported so
    t.is(mirrored.quality, 5)
})

test("the flash LED: a light at a level, and on for one capture (timeline), the frame marked as lit", async (t) => {
    const run = await buffers()
    const flash = run.timeline.filter((e) => e.source === "camera" && e.event === "flash").map((e) => e.detail)
    t.deepEqual(flash, ["level 255", "level 0", "on for a capture", "off (level 0)"])
    const lit = run.frames.find((f) => f.sequence === Number(value(run, "flash")))!
    t.true(lit.flash)
})

test("largest() names the largest size the board affords; deinit() stops and frees every frame", async (t) => {
    const run = await buffers()
    t.is(value(run, "largest"), "UXGA UXGA")
    t.is(value(run, "deinit"), "off stopped true")
})

const MISUSE = `
import { camera } from "camscript"
function attempt(label: string, f: () => void) {
    try {
        f()
        console.log(\`\${label} ok\`)
    } catch (e) {
        console.log(\`\${label} \${(e as Error).message}\`)
    }
}
attempt("construct", () => new camera.Camera())
const cam = new camera.Camera()
const call = async (label: string, f: () => Promise<any>) => {
    try {
        await f()
        console.log(\`\${label} ok\`)
    } catch (e) {
        console.log(\`\${label} \${(e as Error).message}\`)
    }
}
await call("capture-first", async () => await cam.capture())
await call("size-name", async () => await cam.init({ framesize: "XXL" }))
await call("size-sensor", async () => await cam.init({ framesize: "QXGA" }))
await call("quality", async () => await cam.init({ quality: 64 }))
await call("buffers", async () => await cam.init({ fb_count: 5 }))
await call("brightness", async () => await cam.init({ brightness: 3 }))
await call("option", async () => await cam.init({ colour: true } as any))
await call("mode", async () => await cam.capture({ mode: "newest" }))
await call("flash", async () => await cam.flash(256))
`

test("misuse throws at once naming what is allowed: sizes by name and by what the sensor and PSRAM afford, quality, buffers, levels", async (t) => {
    const run = await runScript(MISUSE, { world: world(), timeout: "20s" })
    t.is(run.error, undefined)
    t.is(value(run, "construct"), "ok")
    t.is(value(run, "capture-first"), "capture(): the camera is not started: await cam.init() first")
    t.is(
        value(run, "size-name"),
        'init(): framesize must be a frame size name (96X96, QQVGA, 128X128, QCIF, HQVGA, 240X240, QVGA, 320X320, CIF, HVGA, VGA, SVGA, XGA, HD, SXGA, UXGA, FHD, P_HD, P_3MP, QXGA, QHD, WQXGA, P_FHD, QSXGA, 5MP), got "XXL"',
    )
    t.is(
        value(run, "size-sensor"),
        "init(): framesize QXGA (2048x1536) is too large for this board (OV2640, 4 MiB of PSRAM): the OV2640 delivers at most UXGA; the largest with 2 buffers is UXGA (1600x1200)",
    )
    t.is(value(run, "quality"), "init(): quality must be an integer 0..63 (lower is better; 10..12 is usual), got 64")
    t.is(value(run, "buffers"), "init(): fb_count must be an integer 1..4, got 5")
    t.is(value(run, "brightness"), "init(): brightness must be an integer -2..2, got 3")
    t.regex(
        value(run, "option")!,
        /^init\(\): unknown option "colour"; allowed: framesize, quality, fb_count, brightness/,
    )
    t.is(value(run, "mode"), 'capture(): mode must be "fresh" or "latest", got "newest"')
    t.is(
        value(run, "flash"),
        "flash(): must be true, false or an integer 0..255, got 256".replace("flash(): must", "flash() must"),
    )
})

test("a board without a camera refuses camera.Camera() at once, naming the boards that have one", async (t) => {
    const run = await runScript(MISUSE, { world: { ...world(), board: "olimex_esp32_poe" }, board: "olimex_esp32_poe" })
    t.is(
        run.error?.split("\n")[0],
        "Error: camera.Camera: board Olimex ESP32-POE (olimex_esp32_poe) has no camera; boards with one: ai_thinker_esp32_cam, esp32_cam_w5500, espressif_esp32_s3_eye, freenove_esp32_wrover_cam, m5stack_timer_camera_x, seeed_xiao_esp32s3_sense",
    )
    t.is(
        value(run, "construct"),
        "camera.Camera: board Olimex ESP32-POE (olimex_esp32_poe) has no camera; boards with one: ai_thinker_esp32_cam, esp32_cam_w5500, espressif_esp32_s3_eye, freenove_esp32_wrover_cam, m5stack_timer_camera_x, seeed_xiao_esp32s3_sense",
    )
})

test("a board without a flash LED refuses flash() and capture({ flash: true }), naming the board", async (t) => {
    const run = await runScript(
        `import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init()
try { await cam.flash(true) } catch (e) { console.log(\`flash \${(e as Error).message}\`) }
try { await cam.capture({ flash: true }) } catch (e) { console.log(\`capture \${(e as Error).message}\`) }
`,
        { world: { ...world(), board: "freenove_esp32_wrover_cam" }, board: "freenove_esp32_wrover_cam" },
    )
    t.is(value(run, "flash"), "flash(): board Freenove ESP32-WROVER CAM (freenove_esp32_wrover_cam) has no flash LED")
    t.is(
        value(run, "capture"),
        "capture(): flash: board Freenove ESP32-WROVER CAM (freenove_esp32_wrover_cam) has no flash LED",
    )
})

test("on the stock DeviceScript firmware camera.Camera() is refused at once: it has no camera driver", async (t) => {
    const run = await runScript(MISUSE, { world: world(), firmware: "stock", timeout: "20s" })
    t.regex(
        value(run, "construct")!,
        /^camera\.Camera needs the camscript firmware's camera driver; this board runs the stock DeviceScript firmware/,
    )
})
