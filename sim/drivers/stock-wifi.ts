import { JDServiceServer, jdpack, type Packet } from "../jacdac"
import type { Air, LiveAccessPoint } from "../radio/air"
import { audible, marginal } from "../radio/pathloss"
import * as timing from "../radio/timing"
import type { Timeline } from "../timeline"
import { formatIpv4 } from "../world/ipv4"
import { macBytes } from "./contract-server"
import { keyMatches } from "./wifi-station"
import { nameText } from "../../project/printable"

// The stock DeviceScript ESP32 firmware's Wi-Fi, as a board running it
// shows it on the bus: the standard Jacdac Wi-Fi service (jacdac-ts knows
// its spec), behaving as the firmware's service does (DeviceScript's
// services/wifi.c over ESP-IDF's esp_wifi):
// - one stored network; add_network stores it and starts joining unless an
//   attempt or a link is already under way;
// - a scan at start-up and every SCAN_PERIOD_MS while not connected; a scan
//   that hears the stored network starts joining;
// - every end of an attempt or of a link (ESP-IDF's STA_DISCONNECTED) sends
//   lost_ip and joins again at once (or scans first, after `reconnect`);
// - got_ip once DHCP answers; no event says why anything failed.
// Nothing here retries on the bytecode's behalf: the firmware's own
// retrying IS the behaviour being modelled.

// jacdac-spec's Wi-Fi service (0x18aae1fa) codes
const SRV_WIFI = 0x18aae1fa
const CMD_ADD_NETWORK = 0x81
const CMD_RECONNECT = 0x82
const CMD_FORGET_NETWORK = 0x83
const CMD_FORGET_ALL_NETWORKS = 0x84
const CMD_SET_NETWORK_PRIORITY = 0x85
const CMD_SCAN = 0x86
const REG_ENABLED = 0x01
const REG_RSSI = 0x101
const REG_IP_ADDRESS = 0x181
const REG_EUI_48 = 0x182
const REG_SSID = 0x183
const EV_GOT_IP = 0x01
const EV_LOST_IP = 0x02
const EV_SCAN_COMPLETE = 0x80
const EV_NETWORKS_CHANGED = 0x81

/** The firmware scans every SCAN_SECONDS << 10 ms while not connected (SCAN_SECONDS = 5). */
const SCAN_PERIOD_MS = 5 << 10
/** What the rssi register reads while not connected. */
const RSSI_NOT_CONNECTED = -128

type Phase = "idle" | "joining" | "associated" | "connected"

export class SimStockWifi extends JDServiceServer {
    private enabled = true
    private ssid?: string
    private password?: string
    private inScan = false
    /** the firmware's is_connecting: an attempt or a link is under way */
    private isConnecting = false
    private rescanRequested = false
    private phase: Phase = "idle"
    private ap?: LiveAccessPoint
    private rssi = RSSI_NOT_CONNECTED
    private ip = 0
    private dns = 0
    private joinedEpoch = 0
    /** bumps whenever an attempt or link ends, so its pending steps do nothing */
    private generation = 0
    private beaconLossTimer?: unknown
    private readonly enabledReg
    private readonly rssiReg
    private readonly ipReg
    private readonly ssidReg

    constructor(
        private readonly air: Air,
        private readonly timeline: Timeline,
        private readonly mac: string,
    ) {
        super(SRV_WIFI)
        this.enabledReg = this.addRegister<[boolean]>(REG_ENABLED, [true])
        this.rssiReg = this.addRegister<[number]>(REG_RSSI, [RSSI_NOT_CONNECTED])
        this.ipReg = this.addRegister<[Uint8Array]>(REG_IP_ADDRESS, [new Uint8Array(0)])
        this.addRegister<[Uint8Array]>(REG_EUI_48, [macBytes(mac)])
        this.ssidReg = this.addRegister<[string]>(REG_SSID, [""])
        this.enabledReg.on("change", () => this.enabledChanged())

        this.addCommand(CMD_ADD_NETWORK, (pkt: Packet) => {
            const [ssid, password] = pkt.jdunpack<[string, string]>("z z")
            this.addNetwork(ssid, password ?? "")
        })
        this.addCommand(CMD_RECONNECT, () => {
            this.rescanRequested = true
            this.disconnectAttempt()
        })
        this.addCommand(CMD_FORGET_ALL_NETWORKS, () => this.forgetAll())
        this.addCommand(CMD_FORGET_NETWORK, (pkt: Packet) => {
            const [ssid] = pkt.jdunpack<[string]>("s")
            if (this.ssid !== undefined && ssid === this.ssid) this.forgetAll()
        })
        this.addCommand(CMD_SET_NETWORK_PRIORITY, () => {
            // the firmware ignores priorities: it keeps one network
        })
        this.addCommand(CMD_SCAN, () => this.scan())
        air.onChange(() => this.checkLink())
    }

