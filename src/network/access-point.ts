import * as ds from "@devicescript/core"
import { requireCamscriptDriver } from "../board"
import { formatIp, formatMac, parseIp } from "./address"
import { complete, Link, LinkChange } from "./link"
import { STAT_GOT_IP, STAT_IDLE } from "./status"

const State = ds.CamWifiAccessPointApState
const Reason = ds.CamWifiAccessPointApReason

/** The major version of services/wifi-access-point.md this module drives. */
export const AP_CONTRACT_VERSION = 1
/** ESP-IDF's default soft-AP address; its DHCP server hands out the rest of the /24. */
export const AP_DEFAULT_IP = "192.168.4.1"
export const AP_DEFAULT_NETMASK = "255.255.255.0"

/** One station joined to the camera's access point (`status("stations")`). */
export interface ApStation {
    /** "aa:bb:cc:dd:ee:ff" */
    mac: string
    /** its DHCP lease, "0.0.0.0" until it has one */
    ip: string
    /** how the camera hears it, dBm */
    rssi: number
}

/** The network the access point hosts (set with `config({...})`). */
export interface ApSettings {
    ssid: string
    key: string
    security: number
    channel: number
    hidden: boolean
    max_clients: number
}

const STATE_NAMES = ["stopped", "starting", "up"]

/**
 * The access point's state: one per board, shared by every WLAN(IF_AP).
 * Handlers of driver events never await, so they apply in order.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class ApLink extends Link {
    readonly driver: ds.CamWifiAccessPoint
    settings: ApSettings = {
        ssid: "",
        key: "",
        security: -1,
        channel: 1,
        hidden: false,
        max_clients: 4,
    }
    state: number = State.Stopped
    reason: number = Reason.None
    channel = 0
    stations: ApStation[] = []
    private incoming: ApStation[] = []

    constructor() {
        super()
        this.driver = new ds.CamWifiAccessPoint()
        this.addresses = {
            ip: parseIp(AP_DEFAULT_IP, "ip"),
            netmask: parseIp(AP_DEFAULT_NETMASK, "netmask"),
            gateway: 0,
            dns: 0,
        }
        this.addresses.gateway = this.addresses.ip
        this.addresses.dns = this.addresses.ip
        const self = this
        // field counts of the `link` and `station` events (services/wifi-access-point.md)
        this.driver.link.subscribe((v) => {
            if (complete(v, 4)) self.onLink(v)
        })
        this.driver.station.subscribe((v) => {
            if (complete(v, 6)) self.onStation(v)
        })
        this.driver.stationsDone.subscribe((count) => self.onStationsDone(count))
        this.watchDriver(this.driver)
    }

    protected override driverLost() {
        this.state = State.Stopped
        this.stations = []
    }

    protected override async driverReturned() {
        if (!this.active) return
        await this.checkDriver(this.driver.contractVersion, this.driver.mac, AP_CONTRACT_VERSION)
        const a = this.addresses
        await this.driver.setAddress(a.ip, a.netmask)
        await this.sendSettings()
        await this.driver.setActive(true)
    }

    label(): string {
        return "access point"
    }

    isconnected(): boolean {
        return this.active && this.state === State.Up && this.stations.length > 0
    }

    expectsLink(): boolean {
        return this.active
    }

    status(): number {
        return this.active && this.state === State.Up ? STAT_GOT_IP : STAT_IDLE
    }

    reasonText(): string {
        if (this.driverGone)
            return "the access point's driver went away (restarting); its settings and active() are sent again when it returns"
        if (this.reason === Reason.ChannelFollowsStation)
            return `the access point runs on the station's channel ${this.channel}, not the configured ${this.settings.channel}: one radio, one channel`
        return ""
    }

    change(): LinkChange {
        return {
            iface: "ap",
            status: this.status(),
            connected: this.isconnected(),
            state: STATE_NAMES[this.state] ?? "unknown",
            reason: this.reasonText(),
            ip: formatIp(this.addresses.ip),
            ssid: this.settings.ssid,
            rssi: 0,
        }
    }

    async sendAddress(ip: number, netmask: number, gateway: number, dns: number, mode: number) {
        if (mode !== 1)
            throw new Error('ifconfig("dhcp"): an access point has a static address; give [ip, netmask, gateway, dns]')
        await this.driver.setAddress(ip, netmask)
        // the access point is its network's gateway and DNS
        this.addresses = { ip: ip, netmask: netmask, gateway: ip, dns: ip }
        this.forgetStations()
    }

    async sendHostname(name: string) {
        // the access point announces no hostname; kept for config("hostname")
    }

    async sendSettings() {
        const s = this.settings
        await this.driver.setConfig(s.channel, s.security, s.hidden ? 1 : 0, s.max_clients, s.ssid, s.key)
        this.forgetStations()
    }

    /**
     * New settings (or a new address) while up: the driver restarts the
     * network and its stations must join again. From the call on, the ones
     * joined to the old network do not count (isconnected() false,
     * status("stations") empty), as a new connect() on the station: the
     * driver's next station list says who joined the new one.
     */
    private forgetStations() {
        if (!this.active) return
        this.stations = []
        this.incoming = []
        this.emitChange()
    }

    async setActive(on: boolean) {
        if (on === this.active) return
        const self = this
        if (on) {
            await this.checkDriver(this.driver.contractVersion, this.driver.mac, AP_CONTRACT_VERSION)
            this.active = true
            try {
                await this.sendSettings()
                await this.driver.setActive(true)
                await this.until(() => self.state === State.Up, "active(true)")
            } catch (e) {
                // not confirmed: the access point is not up, whatever was asked
                this.active = false
                throw e
            }
        } else {
            this.active = false
            await this.driver.setActive(false)
            await this.until(() => self.state === State.Stopped, "active(false)")
        }
    }

    private onLink(v: any[]) {
        // field order of the `link` event in services/wifi-access-point.md
        this.state = v[0]
        this.channel = v[1]
        this.reason = v[2]
        // the driver sends the station list before the `link` event that counts it
        if (v[3] === 0 || this.state === State.Stopped) this.stations = []
        this.emitChange()
    }

    private onStation(v: any[]) {
        if (v[0] === 0) this.incoming = []
        this.incoming.push({ rssi: v[2], ip: formatIp(v[4]), mac: formatMac(v[5]) })
    }

    private onStationsDone(count: number) {
        this.stations = count === 0 ? [] : this.incoming
        this.incoming = []
    }
}

let ap: ApLink = null

/** The board's one access point, created on first use. */
export function apLink(): ApLink {
    requireCamscriptDriver("Wi-Fi access-point", "network.WLAN(IF_AP)")
    if (!ap) ap = new ApLink()
    return ap
}
