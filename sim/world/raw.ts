// A world file as it is written, before defaults: the shape world.schema.json
// admits (ajv checks it), read by world.ts, access-points.ts and events.ts.

import type { RawCamera } from "./cameras"
import type { RawSensor } from "./sensor"
import type { RawServer } from "./servers"
import type { EapMethodName, EventAction, SecurityMode, Vec2, World } from "./types"

export interface RawDhcp {
    subnet: string
    gateway?: string
    dns?: string[]
    leaseSeconds?: number
    delay?: number | string
    enabled?: boolean
}

export interface RawAccessPoint {
    name?: string
    ssid: string
    bssid?: string
    channel?: number
    security: SecurityMode
    password?: string
    position: Vec2
    txPowerDbm?: number
    hidden?: boolean
    poweredOn?: boolean
    dhcp?: RawDhcp
    maxClients?: number
    bootTime?: number | string
    joinsPerSecond?: number
    loginServer?: {
        caCertFile: string
        domain: string
        methods?: EapMethodName[]
        users?: { username?: string; password?: string; identity?: string; clientCertFile?: string }[]
        latency?: number | string
        down?: { from: number | string; until?: number | string }[]
        radius?: { host: string; port: number; secret: string }
    }
}

export interface RawWorld {
    board?: string
    camera?: { position?: Vec2; antennaGainDbi?: number; mac?: string; name?: string; sensor?: RawSensor }
    cameras?: RawCamera[]
    radio?: Partial<World["radio"]>
    accessPoints: RawAccessPoint[]
    ethernet?: { cable?: "plugged" | "unplugged"; speedMbps?: 10 | 100; duplex?: "full" | "half"; dhcp?: RawDhcp }
    dnsZone?: Record<string, string>
    servers?: RawServer[]
    clients?: {
        name: string
        mac?: string
        position: Vec2
        joins: string
        password?: string
        at: number | string
        leaveAt?: number | string
        txPowerDbm?: number
    }[]
    events?: {
        at: number | string
        action: EventAction
        accessPoint?: string
        password?: string
        to?: Vec2
        camera?: string
        channel?: number
        subnet?: string
        client?: string
        every?: number | string
        times?: number
        until?: number | string
    }[]
}
