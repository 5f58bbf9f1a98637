import type { EnterpriseCredentials, LoginOutcome } from "../login/login-server"
import { authenticate } from "../login/login-server"
import type { Air, LiveAccessPoint, Reception } from "../radio/air"
import { audible, marginal } from "../radio/pathloss"
import * as timing from "../radio/timing"
import type { Timeline } from "../timeline"
import { keyMatches } from "../drivers/wifi-station"
import type { EapMethodName, SecurityMode } from "../world/world"
import { prefixMask } from "../world/ipv4"
import { ESP, type EventTask, type Netifs, NETIF_STA } from "./esp-types"
import { nameText } from "../../project/printable"

// ESP-IDF's Wi-Fi station as the C drivers see it, over the simulated
// radio (the same Air the model driver uses). It knows nothing of the
// contract: it takes esp_wifi_* calls and answers with what ESP-IDF would
// post, WIFI_EVENT_* and IP_EVENT_* with ESP-IDF's reason numbers. The
// world's rules (what is heard, which key opens which network, how long each
// step takes) are the ones in sim/radio/ and sim/login/, shared with the
// model driver; the C decides what the script is told.

/** wifi_err_reason_t values the simulated radio reports. */
const REASON = {
    AUTH_EXPIRE: 2,
    AUTH_LEAVE: 3,
    ASSOC_LEAVE: 8,
    FOURWAY_HANDSHAKE_TIMEOUT: 15,
    EAP_FAILED: 23, // 802_1X_AUTH_FAILED
    BEACON_TIMEOUT: 200,
    NO_AP_FOUND: 201,
    AUTH_FAIL: 202,
    HANDSHAKE_TIMEOUT: 204,
    NO_AP_FOUND_W_COMPATIBLE_SECURITY: 210,
} as const

/** wifi_auth_mode_t of each world security (ESP-IDF 5.x numbering). */
const AUTHMODE: Record<SecurityMode, number> = {
    open: 0,
    "wpa2-psk": 3,
    "wpa3-sae": 6,
    "wpa2-enterprise": 5,
    "wpa3-enterprise": 10, // WIFI_AUTH_WPA3_ENT_192: the one WPA3-Enterprise mode every 5.x header has
}

export const WIFI_EVENT = {
    SCAN_DONE: 1,
    STA_START: 2,
    STA_STOP: 3,
    AP_START: 12,
    AP_STOP: 13,
    AP_STACONNECTED: 14,
    AP_STADISCONNECTED: 15,
} as const

export const IP_EVENT = { STA_GOT_IP: 0, STA_LOST_IP: 1, AP_STAIPASSIGNED: 2, ETH_GOT_IP: 4, ETH_LOST_IP: 5 } as const

const WIFI_MODE = { NULL: 0, STA: 1, AP: 2, APSTA: 3 } as const

/** esp_eap_client's credential kinds (firmware/host/sim/sim.h SIM_EAP_*). */
const EAP_KIND = {
    IDENTITY: 1,
    USERNAME: 2,
    PASSWORD: 3,
    CA_CERT: 4,
    CLIENT_CERT: 5,
    CLIENT_KEY: 6,
    DOMAIN: 7,
} as const

/** What the C reads of a scan record or the associated AP (sim_ap_t). */
export interface ApRecord {
    bssid: string
    ssid: string
    channel: number
    rssi: number
    authmode: number
}

/** What the event task delivers to the C (one call of an export each). */
export interface WifiEvents {
    wifi(id: number): void
    scanDone(status: number, count: number): void
    staConnected(ssid: string, bssid: string, channel: number, authmode: number): void
    staDisconnected(ssid: string, bssid: string, reason: number, rssi: number): void
    gotIp(id: number, netif: number, ip: number, netmask: number, gateway: number): void
}

interface StaConfig {
    ssid: string
    password: string
    bssid?: string
    channel: number
}

