import type { Timeline } from "../timeline"
import type { ServerAnswer } from "../net/dhcp-lease"
import {
    type AccessPointConfig,
    AIR_ACTIONS,
    type DhcpConfig,
    type Vec2,
    type World,
    WIRED_ACTIONS,
} from "../world/world"
import { confirmLease, formatIpv4, leaseFrom } from "../world/ipv4"
import { audible, distance, rssiDbm } from "./pathloss"

// The shared medium: the access points as they are now (powered, password,
// DHCP), where the camera is, and what the camera and each AP hear of each
// other. Timed world events change it; drivers subscribe to changes.

export interface Clock {
    now(): number
    setTimeout(fn: () => void, ms: number): unknown
    clearTimeout(handle: unknown): void
}

export interface LiveAccessPoint {
    readonly config: AccessPointConfig
    /** the channel it runs on now (a set-channel event moves it) */
    channel: number
    /** its DHCP server's settings now (a dhcp-renumber event replaces them) */
    dhcp: DhcpConfig
    poweredOn: boolean
    password?: string
    /** bumps when the password changes */
    passwordEpoch: number
    dhcpEnabled: boolean
    /** DHCP leases by client MAC: a camera that comes back gets its old address */
    readonly leases: Map<string, number>
    /** MACs of the stations associated now (config.maxClients bounds them) */
    readonly stations: Set<string>
    /** when the last associations were accepted (config.joinsPerSecond bounds them) */
    readonly joins: number[]
}

export interface Reception {
    ap: LiveAccessPoint
    /** what the camera hears of the AP (downlink), dBm */
    rssi: number
    /** what the AP hears of the camera (uplink), dBm */
    uplinkRssi: number
}

export class Air {
    cameraPosition: Vec2
    cameraTxPowerDbm = 20
    readonly accessPoints: LiveAccessPoint[]
    private readonly listeners: (() => void)[] = []

    /** `shared`: the access points as another Air has them (each camera of a fleet hears the same ones) */
    constructor(
        readonly world: World,
        readonly clock: Clock,
        private readonly timeline: Timeline,
        shared?: LiveAccessPoint[],
    ) {
        this.cameraPosition = [...world.camera.position]
        this.accessPoints =
            shared ??
            world.accessPoints.map((config) => ({
                config,
                channel: config.channel,
                dhcp: config.dhcp,
                poweredOn: config.poweredOn,
                password: config.password,
                passwordEpoch: 0,
                dhcpEnabled: config.dhcp.enabled,
                leases: new Map(),
                stations: new Set(),
                joins: [],
            }))
    }

    /** Schedule the world's timed events on the clock. */
    start() {
        for (const ev of this.world.events) {
            if (WIRED_ACTIONS.includes(ev.action) || !AIR_ACTIONS.includes(ev.action)) continue // the Wire's, a driver's
            this.clock.setTimeout(() => this.apply(ev), ev.atMs - this.clock.now())
        }
    }

    onChange(listener: () => void) {
        this.listeners.push(listener)
    }

    byName(name: string): LiveAccessPoint {
        const ap = this.accessPoints.find((a) => a.config.name === name)
        if (!ap) throw new Error(`no access point "${name}"`)
        return ap
    }

    /** How camera and AP hear each other now (whether or not either is audible). */
    reception(ap: LiveAccessPoint): Reception {
        const radio = this.world.radio
        const d = distance(this.cameraPosition, ap.config.position)
        const gain = this.world.camera.antennaGainDbi
        return {
            ap,
            rssi: rssiDbm(ap.config.txPowerDbm, d, radio, gain),
            uplinkRssi: rssiDbm(this.cameraTxPowerDbm, d, radio, gain),
        }
    }

    /** Powered access points whose beacons the camera receives, strongest first. */
    audibleAccessPoints(): Reception[] {
        return this.accessPoints
            .filter((ap) => ap.poweredOn)
            .map((ap) => this.reception(ap))
            .filter((r) => audible(r.rssi, this.world.radio))
            .sort((a, b) => b.rssi - a.rssi)
    }

