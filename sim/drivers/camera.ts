import { frameBufferBytes, frameHeight, frameMemoryBytes, frameWidth } from "../../src/camera/sizes"
import type { Contract } from "../contract"
import { ContractServer } from "./contract-server"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { encodeJpeg } from "../camera/jpeg"
import { framePeriodMs, SENSOR_START_MS } from "../camera/timing"
import type { Picture } from "../camera/test-card"
import { renderFrame, sensorLook } from "../camera/render"
import type { SensorConfig } from "../world/sensor"
import type { WorldEvent } from "../world/world"
import { scheduleCameraFaults } from "../camera/faults"

// The simulator's implementation of services/camera.md: esp32-camera over
// a modelled sensor. The sensor streams frames back to back from the end of
// its start-up; frame n of a start exposes from t0 + n * period to
// t0 + (n + 1) * period. Nothing runs per frame: which frame a buffer holds
// is worked out when a capture asks, so an idle camera costs no timers.
//
// Buffers follow esp32-camera's cam_hal.c: a JPEG buffer of width*height/5
// bytes each (cam_config), in PSRAM when there is some, else one in internal
// RAM. With more than one buffer the driver runs CAMERA_GRAB_LATEST (the
// queue keeps the newest frames); with one, CAMERA_GRAB_WHEN_EMPTY (the
// buffer keeps the first frame after it was given back: the stale frame the
// anchors' users meet). A `fresh` capture gives back every frame whose
// exposure started before the command and answers with the first one that
// starts at or after it.

const CAMERA_CONTRACT_VERSION = 1
/** esp32-camera's FB_GET_TIMEOUT (driver/esp_camera.c): esp_camera_fb_get gives up after 4 s. */
const FB_GET_TIMEOUT_MS = 4000

/** What the board gives the sensor model. */
export interface CameraHardwareModel {
    sensor: string
    /** services/camera.md set_pins order, -1 = not wired */
    pins: number[]
    flashPin: number
    psramBytes: number
}

/** A frame the driver delivered to the script (for --frames and camscript/testing). */
export interface CapturedFrame {
    camera: string
    sequence: number
    width: number
    height: number
    /** esp32-camera quality 0..63 it was encoded at */
    quality: number
    /** simulated ms when its exposure started */
    exposureStartMs: number
    /** simulated ms when the driver answered the capture */
    capturedAtMs: number
    flash: boolean
    bytes: Uint8Array
}

interface Config {
    sensor: number
    frameSize: number
    quality: number
    fbCount: number
    settleFrames: number
    flashPin: number
}

interface Held {
    index: number
    sequence: number
    bytes: Uint8Array
}

/** A frame in the server's buffer (sim/drivers/camera-server.ts). */
export interface ServedFrame {
    sequence: number
    exposureStartMs: number
    width: number
    height: number
    bytes: Uint8Array
}

interface PendingCapture {
    request: number
    timer: unknown
}

export class SimCamera extends ContractServer {
    private readonly S = this.members("State")
    private readonly R = this.members("Reason")
    private readonly Setting = this.members("SensorSetting")
    private readonly Result = this.members("CaptureResult")
    private state: number
    private reason: number
    private pins: number[] = []
    private config?: Config
    /** sensor settings by the contract's SensorSetting number */
    private settings: Record<number, number> = {}
    private flashLevel = 0
    /** start of frame 0 of the current stream, simulated ms */
    private t0 = 0
    /** the current stream's frame period (a set_config for the next one changes this.period first) */
    private streamPeriod = 1
    /** frames of earlier starts: sequence numbers count on across starts */
    private sequenceBase = 0
    /** frames of this stream the driver threw away while settling */
    private settleFrames = 0
    /** the sensor stopped sending frames at this time (undefined: streaming) */
    private stoppedAtMs?: number
    /** buffers the script holds */
    private held: Held[] = []
    /** with one buffer (GRAB_WHEN_EMPTY): when it was last given back */
    private bufferFreeSinceMs = 0
    /** with several buffers: frames taken out of the queue up to this time are gone */
    private queueEmptiedAtMs = 0
    private pending: PendingCapture[] = []
    private generation = 0
    /** buffers the camera's HTTP server holds for itself (0 or 1: services/camera-server.md) */
    private serverReserved = 0
    /** the last frame encoded for the server: the stream and snapshots share it */
    private served?: ServedFrame
    /** told after every change of state (the server pauses while the camera is not ready) */
    private readonly stateListeners: (() => void)[] = []
    /** world faults */
    private disconnected = false
    private psramMissing = false

