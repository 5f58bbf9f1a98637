import * as ds from "@devicescript/core"
import { board } from "../board"
import { checkKeys, describe } from "../network/credentials"
import { _holdWhileRegistered } from "../pending"
import {
    checkExposure,
    checkFbCount,
    checkFlag,
    checkFlashLevel,
    checkFrameSize,
    checkGain,
    checkLevel,
    checkQuality,
    checkWbMode,
} from "./checks"
import { Frame } from "./frame"
import { CameraLink, cameraLink } from "./link"
import { CameraServer, serverBuffers, ServeOptions, serveConfig, startServing } from "./server"
import { CAPTURE_TIMEOUT_MS } from "./timing"
import { CameraChange, FAILED, OFF, READY, reasonText, reasonWord, stateWord } from "./reasons"
import { frameSizeIndex, frameSizeName, largestSize, maxBuffers, sensorNames } from "./sizes"

/** What the camera starts with, and what config() changes. Every key is optional. */
export interface CameraOptions {
    /** a frame size name: "QVGA", "VGA", "SVGA", "XGA", "HD", "SXGA", "UXGA", ... */
    framesize?: string
    /** JPEG quality 0..63, lower is better */
    quality?: number
    /** frame buffers, 1..4 (1 without PSRAM) */
    fb_count?: number
    /** -2..2 */
    brightness?: number
    contrast?: number
    saturation?: number
    vflip?: boolean
    hmirror?: boolean
    /** automatic exposure (true) or `exposure` (false) */
    auto_exposure?: boolean
    /** manual exposure, 0..1200 */
    exposure?: number
    /** automatic gain (true) or `gain` (false) */
    auto_gain?: boolean
    /** manual gain, 0..30 */
    gain?: number
    /** automatic white balance */
    whitebalance?: boolean
    /** 0 auto, 1 sunny, 2 cloudy, 3 office, 4 home */
    wb_mode?: number
}

/** capture() options. */
export interface CaptureOptions {
    /** "fresh" (default): exposure starts after the call; "latest": the newest frame already taken (streaming) */
    mode?: string
    /** light the flash LED for this capture */
    flash?: boolean
}

// The key lists are built on each call, not held in module-level arrays:
// the image holds this module whether or not a script uses the camera, and a
// module-level array would take heap from every script (src/camera/sizes.ts).
function sensorKeys(): string[] {
    return [
        "brightness",
        "contrast",
        "saturation",
        "vflip",
        "hmirror",
        "auto_exposure",
        "exposure",
        "auto_gain",
        "gain",
        "whitebalance",
        "wb_mode",
    ]
}
function optionKeys(): string[] {
    const keys = ["framesize", "quality", "fb_count"]
    for (const k of sensorKeys()) keys.push(k)
    return keys
}
/** config() reads these besides the options */
function readKeys(): string[] {
    return ["sensor", "psram", "flash_pin", "flash"]
}

/** The default JPEG quality: what Arduino's CameraWebServer starts with (lower is better). */
export const DEFAULT_QUALITY = 12
/** The default frame size where the board affords it. */
export const DEFAULT_FRAMESIZE = "VGA"

/**
 * Thrown by capture() when the camera cannot deliver: it failed (probe
 * failed, no PSRAM, brownout, sensor not responding) or is not ready.
 * `reason` is status("reason") at that moment.
 *
 * @devsWhenUsed (its methods enter the image's prototypes only when called: none for a script without the camera)
 */
export class CameraError extends Error {
    reason: string
    constructor(message: string, reason: string) {
        super(message)
        this.name = "CameraError"
        this.reason = reason
    }
}

/** The contract's setting number and the value to send, for one option. */
function settingOf(key: string, v: any, what: string): number[] {
    const at = `${what}: ${key}`
    if (key === "brightness" || key === "contrast" || key === "saturation") {
        checkLevel(v, at)
        const s =
            key === "brightness"
                ? ds.CamCameraSensorSetting.Brightness
                : key === "contrast"
                  ? ds.CamCameraSensorSetting.Contrast
                  : ds.CamCameraSensorSetting.Saturation
        return [s, v]
    }
    if (key === "exposure") {
        checkExposure(v, at)
        return [ds.CamCameraSensorSetting.ExposureValue, v]
    }
    if (key === "gain") {
        checkGain(v, at)
        return [ds.CamCameraSensorSetting.GainValue, v]
    }
    if (key === "wb_mode") {
        checkWbMode(v, at)
        return [ds.CamCameraSensorSetting.WhiteBalanceMode, v]
    }
    checkFlag(v, at)
    const flag = v ? 1 : 0
    if (key === "vflip") return [ds.CamCameraSensorSetting.VFlip, flag]
    if (key === "hmirror") return [ds.CamCameraSensorSetting.HMirror, flag]
    if (key === "auto_exposure") return [ds.CamCameraSensorSetting.AutoExposure, flag]
    if (key === "auto_gain") return [ds.CamCameraSensorSetting.AutoGain, flag]
    return [ds.CamCameraSensorSetting.WhiteBalance, flag]
}

