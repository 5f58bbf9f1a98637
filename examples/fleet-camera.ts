// One camera of a site: joins the site's network, says when its link comes
// up and, when it has none, why (once per reason), and stays on. The link
// policy (src/network/station.ts) retries by itself. Run a whole fleet with
//   npx camscript sim --world sim/worlds/fleet-power-cut.json --timeout 80s
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
let said = ""
wlan.on_change((c) => {
    const now = c.connected ? `link up ${c.ip}` : c.reason ? `no link (status ${c.status}): ${c.reason}` : said
    if (now !== said) console.log(now)
    said = now
})
await wlan.active(true)
await wlan.connect("site", "site-password")
while (true) await time.sleep_ms(600000)
