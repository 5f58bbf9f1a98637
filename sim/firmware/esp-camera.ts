import { frameBufferBytes, frameHeight, frameMemoryBytes, frameWidth, sensorMaxSize } from "../../src/camera/sizes"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { WorldEvent } from "../world/world"
import { scheduleCameraFaults } from "../camera/faults"
import type { SensorConfig } from "../world/sensor"
import { encodeJpeg } from "../camera/jpeg"
import { framePeriodMs, SENSOR_START_MS } from "../camera/timing"
import { renderFrame, SENSOR_SETTING, sensorLook } from "../camera/render"
import type { CameraHardwareModel, CapturedFrame } from "../drivers/camera"
import { ESP } from "./esp-types"

// esp32-camera as the firmware's C sees it under `--driver firmware`
// (firmware/host/sim/esp_camera_sim.c calls these): esp_camera_init,
// esp_camera_available_frames, esp_camera_fb_get / fb_return, the sensor_t
// setters and esp_psram, over the same sensor as the model driver
// (sim/camera/: frame periods, start-up time, test card or images, JPEG).
//
// The rules modelled are esp32-camera v2.0.16's (commit
// 920996f51ca75d5b83fa84efd60d745c48f23189):
// - esp_camera_init (driver/esp_camera.c): camera_probe finds no sensor on
//   SCCB with the pins given -> ESP_ERR_NOT_FOUND; a frame size above the
//   sensor's max_size is clamped to it ("it will be forced to the maximum
//   possible value"); cam_config allocates fb_count buffers of
//   width * height / 5 bytes (cam_hal.c, JPEG mode, FRAME_SIZE_AUTO), with
//   MALLOC_CAP_SPIRAM for CAMERA_FB_IN_PSRAM or MALLOC_CAP_INTERNAL for
//   CAMERA_FB_IN_DRAM; a failed allocation ("frame buffer malloc failed")
//   is ESP_FAIL.
// - the buffers (cam_hal.c): CAMERA_GRAB_WHEN_EMPTY fills a buffer only
//   once it is free, with the next frame to start, and the queue hands them
//   out oldest first, so a frame taken long after it was filled is old;
//   CAMERA_GRAB_LATEST with fb_count > 1 queues at most fb_count - 1 frames
//   and drops the oldest for each new one (with one buffer it is
//   GRAB_WHEN_EMPTY). A frame starts only in a buffer that is neither
//   queued nor held (cam_start_frame / cam_get_next_frame); the oldest queued
//   frame is given back only when the queue is full (cam_task's "pop frame
//   buffer from the queue"), and cam_start_frame stamps the frame with
//   esp_timer_get_time() at its VSYNC.
// - camera_fb_t.timestamp: when the frame's first DMA transfer came, taken
//   here as the frame's exposure start, as the model driver reports it.
// Frames are worked out when the C asks (nothing runs per frame), and the
// board is woken when the next frame completes while the C is waiting.

const JPEG = 4 // pixformat_t PIXFORMAT_JPEG
/** esp_camera_fb_get's FB_GET_TIMEOUT (driver/esp_camera.c: 4000 / portTICK_PERIOD_MS) */
const FB_GET_TIMEOUT_MS = 4000
const FB_IN_PSRAM = 0 // camera_fb_location_t
const GRAB_LATEST = 1 // camera_grab_mode_t

/** camera_pid_t of the sensors camscript drives (sensor.h) */
const SENSOR_PID: Record<string, number> = { OV2640: 0x26, OV3660: 0x3660, OV5640: 0x5640 }

interface Buffer {
    /** free: filled by the next frame; queued: filled, not taken; held: taken by the C */
    state: "free" | "queued" | "held"
    /** with state free: since when */
    freeSinceMs: number
    /** with queued or held: the frame's number in this stream */
    frame: number
    bytes?: Uint8Array
    /** the flash LED was on when the C took it */
    flash?: boolean
}

export interface EspCameraSettings {
    pins: number[]
    xclkHz: number
    pixelFormat: number
    frameSize: number
    jpegQuality: number
    fbCount: number
    fbLocation: number
    grabMode: number
}

/** A filled buffer, as the C's sim_fb_t. */
export interface FbRecord {
    index: number
    length: number
    width: number
    height: number
    format: number
    timestampMs: number
}

export class EspCamera {
    private running = false
    private config?: EspCameraSettings
    private frameSize = 0
    private t0 = 0
    private period = 1
    private buffers: Buffer[] = []
    /** the next frame of this stream no buffer has taken yet */
    private nextFrame = 0
    /** frames of earlier streams: the sequence the test card draws counts on across starts */
    private sequenceBase = 0
    private settings: Record<number, number> = {}
    private flash = false
    /** world faults */
    private disconnected = false
    private psramMissing = false
    private stoppedAtMs?: number
    /** since when the C has found nothing to take (undefined: it took or gave since) */
    private emptySinceMs?: number

