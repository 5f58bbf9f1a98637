import * as ds from "@devicescript/core"
import { board, EthernetWiring, requireCamscriptDriver } from "../board"
import { formatIp } from "./address"
import { ADDRESS_GIVE_UP_MS, complete, Link, LinkChange } from "./link"
import { _internal } from "../pending"

const State = ds.CamEthernetLinkState
const Reason = ds.CamEthernetLinkReason

/** The major version of services/ethernet.md this module drives. */
export const ETHERNET_CONTRACT_VERSION = 1
/**
 * `await lan.active(true)` waits at most this long for the interface to
 * settle (address held, or known to be down): auto-negotiation plus a DHCP
 * exchange take a few seconds.
 */
export const LAN_SETTLE_MS = ADDRESS_GIVE_UP_MS + 5000

// status() codes: MicroPython esp32's network.ETH_* numbers
export const ETH_INITIALIZED = 0
export const ETH_STARTED = 1
export const ETH_STOPPED = 2
export const ETH_CONNECTED = 3
export const ETH_DISCONNECTED = 4
export const ETH_GOT_IP = 5

/** PHY settings as the driver contract takes them (set_phy). */
export interface PhySettings {
    phy_type: number
    phy_addr: number
    ref_clk_mode: number
    mdc: number
    mdio: number
    power: number
    spi_host: number
    sclk: number
    mosi: number
    miso: number
    cs: number
    int: number
}

const PHY_NAMES = ["LAN8720", "IP101", "RTL8201", "DP83848", "KSZ8041"]
const CLOCK_NAMES = ["gpio0-in", "gpio0-out", "gpio16-out", "gpio17-out"]
const STATE_NAMES = ["stopped", "started", "link-up", "got-address"]

export function phyTypeCode(name: string): number {
    if (name === "W5500") return ds.CamEthernetPhyType.W5500
    return PHY_NAMES.indexOf(name)
}

export function phyTypeName(code: number): string {
    if (code === ds.CamEthernetPhyType.W5500) return "W5500"
    return PHY_NAMES[code] ?? `PHY ${code}`
}

function clockCode(name: string): number {
    const i = CLOCK_NAMES.indexOf(name)
    return i < 0 ? ds.CamEthernetClockMode.None : i
}

/** The board's wiring, as PhySettings. */
export function boardPhy(w: EthernetWiring): PhySettings {
    return {
        phy_type: phyTypeCode(w.phy),
        phy_addr: w.phyAddress,
        ref_clk_mode: clockCode(w.clockMode),
        mdc: w.mdcPin,
        mdio: w.mdioPin,
        power: w.powerPin,
        spi_host: w.spi.host,
        sclk: w.spi.sclk,
        mosi: w.spi.mosi,
        miso: w.spi.miso,
        cs: w.spi.cs,
        int: w.spi.int,
    }
}

/** "LAN8720 at address 1, MDC 23, MDIO 18" (or the SPI pins), for messages. */
export function describePhy(p: PhySettings): string {
    if (p.phy_type === ds.CamEthernetPhyType.W5500)
        return `W5500 on SPI host ${p.spi_host} (SCLK ${p.sclk}, MOSI ${p.mosi}, MISO ${p.miso}, CS ${p.cs}, INT ${p.int})`
    return `${phyTypeName(p.phy_type)} at address ${p.phy_addr}, MDC ${p.mdc}, MDIO ${p.mdio}, clock ${CLOCK_NAMES[p.ref_clk_mode] ?? "none"}, power pin ${p.power}`
}

