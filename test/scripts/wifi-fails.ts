// Joins a network that is not there: the wait gives up and the error escapes.
import { network } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("no-such-network", "whatever-password")
console.log("waiting for the link")
await wlan.wait_connected(2000)
