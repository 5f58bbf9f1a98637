import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { ServerAnswer } from "../net/dhcp-lease"
import { confirmLease, formatIpv4, leaseFrom } from "../world/ipv4"
import { type DhcpConfig, type EthernetConfig, WIRED_ACTIONS, type World } from "../world/world"

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
    /** the switch at the other end has power (switch-off / switch-on) */
    switchOn = true
    dhcpEnabled: boolean
    /** the DHCP server's settings now (ethernet-dhcp-renumber replaces them) */
    dhcp?: DhcpConfig
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
        this.dhcp = config?.dhcp
    }

    /** Is there a link to negotiate: the cable in and the switch on? */
    get linked(): boolean {
        return this.plugged && this.switchOn
    }

    start() {
        for (const ev of this.world.events) {
            if (!WIRED_ACTIONS.includes(ev.action)) continue
            this.clock.setTimeout(() => {
                if (ev.action === "unplug-cable") this.plugged = false
                else if (ev.action === "plug-cable") this.plugged = true
                else if (ev.action === "ethernet-dhcp-off") this.dhcpEnabled = false
                else if (ev.action === "ethernet-dhcp-on") this.dhcpEnabled = true
                else if (ev.action === "switch-off") this.switchOn = false
                else if (ev.action === "switch-on") this.switchOn = true
                else if (ev.action === "ethernet-dhcp-renumber") {
                    this.dhcp = ev.dhcp
                    this.leases.clear()
                }
                const detail =
                    ev.action === "ethernet-dhcp-renumber"
                        ? `ethernet now serves ${formatIpv4(ev.dhcp!.network)}/${ev.dhcp!.prefix}`
                        : "ethernet"
                this.timeline.add("world", ev.action, detail)
                for (const l of this.listeners) l()
            }, ev.atMs - this.clock.now())
        }
    }

    onChange(listener: () => void) {
        this.listeners.push(listener)
    }

    /** A lease for `mac` (the same one again on renewal); undefined when none can be had. */
    lease(mac: string): number | undefined {
        // the DHCP server sits behind the switch: a switch that is off answers nothing
        if (!this.dhcp || !this.dhcpEnabled || !this.switchOn) return undefined
        const ip = leaseFrom(this.leases, this.dhcp.pool, mac)
        if (ip !== undefined) this.timeline.add("world", "dhcp-lease", `ethernet leased ${formatIpv4(ip)} to ${mac}`)
        return ip
    }

    /** The DHCP server answering a renewal or rebinding of `ip` by `mac`. */
    renewLease(mac: string, ip: number): ServerAnswer {
        if (!this.dhcp || !this.dhcpEnabled || !this.linked) return "silent"
        if (!confirmLease(this.leases, this.dhcp.pool, mac, ip)) return "nak"
        return { ack: true, leaseMs: this.dhcp.leaseSeconds * 1000 }
    }
}
