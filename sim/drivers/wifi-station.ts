import { pbkdf2Sync } from "node:crypto"
import { jdpack } from "../jacdac"
import type { Contract } from "../contract"
import { ContractServer, macBytes, macText } from "./contract-server"
import type { Air, LiveAccessPoint, Reception } from "../radio/air"
import { audible, marginal } from "../radio/pathloss"
import * as timing from "../radio/timing"
import type { Timeline } from "../timeline"
import { formatIpv4, prefixMask } from "../world/ipv4"
import { holdLease } from "../net/dhcp-lease"
import { authenticate, type EnterpriseCredentials, type LoginOutcome } from "../login/login-server"
import type { EapMethodName, SecurityMode } from "../world/world"
import { nameText } from "../../project/printable"

/**
 * A scan reports at most this many networks, as the firmware does
 * (SCAN_MAX_RECORDS in firmware/main/cam_wifi_station_private.h): the contract's
 * counts are u8, and the VM loses events when hundreds arrive at once.
 */
const SCAN_MAX_RECORDS = 32

// The simulator's implementation of services/wifi-station.md: the same
// contract the ESP32 firmware serves. One attempt per `associate`, outcomes
// as `link` events; no retries here (policy lives in the bytecode, src/).

const CONTRACT_VERSION = 1

interface AddressConfig {
    mode: "dhcp" | "static"
    ip: number
    netmask: number
    gateway: number
    dns: number
}

interface Attempt {
    ssid: string
    key: string
    bssid?: string
    /** probe this channel only (fast reconnect); undefined scans all */
    channel?: number
    /** set for associate_enterprise */
    enterprise?: EnterpriseCredentials
}

function phase2Name(name: string): EnterpriseCredentials["phase2"] {
    return name === "None" ? "none" : (name.toUpperCase() as EnterpriseCredentials["phase2"])
}

const LOGIN_REASON: Record<Exclude<LoginOutcome, "accepted">, string> = {
    "credentials-rejected": "EapCredentialsRejected",
    "server-untrusted": "EapServerUntrusted",
    "domain-mismatch": "EapServerDomainMismatch",
    unreachable: "EapServerUnreachable",
    "method-rejected": "EapMethodRejected",
}

const SECURITY_CODE: Record<SecurityMode, string> = {
    open: "Open",
    "wpa2-psk": "Wpa2",
    "wpa3-sae": "Wpa3",
    "wpa2-enterprise": "Wpa2Enterprise",
    "wpa3-enterprise": "Wpa3Enterprise",
}

function isEnterprise(security: SecurityMode): boolean {
    return security === "wpa2-enterprise" || security === "wpa3-enterprise"
}

/** Does `key` open a network whose passphrase is `password`? A 64-hex key is the PSK itself. */
export function keyMatches(key: string, password: string, ssid: string): boolean {
    if (/^[0-9a-fA-F]{64}$/.test(key)) {
        // WPA2's PSK = PBKDF2-HMAC-SHA1(passphrase, ssid, 4096 rounds, 32 bytes)
        return pbkdf2Sync(password, ssid, 4096, 32, "sha1").toString("hex") === key.toLowerCase()
    }
    return key === password
}

export class SimWifiStation extends ContractServer {
    private state: number
    private reason: number
    private ap?: LiveAccessPoint
    /**
     * The network the attempt under way asked for: the link event names it
     * until an access point is chosen, and after a NoApFound (as the
     * firmware's set_link_ssid does), so the bytecode can tell this
     * attempt's first event from an earlier link's.
     */
    private seeking = ""
    private rssi = 0
    private ip = 0
    private netmask = 0
    private gateway = 0
    private dns = 0
    private address: AddressConfig = { mode: "dhcp", ip: 0, netmask: 0, gateway: 0, dns: 0 }
    private hostname = ""
    /** bumps on every new attempt, so timers of a replaced attempt do nothing */
    private generation = 0
    private beaconLossTimer?: unknown
    private scanning = false
    /** enterprise credentials sent since the last set_enterprise (chunks reassembled) */
    private enterprise?: EnterpriseCredentials
    private chunks = new Map<number, Buffer>()
    /** the AP's password epoch when we joined: a change since means deauthentication */
    private joinedEpoch = 0
    /** the channel the AP was on when we joined: it moving away means its beacons are gone */
    private joinedChannel = 0
    private readonly S = this.members("LinkState")
    private readonly R = this.members("LinkReason")

