// Fault matrix: brings the Ethernet port up and prints every change of the
// link with its simulated time, until the run's --timeout.
import { network, time } from "camscript"

const lan = new network.LAN()
lan.on_change((c) =>
    console.log(
        `${time.ticks_ms()} ${c.state} status=${c.status} connected=${c.connected} ip=${c.ip} reason=${c.reason}`,
    ),
)
await lan.active(true)
while (true) await time.sleep_ms(3600000)
