import type { Contract } from "../contract"
import type { Timeline } from "../timeline"
import type { WorldEvent } from "../world/world"
import type { FirmwareService } from "./board"
import type { EspCamera } from "./esp-camera"

// What the rest of the simulator needs to know of the C camera driver, read
// from its events: the model driver's timeline entries (state changes), the
// frames it handed to the script (for --frames and camscript/testing), and
// their bytes for whoever sends them (the buffer index and sequence the
// script holds).

export class FirmwareCameraView {
    /** buffer index -> the sequence of the frame the script holds there */
    private readonly held = new Map<number, number>()

    constructor(
        contract: Contract,
        server: FirmwareService,
        private readonly timeline: Timeline,
        private readonly camera: EspCamera,
        now: () => number,
    ) {
        const status = contract.packet("event", "status")
        const frame = contract.packet("event", "frame")
        const none = contract.enumValue("Reason", "None")
        const ok = contract.enumValue("CaptureResult", "Ok")
        const ready = contract.enumValue("State", "Ready")
        server.onEvent = (code, data) => {
            if (code === status.code) {
                const s = contract.unpack("event", "status", data) as Record<string, number>
                if (s.state !== ready) this.held.clear()
                const parts: string[] = []
                if (s.reason !== none) parts.push(`reason=${contract.enumName("Reason", s.reason)}`)
                this.timeline.add("camera", contract.enumName("State", s.state), parts.join(" "))
            } else if (code === frame.code) {
                const f = contract.unpack("event", "frame", data) as Record<string, number>
                if (f.result !== ok) return
                this.held.set(f.index, f.sequence)
                this.camera.delivered(f.index, f.sequence, now())
            }
        }
    }

    /** Deep sleep cut the power: no frame is held any more, and the camera is off, as the model reports it. */
    powerOff() {
        this.held.clear()
        this.timeline.add("camera", "Off", "")
    }

    scheduleFaults(events: WorldEvent[]) {
        this.camera.scheduleFaults(events)
    }

    /** The bytes of a frame the script holds (the network's sender reads them here), as the model driver's. */
    frameBytes(index: number, sequence: number): Uint8Array | undefined {
        return this.held.get(index) === sequence ? this.camera.heldBytes(index) : undefined
    }
}
