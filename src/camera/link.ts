import * as ds from "@devicescript/core"
import { board, CameraWiring, requireCamscriptDriver } from "../board"
import { checkContractVersion, complete, DRIVER_ANSWER_MS } from "../network/link"
import { _internal } from "../pending"
import { CameraChange, FAILED, OFF, READY, reasonText, reasonWord, STARTING, stateWord } from "./reasons"
import { sensorCode } from "./sizes"
import { CAPTURE_TIMEOUT_MS, INIT_ANSWER_MS, SETTLE_FRAMES } from "./timing"

// The camera's state and policy, one per board, shared by every Camera
// object. Driver events arrive in fibers started by the VM's event dispatch;
// the handlers never await, so events apply in order.

/** The major version of services/camera.md this module drives. */
export const CAMERA_CONTRACT_VERSION = 1
/** A capture is answered within the driver's own timeout plus this. */
export const CAPTURE_ANSWER_MS = CAPTURE_TIMEOUT_MS + DRIVER_ANSWER_MS

/** A `frame` event as received: the contract's fields, and when it came. */
export interface FrameAnswer {
    request: number
    result: number
    index: number
    sequence: number
    width: number
    height: number
    length: number
    discarded: number
    /** ds.millis() when the frame's exposure started */
    time: number
}

/** The settings a start sends (set_config); the sensor settings go one by one. */
export interface StartConfig {
    frameSize: number
    quality: number
    fbCount: number
}

/** @devsWhenUsed (its methods enter the image's prototypes only when called: none for a script without the camera) */
export class CameraLink {
    readonly driver: ds.CamCamera
    readonly wiring: CameraWiring
    readonly changed: ds.Emitter<CameraChange> = ds.emitter<CameraChange>()
    /** a frame event arrived */
    private readonly answered: ds.Emitter<number> = ds.emitter<number>()
    state: number = OFF
    reason = 0
    sensorFound = 0
    frameSize = -1
    fbCount = 0
    psramKb = 0
    /** frames the script holds (not released) */
    held = 0
    /** captures sent and not answered yet */
    inFlight = 0
    /** bumps at every start and stop: frames of an older one are gone */
    generation = 0
    /** status events received, to tell a fresh answer from an old one */
    private statusCount = 0
    private nextRequest = 1
    /** requests waiting for their frame event */
    private waiting: number[] = []
    /** frame events not yet taken by their capture() */
    private answers: FrameAnswer[] = []
    private checked = false

    constructor(wiring: CameraWiring) {
        this.wiring = wiring
        this.driver = new ds.CamCamera()
        const self = this
        // field counts of the `status` and `frame` events (services/camera.md)
        this.driver.status.subscribe((v) => {
            if (complete(v, 7)) self.onStatus(v)
        })
        this.driver.frame.subscribe((v) => {
            if (complete(v, 10)) self.onFrame(v)
        })
    }

    change(): CameraChange {
        return { state: stateWord(this.state), reason: reasonWord(this.reason), detail: reasonText(this.reason) }
    }

    private onStatus(v: any[]) {
        // field order of the `status` event
        this.psramKb = v[0]
        const state = v[1]
        const reason = v[2]
        this.sensorFound = v[3]
        this.frameSize = v[4]
        this.fbCount = v[5]
        this.statusCount++
        const changed = state !== this.state || reason !== this.reason
        const wasReady = this.state === READY
        this.state = state
        this.reason = reason
        if (state !== READY) {
            // the buffers are gone with the stop (a brownout too): every held frame with them
            if (wasReady) this.generation++
            this.held = 0
        }
        if (changed) this.changed.emit(this.change())
    }

    private onFrame(v: any[]) {
        // field order of the `frame` event: sequence, length, age_ms, request, width, height, result, index, format, discarded
        const a: FrameAnswer = {
            sequence: v[0],
            length: v[1],
            time: ds.millis() - v[2],
            request: v[3],
            width: v[4],
            height: v[5],
            result: v[6],
            index: v[7],
            discarded: v[9],
        }
        if (this.waiting.indexOf(a.request) < 0) {
            // its capture() gave up: a frame nobody will release goes back at once
            if (a.result === ds.CamCameraCaptureResult.Ok) this.sendRelease(a.sequence, a.index)
            return
        }
        this.answers.push(a)
        this.answered.emit(a.request)
    }

    private sendRelease(sequence: number, index: number) {
        const driver = this.driver
        _internal.setTimeout(async () => {
            await driver.release(sequence, index)
        }, 0)
    }

