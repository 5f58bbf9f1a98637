// The spec's Wi-Fi flow (examples/wifi-station.ts) with the password kept
// out of the source: it is a setting on the board, provisioned when the
// script is run or deployed, so it is never in the image or its debug info.
//   npx camscript sim examples/wifi-station-secret.ts --secret wifi_pass=my-password
//   (or a secrets file named by devicescript.json "secrets"; on a board:
//   npx camscript deploy examples/wifi-station-secret.ts --secret wifi_pass=...)
import { network, settings, time } from "camscript"

const ssid: string = await settings.get("wifi_ssid", "my-network")
const key: string = await settings.get("wifi_pass", "")
if (key === "")
    throw new Error("no Wi-Fi password in the board's settings: provide wifi_pass with --secret or the secrets file")

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect(ssid, key)

while (!wlan.isconnected()) {
    await time.sleep_ms(100)
}

console.log("link up")
