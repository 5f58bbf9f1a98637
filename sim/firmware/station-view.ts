import type { Contract } from "../contract"
import { macText } from "../drivers/contract-server"
import type { Timeline } from "../timeline"
import { formatIpv4 } from "../world/ipv4"
import type { FirmwareService } from "./board"
import { nameText } from "../../project/printable"

// What the rest of the simulator needs to know of the C station, read from
// the `link` events it sends (never from its memory): the timeline entries
// the model driver writes, the address for the socket layer, the channel
// for the access point.

export class FirmwareStationView {
    private state = 0
    private channel = 0
    private ip = 0
    private dns = 0
    private readonly linkCode: number
    private readonly S: Record<string, number> = {}

    constructor(
        private readonly contract: Contract,
        server: FirmwareService,
        private readonly timeline: Timeline,
    ) {
        this.linkCode = contract.packet("event", "link").code
        for (const name of Object.keys(contract.spec.enums.LinkState.members))
            this.S[name] = contract.enumValue("LinkState", name)
        this.state = this.S.Stopped
        server.onEvent = (code, data) => {
            if (code === this.linkCode) this.link(data)
        }
    }

    private link(data: Uint8Array) {
        const { state, rssi, reason, channel, ip, dns, ssid, bssid } = this.contract.unpack("event", "link", data) as {
            [k in "state" | "rssi" | "reason" | "channel" | "ip" | "dns"]: number
        } & { ssid: string; bssid: Uint8Array }
        this.state = state
        this.channel = channel
        this.ip = ip
        this.dns = dns
        // the same words as the model driver's timeline (sim/drivers/wifi-station.ts)
        const stateName = this.contract.enumName("LinkState", state)
        const why =
            reason !== this.contract.enumValue("LinkReason", "None")
                ? this.contract.enumName("LinkReason", reason)
                : undefined
        const associated = bssid.length === 6
        const address = ip ? formatIpv4(ip) : undefined
        const parts: string[] = []
        if (why) parts.push(`reason=${why}`)
        if (associated) parts.push(`ap=${nameText(ssid)} (${macText(bssid)}, ch ${channel})`, `rssi=${rssi} dBm`)
        if (address) parts.push(`ip=${address}`)
        this.timeline.add("wifi", stateName, parts.join(" "), {
            state: stateName,
            rssiDbm: associated ? rssi : undefined,
            ssid: associated ? ssid : undefined,
            ip: address,
            reason: why,
        })
    }

    /**
     * Deep sleep cut the power before the C could report its link's end: the
     * band ends here, as the model driver's does (sim/session.ts).
     */
    powerOff() {
        if (this.state !== this.S.Stopped) this.timeline.add("wifi", "Stopped", "deep sleep", { state: "Stopped" })
        this.state = this.S.Stopped
        this.channel = this.ip = this.dns = 0
    }

    /** The channel the radio is held on by an association (the access point must share it). */
    associatedChannel(): number | undefined {
        return this.state >= this.S.Associating && this.channel ? this.channel : undefined
    }

    /** For the socket layer: the interface's address, 0 when it has none. */
    get address4(): { ip: number; dns: number } {
        return this.state === this.S.GotAddress ? { ip: this.ip, dns: this.dns } : { ip: 0, dns: 0 }
    }
}