/**
 * The Ethernet interface's state and policy: one per board, shared by every
 * `LAN()` object. Like StationLink, handlers of driver events never await.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class EthernetLink extends Link {
    readonly driver: ds.CamEthernet
    phy: PhySettings
    state: number = State.Stopped
    reason: number = Reason.None
    speed = 0
    fullDuplex = false
    /** false until the first active(true): status() reads ETH_INITIALIZED */
    everStarted = false
    /** a link was up since the last start: losing it reads ETH_DISCONNECTED */
    hadLink = false
    /** ifconfig([...]): [ip, netmask, gateway, dns], sent again to a driver that restarted */
    private staticConfig: number[] = null
    /** link up without a lease for ADDRESS_GIVE_UP_MS */
    addressLate = false
    private addressTimer: number = undefined

    constructor() {
        super()
        this.phy = boardPhy(board().ethernet)
        this.driver = new ds.CamEthernet()
        const self = this
        // field count of the `link` event (services/ethernet.md)
        this.driver.link.subscribe((v) => {
            if (complete(v, 9)) self.onLink(v)
        })
        this.watchDriver(this.driver)
    }

    protected override driverLost() {
        this.stopAddressWatch()
        this.state = State.Stopped
        this.reason = Reason.None
        this.speed = 0
        this.addresses = { ip: 0, netmask: 0, gateway: 0, dns: 0 }
    }

    protected override async driverReturned() {
        if (!this.active) return
        await this.checkDriver(this.driver.contractVersion, this.driver.mac, ETHERNET_CONTRACT_VERSION)
        const p = this.phy
        await this.driver.setPhy(p.phy_type, p.phy_addr, p.ref_clk_mode, p.mdc, p.mdio, p.power)
        await this.driver.setSpi(p.spi_host, p.sclk, p.mosi, p.miso, p.cs, p.int)
        await this.driver.setHostname(this.hostname)
        // it came back on DHCP: a static address must not turn into a lease
        const a = this.staticConfig
        if (a) await this.driver.setAddress(a[0], a[1], a[2], a[3], 1)
        this.hadLink = false
        await this.driver.setActive(true)
    }

    label(): string {
        return "Ethernet"
    }

    isconnected(): boolean {
        return this.active && this.state === State.GotAddress
    }

    expectsLink(): boolean {
        return this.active
    }

    status(): number {
        if (!this.active) return this.everStarted ? ETH_STOPPED : ETH_INITIALIZED
        if (this.state === State.GotAddress) return ETH_GOT_IP
        if (this.state === State.LinkUp) return ETH_CONNECTED
        return this.hadLink ? ETH_DISCONNECTED : ETH_STARTED
    }

    reasonText(): string {
        if (this.driverGone)
            return "the Ethernet driver went away (restarting); active() and the settings are sent again when it returns"
        if (this.state === State.GotAddress) return ""
        if (this.addressLate) return "the link is up, but no address came from DHCP in time"
        if (this.reason === Reason.CableUnplugged)
            return "no link on the cable (unplugged, or nothing at the other end)"
        if (this.reason === Reason.PhyNotFound) return `no PHY answered: ${describePhy(this.phy)}`
        return ""
    }

    change(): LinkChange {
        return {
            iface: "lan",
            status: this.status(),
            connected: this.isconnected(),
            state: STATE_NAMES[this.state] ?? "unknown",
            reason: this.reasonText(),
            ip: formatIp(this.addresses.ip),
            ssid: "",
            rssi: 0,
        }
    }

    async sendAddress(ip: number, netmask: number, gateway: number, dns: number, mode: number) {
        this.staticConfig = mode !== 0 ? [ip, netmask, gateway, dns] : null
        await this.driver.setAddress(ip, netmask, gateway, dns, mode)
    }

    async sendHostname(name: string) {
        await this.driver.setHostname(name)
    }

    /** Settled: connected, or known not to be (no link, no PHY, no lease in time). */
    private settled(): boolean {
        return (
            this.state === State.GotAddress ||
            this.state === State.Stopped ||
            this.reason !== Reason.None ||
            this.addressLate
        )
    }

    async setActive(on: boolean) {
        if (on === this.active) return
        const self = this
        if (on) {
            await this.checkDriver(this.driver.contractVersion, this.driver.mac, ETHERNET_CONTRACT_VERSION)
            const p = this.phy
            await this.driver.setPhy(p.phy_type, p.phy_addr, p.ref_clk_mode, p.mdc, p.mdio, p.power)
            await this.driver.setSpi(p.spi_host, p.sclk, p.mosi, p.miso, p.cs, p.int)
            await this.driver.setHostname(this.hostname)
            this.reason = Reason.None
            this.hadLink = false
            this.addressLate = false
            this.active = true
            this.everStarted = true
            try {
                await this.driver.setActive(true)
                // "as soon as the cable is plugged in the interface is ready to
                // use": resolve once it is, or once it is known not to be
                await this.until(() => self.state !== State.Stopped || self.reason !== Reason.None, "active(true)")
            } catch (e) {
                // not confirmed: the interface is not up, whatever was asked
                this.active = false
                throw e
            }
            if (this.state === State.Stopped) {
                this.active = false
                throw new Error(
                    `LAN.active(true): no PHY answered: ${describePhy(p)} (board ${board().name} has ${describePhy(boardPhy(board().ethernet))})`,
                )
            }
            await this.until(() => self.settled(), "active(true)", LAN_SETTLE_MS)
        } else {
            this.stopAddressWatch()
            this.active = false
            await this.driver.setActive(false)
            await this.until(() => self.state === State.Stopped, "active(false)")
        }
    }

    private stopAddressWatch() {
        if (this.addressTimer !== undefined) _internal.clearTimeout(this.addressTimer)
        this.addressTimer = undefined
    }

    private onLink(v: any[]) {
        const prev = this.state
        // field order of the `link` event in services/ethernet.md (v[4] is reserved)
        this.state = v[0]
        this.fullDuplex = v[1] === 1
        this.reason = v[2]
        this.speed = v[3]
        this.addresses = { ip: v[5], netmask: v[6], gateway: v[7], dns: v[8] }
        if (this.state >= State.LinkUp) this.hadLink = true
        if (this.state === State.GotAddress) {
            this.addressLate = false
            this.stopAddressWatch()
        } else if (this.state === State.LinkUp && prev !== State.LinkUp) {
            this.startAddressWatch()
        } else if (this.state < State.LinkUp) {
            this.addressLate = false
            this.stopAddressWatch()
        }
        this.emitChange()
    }

    private startAddressWatch() {
        this.stopAddressWatch()
        const self = this
        // the driver keeps asking DHCP by itself; this only makes the wait visible
        this.addressTimer = _internal.setTimeout(() => {
            self.addressTimer = undefined
            if (self.state !== State.LinkUp) return
            self.addressLate = true
            self.emitChange()
        }, ADDRESS_GIVE_UP_MS)
    }
}

let ethernet: EthernetLink = null

/** The board's one Ethernet link, created on first use. */
export function ethernetLink(): EthernetLink {
    requireCamscriptDriver("Ethernet", "network.LAN")
    if (!ethernet) ethernet = new EthernetLink()
    return ethernet
}
