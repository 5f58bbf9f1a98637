import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { WorldEvent } from "../world/world"

// The world's camera faults (camera-disconnect, camera-reconnect,
// camera-no-psram, camera-sensor-stop, camera-brownout) happen at their
// times whichever camera runs: the model driver (sim/drivers/camera.ts) and
// the simulated esp32-camera under --driver firmware
// (sim/firmware/esp-camera.ts) each say what a fault does to them; when it
// happens, and its line on the timeline, are the same for both.

/** Call `fault` with each camera event's action at its time, after its timeline line. */
export function scheduleCameraFaults(
    clock: Clock,
    timeline: Timeline,
    events: WorldEvent[],
    fault: (action: string) => void,
): void {
    for (const ev of events) {
        if (!ev.action.startsWith("camera-")) continue
        clock.setTimeout(() => {
            timeline.add("world", ev.action, "")
            fault(ev.action)
        }, ev.atMs - clock.now())
    }
}
