import * as ds from "@devicescript/core"
import { firmwareSupport, requireCamscriptDriver } from "../board"
import { formatIp } from "./address"
import type { Enterprise } from "./support"
import { ADDRESS_GIVE_UP_MS, Link, LinkChange } from "./link"
import { LinkSnapshot, ScanRecord } from "./station"
import { STAT_CONNECT_FAIL, STAT_CONNECTING, STAT_GOT_IP, STAT_IDLE } from "./status"
import { _internal } from "../pending"

// The station on the stock DeviceScript ESP32 firmware, which has no
// camscript driver, only the standard Jacdac Wi-Fi service (`ds.Wifi`):
// one stored network (add_network), its own retries (a failed or dropped
// link is rejoined at once, a scan every 5 s while not connected), and three
// things it tells: got_ip, lost_ip, and the signal strength while connected.
// It never says WHY an attempt failed or a link dropped, nor how far an
// attempt got, so this keeper reads fewer statuses than StationLink: the
// ones the service can tell, and the rest in words (see docs/api.md).

const State = ds.CamWifiStationLinkState

/** What the stock service can tell about a failure. */
const FAILED_NONE = 0
/** lost_ip before any got_ip: the attempt failed, reason unknown */
const FAILED_ATTEMPT = 1
/** lost_ip after got_ip: the link dropped, reason unknown */
const FAILED_DROPPED = 2
/** neither got_ip nor lost_ip for ADDRESS_GIVE_UP_MS: associated without an address, most likely */
const FAILED_SILENT = 3
/** connection_failed (in the service's spec; the firmware at hand never sends it) */
const FAILED_REPORTED = 4

/** While connected, the signal strength is read again this often (the service has no event for it). */
export const STOCK_RSSI_REFRESH_MS = 5000
/**
 * The address register is read again this often until it holds the address
 * got_ip announced: the VM answers a read from its cache of the register for
 * a while (measured: up to about 500 ms with reads 200 ms apart, several
 * seconds with reads 600 ms apart).
 */
const ADDRESS_READ_RETRY_MS = 200
const ADDRESS_READ_TRIES = 25

const FAILURE_TEXT = [
    "",
    "an attempt to join failed; the stock DeviceScript firmware does not say why (wrong password, network not in range, or refused: it cannot tell them apart)",
    "the link dropped; the stock DeviceScript firmware does not say why (out of range, access point off, or the access point dropped the camera); it rejoins by itself",
    `no address ${ADDRESS_GIVE_UP_MS / 1000} s after connect() and no failure reported: the camera is probably associated while DHCP does not answer (the stock DeviceScript firmware keeps waiting and does not say)`,
    "the stock DeviceScript firmware reported that joining failed (it does not say why)",
]

interface Wanted {
    ssid: string
    key: string
    bssid: Buffer
    enterprise: Enterprise
}

