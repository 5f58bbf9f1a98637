import * as ds from "@devicescript/core"
import { board, requireInterface } from "../board"
import { formatMac } from "./address"
import { checkActiveArgument, checkHostname, describe } from "./credentials"
import { boardPhy, EthernetLink, ethernetLink, PhySettings } from "./ethernet"
import { Nic } from "./nic"
import { checkPhyAddr, checkPin, checkRefClkMode, checkSpiHost } from "./ranges"

const Phy = ds.CamEthernetPhyType
const Clock = ds.CamEthernetClockMode

/**
 * PHY settings for `new network.LAN(options)`, as MicroPython's LAN
 * keywords. Each defaults to the board's wiring (boards/<id>.board.json).
 */
export interface LanOptions {
    /** LAN.PHY_LAN8720, PHY_IP101, PHY_RTL8201, PHY_DP83848, PHY_KSZ8041, PHY_W5500 */
    phy_type?: number
    /** 0..31, the PHY's address on the management bus */
    phy_addr?: number
    /** GPIO of the management clock */
    mdc?: number
    /** GPIO of the management data line */
    mdio?: number
    /** GPIO that powers the PHY (or its oscillator); -1 for none */
    power?: number
    /** LAN.CLOCK_GPIO0_IN, CLOCK_GPIO0_OUT, CLOCK_GPIO16_OUT, CLOCK_GPIO17_OUT */
    ref_clk_mode?: number
    /** SPI chips (W5500): host (1 or 2) and pins */
    spi_host?: number
    sclk?: number
    mosi?: number
    miso?: number
    cs?: number
    int?: number
}

const OPTION_KEYS = [
    "phy_type",
    "phy_addr",
    "mdc",
    "mdio",
    "power",
    "ref_clk_mode",
    "spi_host",
    "sclk",
    "mosi",
    "miso",
    "cs",
    "int",
]
const PIN_KEYS = ["mdc", "mdio", "power", "sclk", "mosi", "miso", "cs", "int"]
const CONFIG_KEYS = "mac, hostname"