export class EspWifi {
    mode: number = WIFI_MODE.NULL
    started = false
    private config?: StaConfig
    private link: "idle" | "connecting" | "connected" = "idle"
    private ap?: LiveAccessPoint
    private joinedEpoch = 0
    /** bumps when a link or attempt ends, so its timers do nothing */
    private generation = 0
    private beaconLossTimer?: unknown
    private scanTimer?: unknown
    private scanResults: ApRecord[] = []
    private scanning = false
    private readonly eap = new Map<number, string>()
    private eapEnabled = false
    private phase2 = 1 // ESP_EAP_TTLS_PHASE2_MSCHAPV2
    private eapMethods = 0
    /** a listener for the access point half: the station's channel moved */
    onStationChannel?: () => void
    /** the soft-AP half of the radio, when the board serves an access point */
    softAp?: { start(): void; stop(): void }

    constructor(
        private readonly air: Air,
        private readonly timeline: Timeline,
        private readonly events: EventTask<WifiEvents>,
        private readonly netifs: Netifs,
        private readonly mac: string,
    ) {
        air.onChange(() => this.checkLink())
    }

    private get clock() {
        return this.air.clock
    }

    private get staInMode(): boolean {
        return this.mode === WIFI_MODE.STA || this.mode === WIFI_MODE.APSTA
    }

    get apInMode(): boolean {
        return this.mode === WIFI_MODE.AP || this.mode === WIFI_MODE.APSTA
    }

    // --- esp_wifi_* -------------------------------------------------------

    setMode(mode: number): number {
        const hadSta = this.staInMode
        const hadAp = this.apInMode
        this.mode = mode
        if (this.started && hadSta && !this.staInMode) this.stopStation()
        if (this.started && !hadSta && this.staInMode) this.events.post((c) => c.wifi(WIFI_EVENT.STA_START))
        if (this.started && hadAp && !this.apInMode) this.softAp?.stop()
        if (this.started && !hadAp && this.apInMode) this.softAp?.start()
        return ESP.OK
    }

    start(): number {
        if (this.started) return ESP.OK
        this.started = true
        if (this.staInMode) this.events.post((c) => c.wifi(WIFI_EVENT.STA_START))
        if (this.apInMode) this.softAp?.start()
        return ESP.OK
    }

    stop(): number {
        if (!this.started) return ESP.OK
        if (this.staInMode) this.stopStation()
        if (this.apInMode) this.softAp?.stop()
        this.started = false
        return ESP.OK
    }

    /**
     * Deep sleep cut the power (sim/firmware/board.ts): the radio is back in
     * its power-on state, esp_wifi_init()'s defaults, with nothing pending. The
     * C stopped Wi-Fi first (esp_wifi_stop), so no access point still counts on it.
     */
    powerOff() {
        this.generation++
        this.cancelScan()
        this.clearBeaconLoss()
        this.mode = WIFI_MODE.NULL
        this.started = false
        this.config = undefined
        this.link = "idle"
        this.ap = undefined
        this.joinedEpoch = 0
        this.scanResults = []
        this.eap.clear()
        this.eapEnabled = false
        this.phase2 = 1
        this.eapMethods = 0
    }

    /** The station interface goes away: its link ends (ASSOC_LEAVE), then STA_STOP. */
    private stopStation() {
        this.cancelScan()
        if (this.link !== "idle") this.endLink(REASON.ASSOC_LEAVE)
        this.events.post((c) => c.wifi(WIFI_EVENT.STA_STOP))
    }

    setStaConfig(config: StaConfig): number {
        if (!this.staInMode) return ESP.ERR_WIFI_MODE
        this.config = config
        return ESP.OK
    }

    connect(): number {
        if (!this.staInMode) return ESP.ERR_WIFI_MODE
        if (!this.started) return ESP.ERR_WIFI_NOT_STARTED
        if (this.scanning) return ESP.ERR_WIFI_STATE
        const config = this.config
        if (!config) return ESP.ERR_WIFI_SSID
        if (this.link !== "idle") this.endLink(REASON.ASSOC_LEAVE)
        this.generation++
        this.link = "connecting"
        this.after(timing.AUTH_ASSOC_MS, () => this.associate(config))
        return ESP.OK
    }

    disconnect(): number {
        if (!this.staInMode) return ESP.ERR_WIFI_MODE
        if (!this.started) return ESP.ERR_WIFI_NOT_STARTED
        if (this.link !== "idle") this.endLink(REASON.ASSOC_LEAVE)
        return ESP.OK
    }

