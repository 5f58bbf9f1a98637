// The spec's Wi-Fi flow ("Bringing the link up"), ported line by line.
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")

while (!wlan.isconnected()) {
    await time.sleep_ms(100)
}

console.log("link up")