    constructor(
        contract: Contract,
        private readonly air: Air,
        private readonly timeline: Timeline,
        private readonly mac: string,
    ) {
        super(contract, CONTRACT_VERSION, mac)
        this.state = this.S.Stopped
        this.reason = this.R.None

        this.command("set_active", ({ on }) => this.setActive(!!on))
        this.command("associate", ({ channel_hint, ssid, key, bssid }) => {
            const b = bssid as Uint8Array
            this.associate({
                ssid: ssid as string,
                key: key as string,
                bssid: b.some((x) => x) ? macText(b) : undefined,
                channel: (channel_hint as number) || undefined,
            })
        })
        this.command("set_enterprise", ({ method, phase2, insecure }) => {
            this.enterprise = {
                // enum names from the contract: Peap -> "PEAP", MsChapV2 -> "MSCHAPV2"
                method: this.contract.enumName("EapMethod", method as number).toUpperCase() as EapMethodName,
                phase2: phase2Name(this.contract.enumName("Phase2", phase2 as number)),
                insecure: !!insecure,
            }
            this.chunks.clear()
        })
        this.command("set_credential", ({ kind, offset, total, data }) =>
            this.credentialChunk(kind as number, offset as number, total as number, data as Uint8Array),
        )
        this.command("associate_enterprise", ({ channel_hint, ssid, bssid }) => {
            const b = bssid as Uint8Array
            this.associate({
                ssid: ssid as string,
                key: "",
                bssid: b.some((x) => x) ? macText(b) : undefined,
                channel: (channel_hint as number) || undefined,
                enterprise: this.enterprise ?? { method: "PEAP", phase2: "none", insecure: false },
            })
        })
        this.command("disassociate", () => this.leave(this.R.LeftByRequest))
        this.command("scan", () => this.scan())
        this.command("set_address", ({ ip, netmask, gateway, dns, mode }) =>
            this.setAddress({
                mode: mode === contract.enumValue("AddressMode", "Static") ? "static" : "dhcp",
                ip: ip as number,
                netmask: netmask as number,
                gateway: gateway as number,
                dns: dns as number,
            }),
        )
        this.command("set_hostname", ({ hostname }) => {
            this.hostname = hostname as string
        })
        this.command("set_tx_power", ({ dbm }) => {
            this.air.cameraTxPowerDbm = dbm as number
            this.checkLink()
        })
        air.onChange(() => this.checkLink())
    }

    /** One chunk of one credential; a complete value lands in `enterprise`. */
    private credentialChunk(kind: number, offset: number, total: number, data: Uint8Array) {
        if (!this.enterprise) return
        let buf = this.chunks.get(kind)
        if (!buf || buf.length !== total) buf = Buffer.alloc(total)
        Buffer.from(data).copy(buf, offset)
        this.chunks.set(kind, buf)
        if (offset + data.length >= total) {
            // the contract's Credential names: CaCert -> caCert, AnonymousIdentity -> anonymousIdentity
            const name = this.contract.enumName("Credential", kind)
            const field = name.charAt(0).toLowerCase() + name.slice(1)
            ;(this.enterprise as unknown as Record<string, string>)[field] = buf.toString("utf8")
        }
    }

    private get clock() {
        return this.air.clock
    }

    // --- link snapshot ---------------------------------------------------

    private setLink(state: number, reason = this.R.None) {
        this.state = state
        this.reason = reason
        if (state < this.S.Associating) this.air.dissociate(this.mac)
        if (state < this.S.ObtainingAddress) {
            this.ip = this.netmask = this.gateway = this.dns = 0
        }
        // a failed attempt still names the AP it failed on (its security
        // explains a SecurityMismatch); stopping or leaving forgets it
        if (
            state === this.S.Stopped ||
            (state === this.S.Idle && (reason === this.R.None || reason === this.R.LeftByRequest))
        ) {
            this.ap = undefined
            this.seeking = ""
            this.rssi = 0
        }
        this.emitLink()
    }

    private emitLink() {
        const { code, format } = this.contract.packet("event", "link")
        const ap = this.ap
        const security = ap ? this.contract.enumValue("Security", SECURITY_CODE[ap.config.security]) : 0
        const data = jdpack(format, [
            this.state,
            this.rssi,
            this.reason,
            ap ? ap.channel : 0,
            security,
            0,
            this.ip,
            this.netmask,
            this.gateway,
            this.dns,
            ap ? ap.config.ssid : this.seeking,
            ap ? macBytes(ap.config.bssid) : new Uint8Array(0),
        ])
        const stateName = this.contract.enumName("LinkState", this.state)
        const reason = this.reason !== this.R.None ? this.contract.enumName("LinkReason", this.reason) : undefined
        const ip = this.ip ? formatIpv4(this.ip) : undefined
        const parts: string[] = []
        if (reason) parts.push(`reason=${reason}`)
        if (ap)
            parts.push(`ap=${nameText(ap.config.ssid)} (${ap.config.bssid}, ch ${ap.channel})`, `rssi=${this.rssi} dBm`)
        if (ip) parts.push(`ip=${ip}`)
        this.timeline.add("wifi", stateName, parts.join(" "), {
            state: stateName,
            rssiDbm: ap ? this.rssi : undefined,
            ssid: ap?.config.ssid,
            ip,
            reason,
        })
        void this.sendEvent(code, data)
    }

