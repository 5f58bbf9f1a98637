import type { EthernetHardware } from "../../project/boards"
import type { Contract } from "../contract"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { AUTONEG_MS, DHCP_RETRY_MS, LINK_CHECK_MS, type Wire } from "../wired/wire"
import { prefixMask } from "../world/ipv4"
import { ESP, type EventTask, type Netifs } from "./esp-types"

// ESP-IDF's Ethernet driver (esp_eth) and the netif glue as the C sees
// them, over the simulated cable (the same Wire the model driver uses). The
// PHY answers esp_eth_driver_install only when the settings match how the
// board is wired (boards/<id>.board.json): a wrong type, address, pin,
// clock or an unpowered PHY times out, as on the bench.

const ETH_EVENT = { START: 0, STOP: 1, CONNECTED: 2, DISCONNECTED: 3 } as const
const IP_EVENT_ETH_GOT_IP = 4

/** firmware/host/sim/sim.h SIM_ETH_* */
export interface EthSettings {
    phyType: number
    phyAddress: number
    mdc: number
    mdio: number
    clockMode: number // emac_rmii_clock_mode_t: 1 EXT_IN, 2 OUT
    clockGpio: number
    spiHost: number
    sclk: number
    mosi: number
    miso: number
    cs: number
}

export interface EthEvents {
    eth(id: number, handle: number): void
    gotIp(id: number, netif: number, ip: number, netmask: number, gateway: number): void
}

interface Driver {
    handle: number
    netif?: number
    started: boolean
    linkUp: boolean
    generation: number
}

const EMAC_CLK_EXT_IN = 1
const EMAC_CLK_OUT = 2

/** The board file's clock mode as the EMAC configuration that produces it. */
const CLOCKS: Record<string, [number, number]> = {
    "gpio0-in": [EMAC_CLK_EXT_IN, 0],
    "gpio0-out": [EMAC_CLK_OUT, 0],
    "gpio16-out": [EMAC_CLK_OUT, 16],
    "gpio17-out": [EMAC_CLK_OUT, 17],
}

export class EspEth {
    private readonly drivers = new Map<number, Driver>()
    private nextHandle = 1
    /** GPIO levels the C drove (the PHY's power pin) */
    private readonly gpio = new Map<number, number>()

    constructor(
        private readonly contract: Contract,
        private readonly hardware: EthernetHardware,
        private readonly wire: Wire,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly events: EventTask<EthEvents>,
        private readonly netifs: Netifs,
        private readonly mac: string,
    ) {
        wire.onChange(() => this.cableChanged())
    }

    /**
     * Deep sleep cut the power: no driver installed, every GPIO back to its
     * reset level (the PHY's power pin off), nothing pending.
     */
    powerOff() {
        for (const d of this.drivers.values()) {
            d.generation++
            d.started = false
            d.linkUp = false
        }
        this.drivers.clear()
        this.nextHandle = 1
        this.gpio.clear()
    }

    setGpio(pin: number, level: number) {
        this.gpio.set(pin, level)
    }

    /** Does a PHY answer with these settings? (MAC init, PHY reset and ID check) */
    private phyAnswers(s: EthSettings): boolean {
        const hw = this.hardware
        if (s.phyType !== this.contract.enumValue("PhyType", hw.phy)) return false
        if (hw.powerPin !== null && hw.powerPin >= 0 && this.gpio.get(hw.powerPin) !== 1) return false
        if (hw.bus === "spi") {
            const w = hw.spi
            return s.spiHost === w.host && s.sclk === w.sclk && s.mosi === w.mosi && s.miso === w.miso && s.cs === w.cs
        }
        const [mode, gpio] = CLOCKS[hw.clockMode] ?? [-1, -1]
        return (
            s.phyAddress === hw.phyAddress &&
            s.mdc === hw.mdcPin &&
            s.mdio === hw.mdioPin &&
            s.clockMode === mode &&
            s.clockGpio === gpio
        )
    }

    install(s: EthSettings): { err: number; handle: number } {
        // the PHY's reset waits reset_timeout_ms for an answer that never comes
        if (!this.phyAnswers(s)) return { err: ESP.ERR_TIMEOUT, handle: 0 }
        const handle = this.nextHandle++
        this.drivers.set(handle, { handle, started: false, linkUp: false, generation: 0 })
        return { err: ESP.OK, handle }
    }

    attach(handle: number, netif: number): number {
        const d = this.drivers.get(handle)
        if (!d) return ESP.ERR_INVALID_ARG
        d.netif = netif
        return ESP.OK
    }