    scanStart(ssid: string | undefined, bssid: string | undefined, channel: number, showHidden: boolean): number {
        if (!this.staInMode) return ESP.ERR_WIFI_MODE
        if (!this.started) return ESP.ERR_WIFI_NOT_STARTED
        if (this.scanning) return ESP.ERR_WIFI_STATE
        this.scanning = true
        this.scanResults = []
        const dwell = channel ? timing.SCAN_DWELL_MS : timing.FULL_SCAN_MS
        this.scanTimer = this.clock.setTimeout(() => {
            this.scanTimer = undefined
            this.scanning = false
            this.scanResults = this.air
                .audibleAccessPoints()
                .filter((r) => !channel || r.ap.config.channel === channel)
                .filter((r) => !bssid || r.ap.config.bssid === bssid)
                // a probe naming the SSID is answered by a hidden AP of that name
                .filter((r) => (ssid ? r.ap.config.ssid === ssid : showHidden || !r.ap.config.hidden))
                .map((r) => this.record(r, ssid === undefined && r.ap.config.hidden ? "" : r.ap.config.ssid))
            const count = this.scanResults.length
            this.events.post((c) => c.scanDone(0, count))
        }, dwell)
        return ESP.OK
    }

    scanStop(): number {
        if (this.scanning) {
            this.cancelScan()
            this.events.post((c) => c.scanDone(1, 0))
        }
        return ESP.OK
    }

    private cancelScan() {
        if (this.scanTimer !== undefined) this.clock.clearTimeout(this.scanTimer)
        this.scanTimer = undefined
        this.scanning = false
    }

    scanCount(): number {
        return this.scanResults.length
    }

    scanRecord(index: number): ApRecord | undefined {
        return this.scanResults[index]
    }

    scanClear() {
        this.scanResults = []
    }

    /** esp_wifi_sta_get_ap_info: only while associated. */
    apInfo(): ApRecord | undefined {
        if (this.link !== "connected" || !this.ap) return undefined
        return this.record(this.air.reception(this.ap), this.ap.config.ssid)
    }

    /**
     * Frames get through: associated, and no beacon loss under way (an access
     * point gone quiet still looks joined for BEACON_LOSS_MS), as the model
     * station's `carrying`; the simulated esp_http_client's segments need it.
     */
    get carrying(): boolean {
        return this.link === "connected" && this.ap !== undefined && this.beaconLossTimer === undefined
    }

    /** The channel the radio is on: the associated AP's, else undefined. */
    associatedChannel(): number | undefined {
        return this.link === "connected" && this.ap ? this.ap.config.channel : undefined
    }

    setTxPower(quarterDbm: number): number {
        this.air.cameraTxPowerDbm = Math.floor(quarterDbm / 4)
        this.checkLink()
        return ESP.OK
    }

    // --- the 802.1X supplicant ------------------------------------------------

    eapSet(kind: number, value: string | undefined) {
        if (value === undefined) this.eap.delete(kind)
        else this.eap.set(kind, value)
        return ESP.OK
    }

    eapOptions(phase2: number, methods: number) {
        this.phase2 = phase2
        this.eapMethods = methods
        return ESP.OK
    }

    eapEnable(on: boolean) {
        this.eapEnabled = on
        return ESP.OK
    }

    /** What the supplicant presents, in the login server's terms. */
    private supplicantCredentials(): EnterpriseCredentials {
        const m = this.eapMethods
        // ESP_EAP_TYPE_TLS 1, TTLS 2, PEAP 4; none chosen: whatever fits the credentials
        const method: EapMethodName =
            m & 1 ? "TLS" : m & 2 ? "TTLS" : m & 4 ? "PEAP" : this.eap.has(EAP_KIND.CLIENT_CERT) ? "TLS" : "PEAP"
        return {
            method,
            // TTLS phase 2 PAP (3) or MSCHAPv2; PEAP's inner method is always MSCHAPv2
            phase2: method === "TTLS" ? (this.phase2 === 3 ? "PAP" : "MSCHAPV2") : "none",
            insecure: !this.eap.has(EAP_KIND.CA_CERT),
            identity: this.eap.get(EAP_KIND.IDENTITY),
            username: this.eap.get(EAP_KIND.USERNAME),
            password: this.eap.get(EAP_KIND.PASSWORD),
            caCert: this.eap.get(EAP_KIND.CA_CERT),
            clientCert: this.eap.get(EAP_KIND.CLIENT_CERT),
            clientKey: this.eap.get(EAP_KIND.CLIENT_KEY),
            serverDomain: this.eap.get(EAP_KIND.DOMAIN),
        }
    }