    /** Once: the driver must speak this module's contract version; a board whose firmware lacks it is told so. */
    private async checkDriver() {
        if (this.checked) return
        await checkContractVersion(
            this.driver.contractVersion,
            CAMERA_CONTRACT_VERSION,
            "camera driver",
            `init(): no camscript camera driver answered in ${DRIVER_ANSWER_MS} ms: the board's firmware lacks it; flash the camscript firmware (camscript flash)`,
        )
        this.checked = true
    }

    /** Wait on status events (no polling) until a status newer than `since` settles the start. */
    private async untilSettled(since: number, what: string) {
        const start = ds.millis()
        while (this.statusCount <= since || this.state === STARTING) {
            const left = INIT_ANSWER_MS - (ds.millis() - start)
            if (left <= 0) throw new Error(`${what}: the camera driver did not answer in ${INIT_ANSWER_MS} ms`)
            await ds.wait(this.changed, left)
        }
    }

    /** Start (or restart with new settings); resolves once Ready or Failed. */
    async start(config: StartConfig, settings: number[][]) {
        await this.checkDriver()
        const w = this.wiring
        const pins = Buffer.alloc(16)
        for (let i = 0; i < 16; i++) pins[i] = w.pins[i] < 0 ? 255 : w.pins[i]
        await this.driver.setPins(pins)
        // sensor settings first: the driver applies them at the start and keeps them
        for (const s of settings) await this.driver.setSensor(s[1], s[0])
        this.generation++
        this.held = 0
        const since = this.statusCount
        await this.driver.setConfig(
            sensorCode(w.sensor),
            config.frameSize,
            config.quality,
            config.fbCount,
            SETTLE_FRAMES,
            w.flashPin,
        )
        // set_config re-initialises a running camera by itself
        if (this.state !== READY) await this.driver.setActive(true)
        await this.untilSettled(since, "init()")
    }

    async stop() {
        this.generation++
        this.held = 0
        if (this.state === OFF) return
        const since = this.statusCount
        await this.driver.setActive(false)
        const start = ds.millis()
        while (this.statusCount <= since || this.state !== OFF) {
            const left = DRIVER_ANSWER_MS - (ds.millis() - start)
            if (left <= 0) throw new Error(`deinit(): the camera driver did not answer in ${DRIVER_ANSWER_MS} ms`)
            await ds.wait(this.changed, left)
        }
    }

    async sensorSetting(setting: number, value: number) {
        await this.driver.setSensor(value, setting)
    }

    async flash(level: number) {
        await this.driver.setFlash(level)
    }

    /** Send a capture and wait for its answer (any result). */
    async capture(mode: number, flash: boolean): Promise<FrameAnswer> {
        const request = this.nextRequest
        // a u16 on the wire; 0 is never used
        this.nextRequest = request >= 65535 ? 1 : request + 1
        this.waiting.push(request)
        this.inFlight++
        try {
            await this.driver.capture(request, mode, flash)
            const start = ds.millis()
            while (true) {
                for (let i = 0; i < this.answers.length; i++) {
                    const a = this.answers[i]
                    if (a.request !== request) continue
                    this.answers.insert(i, -1)
                    return a
                }
                const left = CAPTURE_ANSWER_MS - (ds.millis() - start)
                if (left <= 0) return null
                await ds.wait(this.answered, left)
            }
        } finally {
            this.inFlight--
            const i = this.waiting.indexOf(request)
            if (i >= 0) this.waiting.insert(i, -1)
        }
    }

    /** Give a frame's buffer back, unless the camera restarted since (its buffers are gone). */
    async release(sequence: number, index: number, generation: number) {
        if (generation !== this.generation) return
        if (this.held > 0) this.held--
        await this.driver.release(sequence, index)
    }

    failed(): boolean {
        return this.state === FAILED
    }
}

let link: CameraLink = null

/** The board's one camera, created on first use; throws on a board without one. */
export function cameraLink(what: string): CameraLink {
    const b = board()
    if (!b.camera) {
        const others = b.boardsWithCamera ? b.boardsWithCamera : "none"
        throw new Error(`${what}: board ${b.name} (${b.id}) has no camera; boards with one: ${others}`)
    }
    // the stock DeviceScript firmware has no camera driver
    requireCamscriptDriver("camera", what)
    if (!link) link = new CameraLink(b.camera)
    return link
}
