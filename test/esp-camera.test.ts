import test from "ava"
import { EspCamera, type EspCameraSettings } from "../sim/firmware/esp-camera"
import { ESP } from "../sim/firmware/esp-types"
import { Timeline } from "../sim/timeline"
import { framePeriodMs, SENSOR_START_MS } from "../sim/camera/timing"
import { frameBufferBytes, frameSizeIndex } from "../src/camera/sizes"
import { DRAM_FRAME_BUFFER_MAX_BYTES, FB_COUNT_MAX } from "../src/limits"
import { CAPTURE_TIMEOUT_MS } from "../src/camera/timing"
import { readRegularFile } from "../project/files"
import { fromRoot } from "../project/paths"

// The simulated esp32-camera (sim/firmware/esp-camera.ts) at the edges of
// the rules it models from esp32-camera 2.0.16 (driver/esp_camera.c,
// driver/cam_hal.c), without the C or the VM: a hand-driven clock, and the
// expected frame numbers worked out here from the sensor's period.

const PINS = [32, -1, 0, 26, 27, 5, 18, 19, 21, 36, 39, 34, 35, 25, 23, 22]
const PSRAM = 4 * 1024 * 1024

function camera(psramBytes = PSRAM, sensor = "OV2640") {
    let now = 0
    const timers: { at: number; fn: () => void }[] = []
    const clock = {
        now: () => now,
        setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
        clearTimeout: () => {},
    }
    const wakes: number[] = []
    const cam = new EspCamera(
        clock,
        new Timeline(() => now),
        { sensor, pins: PINS, flashPin: 4, psramBytes },
        "porch",
        { scene: "test-card" },
        (ms) => wakes.push(now + ms),
    )
    return { cam, wakes, at: (t: number) => (now = t) }
}

function settings(size: string, fbCount: number, o: Partial<EspCameraSettings> = {}): EspCameraSettings {
    return {
        pins: PINS,
        xclkHz: 20_000_000,
        pixelFormat: 4,
        frameSize: frameSizeIndex(size),
        jpegQuality: 30,
        fbCount,
        fbLocation: 0,
        grabMode: fbCount > 1 ? 1 : 0,
        ...o,
    }
}

test("esp_camera_init: wrong pins are ESP_ERR_NOT_FOUND (no sensor on SCCB); the board's pins start it", (t) => {
    const { cam } = camera()
    const wrong = [...PINS]
    wrong[3] = 14 // SDA
    t.is(cam.init(settings("QVGA", 1, { pins: wrong })), ESP.ERR_NOT_FOUND)
    t.is(cam.init(settings("QVGA", 1)), ESP.OK)
    t.is(cam.init(settings("QVGA", 1)), ESP.ERR_INVALID_STATE, "already initialised")
    t.is(cam.sensorPid(), 0x26)
})

test("esp_camera_init: buffers of width*height/5 each; in DRAM the last count that fits starts, one more is ESP_FAIL", (t) => {
    const size = frameSizeIndex("QQVGA")
    const fit = Math.floor(DRAM_FRAME_BUFFER_MAX_BYTES / frameBufferBytes(size))
    const { cam } = camera(0)
    t.is(cam.init(settings("QQVGA", fit + 1, { fbLocation: 1, grabMode: 1 })), ESP.FAIL)
    t.is(cam.init(settings("QQVGA", fit, { fbLocation: 1, grabMode: 1 })), ESP.OK)
    // PSRAM asked for where there is none: the allocation fails
    const { cam: none } = camera(0)
    t.is(none.init(settings("QQVGA", 1, { fbLocation: 0 })), ESP.FAIL)
})

test("esp_camera_init: a size above the sensor's maximum is clamped to it (OV2640: UXGA), not refused", (t) => {
    const { cam, at } = camera()
    t.is(cam.init(settings("QXGA", 1)), ESP.OK)
    const P = framePeriodMs("OV2640", frameSizeIndex("UXGA"))
    at(SENSOR_START_MS + P)
    const fb = cam.take()
    t.is(fb?.width, 1600)
    t.is(fb?.height, 1200)
})

test("GRAB_WHEN_EMPTY, one buffer: it holds the first frame after it was given back, however old (the stale frame)", (t) => {
    const { cam, at, wakes } = camera()
    t.is(cam.init(settings("QVGA", 1)), ESP.OK)
    const P = framePeriodMs("OV2640", frameSizeIndex("QVGA"))
    const t0 = SENSOR_START_MS
    at(t0 + P - 1)
    t.false(cam.available())
    t.is(wakes[wakes.length - 1], t0 + P, "woken when frame 0 completes")
    at(t0 + 10 * P + 3)
    const fb = cam.take()!
    t.is(fb.timestampMs, t0, "frame 0, ten periods old")
    t.false(cam.available(), "one buffer, and the C holds it")
    cam.give(fb.index)
    at(t0 + 12 * P)
    // given back at 10P+3: frame 11 (starting 11P) is the first to start after
    t.is(cam.take()?.timestampMs, t0 + 11 * P)
})

test("GRAB_LATEST, three buffers: the queue holds at most two frames, the newest; the oldest of them comes first; no free buffer, no frame", (t) => {
    const { cam, at } = camera()
    t.is(cam.init(settings("QVGA", 3)), ESP.OK)
    const P = framePeriodMs("OV2640", frameSizeIndex("QVGA"))
    const t0 = SENSOR_START_MS
    at(t0 + 20 * P)
    const a = cam.take()!
    const b = cam.take()!
    t.is(a.timestampMs, t0 + 18 * P)
    t.is(b.timestampMs, t0 + 19 * P)
    t.false(cam.available(), "fb_count - 1 queued")
    // both held: one buffer left; the first frame to start takes it and stays
    // queued, and later frames find no free buffer and are dropped
    // (cam_hal.c cam_start_frame: a frame starts only in a free buffer; the
    // oldest queued one is given back only when the queue is full)
    at(t0 + 25 * P)
    t.is(cam.take()?.timestampMs, t0 + 22 * P)
})

test("a stopped sensor: nothing to take, and the board is woken after FB_GET_TIMEOUT (4 s)", (t) => {
    const { cam, at, wakes } = camera()
    t.is(cam.init(settings("QVGA", 1)), ESP.OK)
    ;(cam as unknown as { fault(a: string): void }).fault("camera-sensor-stop")
    at(1000)
    t.false(cam.available())
    t.is(wakes[wakes.length - 1], 1000 + 4000)
})

test("the C driver's limits are the bytecode's: buffer count, capture timeout, contract version", (t) => {
    const c = readRegularFile(fromRoot("firmware/main/cam_camera.c"), "firmware/main/cam_camera.c", 1 << 20).toString(
        "utf8",
    )
    const define = (name: string) => Number(new RegExp(`^#define ${name} (\\d+)`, "m").exec(c)?.[1])
    t.is(define("MAX_BUFFERS"), FB_COUNT_MAX)
    t.is(define("CAPTURE_TIMEOUT_US"), CAPTURE_TIMEOUT_MS * 1000)
    const contract = readRegularFile(fromRoot("services/camera.md"), "services/camera.md", 1 << 20).toString("utf8")
    t.is(define("CONTRACT_VERSION"), Number(/Driver contract, version (\d+)/.exec(contract)?.[1]))
})