    constructor(
        contract: Contract,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly hardware: CameraHardwareModel,
        readonly name: string,
        readonly scene: SensorConfig,
        private readonly onFrame?: (frame: CapturedFrame) => void,
    ) {
        super(contract, CAMERA_CONTRACT_VERSION)
        this.state = this.S.Off
        this.reason = this.R.None
        this.command("set_pins", ({ pins }) => {
            this.pins = [...(pins as Uint8Array)].map((p) => (p === 255 ? -1 : p))
        })
        this.command(
            "set_config",
            ({
                sensor,
                frame_size: frameSize,
                jpeg_quality: quality,
                fb_count: fbCount,
                settle_frames: settleFrames,
                flash_pin: flashPin,
            }) => {
                this.config = {
                    sensor: sensor as number,
                    frameSize: frameSize as number,
                    quality: quality as number,
                    fbCount: fbCount as number,
                    settleFrames: settleFrames as number,
                    flashPin: flashPin as number,
                }
                // a running camera starts again with the new settings (buffers are sized at init)
                if (this.state === this.S.Ready || this.state === this.S.Starting) this.start()
            },
        )
        this.command("set_active", ({ on }) => (on ? this.start() : this.stop(this.R.StoppedByRequest)))
        this.command("set_sensor", ({ value, setting }) => {
            this.settings[setting as number] = value as number
        })
        this.command("set_flash", ({ level }) => {
            this.flashLevel = level as number
            this.timeline.add("camera", "flash", `level ${level}`)
        })
        this.command("capture", ({ request, mode, flash }) =>
            // a bool arrives as a byte (the VM sends true as 255)
            this.capture(request as number, mode === this.contract.enumValue("GrabMode", "Latest"), Boolean(flash)),
        )
        this.command("release", ({ sequence, index }) => this.release(sequence as number, index as number))
    }

    /** Schedule the world's camera faults. */
    scheduleFaults(events: WorldEvent[]) {
        scheduleCameraFaults(this.clock, this.timeline, events, (action) => this.fault(action))
    }

    private fault(action: string) {
        const now = this.clock.now()
        if (action === "camera-disconnect") {
            // the ribbon is out: no more frames, and no probe answers
            this.disconnected = true
            if (this.stoppedAtMs === undefined) this.stoppedAtMs = now
        } else if (action === "camera-reconnect") {
            this.disconnected = false
        } else if (action === "camera-no-psram") {
            this.psramMissing = true
        } else if (action === "camera-sensor-stop") {
            if (this.stoppedAtMs === undefined) this.stoppedAtMs = now
        } else if (action === "camera-brownout") {
            // the sensor lost power for a moment: its registers are gone, so is the stream
            if (this.state === this.S.Ready || this.state === this.S.Starting) this.stop(this.R.Brownout, this.S.Failed)
        }
    }

    private get period(): number {
        return framePeriodMs(this.hardware.sensor, this.config?.frameSize ?? 0)
    }

    private psramFound(): number {
        return this.psramMissing ? 0 : this.hardware.psramBytes
    }

    private sendStatus() {
        const c = this.config
        const sensor = this.state === this.S.Ready ? this.contract.enumValue("Sensor", this.hardware.sensor) : 0
        this.event("status", [
            Math.floor(this.psramFound() / 1024),
            this.state,
            this.reason,
            sensor,
            c?.frameSize ?? 0,
            c?.fbCount ?? 0,
            this.held.length,
        ])
    }

    private setState(state: number, reason: number) {
        this.state = state
        this.reason = reason
        const parts: string[] = []
        if (reason !== this.R.None) parts.push(`reason=${this.contract.enumName("Reason", reason)}`)
        if (state === this.S.Ready && this.config)
            parts.push(
                `${frameWidth(this.config.frameSize)}x${frameHeight(this.config.frameSize)} ${this.config.fbCount} buffer(s), ${this.period} ms/frame`,
            )
        this.timeline.add("camera", this.contract.enumName("State", state), parts.join(" "))
        // the server's status first (services/camera-server.md): a script that awaited
        // the camera's change reads the server's state that follows from it
        for (const listener of this.stateListeners) listener()
        this.sendStatus()
    }

    /** Call `listener` after every change of the camera's state. */
    onStateChange(listener: () => void) {
        this.stateListeners.push(listener)
    }

    /** Whether frames flow: started, settled and the sensor still sending. */
    ready(): boolean {
        return this.state === this.S.Ready && this.stoppedAtMs === undefined
    }

    /**
     * The server takes (true) or gives back (false) one buffer of its own.
     * The bytecode leaves it free (src/camera/server.ts); the driver counts it
     * too, so a capture never gets it.
     */
    reserveServerBuffer(on: boolean) {
        this.serverReserved = on ? 1 : 0
        if (!on) this.served = undefined
    }

    /** When the frame in progress at `t` is complete (simulated ms). */
    frameDoneAfter(t: number): number {
        const P = this.period
        return this.t0 + (Math.floor((t - this.t0) / P) + 1) * P
    }