    /** Boot: the firmware scans at once, then every SCAN_PERIOD_MS while not connected. */
    start() {
        this.scan()
        const tick = () => {
            if (this.phase !== "connected") this.scan()
            this.clock.setTimeout(tick, SCAN_PERIOD_MS)
        }
        this.clock.setTimeout(tick, SCAN_PERIOD_MS)
    }

    private get clock() {
        return this.air.clock
    }

    /** For the socket layer: the interface's address, 0 when it has none. */
    get address4(): { ip: number; dns: number } {
        return this.phase === "connected" ? { ip: this.ip, dns: this.dns } : { ip: 0, dns: 0 }
    }

    private enabledChanged() {
        const [on] = this.enabledReg.values()
        if (!!on === this.enabled) return
        this.enabled = !!on
        this.timeline.add("wifi", on ? "enabled" : "disabled", "")
        if (on) this.scan()
        else this.disconnectAttempt()
    }

    private addNetwork(ssid: string, password: string) {
        if (!ssid) return // the firmware refuses an empty name
        this.ssid = ssid
        this.password = password
        // the name only: the password never reaches the timeline
        this.timeline.add("wifi", "network-added", nameText(ssid))
        void this.sendEvent(EV_NETWORKS_CHANGED)
        this.connect()
    }

    private forgetAll() {
        if (this.ssid === undefined) return
        this.ssid = this.password = undefined
        this.timeline.add("wifi", "networks-forgotten", "")
        void this.sendEvent(EV_NETWORKS_CHANGED)
    }

    /** The firmware's wifi_disconnect: ends an attempt or a link if one is under way. */
    private disconnectAttempt() {
        if (!this.isConnecting) return
        // ESP-IDF reports the end through STA_DISCONNECTED, like any other
        this.clock.setTimeout(() => this.disconnected("left"), 0)
        this.generation++
    }

    private scan() {
        if (this.inScan) return
        // ESP-IDF refuses a scan while the station is joining
        if (this.phase === "joining") return
        this.inScan = true
        this.clock.setTimeout(() => this.scanDone(), timing.FULL_SCAN_MS)
    }

    private scanDone() {
        this.inScan = false
        const seen = this.air.audibleAccessPoints()
        // a hidden network is listed without its name, so it never counts as known
        const known = seen.filter((r) => !r.ap.config.hidden && r.ap.config.ssid === this.ssid).length
        void this.sendEvent(EV_SCAN_COMPLETE, jdpack("u16 u16", [seen.length, known]))
        this.timeline.add("wifi", "scan-complete", `${seen.length} network(s), ${known} known`)
        if (!this.enabled || this.isConnecting) return
        if (known > 0) this.connect()
    }

    /** The firmware's wifi_connect: one esp_wifi_connect for the stored network. */
    private connect() {
        if (this.isConnecting || this.ssid === undefined) return
        this.isConnecting = true
        this.phase = "joining"
        const ssid = this.ssid
        const key = this.password ?? ""
        this.timeline.add("wifi", "connecting", nameText(ssid))
        // esp_wifi_connect scans all channels for the name first
        this.after(timing.FULL_SCAN_MS, () => this.found(ssid, key))
    }

    /** Run `step` after `ms`, unless the attempt or link ended in between. */
    private after(ms: number, step: () => void) {
        const gen = this.generation
        this.clock.setTimeout(() => {
            if (gen === this.generation) step()
        }, ms)
    }

    private found(ssid: string, key: string) {
        const best = this.air.audibleAccessPoints().find((r) => r.ap.config.ssid === ssid)
        if (!best) return this.disconnected("no access point named so")
        this.ap = best.ap
        this.rssi = best.rssi
        this.joinedEpoch = best.ap.passwordEpoch
        this.after(timing.AUTH_ASSOC_MS, () => this.associated(key))
    }

