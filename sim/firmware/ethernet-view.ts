import type { Contract } from "../contract"
import type { Timeline } from "../timeline"
import { formatIpv4 } from "../world/ipv4"
import type { FirmwareService } from "./board"

// What the rest of the simulator needs to know of the C Ethernet driver,
// read from its `link` events: the model driver's timeline entries, and the
// address for the socket layer.

export class FirmwareEthernetView {
    private state = 0
    private ip = 0
    private dns = 0
    private readonly gotAddress: number
    private readonly stopped: number

    constructor(
        contract: Contract,
        server: FirmwareService,
        private readonly timeline: Timeline,
    ) {
        this.stopped = contract.enumValue("LinkState", "Stopped")
        const link = contract.packet("event", "link")
        const linkUp = contract.enumValue("LinkState", "LinkUp")
        this.gotAddress = contract.enumValue("LinkState", "GotAddress")
        this.state = contract.enumValue("LinkState", "Stopped")
        const none = contract.enumValue("LinkReason", "None")
        server.onEvent = (code, data) => {
            if (code !== link.code) return
            const { state, duplex, reason, speed_mbps, ip, dns } = contract.unpack("event", "link", data) as Record<
                string,
                number
            >
            this.state = state
            this.ip = ip
            this.dns = dns
            // the same words as the model driver's timeline (sim/drivers/ethernet.ts)
            const stateName = contract.enumName("LinkState", state)
            const why = reason !== none ? contract.enumName("LinkReason", reason) : undefined
            const address = ip ? formatIpv4(ip) : undefined
            const parts: string[] = []
            if (why) parts.push(`reason=${why}`)
            if (state >= linkUp) parts.push(`${speed_mbps} Mbit/s ${duplex ? "full" : "half"} duplex`)
            if (address) parts.push(`ip=${address}`)
            this.timeline.add("eth", stateName, parts.join(" "), { state: stateName, ip: address, reason: why })
        }
    }

    /** Deep sleep cut the power before the C could report it: the band ends here, as the model's. */
    powerOff() {
        if (this.state !== this.stopped) this.timeline.add("eth", "Stopped", "deep sleep", { state: "Stopped" })
        this.state = this.stopped
        this.ip = this.dns = 0
    }

    /** For the socket layer: the interface's address, 0 when it has none. */
    get address4(): { ip: number; dns: number } {
        return this.state === this.gotAddress ? { ip: this.ip, dns: this.dns } : { ip: 0, dns: 0 }
    }
}
