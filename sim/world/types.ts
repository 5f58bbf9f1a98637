// What a checked, fully defaulted world is: the types world.ts and
// cameras.ts produce and the simulator reads. world.ts re-exports them, so
// "sim/world/world" stays the one name to import a world by.

import type { AddressPool } from "./ipv4"
import type { SensorConfig } from "./sensor"
import type { ServerConfig } from "./servers"

export type Vec2 = [number, number]
export type SecurityMode = "open" | "wpa2-psk" | "wpa3-sae" | "wpa2-enterprise" | "wpa3-enterprise"
export type EapMethodName = "PEAP" | "TTLS" | "TLS"
export type EventAction =
    | "power-off"
    | "power-on"
    | "set-password"
    | "move-camera"
    | "dhcp-off"
    | "dhcp-on"
    | "unplug-cable"
    | "plug-cable"
    | "ethernet-dhcp-off"
    | "ethernet-dhcp-on"
    | "site-power-off"
    | "site-power-on"
    | "set-channel"
    | "dhcp-renumber"
    | "ethernet-dhcp-renumber"
    | "switch-off"
    | "switch-on"
    | "client-join"
    | "client-leave"
    | "restart-driver"
    | "camera-disconnect"
    | "camera-reconnect"
    | "camera-no-psram"
    | "camera-brownout"
    | "camera-sensor-stop"
    | "press-button"

/** Actions on the camera's sensor and its supply (sim/drivers/camera.ts). */
export const CAMERA_ACTIONS: EventAction[] = [
    "camera-disconnect",
    "camera-reconnect",
    "camera-no-psram",
    "camera-brownout",
    "camera-sensor-stop",
]

/** Actions that concern the wire, not an access point. */
export const WIRED_ACTIONS: EventAction[] = [
    "unplug-cable",
    "plug-cable",
    "ethernet-dhcp-off",
    "ethernet-dhcp-on",
    "ethernet-dhcp-renumber",
    "switch-off",
    "switch-on",
]
/** Actions on the air: the access points and the camera's position (sim/radio/air.ts). */
export const AIR_ACTIONS: EventAction[] = [
    "power-off",
    "power-on",
    "set-password",
    "move-camera",
    "dhcp-off",
    "dhcp-on",
    "set-channel",
    "dhcp-renumber",
]
/** Actions of the phones that join the camera's access point (sim/drivers/wifi-access-point.ts). */
export const CLIENT_ACTIONS: EventAction[] = ["client-join", "client-leave"]

/** Defaults documented in docs/world-format.md. */
export const WORLD_DEFAULTS = {
    pathLossExponent: 3.0,
    referenceLossDb: 40,
    sensitivityDbm: -92,
    apTxPowerDbm: 20,
    channel: 6,
    dhcpDelayMs: 300,
    leaseSeconds: 86400,
    cameraMac: "24:0a:c4:00:c4:3e",
}

export interface DhcpConfig {
    enabled: boolean
    network: number
    prefix: number
    gateway: number
    dns: number[]
    leaseSeconds: number
    delayMs: number
    /** addresses handed out, in order: from .100 when the subnet has more than 200 hosts, else from its first host; never the gateway */
    pool: AddressPool
}

/** The login server behind an enterprise access point (docs/world-format.md). */
export interface LoginServerConfig {
    /** DER of the CA that signed the server's certificate */
    caDer: Buffer[]
    domain: string
    methods: EapMethodName[]
    users: { username?: string; password?: string; identity?: string; clientCertDer?: Buffer }[]
    latencyMs: number
    down: { fromMs: number; untilMs: number }[]
    radius?: { host: string; port: number; secret: string }
}

export interface AccessPointConfig {
    name: string
    ssid: string
    bssid: string
    channel: number
    security: SecurityMode
    password?: string
    position: Vec2
    txPowerDbm: number
    hidden: boolean
    poweredOn: boolean
    dhcp: DhcpConfig
    loginServer?: LoginServerConfig
    /** the most stations associated at once; undefined: no limit */
    maxClients?: number
    /** from site-power-on to beaconing (a fleet's power cut) */
    bootMs: number
    /** the most associations it accepts in any one second; undefined: no limit */
    joinsPerSecond?: number
}

export interface EthernetConfig {
    /** the cable is in at time 0 */
    plugged: boolean
    speedMbps: 10 | 100
    fullDuplex: boolean
    dhcp: DhcpConfig
}

/** A phone or laptop that tries to join the camera's access point. */
export interface ClientConfig {
    name: string
    mac: string
    position: Vec2
    joins: string
    password?: string
    atMs: number
    leaveAtMs?: number
    txPowerDbm: number
}

export interface WorldEvent {
    atMs: number
    action: EventAction
    accessPoint?: string
    password?: string
    to?: Vec2
    /** a fleet's camera the action applies to (move-camera, power-off, power-on) */
    camera?: string
    /** set-channel */
    channel?: number
    /** dhcp-renumber, ethernet-dhcp-renumber: the server's settings from then on */
    dhcp?: DhcpConfig
    /** client-join, client-leave: the client's name */
    client?: string
}

/** One camera of a fleet world, checked and defaulted (sim/world/cameras.ts reads them). */
export interface CameraConfig {
    name: string
    /** board id; undefined: the world's board (or devicescript.json's) */
    board?: string
    position: Vec2
    antennaGainDbi: number
    /** the Wi-Fi station MAC; the board derives AP (+1) and Ethernet (+3) MACs from it */
    mac: string
    /** absolute path of the camera's script; undefined: the one given on the command line */
    script?: string
    /** the DHCP hostname the camera starts with (compiled into its image) */
    hostname?: string
}

export interface World {
    source: string
    board?: string
    camera: { position: Vec2; antennaGainDbi: number; mac: string; name: string; sensor: SensorConfig }
    radio: { pathLossExponent: number; referenceLossDb: number; sensitivityDbm: number }
    accessPoints: AccessPointConfig[]
    /** undefined: no cable reaches the board */
    ethernet?: EthernetConfig
    /** name -> IPv4 (u32) */
    dnsZone: Map<string, number>
    /** the HTTP(S) servers uploads go to (sim/world/servers.ts) */
    servers: ServerConfig[]
    clients: ClientConfig[]
    events: WorldEvent[]
    /** a fleet (sim/world/cameras.ts); undefined: the one `camera` */
    cameras?: CameraConfig[]
}

export class WorldError extends Error {
    constructor(
        readonly source: string,
        readonly problems: string[],
    ) {
        super(`${source}: ${problems.length === 1 ? problems[0] : "\n  " + problems.join("\n  ")}`)
        this.name = "WorldError"
    }
}
