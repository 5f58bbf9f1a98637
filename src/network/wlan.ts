import * as ds from "@devicescript/core"
import { firmwareSupport, requireInterface } from "../board"
import { formatMac, parseMac } from "./address"
import { checkActiveArgument, checkHostname, checkKey, checkKeys, checkSsid, describe } from "./credentials"
import type { EnterpriseOptions } from "./enterprise"
import { Nic } from "./nic"
import type { ApLink, ApStation } from "./access-point"
import { support } from "./support"
import { SCAN_MAX_RESULTS } from "../limits"
import { checkReconnects, checkScanMax, checkTxpower } from "./ranges"
import { ScanRecord, stationLink, StationLink } from "./station"
import type { StockStationLink } from "./stock-station"
import * as stat from "./status"

const Security = ds.CamWifiStationSecurity

/** Options of `connect()` beyond name and password. */
export interface ConnectOptions {
    /** join this access point only ("aa:bb:cc:dd:ee:ff"), when several share the name */
    bssid?: string
}

/** Options of `scan()`. */
export interface ScanOptions {
    /** keep at most this many networks, the strongest: 1..20 (the default is 20) */
    max?: number
    /** only networks with this name */
    ssid?: string
}

const SCAN_KEYS = ["max", "ssid"]

/** Keys `config()` accepts in its object form (station, then access point). */
export interface WlanConfig {
    /** IF_STA: DHCP hostname */
    hostname?: string
    /** IF_STA: retries of a failed or dropped link (-1 forever, the default) */
    reconnects?: number
    /** IF_STA: transmit power, 2..20 dBm */
    txpower?: number
    /** IF_AP: the network's name */
    ssid?: string
    /** IF_AP: the WPA2/WPA3 key, 8..63 characters (write-only) */
    key?: string
    /** IF_AP: WLAN.SEC_WPA2 (default with a key), SEC_WPA3, SEC_WPA2_WPA3, or SEC_OPEN deliberately */
    security?: number
    /** IF_AP: 1..13; follows the station's channel while it is associated */
    channel?: number
    /** IF_AP: do not broadcast the name */
    hidden?: boolean
    /** IF_AP: 1..10 stations */
    max_clients?: number
}

const CONNECT_KEYS = ["bssid"]
const CONFIG_KEYS = "mac, ssid, channel, hostname, reconnects, txpower, security"

