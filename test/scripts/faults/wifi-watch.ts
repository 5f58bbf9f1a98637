// Fault matrix (test/fault-matrix.test.ts, docs/reliability.md): joins
// my-network and prints every change of the link with its simulated time,
// until the run's --timeout. One script for every Wi-Fi row: one compile.
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
wlan.on_change((c) =>
    console.log(
        `${time.ticks_ms()} ${c.state} status=${c.status} connected=${c.connected} ip=${c.ip} ch=${wlan.config("channel")} reason=${c.reason}`,
    ),
)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (true) await time.sleep_ms(3600000)
