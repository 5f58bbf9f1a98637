// A battery camera: wake, join, take one fresh VGA snapshot, sleep ten
// minutes, and again. Each wake-up runs this file from its first line; the
// settings (and with them fast reconnect's memory of the access point,
// channel and lease) are what survive a deep sleep, so every wake after the
// first joins in about a fifth of the time. Try it:
// camscript sim examples/snap-and-sleep.ts --run-for 35m --frames frames/
import { camera, machine, network, settings } from "camscript"

const woke = (await machine.reset_cause()) === machine.DEEPSLEEP_RESET
const shots = ((await settings.get("shots")) as number) ?? 0
console.log(woke ? `woke for snapshot ${shots + 1}` : "first start")

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
try {
    await wlan.wait_connected(10000)
    const cam = new camera.Camera()
    if (await cam.init({ framesize: camera.VGA, quality: 12 })) {
        const frame = await cam.capture()
        console.log(`snapshot ${shots + 1}: ${frame.length} bytes of JPEG`)
        // an upload would send it from the camera's buffer here
        await frame.release()
        await settings.set("shots", shots + 1)
    } else console.log(`no camera: ${cam.status("reason")}`)
} catch (e) {
    // no link this time: sleep anyway, the next wake-up tries again
    console.log(`no snapshot: ${(e as Error).message}`)
}
await machine.deepsleep(10 * 60 * 1000)