/**
 * A Wi-Fi interface, as MicroPython's `network.WLAN`.
 *
 * Reads (`isconnected()`, `status()`, `active()`, `config(key)`, `ifconfig()`)
 * are synchronous: they answer from state the driver keeps fresh with events.
 * Everything that talks to the driver is async: `await` it.
 * Misuse throws at once; link failures never throw: read them with
 * `status()`, `wait_connected()` or `on_change()`.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class WLAN extends Nic {
    /** station mode: join a network somebody else hosts */
    static IF_STA: number
    /** access-point mode: host a network (setup pages, on-site configuration) */
    static IF_AP: number

    static STAT_IDLE: number
    static STAT_CONNECTING: number
    static STAT_GOT_IP: number
    static STAT_BEACON_TIMEOUT: number
    static STAT_NO_AP_FOUND: number
    static STAT_WRONG_PASSWORD: number
    static STAT_CONNECT_FAIL: number
    static STAT_ASSOC_FAIL: number
    static STAT_HANDSHAKE_TIMEOUT: number

    static SEC_OPEN: number
    static SEC_WEP: number
    static SEC_WPA: number
    static SEC_WPA2: number
    static SEC_WPA_WPA2: number
    static SEC_WPA2_ENT: number
    static SEC_WPA3: number
    static SEC_WPA2_WPA3: number
    static SEC_WPA3_ENT: number
    /** a security the driver cannot name (e.g. ESP-IDF 5.3's DPP): contract 1.2's Unknown, 255 */
    static SEC_UNKNOWN: number

    /** exactly one of these is set, by the interface asked for */
    private readonly sta: StationLink | StockStationLink
    private readonly ap: ApLink

    /** @throws if the board has no Wi-Fi, or `iface` is not IF_STA / IF_AP */
    constructor(iface?: number) {
        super()
        // DeviceScript links the prototype only when `new` names the class
        // itself; `new network.WLAN()` (the spec's spelling) builds a bare
        // object and runs this constructor on it, so hand back a real instance.
        if (!(this instanceof WLAN)) return new WLAN(iface)
        if (iface === undefined) iface = WLAN.IF_STA
        requireInterface("wlan", "network.WLAN")
        if (iface === WLAN.IF_AP) {
            if (!support.ap)
                throw new Error(
                    'network.WLAN(IF_AP): this script imports camscript/src/station, which leaves the access point out to keep the image small; import { network } from "camscript" for it',
                )
            this.ap = support.ap.link()
            this.link = this.ap
            return
        }
        if (iface !== WLAN.IF_STA)
            throw new Error(`network.WLAN: interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1), got ${iface}`)
        this.sta = firmwareSupport.station ? firmwareSupport.station() : stationLink()
        this.link = this.sta
    }

    private stationOnly(what: string) {
        if (this.ap)
            throw new Error(
                `${what} is for IF_STA; an access point hosts its own network: await ap.config({ ssid, key }) then await ap.active(true)`,
            )
    }

    /**
     * `active()` reads whether the interface is up (synchronous).
     * `await active(true|false)` brings it up or down (async: talks to the driver).
     * Turning it off forgets the network asked for by connect().
     */
    active(): boolean
    active(on: boolean): Promise<boolean>
    // @ts-ignore DeviceScript runs an async method called without await
    // synchronously, so the read form above can return its value directly.
    async active(on?: boolean): any {
        if (on === undefined) return this.link.active
        checkActiveArgument(on)
        if (this.ap && on) support.ap.ready(this.ap)
        await this.link.setActive(!!on)
        return this.link.active
    }

    /**
     * Start joining network `ssid` with password `key` (omit for an open
     * network). Async: returns once the driver has the request, not when the
     * link is up; use `isconnected()`, `wait_connected()` or `on_change()`.
     * A failed attempt is retried (as `config({reconnects})` allows) while
     * `status()` says why it failed. Calling connect() again replaces the
     * attempt. Throws at once if the interface is not active or the name,
     * key or bssid are malformed.
     */
    connect(ssid?: string, key?: string, options?: ConnectOptions): Promise<void>
    connect(ssid: string, enterprise: EnterpriseOptions): Promise<void>
    async connect(ssid?: string, key?: any, options?: ConnectOptions): Promise<void> {
        this.stationOnly("connect()")
        if (!this.sta.active)
            throw new Error("connect(): the interface is not active: call await wlan.active(true) first")
        if (ssid === undefined) {
            // MicroPython: connect() with no arguments rejoins the last network
            const w = this.sta.wanted
            if (!w) throw new Error("connect(): no network given and none joined before: connect(ssid, key)")
            await this.sta.connect(w.ssid, w.key, w.bssid, w.enterprise)
            return
        }
        checkSsid(ssid, "connect()")
        if (typeof key === "object" && key !== null) {
            // connect(ssid, { eap, ... }): an enterprise (802.1X) network
            const o: any = key
            if (o.eap === undefined)
                throw new Error(
                    "connect(): an options object as second argument is for enterprise networks and needs eap; for a password network use connect(ssid, key, { bssid })",
                )
            if (!support.enterprise)
                throw new Error(
                    'connect(): this script imports camscript/src/station, which leaves enterprise (802.1X) logins out to keep the image small; import { network } from "camscript" for them',
                )
            const enterprise = await support.enterprise.check(o)
            const b = o.bssid !== undefined ? parseMac(o.bssid, "connect() bssid") : Buffer.alloc(0)
            await this.sta.connect(ssid, "", b, enterprise)
            return
        }
        checkKey(key, "connect()")
        let bssid = Buffer.alloc(0)
        if (options !== undefined && options !== null) {
            if (typeof options !== "object" || Array.isArray(options))
                throw new Error(
                    `connect(): the third argument must be an options object like { bssid: "aa:bb:cc:dd:ee:ff" }, got ${describe(options)}`,
                )
            // a typo (bsid) would otherwise silently join any access point
            checkKeys("connect()", options, CONNECT_KEYS)
            if (options.bssid !== undefined) bssid = parseMac(options.bssid, "connect() bssid")
        }
        await this.sta.connect(ssid, key ? key : "", bssid)
    }

    /** Leave the network and stop retrying (async). */
    async disconnect(): Promise<void> {
        this.stationOnly("disconnect()")
        if (!this.sta.active) return
        await this.sta.disconnect()
    }

    /**
     * `status()`: one of the STAT_* codes. While a failed attempt is being
     * retried it reads the failure (e.g. STAT_WRONG_PASSWORD), not
     * STAT_CONNECTING. `status("rssi")`: signal strength of the access point
     * in dBm (throws when not associated). `status("scan_dropped")`: how many
     * networks the last scan() heard (with its ssid) but did not keep.
     */
    status(): number
    status(param: "rssi"): number
    status(param: "scan_dropped"): number
    status(param: "stations"): ApStation[]
    status(param?: string): any {
        if (this.ap) {
            if (param === undefined) return this.ap.status()
            if (param === "stations") return this.ap.stations.slice(0)
            throw new Error(`status(): unknown parameter ${describe(param)} for IF_AP; allowed: "stations"`)
        }
        if (param === undefined) return this.sta.status()
        if (param === "rssi") {
            if (this.sta.snap.state < ds.CamWifiStationLinkState.ObtainingAddress)
                throw new Error("status('rssi'): not associated with an access point")
            return this.sta.snap.rssi
        }
        if (param === "scan_dropped") return this.sta.scanDropped
        if (param === "stations") throw new Error("status('stations') is for IF_AP interfaces")
        throw new Error(`status(): unknown parameter ${describe(param)}; allowed: "rssi", "scan_dropped"`)
    }

    /**
     * Networks the radio can hear, strongest first (async: a full scan takes
     * about 1.5 s). Hidden networks are listed with ssid "" and hidden true.
     * Keeps at most `max` networks (default and most SCAN_MAX_RESULTS, 20),
     * only those named `ssid` when given; `status("scan_dropped")` then
     * counts the (matching) networks heard but not kept.
     */
    async scan(options?: ScanOptions): Promise<ScanRecord[]> {
        this.stationOnly("scan()")
        let max = SCAN_MAX_RESULTS
        let ssid = ""
        if (options !== undefined) {
            if (typeof options !== "object" || options === null || Array.isArray(options))
                throw new Error(
                    `scan(): options must be an object like { max: 10, ssid: "name" }, got ${describe(options)}`,
                )
            checkKeys("scan()", options, SCAN_KEYS)
            const o: any = options
            if (o.max !== undefined) {
                checkScanMax(o.max, "scan(): max")
                max = o.max
            }
            if (o.ssid !== undefined) {
                checkSsid(o.ssid, "scan()")
                ssid = o.ssid
            }
        }
        if (!this.sta.active) throw new Error("scan(): the interface is not active: call await wlan.active(true) first")
        return await this.sta.scan(max, ssid)
    }

    /**
     * `config("key")` reads one setting (synchronous): mac, ssid, channel,
     * hostname, reconnects, txpower, security. `key` is write-only.
     * `await config({ hostname, reconnects, txpower })` changes settings.
     */
    config(key: string): any
    config(settings: WlanConfig): Promise<void>
    // @ts-ignore see active()
    async config(arg: any): any {
        if (this.ap) {
            if (typeof arg === "string") return support.ap.read(this.ap, arg as string)
            if (typeof arg !== "object" || arg === null)
                throw new Error(`config(): expected a key (one of ${support.ap.keys}) or an object of settings`)
            await support.ap.write(this.ap, arg)
            return
        }
        if (typeof arg === "string") return this.readConfig(arg as string)
        if (typeof arg !== "object" || arg === null)
            throw new Error(`config(): expected a key (one of ${CONFIG_KEYS}) or an object of settings`)
        const link = this.sta
        const keys = Object.keys(arg)
        // check everything first, so a bad key changes nothing
        for (const k of keys) {
            const v = arg[k]
            if (k === "hostname") checkHostname(v, "config()")
            else if (k === "reconnects") checkReconnects(v, "config(): reconnects")
            else if (k === "txpower") checkTxpower(v, "config(): txpower")
            else if (k === "mac" || k === "ssid" || k === "channel" || k === "security")
                throw new Error(`config(): ${k} is read-only on IF_STA (the network is chosen with connect())`)
            else if (k === "key") throw new Error("config(): key is set with connect(ssid, key) on IF_STA")
            else throw new Error(`config(): unknown setting ${describe(k)}; settable: hostname, reconnects, txpower`)
        }
        for (const k of keys) {
            const v = arg[k]
            if (k === "hostname") await this.setHostname(v)
            else if (k === "reconnects") link.reconnects = v
            else if (k === "txpower") {
                link.txpower = Math.round(v)
                await link.driver.setTxPower(link.txpower)
            }
        }
    }

    private readConfig(key: string): any {
        const link = this.sta
        switch (key) {
            case "mac":
                if (!link.mac)
                    throw new Error("config('mac'): known once the interface is active: await wlan.active(true)")
                return formatMac(link.mac)
            case "ssid":
                if (link.snap.ssid) return link.snap.ssid
                return link.wanted ? link.wanted.ssid : ""
            case "channel":
                return link.snap.channel
            case "security":
                return link.snap.security
            case "hostname":
                return link.hostname
            case "reconnects":
                return link.reconnects
            case "txpower":
                return link.txpower
            case "key":
                throw new Error("config('key'): the key is write-only")
            default:
                throw new Error(`config(): unknown key ${describe(key)}; allowed: ${CONFIG_KEYS}`)
        }
    }
}