    // --- joining ------------------------------------------------------------

    private after(ms: number, step: () => void) {
        const gen = this.generation
        this.clock.setTimeout(() => {
            if (gen === this.generation) step()
        }, ms)
    }

    private record(r: Reception, ssid: string): ApRecord {
        const c = r.ap.config
        return { bssid: c.bssid, ssid, channel: c.channel, rssi: r.rssi, authmode: AUTHMODE[c.security] }
    }

    /** Authentication and association with the configured AP (ESP-IDF's connect). */
    private associate(config: StaConfig) {
        const radio = this.air.world.radio
        const r = this.air
            .audibleAccessPoints()
            .find((x) => x.ap.config.ssid === config.ssid && (!config.bssid || x.ap.config.bssid === config.bssid))
        if (!r) return this.fail(config, REASON.NO_AP_FOUND)
        this.ap = r.ap
        // the AP never answers a camera it cannot hear: authentication times out
        if (!audible(r.uplinkRssi, radio)) return this.fail(config, REASON.AUTH_EXPIRE)
        const security = r.ap.config.security
        const enterpriseAp = security === "wpa2-enterprise" || security === "wpa3-enterprise"
        // an 802.1X network without the supplicant enabled, or a protected one
        // without a passphrase: no AP this configuration can join
        if (enterpriseAp && !this.eapEnabled) return this.fail(config, REASON.NO_AP_FOUND_W_COMPATIBLE_SECURITY)
        if (enterpriseAp) return this.eapLogin(config, r)
        if (security === "open") return this.connected(r)
        if (!config.password) return this.fail(config, REASON.NO_AP_FOUND_W_COMPATIBLE_SECURITY)
        if (marginal(r.rssi, radio) || marginal(r.uplinkRssi, radio))
            return this.after(timing.HANDSHAKE_TIMEOUT_MS, () => this.fail(config, REASON.FOURWAY_HANDSHAKE_TIMEOUT))
        if (!keyMatches(config.password, r.ap.password ?? "", r.ap.config.ssid)) {
            // SAE refuses a wrong password explicitly; WPA2's AP just stops answering
            const reason = security === "wpa3-sae" ? REASON.AUTH_FAIL : REASON.FOURWAY_HANDSHAKE_TIMEOUT
            return this.after(timing.WRONG_KEY_DETECT_MS, () => this.fail(config, reason))
        }
        const handshake = security === "wpa3-sae" ? timing.SAE_EXCHANGE_MS : timing.WPA2_HANDSHAKE_MS
        this.after(handshake, () => this.connected(r))
    }

    private eapLogin(config: StaConfig, r: Reception) {
        const gen = this.generation
        const started = this.clock.now()
        const server = r.ap.config.loginServer
        const creds = this.supplicantCredentials()
        const outcome: Promise<LoginOutcome> = server
            ? authenticate(server, creds, started)
            : Promise.resolve("unreachable")
        void outcome.then((result) => {
            if (gen !== this.generation) return
            const latency = server?.latencyMs ?? 0
            const took = result === "unreachable" ? timing.EAP_SERVER_TIMEOUT_MS : timing.EAP_EXCHANGE_MS + 10 * latency
            this.timeline.add(
                "wifi",
                "eap",
                `${creds.method} with ${nameText(r.ap.config.ssid)}'s login server: ${result}`,
            )
            this.after(Math.max(0, took - (this.clock.now() - started)), () => {
                if (result === "accepted") return this.connected(r)
                // the handshake timer covers the EAP exchange: a server that never
                // answers is a handshake timeout; every refusal is EAP-Failure + 23
                this.fail(config, result === "unreachable" ? REASON.HANDSHAKE_TIMEOUT : REASON.EAP_FAILED)
            })
        })
    }

