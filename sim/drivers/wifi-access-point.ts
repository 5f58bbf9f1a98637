import type { Contract } from "../contract"
import { ContractServer, derivedMac, macBytes } from "./contract-server"
import { jdpack } from "../jacdac"
import type { Air } from "../radio/air"
import { CLIENT_RETRY_MS, phoneHeardDbm, phoneJoin, PhoneSchedule, settleJoin } from "../radio/phone-join"
import { AP_DHCP_MS, AP_START_MS } from "../radio/timing"
import type { Timeline } from "../timeline"
import { cidrHosts, formatIpv4, leaseFrom, maskPrefix, parseIpv4 } from "../world/ipv4"
import type { ClientConfig, WorldEvent } from "../world/world"
import { nameText } from "../../project/printable"

// The simulator's implementation of services/wifi-access-point.md: the
// camera hosts a network; the world's clients (phones, laptops) try to join
// it at their times, with the password they were given. One radio: while
// the station half is associated, the access point follows its channel.

const AP_CONTRACT_VERSION = 1

interface Settings {
    channel: number
    security: number
    hidden: boolean
    maxClients: number
    ssid: string
    key: string
}

interface Joined {
    client: ClientConfig
    ip: number
}

/** Where the station half is: the AP must share its channel while it is associated. */
export interface StationRadio {
    associatedChannel(): number | undefined
}

/** ESP32 soft-AP MAC: the base (station) MAC + 1. */
export function accessPointMac(baseMac: string): string {
    return derivedMac(baseMac, 1)
}

export class SimAccessPoint extends ContractServer {
    private state: number
    private reason: number
    private channel = 0
    private settings?: Settings
    private ip = parseIpv4("192.168.4.1")!
    private netmask = parseIpv4("255.255.255.0")!
    private readonly joined: Joined[] = []
    /** DHCP leases of the camera's server, by client MAC */
    private readonly leases = new Map<string, number>()
    private generation = 0
    private readonly schedule: PhoneSchedule
    private readonly S = this.members("ApState")
    private readonly R = this.members("ApReason")

    constructor(
        contract: Contract,
        private readonly air: Air,
        private readonly timeline: Timeline,
        private readonly station: StationRadio | undefined,
        mac: string,
        clients: ClientConfig[],
    ) {
        super(contract, AP_CONTRACT_VERSION, mac)
        this.schedule = new PhoneSchedule(air.clock, timeline, clients)
        this.state = this.S.Stopped
        this.reason = this.R.None
        this.command("set_config", ({ channel, security, hidden, max_clients, ssid, key }) => {
            this.settings = {
                channel: channel as number,
                security: security as number,
                hidden: !!hidden,
                maxClients: max_clients as number,
                ssid: ssid as string,
                key: key as string,
            }
            if (this.state !== this.S.Stopped) this.start() // new settings: restart
        })
        this.command("set_active", ({ on }) => (on ? this.start() : this.stop()))
        this.command("set_address", ({ ip, netmask }) => {
            this.ip = ip as number
            this.netmask = netmask as number
            this.leases.clear()
            if (this.state !== this.S.Stopped) this.start()
        })
    }

    private get clock() {
        return this.air.clock
    }

    /** Schedule the clients' comings and goings (once, at the start of a run). */
    startClients(events: WorldEvent[] = []) {
        this.schedule.start(
            events,
            (c) => this.tryJoin(c),
            (c) => this.leave(c),
        )
    }

    private start() {
        if (!this.settings) return this.emitLink()
        const gen = ++this.generation
        if (this.joined.length) this.dropAll()
        this.state = this.S.Starting
        this.emitLink()
        this.clock.setTimeout(() => {
            if (gen !== this.generation) return
            this.state = this.S.Up
            this.followStation(false)
            this.emitLink()
        }, AP_START_MS)
    }

    /** Started (not Stopped): deep sleep's timeline ends its band. */
    get running(): boolean {
        return this.state !== this.S.Stopped
    }

    /** The driver restarted (its service left the bus): stations drop, back to its power-on state. */
    restart() {
        this.generation++
        this.dropAll()
        this.state = this.S.Stopped
        this.reason = this.R.None
        this.channel = 0
        this.settings = undefined
        this.leases.clear()
    }

    private stop() {
        this.generation++
        this.dropAll()
        this.state = this.S.Stopped
        this.reason = this.R.StoppedByRequest
        this.channel = 0
        this.emitLink()
    }

