// First boot: no home network is stored, so the camera hosts its setup
// network (IF_AP) for the installer. Once the home network's name and
// password are provided (wifi_ssid, wifi_pass) and work, the camera keeps
// them in its settings, and every later boot joins directly. The settings
// live in the board's flash: `--flash FILE` keeps it from run to run.
//   npx camscript sim examples/setup-then-join.ts --world sim/worlds/setup-network.json --flash cam.flash
//   npx camscript sim examples/setup-then-join.ts --flash cam.flash --secret wifi_ssid=my-network --secret wifi_pass=my-password
//   npx camscript sim examples/setup-then-join.ts --flash cam.flash
// A phone's setup page would need a server socket, which the DeviceScript
// VM does not have (docs/api.md, "Settings"): the installer provides the
// pair with --secret (or `camscript deploy --secret`), into the same store.
import { network, settings } from "camscript"

interface Home {
    ssid: string
    key: string
}

let home: Home = await settings.get("home", null)
if (home === null) {
    const ssid: string = await settings.get("wifi_ssid", "")
    if (ssid !== "") home = { ssid: ssid, key: await settings.get("wifi_pass", "") }
}

if (home === null) {
    const ap = new network.WLAN(network.WLAN.IF_AP)
    await ap.config({ ssid: "camscript-setup", key: "setup-1234", channel: 6, max_clients: 2 })
    await ap.active(true)
    console.log(`no home network stored: hosting ${ap.config("ssid")} for setup`)
    await ap.wait_connected(60000)
    for (const phone of ap.status("stations")) console.log(`installer joined: ${phone.mac}`)
} else {
    const wlan = new network.WLAN(network.WLAN.IF_STA)
    await wlan.active(true)
    await wlan.connect(home.ssid, home.key)
    await wlan.wait_connected(20000)
    console.log(`joined ${home.ssid} at ${wlan.ifconfig()[0]}`)
    // the pair worked: keep it as the home network; the provided copies are done with
    await settings.set("home", home)
    await settings.delete("wifi_ssid")
    await settings.delete("wifi_pass")
}