/**
 * The board's camera, as `new camera.Camera()`: pins, sensor and PSRAM come
 * from the board file. `await init()` starts it (true when ready, false when
 * it failed: status() says why); `await capture()` takes a frame whose
 * exposure started after the call. Reads are synchronous; anything that
 * talks to the driver is async. Misuse throws at once; a failure of the
 * camera is a state with a reason (status(), on_change).
 *
 * @devsWhenUsed (its methods enter the image's prototypes only when called: none for a script without the camera)
 */
export class Camera {
    private readonly link: CameraLink
    /** what the next start sends */
    private framesize: number
    private quality: number
    private fbCount: number
    /** sensor settings as [setting, value], sent at every start */
    private settings: number[][] = []
    /** the option values as given, for config(key) */
    private values: any = {}
    private flashLevel = 0

    /**
     * `new camera.Camera()`: the board's camera.
     * @throws on a board without a camera, naming the boards that have one
     */
    constructor() {
        // see network.WLAN: `new camera.Camera()` runs on a bare object in DeviceScript
        if (!(this instanceof Camera)) return new Camera()
        this.link = cameraLink("camera.Camera")
        const psram = this.psram()
        this.fbCount = maxBuffers(psram) > 1 ? 2 : 1
        const vga = frameSizeIndex(DEFAULT_FRAMESIZE)
        const best = largestSize(this.link.wiring.sensor, psram, this.fbCount)
        this.framesize = best >= 0 && best < vga ? best : vga
        this.quality = DEFAULT_QUALITY
    }

    private psram(): number {
        return board().psramBytes ?? 0
    }

    /** Check options and apply them to what the next start sends. */
    private take(options: any, what: string) {
        if (typeof options !== "object" || options === null || Array.isArray(options))
            throw new Error(
                `${what}: expected an object of settings (${optionKeys().join(", ")}), got ${describe(options)}`,
            )
        checkKeys(what, options, optionKeys())
        const psram = this.psram()
        let count = this.fbCount
        if (options.fb_count !== undefined) {
            checkFbCount(options.fb_count, `${what}: fb_count`, psram)
            if (options.fb_count < 2 && serverBuffers() > 0)
                throw new Error(
                    `${what}: fb_count must be 2 or more while the camera serves (one buffer is the server's); stop() the server first`,
                )
            count = options.fb_count
        }
        if (options.quality !== undefined) checkQuality(options.quality, `${what}: quality`)
        let size = this.framesize
        if (options.framesize !== undefined)
            size = checkFrameSize(options.framesize, `${what}: framesize`, this.link.wiring.sensor, psram, count)
        else checkFrameSize(frameSizeName(size), `${what}: framesize`, this.link.wiring.sensor, psram, count)
        const settings: number[][] = []
        for (const k of sensorKeys()) if (options[k] !== undefined) settings.push(settingOf(k, options[k], what))
        // all checked: now apply
        this.fbCount = count
        this.framesize = size
        if (options.quality !== undefined) this.quality = options.quality
        for (const s of settings) {
            let replaced = false
            for (const old of this.settings)
                if (old[0] === s[0]) {
                    old[1] = s[1]
                    replaced = true
                }
            if (!replaced) this.settings.push(s)
        }
        for (const k of Object.keys(options)) this.values[k] = options[k]
        return settings
    }

    /**
     * `await init()` or `await init({ framesize: "SVGA", quality: 10, ... })`:
     * start the camera. Resolves true once it is ready (the settling frames
     * already skipped), false when it failed: status("reason") says why
     * (probe-failed, no-psram, brownout, out-of-memory). Misuse (an unknown
     * option, a value out of range, a size this board cannot afford) throws.
     */
    async init(options?: CameraOptions): Promise<boolean> {
        if (options !== undefined) this.take(options, "init()")
        if (this.link.held > 0 && this.link.state === READY)
            throw new Error(
                `init(): ${this.link.held} frame${this.link.held === 1 ? " is" : "s are"} still held; release() them first (a restart frees their buffers)`,
            )
        await this.link.start(
            { frameSize: this.framesize, quality: this.quality, fbCount: this.fbCount },
            this.settings,
        )
        return this.link.state === READY
    }

