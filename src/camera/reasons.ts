import * as ds from "@devicescript/core"
import { board } from "../board"
import * as L from "../limits"
import { psramText } from "./checks"
import { frameSizeName, largestSize } from "./sizes"
import { CAPTURE_TIMEOUT_MS } from "./timing"

// The one table from the contract's states and reasons (services/camera.md)
// to the words a script reads (status(), on_change) and the sentence that
// says what to do. Drivers map their vendor codes onto the contract's
// Reason; nothing else here knows esp_err_t.

// The words are built on each call, not held in module-level arrays: the
// image holds this module whether or not a script uses the camera, and a
// module-level array would take heap from every script (src/camera/sizes.ts).
function stateWords(): string[] {
    return ["off", "starting", "ready", "failed"]
}
function reasonWords(): string[] {
    return ["", "probe-failed", "no-psram", "brownout", "sensor-not-responding", "out-of-memory", "stopped"]
}

export function stateWord(state: number): string {
    return stateWords()[state] ?? "unknown"
}

export function reasonWord(reason: number): string {
    return reasonWords()[reason] ?? `reason-${reason}`
}

/** "GPIO26" or "not wired" */
function pin(n: number): string {
    return n < 0 ? "not wired" : `GPIO${n}`
}

/** A sentence a person can act on, for a failure reason ("" for none). */
export function reasonText(reason: number): string {
    const cam = board().camera
    const pins = cam ? cam.pins : []
    switch (reason) {
        case ds.CamCameraReason.None:
            return ""
        case ds.CamCameraReason.ProbeFailed:
            return `no camera sensor answered on SCCB (SDA ${pin(pins[3])}, SCL ${pin(pins[4])}): check that the ribbon is seated and latched, that the board file's pins match the board, and the sensor's power (PWDN ${pin(pins[0])}); then init() again`
        case ds.CamCameraReason.NoPsram: {
            const best = largestSize(cam ? cam.sensor : "", 0, 1)
            return `no PSRAM was found (the board file says ${psramText(board().psramBytes ?? 0)}): without it one frame buffer of at most ${frameSizeName(best)} fits; init({ fb_count: 1, framesize: "${frameSizeName(best)}" }), or check the module's PSRAM`
        }
        case ds.CamCameraReason.Brownout:
            return "the supply dipped and the sensor lost its settings (the sensor and the Wi-Fi transmitter starting together on a weak 5 V supply): use a supply of at least 2 A with short wires, or start the camera before Wi-Fi; then init() again"
        case ds.CamCameraReason.SensorNotResponding:
            return `no frame came within ${CAPTURE_TIMEOUT_MS} ms: the sensor stopped sending frames; deinit() and init() again, and check the ribbon`
        case ds.CamCameraReason.OutOfMemory:
            return `the frame buffers did not fit in the memory found: choose a smaller framesize or fewer buffers (at most ${L.FB_COUNT_MAX})`
        case ds.CamCameraReason.StoppedByRequest:
            return "stopped by deinit()"
        default:
            return `unknown reason ${reason}`
    }
}

/** Given to on_change handlers on every change of the camera's state. */
export interface CameraChange {
    /** "off", "starting", "ready", "failed" */
    state: string
    /** "", "probe-failed", "no-psram", "brownout", "sensor-not-responding", "out-of-memory", "stopped" */
    reason: string
    /** what to do, in words ("" when nothing failed) */
    detail: string
}

export function isState(state: number, name: string): boolean {
    return stateWords()[state] === name
}

/** The contract's Ready / Failed / Off states, for the link's waits. */
export const READY = ds.CamCameraState.Ready
export const FAILED = ds.CamCameraState.Failed
export const OFF = ds.CamCameraState.Off
export const STARTING = ds.CamCameraState.Starting