/**
 * A wired Ethernet interface, as MicroPython's `network.LAN`. There is no
 * connect step: `await lan.active(true)` starts it and it takes whatever is
 * on the cable. Reads are synchronous; anything that talks to the driver is
 * async. `isconnected()` is true only when the cable is in, the link is
 * negotiated AND the interface holds an address.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class LAN extends Nic {
    static PHY_LAN8720: number
    static PHY_IP101: number
    static PHY_RTL8201: number
    static PHY_DP83848: number
    static PHY_KSZ8041: number
    static PHY_W5500: number
    static CLOCK_GPIO0_IN: number
    static CLOCK_GPIO0_OUT: number
    static CLOCK_GPIO16_OUT: number
    static CLOCK_GPIO17_OUT: number

    private readonly eth: EthernetLink

    /**
     * `new network.LAN()`, `new network.LAN(0)` or `new network.LAN({ phy_addr: 1, ... })`.
     * @throws if the board has no Ethernet, or an option is malformed
     */
    constructor(id?: any, options?: LanOptions) {
        super()
        // see WLAN: `new network.LAN()` runs on a bare object in DeviceScript
        if (!(this instanceof LAN)) return new LAN(id, options)
        requireInterface("lan", "network.LAN")
        if (typeof id === "object" && id !== null) {
            options = id as LanOptions
            id = 0
        }
        if (id !== undefined && id !== 0)
            throw new Error(`network.LAN: the only interface id is 0, got ${describe(id)}`)
        this.eth = ethernetLink()
        this.link = this.eth
        if (options) this.eth.phy = this.withOptions(options)
    }

    private withOptions(options: LanOptions): PhySettings {
        const keys = Object.keys(options)
        for (const k of keys)
            if (OPTION_KEYS.indexOf(k) < 0)
                throw new Error(`network.LAN: unknown option ${describe(k)}; allowed: ${OPTION_KEYS.join(", ")}`)
        const o: any = options
        if (o.phy_type !== undefined) {
            const known = [Phy.LAN8720, Phy.IP101, Phy.RTL8201, Phy.DP83848, Phy.KSZ8041, Phy.W5500]
            if (known.indexOf(o.phy_type) < 0)
                throw new Error(
                    `network.LAN: phy_type must be one of LAN.PHY_LAN8720, PHY_IP101, PHY_RTL8201, PHY_DP83848, PHY_KSZ8041, PHY_W5500, got ${describe(o.phy_type)}`,
                )
        }
        if (o.phy_addr !== undefined) checkPhyAddr(o.phy_addr, "network.LAN: phy_addr")
        for (const k of PIN_KEYS) if (o[k] !== undefined) checkPin(o[k], `network.LAN: ${k}`)
        if (o.ref_clk_mode !== undefined) checkRefClkMode(o.ref_clk_mode, "network.LAN: ref_clk_mode")
        if (o.spi_host !== undefined) checkSpiHost(o.spi_host, "network.LAN: spi_host")
        const base = boardPhy(board().ethernet)
        return {
            phy_type: o.phy_type ?? base.phy_type,
            phy_addr: o.phy_addr ?? base.phy_addr,
            ref_clk_mode: o.ref_clk_mode ?? base.ref_clk_mode,
            mdc: o.mdc ?? base.mdc,
            mdio: o.mdio ?? base.mdio,
            power: o.power ?? base.power,
            spi_host: o.spi_host ?? base.spi_host,
            sclk: o.sclk ?? base.sclk,
            mosi: o.mosi ?? base.mosi,
            miso: o.miso ?? base.miso,
            cs: o.cs ?? base.cs,
            int: o.int ?? base.int,
        }
    }

    /**
     * `active()` reads whether the interface is up (synchronous).
     * `await active(true)` starts MAC and PHY and resolves once the interface
     * has settled: connected (cable in, link negotiated, address held), or
     * known not to be (no link on the cable, no DHCP answer in 15 s). It
     * throws when no PHY answers with the settings given.
     * `await active(false)` stops it.
     */
    active(): boolean
    active(on: boolean): Promise<boolean>
    // @ts-ignore see Nic.ifconfig
    async active(on?: boolean): any {
        if (on === undefined) return this.eth.active
        checkActiveArgument(on)
        await this.eth.setActive(on)
        return this.eth.active
    }

    /**
     * `status()`: one of network.ETH_INITIALIZED (0, never started),
     * ETH_STARTED (1, no link yet), ETH_STOPPED (2), ETH_CONNECTED (3, link
     * up, no address yet), ETH_DISCONNECTED (4, the link was lost),
     * ETH_GOT_IP (5). `status("speed")`: 10 or 100 Mbit/s (0 without link);
     * `status("duplex")`: "full", "half" or "" without link.
     */
    status(): number
    status(param: "speed"): number
    status(param: "duplex"): string
    status(param?: string): any {
        if (param === undefined) return this.eth.status()
        const up = this.eth.state >= ds.CamEthernetLinkState.LinkUp
        if (param === "speed") return up ? this.eth.speed : 0
        if (param === "duplex") return up ? (this.eth.fullDuplex ? "full" : "half") : ""
        throw new Error(`status(): unknown parameter ${describe(param)}; allowed: "speed", "duplex"`)
    }

    /**
     * `config("mac")` / `config("hostname")` read (synchronous);
     * `await config({ hostname })` sets the DHCP hostname.
     */
    config(key: string): any
    config(settings: { hostname?: string }): Promise<void>
    // @ts-ignore see Nic.ifconfig
    async config(arg: any): any {
        if (typeof arg === "string") {
            if (arg === "mac") {
                if (!this.eth.mac)
                    throw new Error("config('mac'): known once the interface is active: await lan.active(true)")
                return formatMac(this.eth.mac)
            }
            if (arg === "hostname") return this.eth.hostname
            throw new Error(`config(): unknown key ${describe(arg)}; allowed: ${CONFIG_KEYS}`)
        }
        if (typeof arg !== "object" || arg === null)
            throw new Error(`config(): expected a key (one of ${CONFIG_KEYS}) or an object of settings`)
        const keys = Object.keys(arg)
        for (const k of keys) {
            if (k === "hostname") checkHostname(arg[k], "config()")
            else if (k === "mac") throw new Error("config(): mac is read-only")
            else throw new Error(`config(): unknown setting ${describe(k)}; settable: hostname`)
        }
        if (arg.hostname !== undefined) await this.setHostname(arg.hostname)
    }
}

LAN.PHY_LAN8720 = Phy.LAN8720
LAN.PHY_IP101 = Phy.IP101
LAN.PHY_RTL8201 = Phy.RTL8201
LAN.PHY_DP83848 = Phy.DP83848
LAN.PHY_KSZ8041 = Phy.KSZ8041
LAN.PHY_W5500 = Phy.W5500
LAN.CLOCK_GPIO0_IN = Clock.Gpio0In
LAN.CLOCK_GPIO0_OUT = Clock.Gpio0Out
LAN.CLOCK_GPIO16_OUT = Clock.Gpio16Out
LAN.CLOCK_GPIO17_OUT = Clock.Gpio17Out
