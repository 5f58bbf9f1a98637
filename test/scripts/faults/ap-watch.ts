// Fault matrix: the camera hosts camscript-setup and prints every change of
// its access point (state and the stations joined) with its simulated time.
import { network, time } from "camscript"

const ap = new network.WLAN(network.WLAN.IF_AP)
ap.on_change((c) =>
    console.log(
        `${time.ticks_ms()} ${c.state} status=${c.status} stations=${ap
            .status("stations")
            .map((s) => s.mac)
            .join(",")}`,
    ),
)
await ap.config({ ssid: "camscript-setup", key: "setup-1234" })
await ap.active(true)
while (true) await time.sleep_ms(3600000)