    constructor(
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly hardware: CameraHardwareModel,
        readonly name: string,
        readonly scene: SensorConfig,
        /** asks the board for a main-loop pass in `ms` */
        private readonly wake: (ms: number) => void,
        private readonly onFrame?: (frame: CapturedFrame) => void,
    ) {}

    /** Schedule the world's camera faults (the same as the model driver's). */
    scheduleFaults(events: WorldEvent[]) {
        scheduleCameraFaults(this.clock, this.timeline, events, (action) => this.fault(action))
    }

    private fault(action: string) {
        const now = this.clock.now()
        if (action === "camera-disconnect") {
            this.disconnected = true
            if (this.stoppedAtMs === undefined) this.stoppedAtMs = now
        } else if (action === "camera-reconnect") this.disconnected = false
        else if (action === "camera-no-psram") this.psramMissing = true
        else if (action === "camera-sensor-stop" || action === "camera-brownout") {
            // a brownout resets the sensor's registers: it stops streaming
            if (this.stoppedAtMs === undefined) this.stoppedAtMs = now
        }
    }

    /**
     * Deep sleep cut the power: the sensor stops and loses its settings, the
     * buffers are gone, the flash LED's GPIO goes low, and frames are counted
     * from 0 again (the C's count is in DRAM; the test card draws this one).
     * The world's faults (a loose cable, missing PSRAM) are the hardware's
     * and stay. As the model camera's powerOff (sim/drivers/camera.ts).
     */
    powerOff() {
        this.sequenceBase = 0
        this.running = false
        this.config = undefined
        this.buffers = []
        this.settings = {}
        this.emptySinceMs = undefined
        this.flash = false
    }

    psramBytes(): number {
        return this.psramMissing ? 0 : this.hardware.psramBytes
    }

    sensorPid(): number {
        return SENSOR_PID[this.hardware.sensor] ?? 0
    }

    init(c: EspCameraSettings): number {
        if (this.running) return ESP.ERR_INVALID_STATE
        // camera_probe: the sensor answers on SCCB only with the board's wiring
        const wired = this.hardware.pins.every((p, i) => c.pins[i] === p)
        if (!wired || this.disconnected) return ESP.ERR_NOT_FOUND
        if (c.pixelFormat !== JPEG) return ESP.ERR_NOT_SUPPORTED // this model delivers JPEG only
        const size = Math.min(c.frameSize, sensorMaxSize(this.hardware.sensor))
        // cam_config: fb_count buffers of width*height/5, in PSRAM or internal RAM
        const psram = this.psramBytes()
        const memory = c.fbLocation === FB_IN_PSRAM ? (psram > 0 ? frameMemoryBytes(psram) : 0) : frameMemoryBytes(0)
        if (c.fbCount < 1 || frameBufferBytes(size) * c.fbCount > memory) return ESP.FAIL
        this.config = c
        this.frameSize = size
        this.running = true
        this.stoppedAtMs = this.disconnected ? this.clock.now() : undefined
        this.period = framePeriodMs(this.hardware.sensor, size)
        // the sensor streams once it is out of reset and configured
        this.t0 = this.clock.now() + SENSOR_START_MS
        this.nextFrame = 0
        this.buffers = Array.from({ length: c.fbCount }, () => ({ state: "free", freeSinceMs: this.t0, frame: 0 }))
        this.settings = {}
        return ESP.OK
    }

    deinit(): number {
        if (!this.running) return ESP.ERR_INVALID_STATE
        this.sequenceBase += this.framesBy(this.clock.now())
        this.running = false
        this.buffers = []
        return ESP.OK
    }

    /** Frames of this stream the sensor has delivered by `t`. */
    private framesBy(t: number): number {
        const end = this.stoppedAtMs !== undefined ? Math.min(t, this.stoppedAtMs) : t
        return Math.max(0, Math.floor((end - this.t0) / this.period))
    }

    private latest(): boolean {
        return this.config!.grabMode === GRAB_LATEST && this.config!.fbCount > 1
    }