    // --- commands ----------------------------------------------------------

    private setActive(on: boolean) {
        this.generation++
        this.clearBeaconLoss()
        if (on) {
            if (this.state === this.S.Stopped) this.setLink(this.S.Idle)
            else this.emitLink()
        } else {
            const wasUp = this.state > this.S.Idle
            this.setLink(this.S.Stopped, wasUp ? this.R.RadioStopped : this.R.None)
        }
    }

    private leave(reason: number) {
        if (this.state === this.S.Stopped) return this.emitLink()
        this.generation++
        this.clearBeaconLoss()
        this.setLink(this.S.Idle, reason)
    }

    /** Run `step` after `ms`, unless a newer attempt (or a stop) came in between. */
    private after(ms: number, step: () => void) {
        const gen = this.generation
        this.clock.setTimeout(() => {
            if (gen === this.generation) step()
        }, ms)
    }

    private associate(attempt: Attempt) {
        if (this.state === this.S.Stopped) return this.emitLink()
        this.generation++
        this.clearBeaconLoss()
        this.ap = undefined
        this.seeking = attempt.ssid
        this.setLink(this.S.Scanning)
        // a channel hint (ESP-IDF's wifi_sta_config_t.channel): that channel
        // first, one dwell; found there, the other channels are never scanned
        if (attempt.channel) this.after(timing.SCAN_DWELL_MS, () => this.foundOnHint(attempt))
        else this.after(timing.FULL_SCAN_MS, () => this.found(attempt))
    }

    /** Not on the hinted channel: the rest of the channels, as ESP-IDF does. */
    private foundOnHint(attempt: Attempt) {
        if (this.candidates(attempt).some((r) => r.ap.channel === attempt.channel)) return this.found(attempt)
        this.after(timing.FULL_SCAN_MS - timing.SCAN_DWELL_MS, () => this.found({ ...attempt, channel: undefined }))
    }

    /** The access points heard that this attempt may join, strongest first. */
    private candidates(attempt: Attempt): Reception[] {
        // a hidden AP answers a probe request that names its SSID, so it is found here
        return this.air
            .audibleAccessPoints()
            .filter(
                (r) =>
                    r.ap.config.ssid === attempt.ssid &&
                    (!attempt.bssid || r.ap.config.bssid === attempt.bssid) &&
                    (!attempt.channel || r.ap.channel === attempt.channel),
            )
    }

    private found(attempt: Attempt) {
        const best = this.candidates(attempt)[0]
        if (!best) return this.setLink(this.S.Idle, this.R.NoApFound)
        this.ap = best.ap
        this.joinedEpoch = best.ap.passwordEpoch
        this.joinedChannel = best.ap.channel
        this.rssi = best.rssi
        // an 802.1X login for a network whose beacon shows a password or
        // open network: known from the search, nothing is sent (as the
        // firmware does)
        if (attempt.enterprise && !isEnterprise(best.ap.config.security))
            return this.setLink(this.S.Idle, this.R.SecurityMismatch)
        this.setLink(this.S.Associating)
        this.after(timing.AUTH_ASSOC_MS, () => this.associated(attempt, best))
    }