    /** Hand out (or renew) a DHCP lease; undefined when the pool is exhausted. */
    lease(ap: LiveAccessPoint, mac: string): number | undefined {
        const ip = leaseFrom(ap.leases, ap.dhcp.pool, mac)
        if (ip !== undefined)
            this.timeline.add("world", "dhcp-lease", `${ap.config.name} leased ${formatIpv4(ip)} to ${mac}`)
        if (ip === undefined)
            this.timeline.add(
                "world",
                "dhcp-no-lease",
                `${ap.config.name} has no free address for ${mac} (all ${ap.dhcp.pool.length} leased)`,
            )
        return ip
    }

    /** A request for a remembered address (INIT-REBOOT, fast reconnect): true is an ACK, false a NAK. */
    requestLease(ap: LiveAccessPoint, mac: string, ip: number): boolean {
        const granted = confirmLease(ap.leases, ap.dhcp.pool, mac, ip)
        if (granted)
            this.timeline.add("world", "dhcp-lease", `${ap.config.name} confirmed ${formatIpv4(ip)} for ${mac}`)
        return granted
    }

    /** The AP's DHCP server answering a renewal or rebinding of `ip` by `mac` (it must be on and hear the camera). */
    renewLease(ap: LiveAccessPoint, mac: string, ip: number): ServerAnswer {
        if (!ap.poweredOn || !ap.dhcpEnabled) return "silent"
        if (!confirmLease(ap.leases, ap.dhcp.pool, mac, ip)) return "nak"
        return { ack: true, leaseMs: ap.dhcp.leaseSeconds * 1000 }
    }

    /** The station `mac` associates with `ap`; false (and nothing changes) when the AP is full. */
    associate(ap: LiveAccessPoint, mac: string): boolean {
        this.dissociate(mac)
        const max = ap.config.maxClients
        if (max !== undefined && ap.stations.size >= max) {
            this.timeline.add("world", "assoc-refused", `${ap.config.name} is full (${max} of ${max}): refused ${mac}`)
            return false
        }
        const rate = ap.config.joinsPerSecond
        if (rate !== undefined) {
            const now = this.clock.now()
            while (ap.joins.length && ap.joins[0] <= now - 1000) ap.joins.shift()
            if (ap.joins.length >= rate) {
                this.timeline.add(
                    "world",
                    "assoc-busy",
                    `${ap.config.name} took ${rate} join(s) in the last second (joinsPerSecond ${rate}): refused ${mac}`,
                )
                return false
            }
            ap.joins.push(now)
        }
        ap.stations.add(mac)
        return true
    }

    /** The station `mac` is no longer associated anywhere. */
    dissociate(mac: string) {
        for (const ap of this.accessPoints) ap.stations.delete(mac)
    }

    /** Tell the drivers the world changed (a fleet applies some events itself). */
    changed() {
        for (const l of this.listeners) l()
    }

    private apply(ev: World["events"][number]) {
        const ap = ev.accessPoint !== undefined ? this.byName(ev.accessPoint) : undefined
        switch (ev.action) {
            case "power-off":
                ap!.poweredOn = false
                // a restarted AP remembers no associations
                ap!.stations.clear()
                break
            case "power-on":
                ap!.poweredOn = true
                break
            case "set-password":
                ap!.password = ev.password
                ap!.passwordEpoch++
                break
            case "dhcp-off":
                ap!.dhcpEnabled = false
                break
            case "dhcp-on":
                ap!.dhcpEnabled = true
                break
            case "move-camera":
                this.cameraPosition = [...ev.to!]
                break
            case "set-channel":
                ap!.channel = ev.channel!
                break
            case "dhcp-renumber":
                // a new subnet: the old lease table means nothing any more
                ap!.dhcp = ev.dhcp!
                ap!.leases.clear()
                break
        }
        // never the password itself
        const what =
            ev.action === "move-camera"
                ? `camera to [${ev.to!.join(", ")}]`
                : ev.action === "set-channel"
                  ? `${ap!.config.name} to channel ${ev.channel}`
                  : ev.action === "dhcp-renumber"
                    ? `${ap!.config.name} now serves ${formatIpv4(ev.dhcp!.network)}/${ev.dhcp!.prefix}`
                    : ap!.config.name
        this.timeline.add("world", ev.action, what)
        this.changed()
    }
}
