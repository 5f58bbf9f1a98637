// The camera hosts its own small network for on-site setup (IF_AP); a phone
// joins it, and the script prints the phone's address.
//   npx camscript sim examples/setup-network.ts --world sim/worlds/setup-network.json
import { network } from "camscript"

const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "camscript-setup", key: "setup-1234", channel: 6, max_clients: 2 })
await ap.active(true)
console.log(`hosting ${ap.config("ssid")} at ${ap.ifconfig()[0]}`)

await ap.wait_connected(60000)
for (const phone of ap.status("stations")) {
    console.log(`phone joined: ${phone.mac} got ${phone.ip} (${phone.rssi} dBm)`)
}