    private associated(attempt: Attempt, r: Reception) {
        const ap = r.ap
        const radio = this.air.world.radio
        if (!ap.poweredOn || !audible(this.air.reception(ap).rssi, radio))
            return this.setLink(this.S.Idle, this.R.NoApFound)
        // the AP must hear the camera too: a weak camera transmitter goes unanswered
        if (!audible(r.uplinkRssi, radio)) return this.setLink(this.S.Idle, this.R.AssocRejected)
        const security = ap.config.security
        const enterpriseAp = isEnterprise(security)
        if (enterpriseAp !== !!attempt.enterprise) return this.setLink(this.S.Idle, this.R.SecurityMismatch)
        // an AP at its max_clients refuses one more (802.11 status 17, "AP full")
        if (!this.air.associate(ap, this.mac)) return this.setLink(this.S.Idle, this.R.AssocRejected)
        if (attempt.enterprise) return this.eapLogin(ap, attempt.enterprise)
        if (security === "open") return this.obtainAddress()
        if (!attempt.key) return this.setLink(this.S.Idle, this.R.SecurityMismatch)
        // The handshake runs while the link still reads Associating: ESP-IDF
        // reports nothing between association and the end of the handshake
        // (STA_CONNECTED), so the ESP32 driver never reports Handshaking,
        // and the simulator does not either.
        if (marginal(r.rssi, radio) || marginal(r.uplinkRssi, radio)) {
            this.after(timing.HANDSHAKE_TIMEOUT_MS, () => this.setLink(this.S.Idle, this.R.HandshakeTimeout))
            return
        }
        if (!keyMatches(attempt.key, ap.password ?? "", ap.config.ssid)) {
            this.after(timing.WRONG_KEY_DETECT_MS, () => this.setLink(this.S.Idle, this.R.AuthFailed))
            return
        }
        const handshake = security === "wpa3-sae" ? timing.SAE_EXCHANGE_MS : timing.WPA2_HANDSHAKE_MS
        this.after(handshake, () => this.obtainAddress())
    }

