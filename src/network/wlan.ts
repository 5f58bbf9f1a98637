import * as ds from "@devicescript/core"
import { requireInterface } from "../board"
import { formatMac, parseMac } from "./address"
import { checkHostname, checkKey, checkSsid } from "./credentials"
import { checkEnterprise, EnterpriseOptions } from "./enterprise"
import { Nic } from "./nic"
import { ApLink, apLink, ApStation, AP_MAX_CLIENTS_LIMIT } from "./access-point"
import { ScanRecord, StationLink } from "./station"
import { boardStation, StockStationLink } from "./stock-station"
import * as stat from "./status"

const Security = ds.CamWifiStationSecurity

/** Options of `connect()` beyond name and password. */
export interface ConnectOptions {
    /** join this access point only ("aa:bb:cc:dd:ee:ff"), when several share the name */
    bssid?: string
}

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

const CONFIG_KEYS = "mac, ssid, channel, hostname, reconnects, txpower, security"
const TXPOWER_MIN_DBM = 2
const TXPOWER_MAX_DBM = 20

/**
 * A Wi-Fi interface, as MicroPython's `network.WLAN`.
 *
 * Reads (`isconnected()`, `status()`, `active()`, `config(key)`, `ifconfig()`)
 * are synchronous: they answer from state the driver keeps fresh with events.
 * Everything that talks to the driver is async: `await` it.
 * Misuse throws at once; link failures never throw: read them with
 * `status()`, `wait_connected()` or `on_change()`.
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
            this.ap = apLink()
            this.link = this.ap
            return
        }
        if (iface !== WLAN.IF_STA)
            throw new Error(`network.WLAN: interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1), got ${iface}`)
        this.sta = boardStation()
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
        if (this.ap && on) checkApReady(this.ap)
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
            const enterprise = checkEnterprise(o)
            const b = o.bssid !== undefined ? parseMac(o.bssid, "connect() bssid") : Buffer.alloc(0)
            await this.sta.connect(ssid, "", b, enterprise)
            return
        }
        checkKey(key, "connect()")
        let bssid = Buffer.alloc(0)
        if (options && options.bssid !== undefined) bssid = parseMac(options.bssid, "connect() bssid")
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
     * in dBm (throws when not associated).
     */
    status(): number
    status(param: "rssi"): number
    status(param: "stations"): ApStation[]
    status(param?: string): any {
        if (this.ap) {
            if (param === undefined) return this.ap.status()
            if (param === "stations") return this.ap.stations.slice(0)
            throw new Error(`status(): unknown parameter ${JSON.stringify(param)} for IF_AP; allowed: "stations"`)
        }
        if (param === undefined) return this.sta.status()
        if (param === "rssi") {
            if (this.sta.snap.state < ds.CamWifiStationLinkState.ObtainingAddress)
                throw new Error("status('rssi'): not associated with an access point")
            return this.sta.snap.rssi
        }
        if (param === "stations") throw new Error("status('stations') is for IF_AP interfaces")
        throw new Error(`status(): unknown parameter ${JSON.stringify(param)}; allowed: "rssi"`)
    }

    /**
     * Networks the radio can hear, strongest first (async: a full scan takes
     * about 1.5 s). Hidden networks are listed with ssid "" and hidden true.
     */
    async scan(): Promise<ScanRecord[]> {
        this.stationOnly("scan()")
        if (!this.sta.active) throw new Error("scan(): the interface is not active: call await wlan.active(true) first")
        return await this.sta.scan()
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
            if (typeof arg === "string") return readApConfig(this.ap, arg as string)
            if (typeof arg !== "object" || arg === null)
                throw new Error(`config(): expected a key (one of ${AP_CONFIG_KEYS}) or an object of settings`)
            await writeApConfig(this.ap, arg)
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
            else if (k === "reconnects") {
                if (typeof v !== "number" || v < -1 || Math.round(v) !== v)
                    throw new Error(`config(): reconnects must be an integer >= -1 (-1 = retry forever), got ${v}`)
            } else if (k === "txpower") {
                if (typeof v !== "number" || !(v >= TXPOWER_MIN_DBM && v <= TXPOWER_MAX_DBM))
                    throw new Error(`config(): txpower must be ${TXPOWER_MIN_DBM}..${TXPOWER_MAX_DBM} dBm, got ${v}`)
            } else if (k === "mac" || k === "ssid" || k === "channel" || k === "security")
                throw new Error(`config(): ${k} is read-only on IF_STA (the network is chosen with connect())`)
            else if (k === "key") throw new Error("config(): key is set with connect(ssid, key) on IF_STA")
            else
                throw new Error(
                    `config(): unknown setting ${JSON.stringify(k)}; settable: hostname, reconnects, txpower`,
                )
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
                throw new Error(`config(): unknown key ${JSON.stringify(key)}; allowed: ${CONFIG_KEYS}`)
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

// --- access point settings -------------------------------------------------

const AP_CONFIG_KEYS = "ssid, key, security, channel, hidden, max_clients, mac"
const AP_SECURITY_NAMES = "WLAN.SEC_OPEN, SEC_WPA2, SEC_WPA3 or SEC_WPA2_WPA3"

function checkApSecurity(v: any) {
    if (v === Security.Wep)
        throw new Error(`config(): WEP is broken (its keys fall in minutes) and refused; use ${AP_SECURITY_NAMES}`)
    if (v === Security.Wpa || v === Security.WpaWpa2)
        throw new Error(`config(): WPA (TKIP) is obsolete and refused; use ${AP_SECURITY_NAMES}`)
    if (v === Security.Wpa2Enterprise || v === Security.Wpa3Enterprise)
        throw new Error(
            "config(): an access point cannot host enterprise (802.1X) logins; use WLAN.SEC_WPA2 or SEC_WPA2_WPA3",
        )
    if (v !== Security.Open && v !== Security.Wpa2 && v !== Security.Wpa3 && v !== Security.Wpa2Wpa3)
        throw new Error(`config(): security must be one of ${AP_SECURITY_NAMES}, got ${JSON.stringify(v)}`)
}

/** Check every given setting, then apply them all (a bad key changes nothing). */
async function writeApConfig(ap: ApLink, arg: any) {
    const keys = Object.keys(arg)
    for (const k of keys) {
        const v = arg[k]
        if (k === "ssid" || k === "essid") checkSsid(v, "config()")
        else if (k === "key" || k === "password") {
            if (v !== "") checkKey(v, "config()")
        } else if (k === "security" || k === "authmode") checkApSecurity(v)
        else if (k === "channel") {
            if (typeof v !== "number" || Math.round(v) !== v || v < 1 || v > 13)
                throw new Error(`config(): channel must be 1..13, got ${JSON.stringify(v)}`)
        } else if (k === "hidden") {
            if (typeof v !== "boolean")
                throw new Error(`config(): hidden must be true or false, got ${JSON.stringify(v)}`)
        } else if (k === "max_clients") {
            if (typeof v !== "number" || Math.round(v) !== v || v < 1 || v > AP_MAX_CLIENTS_LIMIT)
                throw new Error(`config(): max_clients must be 1..${AP_MAX_CLIENTS_LIMIT}, got ${JSON.stringify(v)}`)
        } else if (k === "mac") throw new Error("config(): mac is read-only")
        else
            throw new Error(
                `config(): unknown setting ${JSON.stringify(k)} for IF_AP; settable: ssid, key, security, channel, hidden, max_clients`,
            )
    }
    const s = ap.settings
    for (const k of keys) {
        const v = arg[k]
        if (k === "ssid" || k === "essid") s.ssid = v
        else if (k === "key" || k === "password") s.key = v
        else if (k === "security" || k === "authmode") s.security = v
        else if (k === "channel") s.channel = v
        else if (k === "hidden") s.hidden = v
        else if (k === "max_clients") s.max_clients = v
    }
    if (ap.active) {
        checkApReady(ap)
        await ap.sendSettings()
    }
}

/**
 * Secure by default: a key (8..63 characters) means WPA2 unless security
 * says otherwise; an open network only when security is SEC_OPEN.
 */
function checkApReady(ap: ApLink) {
    const s = ap.settings
    if (!s.ssid) throw new Error("active(true): the access point needs a name first: await ap.config({ ssid, key })")
    if (s.security === -1) {
        if (!s.key)
            throw new Error(
                "active(true): the access point needs a key of 8..63 characters, or security: WLAN.SEC_OPEN to run an open network deliberately",
            )
        s.security = Security.Wpa2
    }
    if (s.security === Security.Open && s.key)
        throw new Error("active(true): an open network (SEC_OPEN) takes no key; drop the key or use SEC_WPA2")
    if (s.security !== Security.Open && !s.key)
        throw new Error("active(true): a WPA2/WPA3 access point needs a key of 8..63 characters")
}

function readApConfig(ap: ApLink, key: string): any {
    const s = ap.settings
    switch (key) {
        case "ssid":
        case "essid":
            return s.ssid
        case "channel":
            return ap.active && ap.channel ? ap.channel : s.channel
        case "security":
        case "authmode":
            return s.security === -1 ? (s.key ? Security.Wpa2 : Security.Open) : s.security
        case "hidden":
            return s.hidden
        case "max_clients":
            return s.max_clients
        case "mac":
            if (!ap.mac) throw new Error("config('mac'): known once the interface is active: await ap.active(true)")
            return formatMac(ap.mac)
        case "key":
        case "password":
            throw new Error("config('key'): the key is write-only")
        default:
            throw new Error(`config(): unknown key ${JSON.stringify(key)} for IF_AP; allowed: ${AP_CONFIG_KEYS}`)
    }
}