    /** When the first frame whose exposure starts at or after `t` is complete (a fresh frame, as capture() takes). */
    freshFrameDoneAt(t: number): number {
        const P = this.period
        return this.t0 + (Math.ceil((t - this.t0) / P) + 1) * P
    }

    /**
     * The newest frame the sensor finished (GRAB_LATEST into the server's
     * buffer), encoded once however many clients it is sent to; undefined
     * while the camera is not ready or still settling.
     */
    latestFrame(): ServedFrame | undefined {
        const c = this.config
        if (!c || !this.ready() || this.serverReserved === 0) return undefined
        const n = this.framesBy(this.clock.now()) - 1
        if (n < this.settleFrames) return undefined
        const sequence = this.sequenceBase + n
        if (this.served?.sequence === sequence) return this.served
        const [w, h] = [frameWidth(c.frameSize), frameHeight(c.frameSize)]
        const start = this.t0 + n * this.period
        const picture = this.picture(w, h, sequence, start, this.flashLevel > 0, false)
        const bytes = encodeJpeg(picture, this.settings[this.Setting.Quality] ?? c.quality)
        this.served = { sequence, exposureStartMs: start, width: w, height: h, bytes }
        return this.served
    }

    /** Frames the current stream has delivered by `t` (including settling ones). */
    private framesBy(t: number): number {
        if (this.state !== this.S.Ready && this.state !== this.S.Starting) return 0
        const end = this.stoppedAtMs !== undefined ? Math.min(t, this.stoppedAtMs) : t
        return Math.max(0, Math.floor((end - this.t0) / this.streamPeriod))
    }

    private start() {
        const c = this.config
        this.endStream()
        this.generation++
        this.stoppedAtMs = undefined
        if (!c) return this.setState(this.S.Failed, this.R.ProbeFailed)
        this.setState(this.S.Starting, this.R.None)
        const gen = this.generation
        this.clock.setTimeout(() => {
            if (gen !== this.generation) return
            // esp_camera_init: probe the sensor over SCCB with the pins given
            const wired = this.hardware.pins.every((p, i) => this.pins[i] === p)
            if (!wired || this.disconnected) return this.setState(this.S.Failed, this.R.ProbeFailed)
            // cam_dma_config: fb_count buffers of width*height/5 bytes, PSRAM or internal RAM
            const psram = this.psramFound()
            const need = frameBufferBytes(c.frameSize) * c.fbCount
            if (need > frameMemoryBytes(psram) || (psram === 0 && c.fbCount > 1))
                return this.setState(
                    this.S.Failed,
                    psram === 0 && this.hardware.psramBytes > 0 ? this.R.NoPsram : this.R.OutOfMemory,
                )
            this.t0 = this.clock.now()
            this.streamPeriod = this.period
            this.settleFrames = c.settleFrames
            this.held = []
            this.bufferFreeSinceMs = this.t0
            this.queueEmptiedAtMs = this.t0
            // the settling frames go by before the camera reads as ready
            this.clock.setTimeout(() => {
                if (gen !== this.generation) return
                if (this.stoppedAtMs !== undefined) return this.stop(this.R.SensorNotResponding, this.S.Failed)
                this.bufferFreeSinceMs = this.clock.now()
                this.queueEmptiedAtMs = this.clock.now()
                this.setState(this.S.Ready, this.R.None)
            }, c.settleFrames * this.period)
        }, SENSOR_START_MS)
    }

    /** The stream ends: its frames are counted into the sequence base; held buffers are freed. */
    private endStream() {
        if (this.state === this.S.Ready || this.state === this.S.Starting) {
            this.sequenceBase += this.framesBy(this.clock.now())
        }
        this.held = []
        for (const p of this.pending) {
            this.clock.clearTimeout(p.timer as never)
            this.answer(p.request, this.Result.NotReady)
        }
        this.pending = []
    }

    /** Deep sleep: the sensor loses power and the buffers their frames, as at power-on (no reason to tell). */
    powerOff() {
        this.flashLevel = 0 // the LED's GPIO resets with the chip
        this.stop(this.R.None)
        // frames count from 0 again after the boot, as the firmware's driver counts them (in RAM)
        this.sequenceBase = 0
    }

    private stop(reason: number, state = this.S.Off) {
        this.endStream()
        this.generation++
        this.setState(state, reason)
    }

    private answer(
        request: number,
        result: number,
        frame?: {
            index: number
            sequence: number
            width: number
            height: number
            length: number
            ageMs: number
            discarded: number
        },
    ) {
        const f = frame ?? { index: 0, sequence: 0, width: 0, height: 0, length: 0, ageMs: 0, discarded: 0 }
        this.event("frame", [
            f.sequence,
            f.length,
            f.ageMs,
            request,
            f.width,
            f.height,
            result,
            f.index,
            this.contract.enumValue("PixelFormat", "Jpeg"),
            f.discarded,
        ])
    }

