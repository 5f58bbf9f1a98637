// A timelapse: one fresh SVGA snapshot every minute. Each frame is a handle;
// its JPEG stays in the camera driver's buffer (PSRAM on the board) until
// release(). Try it: camscript sim examples/snapshot-every-minute.ts
// --run-for 5m --frames frames/ (and look at frames/camera-*.jpg).
import { camera } from "camscript"

const cam = new camera.Camera()
if (!(await cam.init({ framesize: camera.SVGA, quality: 10 })))
    throw new Error(`the camera did not start: ${cam.status("reason")}: ${cam.status("detail")}`)

async function snapshot() {
    try {
        const frame = await cam.capture()
        console.log(`frame #${frame.sequence}: ${frame.width}x${frame.height}, ${frame.length} bytes of JPEG`)
        // the next issue sends it from here; until then it is only counted
        await frame.release()
    } catch (e) {
        // a failed camera is a state with a reason: say it, and start it again
        console.log(`no snapshot: ${(e as Error).message}`)
        await cam.init()
    }
}

await snapshot()
setInterval(snapshot, 60000)