    /** Fill buffers with the frames completed by now, as cam_hal.c's DMA would have. */
    private advance() {
        const now = this.clock.now()
        const done = this.framesBy(now)
        if (this.latest()) {
            const capacity = this.config!.fbCount - 1
            // only the newest few frames can still be in the queue
            let n = Math.max(this.nextFrame, done - this.config!.fbCount)
            for (; n < done; n++) {
                const start = this.t0 + n * this.period
                const queued = this.buffers.filter((b) => b.state === "queued").sort((a, b) => a.frame - b.frame)
                // the queue is full: its oldest frame goes back and the new one takes its place
                const free =
                    queued.length >= capacity
                        ? queued[0]
                        : this.buffers.find((b) => b.state === "free" && b.freeSinceMs <= start)
                if (!free) continue // every buffer held: the frame is lost
                free.state = "queued"
                free.frame = n
            }
            this.nextFrame = Math.max(this.nextFrame, done)
            return
        }
        // GRAB_WHEN_EMPTY: each free buffer, in the order it became free, takes the next frame to start
        const free = this.buffers.filter((b) => b.state === "free").sort((a, b) => a.freeSinceMs - b.freeSinceMs)
        for (const b of free) {
            const n = Math.max(this.nextFrame, Math.ceil((b.freeSinceMs - this.t0) / this.period))
            if (n >= done) break
            b.state = "queued"
            b.frame = n
            this.nextFrame = n + 1
        }
    }

    /** When the next frame completes (for the board's wake-up), or undefined when the sensor stopped. */
    private nextCompletionMs(): number | undefined {
        if (this.stoppedAtMs !== undefined) return undefined
        const now = this.clock.now()
        const n = Math.max(this.framesBy(now), 0) + 1
        return this.t0 + n * this.period
    }

    available(): boolean {
        if (!this.running) return false
        this.advance()
        const any = this.buffers.some((b) => b.state === "queued")
        if (!any) {
            const now = this.clock.now()
            const next = this.nextCompletionMs()
            if (next !== undefined) this.wake(Math.max(0, next - now))
            // a stopped sensor: the C gives up after esp_camera_fb_get's FB_GET_TIMEOUT (4 s, driver/esp_camera.c)
            else if (this.emptySinceMs === undefined) {
                this.emptySinceMs = now
                this.wake(FB_GET_TIMEOUT_MS)
            }
        } else this.emptySinceMs = undefined
        return any
    }

    /** The oldest queued frame, now the C's (esp_camera_fb_get). */
    take(): FbRecord | undefined {
        if (!this.available()) return undefined
        const queued = this.buffers.filter((b) => b.state === "queued").sort((a, b) => a.frame - b.frame)
        const b = queued[0]
        b.state = "held"
        const index = this.buffers.indexOf(b)
        const w = frameWidth(this.frameSize)
        const h = frameHeight(this.frameSize)
        const startMs = this.t0 + b.frame * this.period
        const sequence = this.sequenceBase + b.frame
        // settling frames are never delivered (the C gives them back), so no frame here is drawn settling
        const look = sensorLook(this.settings, this.flash, false)
        b.flash = this.flash
        const quality = this.settings[SENSOR_SETTING.Quality] ?? this.config!.jpegQuality
        b.bytes = encodeJpeg(renderFrame(this, w, h, sequence, startMs, look), quality)
        return { index, length: b.bytes.length, width: w, height: h, format: JPEG, timestampMs: startMs }
    }

    give(index: number) {
        this.emptySinceMs = undefined
        const b = this.buffers[index]
        if (!b || b.state !== "held") return
        b.state = "free"
        b.freeSinceMs = this.clock.now()
        b.bytes = undefined
    }

    giveAll() {
        for (let i = 0; i < this.buffers.length; i++) this.give(i)
    }

    sensorSet(setting: number, value: number): number {
        if (!this.running) return ESP.ERR_INVALID_STATE
        this.settings[setting] = value
        return ESP.OK
    }

    setFlash(on: boolean) {
        if (on === this.flash) return
        this.flash = on
        this.timeline.add("camera", "flash", on ? "on" : "off")
    }

    /** The bytes of a buffer the C holds (the frame event names it by index). */
    heldBytes(index: number): Uint8Array | undefined {
        const b = this.buffers[index]
        return b?.state === "held" ? b.bytes : undefined
    }

    /** A frame the C delivered to the script: for --frames and camscript/testing, as the model reports. */
    delivered(index: number, sequence: number, capturedAtMs: number) {
        const b = this.buffers[index]
        if (!b || b.state !== "held" || !b.bytes || !this.config) return
        this.timeline.add(
            "camera",
            "frame",
            `#${sequence} ${frameWidth(this.frameSize)}x${frameHeight(this.frameSize)} ${b.bytes.length} B in buffer ${index}`,
        )
        this.onFrame?.({
            camera: this.name,
            sequence,
            width: frameWidth(this.frameSize),
            height: frameHeight(this.frameSize),
            quality: this.settings[SENSOR_SETTING.Quality] ?? this.config.jpegQuality,
            exposureStartMs: this.t0 + b.frame * this.period,
            capturedAtMs,
            flash: b.flash ?? false,
            bytes: b.bytes,
        })
    }
}
