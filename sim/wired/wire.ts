import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { formatIpv4, leaseFrom } from "../world/ipv4"
import { type EthernetConfig, WIRED_ACTIONS, type World } from "../world/world"

// The cable from the board's RJ45 jack to a switch with a DHCP server: the
// wired counterpart of the radio's Air. Timed world events plug and unplug
// it; the Ethernet driver subscribes to changes.

/** 100BASE-TX auto-negotiation: link pulses, abilities exchanged, link up (LAN8720: ~1.5-3 s). */
export const AUTONEG_MS = 2000
/** ESP-IDF polls the PHY's link status this often, so an unplug is seen within it. */
export const LINK_CHECK_MS = 1000
/** lwIP's DHCP client asks again this often while no server answers. */
export const DHCP_RETRY_MS = 4000

export class Wire {
    plugged: boolean
    dhcpEnabled: boolean
    /** DHCP leases by MAC: a replugged camera renews its old address */
    readonly leases = new Map<string, number>()
    private readonly listeners: (() => void)[] = []

    constructor(
        readonly config: EthernetConfig | undefined,
        private readonly world: World,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
    ) {
        this.plugged = config?.plugged ?? false
        this.dhcpEnabled = config?.dhcp.enabled ?? false
    }

    start() {
        for (const ev of this.world.events) {
            if (!WIRED_ACTIONS.includes(ev.action)) continue
            this.clock.setTimeout(() => {
                if (ev.action === "unplug-cable") this.plugged = false
                else if (ev.action === "plug-cable") this.plugged = true
                else if (ev.action === "ethernet-dhcp-off") this.dhcpEnabled = false
                else if (ev.action === "ethernet-dhcp-on") this.dhcpEnabled = true
                this.timeline.add("world", ev.action, "ethernet")
                for (const l of this.listeners) l()
            }, ev.atMs - this.clock.now())
        }
    }

    onChange(listener: () => void) {
        this.listeners.push(listener)
    }

    /** A lease for `mac` (the same one again on renewal); undefined when none can be had. */
    lease(mac: string): number | undefined {
        if (!this.config || !this.dhcpEnabled) return undefined
        const ip = leaseFrom(this.leases, this.config.dhcp.pool, mac)
        if (ip !== undefined) this.timeline.add("world", "dhcp-lease", `ethernet leased ${formatIpv4(ip)} to ${mac}`)
        return ip
    }
}
