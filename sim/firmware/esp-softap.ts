import type { Air } from "../radio/air"
import { CLIENT_RETRY_MS, phoneHeardDbm, phoneJoin, PhoneSchedule, settleJoin } from "../radio/phone-join"
import { AP_DHCP_MS, AP_START_MS } from "../radio/timing"
import type { Timeline } from "../timeline"
import { cidrHosts, formatIpv4, leaseFrom, maskPrefix } from "../world/ipv4"
import type { ClientConfig, WorldEvent } from "../world/world"
import { ESP, type EventTask, type Netifs, NETIF_AP } from "./esp-types"
import { WIFI_EVENT } from "./esp-wifi"
import { nameText } from "../../project/printable"

// ESP-IDF's soft-AP and its DHCP server as the C access point sees them,
// with the world's clients (phones, laptops) trying to join at their times,
// by the same rules as the model driver (sim/drivers/wifi-access-point.ts),
// decided in one place (sim/radio/phone-join.ts): they must hear the camera
// and be heard, know the passphrase, and find a free place. What the C learns is ESP-IDF's: AP_START / AP_STOP,
// AP_STACONNECTED / AP_STADISCONNECTED, IP_EVENT_AP_STAIPASSIGNED, and the
// station list.

export interface SoftApConfig {
    ssid: string
    password: string
    channel: number
    authmode: number
    hidden: boolean
    maxConnection: number
}

export interface SoftApEvents {
    wifi(id: number): void
    apStation(id: number, mac: string, aid: number): void
    apIpAssigned(netif: number, mac: string, ip: number): void
}

interface Joined {
    client: ClientConfig
    aid: number
    ip: number
}

export class EspSoftAp {
    private config?: SoftApConfig
    private up = false
    private generation = 0
    private readonly joined: Joined[] = []
    private readonly leases = new Map<string, number>()
    private leaseSubnet = ""
    private readonly schedule: PhoneSchedule

    constructor(
        private readonly air: Air,
        private readonly timeline: Timeline,
        private readonly events: EventTask<SoftApEvents>,
        private readonly netifs: Netifs,
        clients: ClientConfig[],
        /** the station's channel while it is associated: one radio */
        private readonly stationChannel: () => number | undefined,
    ) {
        this.schedule = new PhoneSchedule(air.clock, timeline, clients)
    }

    private get clock() {
        return this.air.clock
    }

    /** Schedule the clients' comings and goings (once, at the start of a run), world events included. */
    startClients(events: WorldEvent[] = []) {
        this.schedule.start(
            events,
            (c) => this.tryJoin(c),
            (c) => this.leave(c),
        )
    }

    /** The channel the soft-AP runs on. */
    channel(): number {
        return this.stationChannel() ?? this.config?.channel ?? 0
    }

    setConfig(config: SoftApConfig): number {
        if (config.channel < 1 || config.channel > 13) return ESP.ERR_INVALID_ARG
        this.config = config
        // ESP-IDF applies a new configuration to a running soft-AP at once: its stations drop
        if (this.up) this.dropAll("access point restarted")
        return ESP.OK
    }

    /** The AP interface came into the running radio's mode. */
    start() {
        if (this.up) return
        const gen = ++this.generation
        this.clock.setTimeout(() => {
            if (gen !== this.generation) return
            this.up = true
            this.events.post((c) => c.wifi(WIFI_EVENT.AP_START))
        }, AP_START_MS)
    }

    /** The AP interface left the mode, or the radio stopped. */
    stop() {
        this.generation++
        if (!this.up) return
        this.dropAll("access point stopped")
        this.up = false
        this.events.post((c) => c.wifi(WIFI_EVENT.AP_STOP))
    }

    /**
     * Deep sleep cut the power: no soft-AP, no configuration, no leases (the
     * DHCP server's table is in RAM). The world's phones keep their own
     * schedule and look for the network again.
     */
    powerOff() {
        this.stop()
        this.config = undefined
        this.leases.clear()
        this.leaseSubnet = ""
    }

    /** The station's channel moved: stations on the old channel lose the network. */
    stationChannelChanged(before: number) {
        if (this.up && this.channel() !== before) this.dropAll("access point restarted")
    }