WLAN.IF_STA = 0
WLAN.IF_AP = 1
WLAN.STAT_IDLE = stat.STAT_IDLE
WLAN.STAT_CONNECTING = stat.STAT_CONNECTING
WLAN.STAT_GOT_IP = stat.STAT_GOT_IP
WLAN.STAT_BEACON_TIMEOUT = stat.STAT_BEACON_TIMEOUT
WLAN.STAT_NO_AP_FOUND = stat.STAT_NO_AP_FOUND
WLAN.STAT_WRONG_PASSWORD = stat.STAT_WRONG_PASSWORD
WLAN.STAT_CONNECT_FAIL = stat.STAT_CONNECT_FAIL
WLAN.STAT_ASSOC_FAIL = stat.STAT_ASSOC_FAIL
WLAN.STAT_HANDSHAKE_TIMEOUT = stat.STAT_HANDSHAKE_TIMEOUT
WLAN.SEC_OPEN = Security.Open
WLAN.SEC_WEP = Security.Wep
WLAN.SEC_WPA = Security.Wpa
WLAN.SEC_WPA2 = Security.Wpa2
WLAN.SEC_WPA_WPA2 = Security.WpaWpa2
WLAN.SEC_WPA2_ENT = Security.Wpa2Enterprise
WLAN.SEC_WPA3 = Security.Wpa3
WLAN.SEC_WPA2_WPA3 = Security.Wpa2Wpa3
WLAN.SEC_WPA3_ENT = Security.Wpa3Enterprise
WLAN.SEC_UNKNOWN = Security.Unknown

// --- access point settings -------------------------------------------------
