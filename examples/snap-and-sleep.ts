// A battery camera: wake, join, take one fresh VGA snapshot, upload it from
// the camera's buffer, sleep ten minutes, and again. Each wake-up runs this
// file from its first line; the settings (and with them fast reconnect's
// memory of the access point, channel and lease) are what survive a deep
// sleep, so every wake after the first joins in about a fifth of the time.
// Try it: camscript sim examples/snap-and-sleep.ts
// --world sim/worlds/snap-and-sleep.json --run-for 35m --out received/
import { camera, machine, network, settings, upload } from "camscript"

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
        // named by its number: a retry that reaches the server twice stores it once
        const r = await upload.put(`http://frames.camscript.test/porch/${shots + 1}.jpg`, frame)
        console.log(r.ok ? `snapshot ${shots + 1} uploaded in ${r.total_ms} ms` : `not uploaded: ${r.reason}`)
        await frame.release()
        if (r.ok) await settings.set("shots", shots + 1)
    } else console.log(`no camera: ${cam.status("reason")}`)
} catch (e) {
    // no link this time: sleep anyway, the next wake-up tries again
    console.log(`no snapshot: ${(e as Error).message}`)
}
await machine.deepsleep(10 * 60 * 1000)
