// A doorbell: each press of the button takes one fresh frame with the flash
// LED lit. The button is the board's Jacdac button service (ds.Button); in
// the simulator the world presses it (press-button events). Try it:
// camscript sim examples/button-flash.ts --world sim/worlds/doorbell.json
// --run-for 30s --frames frames/
import * as ds from "@devicescript/core"
import { camera } from "camscript"

const cam = new camera.Camera()
if (!(await cam.init({ framesize: camera.VGA })))
    throw new Error(`the camera did not start: ${cam.status("reason")}: ${cam.status("detail")}`)
const button = new ds.Button()

while (true) {
    await button.down.wait()
    const frame = await cam.capture({ flash: true })
    console.log(`ding dong: frame #${frame.sequence}, ${frame.length} bytes, flash lit`)
    await frame.release()
}
