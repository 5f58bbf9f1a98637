// Fault matrix: the router's password changes. Nothing recovers by itself
// (every retry is refused), so after five minutes of that the script is
// given the new password, as an installer would do.
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
// unsubscribed at the end: a registered handler keeps a run going
const off = wlan.on_change((c) =>
    console.log(
        `${time.ticks_ms()} ${c.state} status=${c.status} connected=${c.connected} ip=${c.ip} reason=${c.reason}`,
    ),
)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
while (wlan.isconnected()) await time.sleep_ms(100)
await time.sleep_ms(300000)
console.log(`${time.ticks_ms()} after 5 min status=${wlan.status()} connected=${wlan.isconnected()}`)
console.log(`${time.ticks_ms()} reconfigure`)
await wlan.connect("my-network", "the-new-password")
await wlan.wait_connected(30000)
console.log(`${time.ticks_ms()} up again ip=${wlan.ifconfig()[0]}`)
off()
