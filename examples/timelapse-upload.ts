// A timelapse that loses no frame it has not sent: one VGA frame a minute,
// PUT to a server under its sequence number (a retry or a repeat overwrites
// the same name: the server never keeps a frame twice). While the link or
// the server is down, frames wait in the camera's buffers, not in the VM's
// heap, and go out oldest first when it is back: up to FB_COUNT (4) frames,
// four minutes. Beyond that the oldest waiting frame is given up (released
// and said), so the newest are the ones kept.
// Try it: camscript sim examples/timelapse-upload.ts --world sim/worlds/timelapse-upload.json --run-for 11m --out received/
import { camera, network, upload } from "camscript"

const URL = "http://frames.camscript.test/timelapse"
const FB_COUNT = 4

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
// the station retries by itself after a drop (an access point rebooting)
await wlan.connect("my-network", "my-password")

const cam = new camera.Camera()
if (!(await cam.init({ framesize: camera.VGA, fb_count: FB_COUNT })))
    throw new Error(`the camera did not start: ${cam.status("reason")}: ${cam.status("detail")}`)

/** Frames captured and not yet taken by the server, oldest first. */
const waiting: camera.Frame[] = []

async function sendWaiting() {
    while (waiting.length > 0) {
        const frame = waiting[0]
        const r = await upload.put(`${URL}/${frame.sequence}.jpg`, frame, { retry: { attempts: 2 } })
        if (!r.ok) {
            console.log(`#${frame.sequence} waits (${waiting.length} waiting): ${r.reason}`)
            return
        }
        waiting.shift()
        await frame.release()
        console.log(`#${frame.sequence} sent via ${r.via} in ${r.ms} ms`)
    }
}

async function snapshot() {
    if (waiting.length >= FB_COUNT) {
        // every buffer holds a frame the server has not taken: give up the oldest
        const oldest = waiting.shift()
        console.log(`#${oldest.sequence} given up: ${FB_COUNT} frames were waiting`)
        await oldest.release()
    }
    waiting.push(await cam.capture())
    await sendWaiting()
}

await snapshot()
setInterval(snapshot, 60000)
