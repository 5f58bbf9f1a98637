// Connects once with no retries (reconnects: 0), waits 30 s and prints the
// status: how many attempts a failing network gets, on the camscript
// station and on the stock firmware (test/failure-modes.test.ts,
// test/stock-firmware.test.ts).
import { network, time } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.config({ reconnects: 0 })
await wlan.connect("my-network", "my-password")
await time.sleep_ms(30000)
console.log(`status ${wlan.status()}`)