    private connected(r: Reception) {
        const ap = r.ap
        this.link = "connected"
        this.ap = ap
        this.joinedEpoch = ap.passwordEpoch
        const c = ap.config
        this.events.post((x) => x.staConnected(c.ssid, c.bssid, c.channel, AUTHMODE[c.security]))
        this.onStationChannel?.()
        const netif = this.netifs.byKind(NETIF_STA)
        if (!netif) return
        if (!netif.dhcpClient) {
            // a static address: esp_netif announces it when the link comes up
            if (netif.ip) this.postGotIp()
            return
        }
        this.after(c.dhcp.delayMs, () => this.dhcpExchange())
    }

    /** lwIP's DHCP client on the station interface, once per association (as the model's). */
    private dhcpExchange() {
        const ap = this.ap
        const netif = this.netifs.byKind(NETIF_STA)
        if (!ap || !netif || !netif.dhcpClient || !ap.dhcpEnabled) return
        const ip = this.air.lease(ap, this.mac)
        if (ip === undefined) return
        const dhcp = ap.config.dhcp
        netif.ip = ip
        netif.netmask = prefixMask(dhcp.prefix)
        netif.gateway = dhcp.gateway
        netif.dns = dhcp.dns[0]
        if (netif.hostname) this.timeline.add("wifi", "dhcp-hostname", netif.hostname)
        this.postGotIp()
    }

    private postGotIp() {
        const netif = this.netifs.byKind(NETIF_STA)!
        const { id, ip, netmask, gateway } = netif
        this.events.post((c) => c.gotIp(IP_EVENT.STA_GOT_IP, id, ip, netmask, gateway))
    }

    /** The DHCP client was started (again) on the station interface. */
    dhcpStarted() {
        if (this.link === "connected") this.after(this.ap?.config.dhcp.delayMs ?? 0, () => this.dhcpExchange())
    }

    /** A static address was set on the station interface. */
    addressSet() {
        if (this.link === "connected") this.postGotIp()
    }

    private fail(config: StaConfig, reason: number) {
        const r = this.ap ? this.air.reception(this.ap) : undefined
        this.link = "idle"
        this.generation++
        this.clearBeaconLoss()
        const bssid = this.ap?.config.bssid ?? config.bssid ?? "00:00:00:00:00:00"
        this.ap = undefined
        this.clearAddress()
        this.events.post((c) => c.staDisconnected(config.ssid, bssid, reason, r?.rssi ?? 0))
    }

    /** The link (or attempt) ends with `reason`. */
    private endLink(reason: number) {
        const config = this.config ?? { ssid: "", password: "", channel: 0 }
        const wasConnected = this.link === "connected"
        this.fail(config, reason)
        if (wasConnected) this.onStationChannel?.()
    }

    private clearAddress() {
        const netif = this.netifs.byKind(NETIF_STA)
        if (netif?.dhcpClient) netif.ip = netif.netmask = netif.gateway = netif.dns = 0
    }

    /** The world changed: does the link still hold? */
    private checkLink() {
        const ap = this.ap
        if (!ap || this.link !== "connected") return
        if (ap.passwordEpoch !== this.joinedEpoch) {
            // the AP restarts with the new passphrase and deauthenticates everyone
            return this.endLink(REASON.AUTH_LEAVE)
        }
        const r = this.air.reception(ap)
        const radio = this.air.world.radio
        const lost = !ap.poweredOn || !audible(r.rssi, radio) || !audible(r.uplinkRssi, radio)
        if (!lost) return this.clearBeaconLoss()
        if (this.beaconLossTimer !== undefined) return
        const gen = this.generation
        this.beaconLossTimer = this.clock.setTimeout(() => {
            this.beaconLossTimer = undefined
            if (gen === this.generation) this.endLink(REASON.BEACON_TIMEOUT)
        }, timing.BEACON_LOSS_MS)
    }

    private clearBeaconLoss() {
        if (this.beaconLossTimer !== undefined) this.clock.clearTimeout(this.beaconLossTimer)
        this.beaconLossTimer = undefined
    }
}