    /** Stop the camera; every frame still held is gone with its buffer. */
    async deinit(): Promise<void> {
        await this.link.stop()
    }

    /**
     * `config("framesize")` etc. reads (synchronous; also "sensor", "psram"
     * (the board file's bytes), "flash_pin", "flash" (the light's level)); `await config({ framesize: "SVGA" })`
     * changes settings. A new framesize or fb_count restarts a running camera
     * (its buffers are sized at start), so no frame may be held then; sensor
     * settings and quality apply at once.
     */
    config(key: string): any
    config(settings: CameraOptions): Promise<void>
    // @ts-ignore see network's Nic.ifconfig: a read runs synchronously
    async config(arg: any): any {
        if (typeof arg === "string") {
            if (arg === "framesize") return frameSizeName(this.framesize)
            if (arg === "quality") return this.quality
            if (arg === "fb_count") return this.fbCount
            if (arg === "sensor") return this.link.wiring.sensor
            if (arg === "psram") return this.psram()
            if (arg === "flash_pin") return this.link.wiring.flashPin
            if (arg === "flash") return this.flashLevel
            if (optionKeys().indexOf(arg) >= 0) return this.values[arg]
            throw new Error(
                `config(): unknown key ${describe(arg)}; allowed: ${optionKeys().join(", ")}, ${readKeys().join(", ")}`,
            )
        }
        const restart =
            typeof arg === "object" && arg !== null && (arg.framesize !== undefined || arg.fb_count !== undefined)
        if (restart && this.link.state === READY && this.link.held > 0)
            throw new Error(
                `config(): a new framesize or fb_count restarts the camera, and ${this.link.held} frame${this.link.held === 1 ? " is" : "s are"} still held; release() them first`,
            )
        const quality = this.quality
        const settings = this.take(arg, "config()")
        if (this.link.state !== READY) return
        if (restart) {
            await this.link.start(
                { frameSize: this.framesize, quality: this.quality, fbCount: this.fbCount },
                this.settings,
            )
            return
        }
        for (const s of settings) await this.link.sensorSetting(s[0], s[1])
        if (this.quality !== quality) await this.link.sensorSetting(ds.CamCameraSensorSetting.Quality, this.quality)
    }

    /** The largest frame size this board allows with `fb_count` buffers (default: the current count). */
    largest(fb_count?: number): string {
        const count = fb_count ?? this.fbCount
        checkFbCount(count, "largest(): fb_count", this.psram())
        const best = largestSize(this.link.wiring.sensor, this.psram(), count)
        return best < 0 ? "" : frameSizeName(best)
    }

    private requireFlash(what: string) {
        if (this.link.wiring.flashPin >= 0) return
        throw new Error(`${what}: board ${board().name} (${board().id}) has no flash LED`)
    }

    /** `await flash(true)`, `flash(false)` or `flash(0..255)`: the flash LED as a light. */
    async flash(level: any): Promise<void> {
        const v = checkFlashLevel(level, "flash()")
        this.requireFlash("flash()")
        this.flashLevel = v
        await this.link.flash(v)
    }

