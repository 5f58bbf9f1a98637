import type { EthernetHardware } from "../../project/boards"
import type { Contract } from "../contract"
import { ContractServer, derivedMac } from "./contract-server"
import { jdpack } from "../jacdac"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { AUTONEG_MS, DHCP_RETRY_MS, LINK_CHECK_MS, type Wire } from "../wired/wire"
import { formatIpv4, prefixMask } from "../world/ipv4"
import { holdLease } from "../net/dhcp-lease"

// The simulator's implementation of services/ethernet.md. The PHY answers
// only when the settings the bytecode sends match how the board is really
// wired (boards/<id>.board.json): a wrong address, pin or clock is a PHY
// that never answers, as on the bench.

const ETHERNET_CONTRACT_VERSION = 1

const CLOCK_NAMES = ["gpio0-in", "gpio0-out", "gpio16-out", "gpio17-out"]

interface PhyRequest {
    phyType: number
    address: number
    clock: number
    mdc: number
    mdio: number
    power: number
    spi: number[]
}

/** The ESP32 derives the Ethernet MAC from its base (Wi-Fi station) MAC + 3. */
export function ethernetMac(baseMac: string): string {
    return derivedMac(baseMac, 3)
}

export class SimEthernet extends ContractServer {
    private state: number
    private ip = 0
    private netmask = 0
    private gateway = 0
    private dns = 0
    private address = { mode: "dhcp" as "dhcp" | "static", ip: 0, netmask: 0, gateway: 0, dns: 0 }
    private hostname = ""
    private phy?: PhyRequest
    private started = false
    /** a lost link was noticed and the next PHY poll will report it */
    private linkCheckPending = false
    /** bumps on every start/stop/link change, so stale timers do nothing */
    private generation = 0
    private readonly S = this.members("LinkState")
    private readonly R = this.members("LinkReason")

    constructor(
        contract: Contract,
        private readonly wire: Wire,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly hardware: EthernetHardware,
        private readonly mac: string,
    ) {
        super(contract, ETHERNET_CONTRACT_VERSION, mac)
        this.state = this.S.Stopped
        this.command("set_phy", ({ phy_type, phy_address, clock_mode, mdc_pin, mdio_pin, power_pin }) => {
            this.phy = {
                phyType: phy_type as number,
                address: phy_address as number,
                clock: clock_mode as number,
                mdc: mdc_pin as number,
                mdio: mdio_pin as number,
                power: power_pin as number,
                spi: this.phy?.spi ?? [-1, -1, -1, -1, -1, -1],
            }
        })
        this.command("set_spi", ({ host, sclk_pin, mosi_pin, miso_pin, cs_pin, int_pin }) => {
            if (this.phy) this.phy.spi = [host, sclk_pin, mosi_pin, miso_pin, cs_pin, int_pin] as number[]
        })
        this.command("set_active", ({ on }) => (on ? this.start() : this.stop()))
        this.command("set_address", ({ ip, netmask, gateway, dns, mode }) => {
            const isStatic = mode === contract.enumValue("AddressMode", "Static")
            this.address = {
                mode: isStatic ? "static" : "dhcp",
                ip: ip as number,
                netmask: netmask as number,
                gateway: gateway as number,
                dns: dns as number,
            }
            if (this.state >= this.S.LinkUp) this.obtainAddress()
        })
        this.command("set_hostname", ({ hostname }) => {
            this.hostname = hostname as string
        })
        wire.onChange(() => this.checkCable())
    }

    /** Is the PHY wired as the request says? (type, address, management pins, clock, power) */
    private phyAnswers(): boolean {
        const p = this.phy
        const hw = this.hardware
        if (!p) return false
        const type = this.contract.enumValue("PhyType", hw.phy)
        if (p.phyType !== type) return false
        const power = hw.powerPin ?? -1
        if (power >= 0 && p.power !== power) return false // the PHY (or its clock) stays unpowered
        if (hw.bus === "spi") {
            const s = hw.spi
            return [s.host, s.sclk, s.mosi, s.miso, s.cs].every((v, i) => p.spi[i] === v)
        }
        return (
            p.address === hw.phyAddress &&
            p.mdc === hw.mdcPin &&
            p.mdio === hw.mdioPin &&
            CLOCK_NAMES[p.clock] === hw.clockMode
        )
    }

    private start() {
        this.generation++
        this.linkCheckPending = false
        if (!this.phyAnswers()) {
            this.started = false
            return this.setLink(this.S.Stopped, this.R.PhyNotFound)
        }
        this.started = true
        this.setLink(this.S.Started)
        this.negotiate()
    }

    private stop() {
        this.generation++
        this.linkCheckPending = false
        this.started = false
        this.setLink(this.S.Stopped, this.R.StoppedByRequest)
    }

    private after(ms: number, step: () => void) {
        const gen = this.generation
        this.clock.setTimeout(() => {
            if (gen === this.generation) step()
        }, ms)
    }