    /** 802.1X: the AP relays EAP between the camera and its login server. */
    private eapLogin(ap: LiveAccessPoint, creds: EnterpriseCredentials) {
        // still Associating (see associated())
        const gen = this.generation
        const started = this.clock.now()
        const server = ap.config.loginServer
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
                `${creds.method} with ${nameText(ap.config.ssid)}'s login server: ${result}`,
            )
            this.after(Math.max(0, took - (this.clock.now() - started)), () => {
                if (result === "accepted") return this.obtainAddress()
                this.setLink(this.S.Idle, this.R[LOGIN_REASON[result]])
            })
        })
    }

    private obtainAddress() {
        const ap = this.ap!
        this.setLink(this.S.ObtainingAddress)
        if (this.address.mode === "static") return this.applyStatic()
        // an address to ask for again (fast reconnect): REQUEST/ACK, one round trip
        if (this.address.ip) return this.after(ap.dhcp.delayMs * timing.DHCP_REUSE_SHARE, () => this.reuse())
        this.after(ap.dhcp.delayMs, () => this.dhcpExchange())
    }

    /** INIT-REBOOT: the ACK gives the address back; a NAK means the full exchange from DISCOVER. */
    private reuse() {
        const ap = this.ap
        if (!ap || !ap.dhcpEnabled) return // no answer: the bytecode's ADDRESS_GIVE_UP_MS decides
        const ip = this.address.ip
        if (!this.air.requestLease(ap, this.mac, ip)) {
            this.timeline.add("wifi", "dhcp-nak", `${formatIpv4(ip)} refused; asking for any address`)
            return this.after(ap.dhcp.delayMs, () => this.dhcpExchange())
        }
        this.granted(ap, ip)
    }

    private dhcpExchange() {
        const ap = this.ap
        if (!ap || !ap.dhcpEnabled) return // no answer: the bytecode's ADDRESS_GIVE_UP_MS decides
        const ip = this.air.lease(ap, this.mac)
        if (ip === undefined) return
        this.granted(ap, ip)
    }

    private granted(ap: LiveAccessPoint, ip: number) {
        const dhcp = ap.dhcp
        this.ip = ip
        this.netmask = prefixMask(dhcp.prefix)
        this.gateway = dhcp.gateway
        this.dns = dhcp.dns[0]
        if (this.hostname) this.timeline.add("wifi", "dhcp-hostname", this.hostname)
        this.setLink(this.S.GotAddress)
        this.keepLease(ap, dhcp.leaseSeconds * 1000)
    }

    /** Renew at T1, rebind at T2, lose the address at expiry or on a NAK (sim/net/dhcp-lease.ts). */
    private keepLease(ap: LiveAccessPoint, leaseMs: number) {
        holdLease(leaseMs, {
            now: () => this.clock.now(),
            after: (ms, step) => this.after(ms, step),
            ask: () => this.air.renewLease(ap, this.mac, this.ip),
            renewed: (phase, ms) =>
                this.timeline.add("wifi", `dhcp-${phase}`, `${formatIpv4(this.ip)} for ${ms / 1000} s`),
            lost: (why) => {
                this.timeline.add(
                    "wifi",
                    why === "nak" ? "dhcp-nak" : "dhcp-expired",
                    `${formatIpv4(this.ip)} given up`,
                )
                // lwIP starts over (DISCOVER) on the same association, without the address
                this.generation++
                this.ip = this.netmask = this.gateway = this.dns = 0
                this.obtainAddress()
            },
        })
    }

    private applyStatic() {
        this.ip = this.address.ip
        this.netmask = this.address.netmask
        this.gateway = this.address.gateway
        this.dns = this.address.dns
        this.setLink(this.S.GotAddress)
    }

    private setAddress(config: AddressConfig) {
        this.address = config
        // applies at once when associated, and to every later association
        if (this.state === this.S.GotAddress || this.state === this.S.ObtainingAddress) {
            if (config.mode === "static") this.applyStatic()
            else {
                this.generation++
                this.obtainAddress()
            }
        }
    }

    private scan() {
        if (this.scanning) return
        this.scanning = true
        this.clock.setTimeout(() => {
            this.scanning = false
            const { code, format } = this.contract.packet("event", "scan_record")
            // the firmware reports only the strongest (air lists them so)
            const heard = this.air.audibleAccessPoints()
            const seen = heard.slice(0, SCAN_MAX_RECORDS)
            seen.forEach((r, index) => {
                const c = r.ap.config
                const security = this.contract.enumValue("Security", SECURITY_CODE[c.security])
                void this.sendEvent(
                    code,
                    jdpack(format, [
                        index,
                        r.rssi,
                        r.ap.channel,
                        security,
                        c.hidden ? 1 : 0,
                        c.hidden ? "" : c.ssid,
                        macBytes(c.bssid),
                    ]),
                )
            })
            const done = this.contract.packet("event", "scan_done")
            void this.sendEvent(done.code, jdpack(done.format, [seen.length]))
            this.timeline.add(
                "wifi",
                "scan-done",
                `${seen.length} network(s)${heard.length > seen.length ? ` (of ${heard.length} heard)` : ""}: ${seen.map((r) => `${r.ap.config.hidden ? "(hidden)" : r.ap.config.ssid} ${r.rssi} dBm`).join(", ")}`,
            )
        }, timing.FULL_SCAN_MS)
    }

    // --- while associated ----------------------------------------------------

    /** The world changed: does the link still hold, and did the RSSI move? */
    private checkLink() {
        const ap = this.ap
        if (!ap || this.state < this.S.ObtainingAddress) return
        if (ap.passwordEpoch !== this.joinedEpoch) {
            // changing the passphrase makes the AP drop its stations
            this.generation++
            this.clearBeaconLoss()
            this.setLink(this.S.Idle, this.R.Deauthenticated)
            return
        }
        const r = this.air.reception(ap)
        const radio = this.air.world.radio
        // an AP that moves channel without announcing it (no CSA) is as good as gone
        const lost =
            !ap.poweredOn ||
            ap.channel !== this.joinedChannel ||
            !audible(r.rssi, radio) ||
            !audible(r.uplinkRssi, radio)
        if (lost) {
            if (this.beaconLossTimer === undefined) {
                const gen = this.generation
                this.beaconLossTimer = this.clock.setTimeout(() => {
                    this.beaconLossTimer = undefined
                    if (gen === this.generation) {
                        this.generation++
                        this.setLink(this.S.Idle, this.R.BeaconTimeout)
                    }
                }, timing.BEACON_LOSS_MS)
            }
            return
        }
        this.clearBeaconLoss()
        if (r.rssi !== this.rssi) {
            this.rssi = r.rssi
            this.emitLink()
        }
    }

    /** The channel the radio is held on by an association (the access point must share it). */
    associatedChannel(): number | undefined {
        return this.ap && this.state >= this.S.Associating ? this.joinedChannel : undefined
    }

    /** Started (not Stopped): deep sleep's timeline ends its band. */
    get running(): boolean {
        return this.state !== this.S.Stopped
    }

    /** The driver restarted (its service left the bus): back to its power-on state, silently. */
    restart() {
        this.generation++
        this.clearBeaconLoss()
        this.state = this.S.Stopped
        this.reason = this.R.None
        this.ap = undefined
        this.seeking = ""
        this.rssi = 0
        this.ip = this.netmask = this.gateway = this.dns = 0
        this.address = { mode: "dhcp", ip: 0, netmask: 0, gateway: 0, dns: 0 }
        this.hostname = ""
        this.scanning = false
        this.enterprise = undefined
        this.chunks.clear()
    }

    /** For the socket layer: the interface's address, 0 when it has none. */
    get address4(): { ip: number; dns: number } {
        return this.state === this.S.GotAddress ? { ip: this.ip, dns: this.dns } : { ip: 0, dns: 0 }
    }

    private clearBeaconLoss() {
        if (this.beaconLossTimer !== undefined) this.clock.clearTimeout(this.beaconLossTimer)
        this.beaconLossTimer = undefined
    }
}
