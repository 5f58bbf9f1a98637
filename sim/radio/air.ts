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

    constructor(
        readonly world: World,
        readonly clock: Clock,
        private readonly timeline: Timeline,
    ) {
        this.cameraPosition = [...world.camera.position]
        this.accessPoints = world.accessPoints.map((config) => ({
            config,
            channel: config.channel,
            dhcp: config.dhcp,
            poweredOn: config.poweredOn,
            password: config.password,
            passwordEpoch: 0,
            dhcpEnabled: config.dhcp.enabled,
            leases: new Map(),
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

    private apply(ev: World["events"][number]) {
        const ap = ev.accessPoint !== undefined ? this.byName(ev.accessPoint) : undefined
        switch (ev.action) {
            case "power-off":
                ap!.poweredOn = false
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
        for (const l of this.listeners) l()
    }
}