    /**
     * Take a frame. By default the frame is FRESH: its exposure started after
     * this call (the driver gives back every buffer filled before it).
     * `{ mode: "latest" }` takes the newest frame already taken (streaming:
     * up to a frame period old, or older). `{ flash: true }` lights the flash
     * LED for this capture.
     * @throws Error when every buffer is held by frames not released (misuse),
     *   CameraError when the camera is not ready or stops delivering
     */
    async capture(options?: CaptureOptions): Promise<Frame> {
        let mode = ds.CamCameraGrabMode.Fresh
        let flash = false
        if (options !== undefined) {
            if (typeof options !== "object" || options === null)
                throw new Error(`capture(): expected { mode, flash }, got ${describe(options)}`)
            checkKeys("capture()", options, ["mode", "flash"])
            if (options.mode !== undefined) {
                if (options.mode === "latest") mode = ds.CamCameraGrabMode.Latest
                else if (options.mode !== "fresh")
                    throw new Error(`capture(): mode must be "fresh" or "latest", got ${describe(options.mode)}`)
            }
            if (options.flash !== undefined) {
                checkFlag(options.flash, "capture(): flash")
                if (options.flash) this.requireFlash("capture(): flash")
                flash = options.flash
            }
        }
        const link = this.link
        if (link.state === OFF)
            throw new Error(
                link.reason
                    ? "capture(): the camera was stopped: await cam.init() again"
                    : "capture(): the camera is not started: await cam.init() first",
            )
        if (link.state !== READY)
            throw new CameraError(
                `capture(): the camera is ${stateWord(link.state)}${link.reason ? ` (${reasonWord(link.reason)}): ${reasonText(link.reason)}` : ""}`,
                reasonWord(link.reason),
            )
        const serving = serverBuffers()
        if (link.held + link.inFlight + serving >= link.fbCount)
            throw new Error(
                serving
                    ? `capture(): ${link.fbCount - serving} of the ${link.fbCount} frame buffers are the script's while the camera serves (one is the server's), and all are held by frames not released; await frame.release() on one first (or init({ fb_count }) with more, up to ${maxBuffers(this.psram())})`
                    : `capture(): all ${link.fbCount} frame buffer${link.fbCount === 1 ? " is" : "s are"} held by frames not released; await frame.release() on one first (or init({ fb_count }) with more, up to ${maxBuffers(this.psram())})`,
            )
        const a = await link.capture(mode, flash)
        if (!a)
            throw new CameraError(
                `capture(): the camera driver did not answer in ${CAPTURE_TIMEOUT_MS} ms`,
                "sensor-not-responding",
            )
        if (a.result === ds.CamCameraCaptureResult.Ok) {
            link.held++
            return new Frame(link, a)
        }
        if (a.result === ds.CamCameraCaptureResult.NoFreeBuffer)
            throw new Error(`capture(): every frame buffer is held by frames not released; await frame.release() first`)
        const reason =
            a.result === ds.CamCameraCaptureResult.Timeout ? ds.CamCameraReason.SensorNotResponding : link.reason
        throw new CameraError(
            `capture(): no frame: the camera is ${(link.state as number) === FAILED || a.result === ds.CamCameraCaptureResult.Timeout ? "failed" : stateWord(link.state)} (${reasonWord(reason)}): ${reasonText(reason)}`,
            reasonWord(reason),
        )
    }

    /**
     * `await serve({ port, stream, snapshot, fps, stream_clients, user, password })`:
     * serve a live MJPEG stream and JPEG snapshots over HTTP while the script
     * keeps running (docs/streaming.md). One of the camera's frame buffers is
     * the server's while it serves, so the camera needs fb_count 2 or more and
     * the script may hold fb_count - 1 frames. Resolves with the server once
     * the driver answered: `server.status()` is "serving", or "failed" with a
     * reason. Called again, it restarts the server with the new options.
     * @throws at once on misuse: an unknown option or a value out of range,
     *   the camera not started, one frame buffer, every buffer held
     */
    async serve(options?: ServeOptions): Promise<CameraServer> {
        const c = serveConfig(options)
        const link = this.link
        if (link.state !== READY)
            throw new Error(
                `serve(): the camera is ${stateWord(link.state)}: await cam.init() first (it serves frames from the camera's buffers)`,
            )
        if (link.fbCount < 2)
            throw new Error(
                `serve(): the camera has 1 frame buffer and serving needs one of its own besides the script's: init({ fb_count: 2 }) (a board without PSRAM has room for one only, and cannot serve)`,
            )
        if (serverBuffers() === 0 && link.held + link.inFlight >= link.fbCount)
            throw new Error(
                `serve(): all ${link.fbCount} frame buffers are held by frames not released, and serving needs one: await frame.release() on one first`,
            )
        return await startServing(c)
    }

    /**
     * `status()`: "off", "starting", "ready" or "failed".
     * `status("reason")`: "" or probe-failed, no-psram, brownout,
     * sensor-not-responding, out-of-memory, stopped. `status("detail")`: what
     * to do, in words. `status("held")`: frames held. `status("sensor")`: the
     * sensor the driver found ("" before a start). `status("psram")`: bytes
     * of PSRAM the driver found.
     */
    status(param?: string): any {
        const link = this.link
        if (param === undefined) return stateWord(link.state)
        if (param === "reason") return reasonWord(link.reason)
        if (param === "detail") return reasonText(link.reason)
        if (param === "held") return link.held
        if (param === "sensor") return link.sensorFound > 0 ? sensorNames()[link.sensorFound - 1] : ""
        if (param === "psram") return link.psramKb * 1024
        throw new Error(
            `status(): unknown parameter ${describe(param)}; allowed: "reason", "detail", "held", "sensor", "psram"`,
        )
    }

    /** Call `handler` on every change of state or reason; returns a function that stops it. */
    on_change(handler: (change: CameraChange) => void): () => void {
        if (typeof handler !== "function")
            throw new Error(`on_change(): expected a function (change) => { ... }, got ${describe(handler)}`)
        // a registered handler keeps a simulated run going (src/pending.ts)
        return _holdWhileRegistered(this.link.changed.subscribe(handler))
    }
}
