import type { Contract } from "../contract"
import type { Timeline } from "../timeline"
import { formatIpv4 } from "../world/ipv4"
import type { WorldEvent } from "../world/world"
import type { FirmwareService } from "./board"
import type { EspSoftAp } from "./esp-softap"
import { nameText } from "../../project/printable"

// What the rest of the simulator needs of the C access point: the model
// driver's timeline entries, read from the `link` events the C sends, and
// the start of the world's clients.

export class FirmwareAccessPointView {
    private state: number
    private readonly stopped: number

    constructor(
        contract: Contract,
        server: FirmwareService,
        private readonly timeline: Timeline,
        private readonly softAp: EspSoftAp,
    ) {
        const link = contract.packet("event", "link")
        const stopped = contract.enumValue("ApState", "Stopped")
        this.stopped = this.state = stopped
        const up = contract.enumValue("ApState", "Up")
        const none = contract.enumValue("ApReason", "None")
        server.onEvent = (code, data) => {
            if (code !== link.code) return
            const { state, channel, reason, station_count, max_clients, ip, ssid } = contract.unpack(
                "event",
                "link",
                data,
            ) as { [k in "state" | "channel" | "reason" | "station_count" | "max_clients" | "ip"]: number } & {
                ssid: string
            }
            this.state = state
            // the same words as the model driver's timeline (sim/drivers/wifi-access-point.ts)
            const stateName = contract.enumName("ApState", state)
            const why = reason !== none ? contract.enumName("ApReason", reason) : undefined
            const address = state === up ? formatIpv4(ip) : undefined
            const named = state !== stopped && ssid ? ssid : undefined
            const parts: string[] = []
            if (named !== undefined) parts.push(`ssid=${nameText(named)} ch ${channel}`)
            if (why) parts.push(`reason=${why}`)
            if (address) parts.push(`ip=${address} stations=${station_count}/${max_clients}`)
            timeline.add("ap", stateName, parts.join(" "), { state: stateName, ssid: named, ip: address, reason: why })
        }
    }

    /** Deep sleep cut the power before the C could report it: the band ends here, as the model's. */
    powerOff() {
        if (this.state !== this.stopped) this.timeline.add("ap", "Stopped", "deep sleep", { state: "Stopped" })
        this.state = this.stopped
    }

    /** Schedule the world's clients (once, at the start of a run). */
    startClients(events: WorldEvent[] = []) {
        this.softAp.startClients(events)
    }

    /** The simulated ESP-IDF moves the soft-AP with the station itself. */
    stationChanged() {}
}