    uninstall(handle: number): number {
        const d = this.drivers.get(handle)
        if (!d) return ESP.ERR_INVALID_ARG
        if (d.started) return ESP.ERR_INVALID_STATE
        this.drivers.delete(handle)
        return ESP.OK
    }

    start(handle: number): number {
        const d = this.drivers.get(handle)
        if (!d) return ESP.ERR_INVALID_ARG
        if (d.started) return ESP.ERR_INVALID_STATE
        d.started = true
        d.generation++
        this.events.post((c) => c.eth(ETH_EVENT.START, handle))
        this.negotiate(d)
        return ESP.OK
    }

    stop(handle: number): number {
        const d = this.drivers.get(handle)
        if (!d) return ESP.ERR_INVALID_ARG
        if (!d.started) return ESP.ERR_INVALID_STATE
        d.started = false
        d.linkUp = false
        d.generation++
        this.events.post((c) => c.eth(ETH_EVENT.STOP, handle))
        return ESP.OK
    }

    speed(handle: number): { err: number; mbps: number; full: boolean } {
        const d = this.drivers.get(handle)
        if (!d || !d.linkUp) return { err: ESP.ERR_INVALID_STATE, mbps: 0, full: false }
        return { err: ESP.OK, mbps: this.wire.config?.speedMbps ?? 100, full: this.wire.config?.fullDuplex ?? true }
    }

    private after(d: Driver, ms: number, step: () => void) {
        const gen = d.generation
        this.clock.setTimeout(() => {
            if (gen === d.generation && d.started) step()
        }, ms)
    }

    /** Auto-negotiation, then ESP-IDF's link poll reports the link. */
    private negotiate(d: Driver) {
        this.after(d, AUTONEG_MS, () => {
            if (!this.wire.plugged) return // no link pulses: nothing to report
            d.linkUp = true
            this.events.post((c) => c.eth(ETH_EVENT.CONNECTED, d.handle))
            this.obtainAddress(d)
        })
    }

    /** The netif glue: DHCP on link-up, or the static address announced. */
    private obtainAddress(d: Driver) {
        const netif = d.netif !== undefined ? this.netifs.get(d.netif) : undefined
        if (!netif) return
        if (!netif.dhcpClient) {
            if (netif.ip) this.postGotIp(netif.id)
            return
        }
        const delay = this.wire.config?.dhcp.delayMs ?? 0
        const ask = () =>
            this.after(d, delay, () => {
                if (!d.linkUp || !netif.dhcpClient) return
                const ip = this.wire.lease(this.mac)
                if (ip === undefined) return this.after(d, DHCP_RETRY_MS - delay, ask)
                const dhcp = this.wire.config!.dhcp
                netif.ip = ip
                netif.netmask = prefixMask(dhcp.prefix)
                netif.gateway = dhcp.gateway
                netif.dns = dhcp.dns[0]
                if (netif.hostname) this.timeline.add("eth", "dhcp-hostname", netif.hostname)
                this.postGotIp(netif.id)
            })
        ask()
    }

    private postGotIp(netifId: number) {
        const n = this.netifs.get(netifId)
        if (!n) return
        const { id, ip, netmask, gateway } = n
        this.events.post((c) => c.gotIp(IP_EVENT_ETH_GOT_IP, id, ip, netmask, gateway))
    }

    /** esp_netif_is_netif_up: the glue takes the netif up at link-up and down at link-down. */
    netifUp(netifId: number): boolean {
        for (const d of this.drivers.values()) if (d.netif === netifId && d.started && d.linkUp) return true
        return false
    }

    /** The DHCP client was started on an Ethernet interface (set_address DHCP). */
    dhcpStarted(netifId: number) {
        for (const d of this.drivers.values())
            if (d.netif === netifId && d.linkUp) {
                d.generation++
                this.obtainAddress(d)
            }
    }

    /** A static address was set on an Ethernet interface. */
    addressSet(netifId: number) {
        for (const d of this.drivers.values()) if (d.netif === netifId && d.linkUp) this.postGotIp(netifId)
    }

    /** The cable changed: ESP-IDF's link poll sees it within LINK_CHECK_MS. */
    private cableChanged() {
        for (const d of this.drivers.values()) {
            if (!d.started) continue
            if (d.linkUp && !this.wire.plugged) {
                d.generation++
                this.after(d, LINK_CHECK_MS, () => {
                    d.linkUp = false
                    this.events.post((c) => c.eth(ETH_EVENT.DISCONNECTED, d.handle))
                })
            } else if (!d.linkUp && this.wire.plugged) {
                d.generation++
                this.negotiate(d)
            }
        }
    }
}
