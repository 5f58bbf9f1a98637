// Joins the spec's network and reports the link every 5 s for a minute.
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
const off = wlan.on_change((c) => console.log(`change: ${c.state} status=${c.status} ${c.reason}`))
await wlan.active(true)
await wlan.connect("my-network", "my-password")
for (let i = 0; i < 12; i++) {
    await time.sleep_ms(5000)
    console.log(`connected=${wlan.isconnected()} status=${wlan.status()} ifconfig=${wlan.ifconfig().join(",")}`)
}
off()
