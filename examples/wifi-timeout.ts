// The spec's "wrong network name or password" advice: wrap the wait with a
// 10-second timeout so the loop does not block forever.
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")

const start = time.ticks_ms()
while (!wlan.isconnected()) {
    if (time.ticks_diff(time.ticks_ms(), start) > 10000) {
        throw new Error(`Wi-Fi did not come up in 10 s (status ${wlan.status()}: ${wlan.reason()})`)
    }
    await time.sleep_ms(100)
}

console.log("link up")