    private associated(key: string) {
        const ap = this.ap!
        const radio = this.air.world.radio
        const r = this.air.reception(ap)
        if (!ap.poweredOn || !audible(r.rssi, radio)) return this.disconnected("access point gone")
        if (!audible(r.uplinkRssi, radio)) return this.disconnected("association not answered")
        const security = ap.config.security
        // the firmware has no enterprise support: a name and a password only
        if (security === "wpa2-enterprise" || security === "wpa3-enterprise")
            return this.disconnected("enterprise network")
        if (security === "open") return this.obtainAddress()
        if (!key) return this.disconnected("no password for a secured network")
        if (marginal(r.rssi, radio) || marginal(r.uplinkRssi, radio))
            return this.after(timing.HANDSHAKE_TIMEOUT_MS, () => this.disconnected("handshake timeout"))
        if (!keyMatches(key, ap.password ?? "", ap.config.ssid))
            return this.after(timing.WRONG_KEY_DETECT_MS, () => this.disconnected("handshake failed"))
        const handshake = security === "wpa3-sae" ? timing.SAE_EXCHANGE_MS : timing.WPA2_HANDSHAKE_MS
        this.after(handshake, () => this.obtainAddress())
    }

    private obtainAddress() {
        const ap = this.ap!
        this.phase = "associated"
        this.timeline.add(
            "wifi",
            "associated",
            `ap=${nameText(ap.config.ssid)} (${ap.config.bssid}, ch ${ap.config.channel})`,
            { ssid: ap.config.ssid },
        )
        this.after(ap.config.dhcp.delayMs, () => this.dhcpExchange())
    }

    private dhcpExchange() {
        const ap = this.ap
        // no answer: esp_netif's DHCP client keeps asking; nothing is reported
        if (!ap || this.phase !== "associated" || !ap.dhcpEnabled) return
        const ip = this.air.lease(ap, this.mac)
        if (ip === undefined) return
        this.ip = ip
        this.dns = ap.config.dhcp.dns[0]
        this.phase = "connected"
        this.updateRegisters()
        this.timeline.add(
            "wifi",
            "got-ip",
            `ap=${nameText(ap.config.ssid)} rssi=${this.rssi} dBm ip=${formatIpv4(ip)}`,
            { ssid: ap.config.ssid, rssiDbm: this.rssi, ip: formatIpv4(ip) },
        )
        void this.sendEvent(EV_GOT_IP)
    }

    /** ESP-IDF's STA_DISCONNECTED, for any reason: the firmware rejoins (or rescans) and sends lost_ip. */
    private disconnected(why: string) {
        this.generation++
        this.clearBeaconLoss()
        this.phase = "idle"
        this.ap = undefined
        this.ip = this.dns = 0
        this.rssi = RSSI_NOT_CONNECTED
        this.isConnecting = false
        this.updateRegisters()
        // `why` is for the timeline only: the service has no way to say it
        this.timeline.add("wifi", "lost-ip", why)
        if (this.rescanRequested) {
            this.rescanRequested = false
            this.scan()
        } else if (this.enabled) this.connect()
        void this.sendEvent(EV_LOST_IP)
    }

    private updateRegisters() {
        const up = this.phase === "connected"
        this.rssiReg.setValues([up ? this.rssi : RSSI_NOT_CONNECTED])
        // the firmware answers the u32 as it lies in memory: a.b.c.d in that order
        const ip = new Uint8Array([this.ip >>> 24, (this.ip >>> 16) & 255, (this.ip >>> 8) & 255, this.ip & 255])
        this.ipReg.setValues([up ? ip : new Uint8Array(0)])
        this.ssidReg.setValues([up && this.ssid !== undefined ? this.ssid : ""])
    }

    /** The world changed: does the link still hold, has DHCP come back, did the RSSI move? */
    private checkLink() {
        const ap = this.ap
        if (!ap || (this.phase !== "associated" && this.phase !== "connected")) return
        if (ap.passwordEpoch !== this.joinedEpoch) return this.disconnected("deauthenticated")
        const r = this.air.reception(ap)
        const radio = this.air.world.radio
        if (!ap.poweredOn || !audible(r.rssi, radio) || !audible(r.uplinkRssi, radio)) {
            if (this.beaconLossTimer === undefined) {
                const gen = this.generation
                this.beaconLossTimer = this.clock.setTimeout(() => {
                    this.beaconLossTimer = undefined
                    if (gen === this.generation) this.disconnected("beacon timeout")
                }, timing.BEACON_LOSS_MS)
            }
            return
        }
        this.clearBeaconLoss()
        if (this.phase === "associated" && ap.dhcpEnabled) this.after(ap.config.dhcp.delayMs, () => this.dhcpExchange())
        if (r.rssi !== this.rssi) {
            this.rssi = r.rssi
            this.updateRegisters()
        }
    }

    private clearBeaconLoss() {
        if (this.beaconLossTimer !== undefined) this.clock.clearTimeout(this.beaconLossTimer)
        this.beaconLossTimer = undefined
    }
}