    /** Auto-negotiation with whatever is at the other end of the cable. */
    private negotiate() {
        this.after(AUTONEG_MS, () => {
            if (!this.wire.linked) return this.setLink(this.S.Started, this.R.CableUnplugged)
            this.setLink(this.S.LinkUp)
            this.obtainAddress()
        })
    }

    private obtainAddress() {
        this.generation++
        if (this.address.mode === "static") {
            const a = this.address
            ;[this.ip, this.netmask, this.gateway, this.dns] = [a.ip, a.netmask, a.gateway, a.dns]
            return this.setLink(this.S.GotAddress)
        }
        if (this.state === this.S.GotAddress) this.setLink(this.S.LinkUp)
        const delay = this.wire.dhcp?.delayMs ?? 0
        const ask = () =>
            this.after(delay, () => {
                const ip = this.wire.lease(this.mac)
                if (ip === undefined) return this.after(Math.max(0, DHCP_RETRY_MS - delay), ask)
                const dhcp = this.wire.dhcp!
                this.ip = ip
                this.netmask = prefixMask(dhcp.prefix)
                this.gateway = dhcp.gateway
                this.dns = dhcp.dns[0]
                if (this.hostname) this.timeline.add("eth", "dhcp-hostname", this.hostname)
                this.setLink(this.S.GotAddress)
                this.keepLease(dhcp.leaseSeconds * 1000)
            })
        ask()
    }

    /** Renew at T1, rebind at T2, lose the address at expiry or on a NAK (sim/net/dhcp-lease.ts). */
    private keepLease(leaseMs: number) {
        holdLease(leaseMs, {
            now: () => this.clock.now(),
            after: (ms, step) => this.after(ms, step),
            ask: () => this.wire.renewLease(this.mac, this.ip),
            renewed: (phase, ms) =>
                this.timeline.add("eth", `dhcp-${phase}`, `${formatIpv4(this.ip)} for ${ms / 1000} s`),
            lost: (why) => {
                this.timeline.add("eth", why === "nak" ? "dhcp-nak" : "dhcp-expired", `${formatIpv4(this.ip)} given up`)
                // lwIP starts over: the link stays up, the address goes, DISCOVER again
                this.obtainAddress()
            },
        })
    }

    /** The cable changed: the next link check sees it. */
    private checkCable() {
        if (!this.started) return
        const up = this.state >= this.S.LinkUp
        if (up && !this.wire.linked) {
            // the PHY is polled on its own beat: more flaps before the poll do not delay it
            if (this.linkCheckPending) return
            this.linkCheckPending = true
            this.generation++
            this.after(LINK_CHECK_MS, () => {
                this.linkCheckPending = false
                this.setLink(this.S.Started, this.R.CableUnplugged)
                // the PHY latches a lost link until it is read: seen down once, even if the cable is back
                if (this.wire.linked) this.negotiate()
            })
        } else if (!up && this.wire.linked) {
            this.generation++
            this.negotiate()
        }
    }

    private setLink(state: number, reason = this.R.None) {
        this.state = state
        if (state < this.S.GotAddress) this.ip = this.netmask = this.gateway = this.dns = 0
        const up = state >= this.S.LinkUp
        const speed = up ? (this.wire.config?.speedMbps ?? 100) : 0
        const full = up && (this.wire.config?.fullDuplex ?? true)
        const { code, format } = this.contract.packet("event", "link")
        const stateName = this.contract.enumName("LinkState", state)
        const why = reason !== this.R.None ? this.contract.enumName("LinkReason", reason) : undefined
        const ip = this.ip ? formatIpv4(this.ip) : undefined
        const parts: string[] = []
        if (why) parts.push(`reason=${why}`)
        if (up) parts.push(`${speed} Mbit/s ${full ? "full" : "half"} duplex`)
        if (ip) parts.push(`ip=${ip}`)
        this.timeline.add("eth", stateName, parts.join(" "), { state: stateName, ip, reason: why })
        void this.sendEvent(
            code,
            jdpack(format, [state, full ? 1 : 0, reason, speed, 0, this.ip, this.netmask, this.gateway, this.dns]),
        )
    }

    /** Started (not Stopped): deep sleep's timeline ends its band. */
    get running(): boolean {
        return this.state !== this.S.Stopped
    }

    /** The driver restarted (its service left the bus): back to its power-on state, silently. */
    restart() {
        this.generation++
        this.started = false
        this.linkCheckPending = false
        this.state = this.S.Stopped
        this.ip = this.netmask = this.gateway = this.dns = 0
        this.address = { mode: "dhcp", ip: 0, netmask: 0, gateway: 0, dns: 0 }
        this.hostname = ""
        this.phy = undefined
    }

    /** For the socket layer: the interface's address, 0 when it has none. */
    get address4(): { ip: number; dns: number } {
        return this.state === this.S.GotAddress ? { ip: this.ip, dns: this.dns } : { ip: 0, dns: 0 }
    }
}