    deauth(aid: number): number {
        if (aid === 0) this.dropAll("access point restarted")
        else {
            const j = this.joined.find((x) => x.aid === aid)
            if (j) this.drop(j, "deauthenticated")
        }
        return ESP.OK
    }

    stations(): { mac: string; rssi: number; aid: number; ip: number }[] {
        return this.joined.map((j) => ({ mac: j.client.mac, rssi: this.heard(j.client), aid: j.aid, ip: j.ip }))
    }

    private heard(c: ClientConfig): number {
        return phoneHeardDbm(this.air, c)
    }

    private dropAll(why: string) {
        for (const j of [...this.joined]) this.drop(j, why)
    }

    private drop(j: Joined, why: string) {
        const i = this.joined.indexOf(j)
        if (i < 0) return
        this.joined.splice(i, 1)
        this.timeline.add("ap", "client-left", `${j.client.name} (${why})`)
        const { mac } = j.client
        this.events.post((c) => c.apStation(WIFI_EVENT.AP_STADISCONNECTED, mac, j.aid))
        // a phone looks for its network again
        this.clock.setTimeout(() => this.tryJoin(j.client), CLIENT_RETRY_MS)
    }

    private tryJoin(c: ClientConfig) {
        if (!this.schedule.around(c) || this.joined.some((j) => j.client === c)) return
        const s = this.config
        const retry = () => this.clock.setTimeout(() => this.tryJoin(c), CLIENT_RETRY_MS)
        const network =
            this.up && s
                ? {
                      ssid: s.ssid,
                      open: s.authmode === 0,
                      key: s.password,
                      maxClients: s.maxConnection,
                      stations: this.joined.length,
                  }
                : undefined
        const join = phoneJoin(this.air, c, network)
        const gen = this.generation
        const association = settleJoin(join, {
            timeline: this.timeline,
            clock: this.clock,
            retry,
            current: () => gen === this.generation,
        })
        if (!association) return
        this.clock.setTimeout(() => {
            if (gen !== this.generation || !this.up || !this.schedule.around(c)) return
            if (this.joined.length >= s!.maxConnection) return retry()
            const aid = this.freeAid()
            const j: Joined = { client: c, aid, ip: 0 }
            this.joined.push(j)
            this.events.post((x) => x.apStation(WIFI_EVENT.AP_STACONNECTED, c.mac, aid))
            // then the phone asks the camera's DHCP server
            this.clock.setTimeout(() => {
                if (!this.joined.includes(j)) return
                const netif = this.netifs.byKind(NETIF_AP)
                const ip = this.lease(c.mac)
                if (!netif || ip === undefined) return
                j.ip = ip
                this.timeline.add(
                    "ap",
                    "client-joined",
                    `${nameText(c.name)} ${c.mac} ip=${formatIpv4(ip)} rssi=${this.heard(c)} dBm`,
                )
                this.events.post((x) => x.apIpAssigned(netif.id, c.mac, ip))
            }, AP_DHCP_MS)
        }, association.afterMs)
    }

    private freeAid(): number {
        for (let aid = 1; ; aid++) if (!this.joined.some((j) => j.aid === aid)) return aid
    }

    private leave(c: ClientConfig) {
        const j = this.joined.find((x) => x.client === c)
        if (!j) return
        this.joined.splice(this.joined.indexOf(j), 1)
        this.timeline.add("ap", "client-left", c.name)
        this.events.post((x) => x.apStation(WIFI_EVENT.AP_STADISCONNECTED, c.mac, j.aid))
    }

    /** The DHCP server of the AP interface: its subnet, without the AP's own address. */
    private lease(mac: string): number | undefined {
        const netif = this.netifs.byKind(NETIF_AP)
        if (!netif || !netif.dhcpServer || !netif.ip) return undefined
        const subnet = `${netif.ip}/${netif.netmask}`
        if (subnet !== this.leaseSubnet) {
            this.leases.clear() // leases of an old subnet are useless
            this.leaseSubnet = subnet
        }
        const network = (netif.ip & netif.netmask) >>> 0
        const pool = cidrHosts(network, maskPrefix(netif.netmask)).filter((a) => a !== netif.ip)
        return leaseFrom(this.leases, pool, mac)
    }
}