    /** The station's link changed: one radio, one channel. */
    stationChanged() {
        if (this.state !== this.S.Up) return
        const before = this.channel
        this.followStation(true)
        if (this.channel !== before) {
            // stations on the old channel lose the network and must find it again
            this.dropAll()
            this.emitLink()
        }
    }

    private followStation(announce: boolean) {
        const configured = this.settings!.channel
        const forced = this.station?.associatedChannel()
        this.channel = forced ?? configured
        this.reason = forced !== undefined && forced !== configured ? this.R.ChannelFollowsStation : this.R.None
        if (announce && this.reason === this.R.ChannelFollowsStation)
            this.timeline.add("ap", "channel-follows-station", `configured ${configured}, running on ${forced}`)
    }

    /** The network went away under its stations: they drop, and look for it again as phones do. */
    private dropAll() {
        for (const j of this.joined.splice(0)) {
            this.timeline.add("ap", "client-left", `${j.client.name} (access point restarted)`)
            this.clock.setTimeout(() => this.tryJoin(j.client), CLIENT_RETRY_MS)
        }
        this.sendStations()
    }
    private tryJoin(c: ClientConfig) {
        if (!this.schedule.around(c) || this.joined.some((j) => j.client === c)) return
        const s = this.settings
        const retry = () => this.clock.setTimeout(() => this.tryJoin(c), CLIENT_RETRY_MS)
        const open = s?.security === this.contract.enumValue("Security", "Open")
        const network =
            this.state === this.S.Up && s
                ? { ssid: s.ssid, open, key: s.key, maxClients: s.maxClients, stations: this.joined.length }
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
            // stale, gone meanwhile, or already joined by an earlier attempt
            if (gen !== this.generation || !this.schedule.around(c) || this.joined.some((j) => j.client === c)) return
            if (this.joined.length >= s!.maxClients) return retry()
            const ip = this.lease(c.mac)
            if (ip === undefined) return retry()
            this.joined.push({ client: c, ip })
            this.timeline.add(
                "ap",
                "client-joined",
                `${nameText(c.name)} ${c.mac} ip=${formatIpv4(ip)} rssi=${association.heardDbm} dBm`,
            )
            this.sendStations()
            this.emitLink()
        }, association.afterMs + AP_DHCP_MS)
    }

    private leave(c: ClientConfig) {
        const i = this.joined.findIndex((j) => j.client === c)
        if (i < 0) return
        this.joined.splice(i, 1)
        this.timeline.add("ap", "client-left", c.name)
        this.sendStations()
        this.emitLink()
    }

    private lease(mac: string): number | undefined {
        const network = (this.ip & this.netmask) >>> 0
        const pool = cidrHosts(network, maskPrefix(this.netmask)).filter((a) => a !== this.ip)
        return leaseFrom(this.leases, pool, mac)
    }

    private sendStations() {
        const station = this.contract.packet("event", "station")
        this.joined.forEach((j, index) => {
            const rssi = phoneHeardDbm(this.air, j.client)
            void this.sendEvent(
                station.code,
                jdpack(station.format, [index, this.joined.length, rssi, 0, j.ip, macBytes(j.client.mac)]),
            )
        })
        const done = this.contract.packet("event", "stations_done")
        void this.sendEvent(done.code, jdpack(done.format, [this.joined.length]))
    }

    private emitLink() {
        const { code, format } = this.contract.packet("event", "link")
        const s = this.settings
        const state = this.contract.enumName("ApState", this.state)
        const why = this.reason !== this.R.None ? this.contract.enumName("ApReason", this.reason) : undefined
        const address = this.state === this.S.Up ? formatIpv4(this.ip) : undefined
        const named = s && this.state !== this.S.Stopped ? s.ssid : undefined
        const parts: string[] = []
        if (s && named !== undefined)
            parts.push(`ssid=${nameText(named)}${s.hidden ? " (hidden)" : ""} ch ${this.channel || s.channel}`)
        if (why) parts.push(`reason=${why}`)
        if (address) parts.push(`ip=${address} stations=${this.joined.length}/${s!.maxClients}`)
        this.timeline.add("ap", state, parts.join(" "), { state, ssid: named, ip: address, reason: why })
        void this.sendEvent(
            code,
            jdpack(format, [
                this.state,
                this.channel,
                this.reason,
                this.joined.length,
                s?.maxClients ?? 0,
                0,
                this.ip,
                this.netmask,
                s?.ssid ?? "",
            ]),
        )
    }
}