    private capture(request: number, latest: boolean, flash: boolean) {
        const c = this.config
        if (this.state !== this.S.Ready || !c) return this.answer(request, this.Result.NotReady)
        if (this.held.length + this.pending.length + this.serverReserved >= c.fbCount)
            return this.answer(request, this.Result.NoFreeBuffer)
        const now = this.clock.now()
        const P = this.period
        if (flash) this.timeline.add("camera", "flash", "on for a capture")
        let n: number
        let discarded = 0
        if (c.fbCount === 1) {
            // GRAB_WHEN_EMPTY: the buffer holds the first frame that started after it was given back
            const first = Math.ceil((this.bufferFreeSinceMs - this.t0) / P)
            const filled = this.t0 + (first + 1) * P <= now && this.framesBy(now) > first
            if (latest && filled) n = first
            else {
                if (filled) discarded = 1
                n = Math.ceil((now - this.t0) / P)
            }
        } else {
            // GRAB_LATEST: the queue holds the newest frames completed since it was last emptied
            const done = this.framesBy(now)
            const sinceEmptied = done - Math.ceil((this.queueEmptiedAtMs - this.t0) / P)
            const queued = Math.max(0, Math.min(sinceEmptied, c.fbCount - this.held.length - this.serverReserved - 1))
            if (latest && queued > 0) n = done - 1
            else {
                discarded = queued
                n = Math.ceil((now - this.t0) / P)
            }
        }
        const start = this.t0 + n * P
        const end = start + P
        const gen = this.generation
        const due = Math.max(end, now)
        const alive = this.stoppedAtMs === undefined || end <= this.stoppedAtMs
        const pending: PendingCapture = { request, timer: undefined }
        pending.timer = this.clock.setTimeout(
            () => {
                if (gen !== this.generation) return
                this.pending = this.pending.filter((p) => p !== pending)
                if (!alive || (this.stoppedAtMs !== undefined && end > this.stoppedAtMs)) {
                    // esp_camera_fb_get returned NULL after FB_GET_TIMEOUT: the sensor stopped.
                    // The state goes first, so the script reads it when its capture() throws.
                    this.stop(this.R.SensorNotResponding, this.S.Failed)
                    return this.answer(request, this.Result.Timeout)
                }
                this.deliver(request, n, start, flash, discarded)
            },
            alive ? due - now : FB_GET_TIMEOUT_MS,
        )
        this.pending.push(pending)
    }

    private deliver(request: number, n: number, startMs: number, flash: boolean, discarded: number) {
        const c = this.config!
        const now = this.clock.now()
        const used = new Set(this.held.map((h) => h.index))
        let index = 0
        while (used.has(index)) index++
        const sequence = this.sequenceBase + n
        const [w, h] = [frameWidth(c.frameSize), frameHeight(c.frameSize)]
        const picture = this.picture(w, h, sequence, startMs, flash || this.flashLevel > 0, n < this.settleFrames)
        // set_sensor Quality changes the running sensor's JPEG quality (services/camera.md)
        const quality = this.settings[this.Setting.Quality] ?? c.quality
        const bytes = encodeJpeg(picture, quality)
        this.held.push({ index, sequence, bytes })
        if (c.fbCount === 1) this.bufferFreeSinceMs = Number.POSITIVE_INFINITY
        else this.queueEmptiedAtMs = now
        if (flash) this.timeline.add("camera", "flash", `off (level ${this.flashLevel})`)
        this.timeline.add("camera", "frame", `#${sequence} ${w}x${h} ${bytes.length} B in buffer ${index}`)
        this.answer(request, this.Result.Ok, {
            index,
            sequence,
            width: w,
            height: h,
            length: bytes.length,
            ageMs: now - startMs,
            discarded,
        })
        this.onFrame?.({
            camera: this.name,
            sequence,
            width: w,
            height: h,
            quality,
            exposureStartMs: startMs,
            capturedAtMs: now,
            flash,
            bytes,
        })
    }

    private release(sequence: number, index: number) {
        const i = this.held.findIndex((h) => h.index === index && h.sequence === sequence)
        if (i < 0) return
        this.held.splice(i, 1)
        const now = this.clock.now()
        if (this.config?.fbCount === 1) this.bufferFreeSinceMs = now
    }

    /** The bytes of a frame the script holds (the network's sender reads them here). */
    frameBytes(index: number, sequence: number): Uint8Array | undefined {
        return this.held.find((h) => h.index === index && h.sequence === sequence)?.bytes
    }

    private picture(
        w: number,
        h: number,
        sequence: number,
        startMs: number,
        flash: boolean,
        settling: boolean,
    ): Picture {
        return renderFrame(this, w, h, sequence, startMs, sensorLook(this.settings, flash, settling))
    }
}