/**
 * Stands in for the camscript driver's set_tx_power, which the stock service lacks.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
class NoTxPower {
    async setTxPower(dbm: number): Promise<void> {
        requireCamscriptDriver("Wi-Fi station", "config({ txpower })")
    }
}

function ipFromBytes(b: Buffer): number {
    if (!b || b.length < 4) return 0
    return b[0] * 16777216 + b[1] * 65536 + b[2] * 256 + b[3]
}

/**
 * The station's state over the stock Wi-Fi service, with StationLink's
 * surface (what WLAN reads and calls), so WLAN drives either one.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class StockStationLink extends Link {
    readonly wifi: ds.Wifi
    /** `config({ txpower })` goes here: refused, the stock service has no transmit-power command */
    readonly driver: NoTxPower = new NoTxPower()
    /** state Scanning stands for "joining" (the service does not say which step) */
    snap: LinkSnapshot = StockStationLink.emptySnapshot()
    wanted: Wanted = null
    failure = FAILED_NONE
    /** consecutive failures since the last success or connect() */
    failedAttempts = 0
    /** -1: let the firmware retry forever (it does); n: forget the network after n retries */
    reconnects = -1
    txpower = 20
    private up = false
    /** bumps on every got_ip / lost_ip / connect / disconnect, so a slow address read of an older one is dropped */
    private generation = 0
    /** lost_ip events we caused (switching networks), not failures */
    private ownDrops = 0
    private silenceTimer: number = undefined
    private rssiTimer: number = undefined

    constructor() {
        super()
        // ESP-IDF's default: the stock firmware never sets one
        this.hostname = "espressif"
        this.wifi = new ds.Wifi()
        const self = this
        this.wifi.gotIp.subscribe(() => self.onGotIp())
        this.wifi.lostIp.subscribe(() => self.onLostIp())
        this.wifi.connectionFailed.subscribe(() => self.onConnectionFailed())
    }

    private static emptySnapshot(): LinkSnapshot {
        return {
            state: State.Stopped,
            rssi: 0,
            reason: 0,
            channel: 0,
            security: 0,
            bssid: Buffer.alloc(6),
            ip: 0,
            netmask: 0,
            gateway: 0,
            dns: 0,
            ssid: "",
        }
    }

    label(): string {
        return "Wi-Fi"
    }

    isconnected(): boolean {
        return this.active && this.up
    }

    expectsLink(): boolean {
        return !!this.wanted || this.isconnected()
    }

    status(): number {
        if (!this.active) return STAT_IDLE
        if (this.up) return STAT_GOT_IP
        if (!this.wanted) return STAT_IDLE
        // every failure the service reports reads the same: it gives no reason
        if (this.failure) return STAT_CONNECT_FAIL
        return STAT_CONNECTING
    }

    reasonText(): string {
        return FAILURE_TEXT[this.failure] ?? ""
    }

    change(): LinkChange {
        const state = !this.active ? "stopped" : this.up ? "got-address" : this.wanted ? "joining" : "idle"
        return {
            iface: "wlan",
            status: this.status(),
            connected: this.isconnected(),
            state: state,
            reason: this.reasonText(),
            ip: formatIp(this.addresses.ip),
            ssid: this.snap.ssid,
            rssi: this.snap.rssi,
        }
    }

    async sendAddress(ip: number, netmask: number, gateway: number, dns: number, mode: number) {
        // DHCP is all the stock service does: asking for it again is a no-op
        if (mode !== 0)
            requireCamscriptDriver("Wi-Fi station", "ifconfig([ip, netmask, gateway, dns]) (a static address)")
    }

    override async setHostname(name: string) {
        requireCamscriptDriver("Wi-Fi station", "config({ hostname })")
    }

    async sendHostname(name: string) {
        requireCamscriptDriver("Wi-Fi station", "config({ hostname })")
    }

    async setActive(on: boolean) {
        if (on === this.active) return
        this.generation++
        this.stopTimers()
        this.wanted = null
        this.failure = FAILED_NONE
        if (on) {
            if (!this.mac) this.mac = await this.wifi.eui48.read()
            await this.wifi.enabled.write(true)
            // the firmware joins the network an earlier program stored, at
            // boot; MicroPython's active(true) joins nothing, so forget it
            await this.wifi.forgetAllNetworks()
            if (ipFromBytes(await this.wifi.ipAddress.read()) !== 0) {
                this.ownDrops++
                await this.wifi.reconnect()
            }
            this.active = true
        } else {
            await this.wifi.forgetAllNetworks()
            await this.wifi.enabled.write(false)
            this.active = false
            this.setDown()
        }
        this.emitChange()
    }

    async connect(ssid: string, key: string, bssid: Buffer, enterprise?: Enterprise) {
        if (enterprise) requireCamscriptDriver("Wi-Fi station", "connect(ssid, { eap, ... }) (an enterprise network)")
        if (bssid && bssid.length)
            requireCamscriptDriver("Wi-Fi station", "connect(ssid, key, { bssid }) (one access point by its BSSID)")
        this.generation++
        this.stopTimers()
        const wasUp = this.up
        this.wanted = { ssid: ssid, key: key, bssid: bssid, enterprise: null }
        this.failure = FAILED_NONE
        this.failedAttempts = 0
        await this.wifi.addNetwork(ssid, key)
        // add_network starts joining only when the firmware is not already
        // joined; reconnect makes it leave the old network and scan anew
        if (wasUp) {
            // the old link is as good as gone: its lost_ip, when it comes, is ours
            this.setDown()
            this.ownDrops++
            await this.wifi.reconnect()
        }
        this.watchSilence()
        this.emitChange()
    }

    async disconnect() {
        this.generation++
        this.stopTimers()
        const wasUp = this.up
        this.wanted = null
        this.failure = FAILED_NONE
        await this.wifi.forgetAllNetworks()
        if (wasUp) {
            this.ownDrops++
            await this.wifi.reconnect()
            const self = this
            await this.until(() => !self.up, "disconnect()")
        }
        this.emitChange()
    }

    /** status("scan_dropped"): no scan ever lists anything here */
    scanDropped = 0

    async scan(keep: number, ssid: string): Promise<ScanRecord[]> {
        // the results come only through a Jacdac pipe, which a DeviceScript
        // program cannot open; the scan_complete event carries counts only
        requireCamscriptDriver("Wi-Fi station", "scan()")
        return []
    }

    private onGotIp() {
        if (this.active && !this.wanted) {
            // an attempt begun before disconnect() (or before active(true))
            // succeeded: leave that network (it is forgotten, so it stays left)
            this.ownDrops++
            const self = this
            setTimeout(async () => {
                await self.wifi.reconnect()
            }, 0)
            return
        }
        this.generation++
        const g = this.generation
        const self = this
        // the address and signal are registers: read them in a fiber of
        // their own (event handlers never await, so events stay in order)
        setTimeout(async () => {
            await self.readAddress(g, ADDRESS_READ_TRIES)
        }, 0)
    }

    private async readAddress(g: number, tries: number) {
        const buf = await this.wifi.ipAddress.read()
        if (g !== this.generation) return
        const ip = ipFromBytes(buf)
        if (ip === 0 && tries > 1) {
            // a register read is cached for a while: ask again shortly
            const self = this
            setTimeout(async () => {
                await self.readAddress(g, tries - 1)
            }, ADDRESS_READ_RETRY_MS)
            return
        }
        const rssi = await this.wifi.reading.read()
        if (g !== this.generation) return
        this.up = true
        this.failure = FAILED_NONE
        this.failedAttempts = 0
        this.stopTimers()
        this.addresses = { ip: ip, netmask: 0, gateway: 0, dns: 0 }
        this.snap = StockStationLink.emptySnapshot()
        this.snap.state = State.GotAddress
        this.snap.ip = ip
        this.snap.rssi = rssi
        this.snap.ssid = this.wanted ? this.wanted.ssid : ""
        this.watchRssi()
        this.emitChange()
    }

    private onLostIp() {
        this.generation++
        const wasUp = this.up
        this.setDown()
        if (this.ownDrops > 0) {
            this.ownDrops--
            this.emitChange()
            return
        }
        if (this.wanted && this.active) {
            this.failure = wasUp ? FAILED_DROPPED : FAILED_ATTEMPT
            this.failedAttempts++
            this.limitRetries()
            // the firmware tries again at once: a new attempt, a new silence watch
            this.watchSilence()
        }
        this.emitChange()
    }

    private onConnectionFailed() {
        if (!this.wanted || !this.active || this.up) return
        this.failure = FAILED_REPORTED
        this.emitChange()
    }

    /** `reconnects` n: after n retries, forget the network so the firmware stops trying. */
    private limitRetries() {
        if (this.reconnects < 0 || this.failedAttempts <= this.reconnects) return
        this.stopTimers()
        const self = this
        setTimeout(async () => {
            await self.wifi.forgetAllNetworks()
        }, 0)
    }

    private setDown() {
        this.up = false
        this.addresses = { ip: 0, netmask: 0, gateway: 0, dns: 0 }
        this.snap = StockStationLink.emptySnapshot()
        this.snap.state = !this.active ? State.Stopped : this.wanted ? State.Scanning : State.Idle
        this.snap.ssid = ""
        if (this.rssiTimer !== undefined) _internal.clearInterval(this.rssiTimer)
        this.rssiTimer = undefined
    }

    /** No word from the service for ADDRESS_GIVE_UP_MS after an attempt began: say so. */
    private watchSilence() {
        if (this.silenceTimer !== undefined) _internal.clearTimeout(this.silenceTimer)
        const g = this.generation
        const self = this
        this.silenceTimer = _internal.setTimeout(() => {
            self.silenceTimer = undefined
            if (g !== self.generation || self.up || !self.wanted) return
            self.failure = FAILED_SILENT
            self.emitChange()
        }, ADDRESS_GIVE_UP_MS)
    }

    private watchRssi() {
        if (this.rssiTimer !== undefined) _internal.clearInterval(this.rssiTimer)
        const self = this
        this.rssiTimer = _internal.setInterval(async () => {
            if (!self.up) return
            const g = self.generation
            const rssi = await self.wifi.reading.read()
            if (g !== self.generation || !self.up || rssi === self.snap.rssi) return
            self.snap.rssi = rssi
            self.emitChange()
        }, STOCK_RSSI_REFRESH_MS)
    }

    private stopTimers() {
        if (this.silenceTimer !== undefined) _internal.clearTimeout(this.silenceTimer)
        this.silenceTimer = undefined
    }
}

let stock: StockStationLink = null

/**
 * Called by the build's entry when the image is for the stock firmware:
 * WLAN(IF_STA) then uses the board's one StockStationLink.
 */
export function installStockStation() {
    firmwareSupport.station = () => {
        if (!stock) stock = new StockStationLink()
        return stock
    }
}
