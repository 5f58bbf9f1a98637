import { SSID_MAX_BYTES } from "../../src/limits"
import { dirname, resolve } from "node:path"
import type { ErrorObject } from "ajv"
import { unknownBoard } from "../../project/boards"
import { parseJson } from "../../project/json-text"
import { didYouMean } from "../../project/suggest"
import { schemaValidator } from "../../project/validator"
import { type CameraConfig, normaliseCameras, type RawCamera } from "./cameras"
import { parseDuration } from "../../project/duration"
import { cidrHosts, formatIpv4, parseCidr, parseIpv4 } from "./ipv4"
import schema from "./world.schema.json"
import { decodeUtf8, duplicateKeys, readRegularFile } from "./world-text"
import { DEFAULT_CAMERA_NAME, normaliseSensor, type RawSensor, type SensorConfig } from "./sensor"

// A world file (JSON) -> a checked, fully defaulted World. Every error names
// the file and the field, and says what is allowed.

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
    /** addresses handed out, in order, from the first host after the gateway */
    pool: number[]
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

interface RawDhcp {
    subnet: string
    gateway?: string
    dns?: string[]
    leaseSeconds?: number
    delay?: number | string
    enabled?: boolean
}

interface RawAccessPoint {
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

interface RawWorld {
    board?: string
    camera?: { position?: Vec2; antennaGainDbi?: number; mac?: string; name?: string; sensor?: RawSensor }
    cameras?: RawCamera[]
    radio?: Partial<World["radio"]>
    accessPoints: RawAccessPoint[]
    ethernet?: { cable?: "plugged" | "unplugged"; speedMbps?: 10 | 100; duplex?: "full" | "half"; dhcp?: RawDhcp }
    dnsZone?: Record<string, string>
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
    }[]
}

const validate = schemaValidator<RawWorld>("world", schema, { allErrors: true })

/** "/accessPoints/0/security" -> "accessPoints[0].security" */
function fieldPath(instancePath: string): string {
    const p = instancePath
        .split("/")
        .slice(1)
        .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
        .join("")
        .replace(/^\./, "")
    return p || "(top level)"
}

/**
 * The schema of the object at an instancePath ("/accessPoints/0"), followed
 * through properties, items and $refs: ajv's schemaPath restarts inside each
 * $ref, so it cannot say which object's fields were allowed.
 */
function schemaAt(instancePath: string): { properties?: Record<string, unknown> } | undefined {
    type Node = { $ref?: string; properties?: Record<string, Node>; items?: Node } | undefined
    const deref = (n: Node): Node => {
        let node = n
        while (node?.$ref) {
            node = node.$ref
                .replace(/^#\//, "")
                .split("/")
                .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], schema) as Node
        }
        return node
    }
    let node = deref(schema as Node)
    for (const part of instancePath.split("/").slice(1))
        node = deref(/^\d+$/.test(part) ? node?.items : node?.properties?.[part])
    return node
}

/** The value at an error's instancePath in the parsed file. */
function valueAt(json: unknown, instancePath: string): unknown {
    let node = json
    for (const part of instancePath.split("/").slice(1))
        node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")]
    return node
}

function describe(e: ErrorObject, json: unknown): string {
    const at = fieldPath(e.instancePath)
    switch (e.keyword) {
        case "additionalProperties": {
            const field = (e.params as { additionalProperty: string }).additionalProperty
            const allowed = Object.keys(schemaAt(e.instancePath)?.properties ?? {})
            return `${at === "(top level)" ? "" : at + ": "}unknown field "${field}"${didYouMean(field, allowed)}`
        }
        case "pattern":
            // a board id is checked against the boards folder, not shown a regular expression
            if (e.instancePath === "/board") return `board: ${unknownBoard(String(valueAt(json, "/board")))}`
            return `${at} ${e.message}`
        case "required":
            return `${at === "(top level)" ? "" : at + ": "}missing field "${(e.params as { missingProperty: string }).missingProperty}"`
        case "enum": {
            const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
            const typed = valueAt(json, e.instancePath)
            // the suggestion names an allowed value; what was typed is not echoed (it could be anything)
            const hint =
                typeof typed === "string"
                    ? didYouMean(
                          typed,
                          allowed.filter((v): v is string => typeof v === "string"),
                      )
                    : ""
            return `${at} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}${hint}`
        }
        case "minItems":
        case "maxItems":
            if (/\/(position|to)$/.test(e.instancePath)) return `${at} must be [x, y] in metres`
            return `${at} ${e.message}`
        case "type":
            if (/\/(position|to)$/.test(e.instancePath)) return `${at} must be [x, y] in metres`
            return `${at} ${e.message}`
        case "oneOf":
            return `${at} must be a duration: milliseconds, or a string like "300ms", "20s", "2m"`
        default:
            return `${at} ${e.message}`
    }
}

export function loadWorldFile(file: string): World {
    let text: string
    try {
        text = decodeUtf8(readRegularFile(file, "the world file"))
    } catch (e) {
        throw new WorldError(file, [(e as Error).message])
    }
    let json: unknown
    try {
        json = parseJson(text)
    } catch (e) {
        throw new WorldError(file, [(e as Error).message])
    }
    const duplicates = duplicateKeys(text)
    if (duplicates.length) throw new WorldError(file, duplicates)
    return parseWorld(json, file)
}

/** A duration field, or 0 with a problem naming the field (too long, not finite). */
function durationAt(value: number | string, at: string, problems: string[]): number {
    try {
        return parseDuration(value)
    } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`)
        return 0
    }
}

export function parseWorld(json: unknown, source: string): World {
    if (!validate(json)) {
        // a failed oneOf also reports each branch: keep only the oneOf line
        const errors = (validate.errors ?? []).filter(
            (e) =>
                !(validate.errors ?? []).some(
                    (o) => o.keyword === "oneOf" && e !== o && e.instancePath === o.instancePath,
                ),
        )
        throw new WorldError(source, [...new Set(errors.map((e) => describe(e, json)))])
    }
    const raw = json
    const problems: string[] = []
    const radio = {
        pathLossExponent: raw.radio?.pathLossExponent ?? WORLD_DEFAULTS.pathLossExponent,
        referenceLossDb: raw.radio?.referenceLossDb ?? WORLD_DEFAULTS.referenceLossDb,
        sensitivityDbm: raw.radio?.sensitivityDbm ?? WORLD_DEFAULTS.sensitivityDbm,
    }
    const accessPoints = raw.accessPoints.map((ap, i) =>
        normaliseAccessPoint(ap, i, problems, dirname(resolve(source))),
    )
    const names = new Set<string>()
    /** BSSID (lower case) -> the index of the first access point with it */
    const bssids = new Map<string, number>()
    accessPoints.forEach((ap, i) => {
        if (names.has(ap.name))
            problems.push(
                `accessPoints[${i}]: another access point is already called "${ap.name}"; give one a distinct "name"`,
            )
        names.add(ap.name)
        // two radios with one BSSID cannot be told apart by a scan, a pinned
        // connect() or the timeline: refused, naming both (a default BSSID
        // can collide with one written out, so say which was a default)
        const first = bssids.get(ap.bssid)
        if (first !== undefined) {
            const which = (k: number) =>
                `accessPoints[${k}] ("${accessPoints[k].name}")${raw.accessPoints[k].bssid === undefined ? " by default" : ""}`
            problems.push(
                `accessPoints[${i}].bssid ${ap.bssid}: ${which(first)} and ${which(i)} have the same BSSID; each access point needs its own`,
            )
        } else bssids.set(ap.bssid, i)
    })
    const cameras = raw.cameras ? normaliseCameras(raw.cameras, dirname(resolve(source)), problems) : undefined
    if (cameras && raw.camera) problems.push(`give either "camera" (one camera) or "cameras" (a fleet), not both`)
    if (cameras && raw.ethernet)
        problems.push(`"ethernet" is for one camera: a fleet ("cameras") has no per-camera cabling yet`)
    const events: WorldEvent[] = (raw.events ?? []).map((ev, i) => {
        const at = `events[${i}]`
        if (ev.camera !== undefined || ev.action.startsWith("site-")) checkFleetEvent(ev, at, cameras, problems)
        const needsAp = AIR_ACTIONS.includes(ev.action) && ev.action !== "move-camera" && ev.camera === undefined
        if (WIRED_ACTIONS.includes(ev.action) && raw.ethernet === undefined)
            problems.push(`${at}: action "${ev.action}" needs an "ethernet" section in the world`)
        if (needsAp && ev.accessPoint === undefined) problems.push(`${at}: action "${ev.action}" needs "accessPoint"`)
        if (ev.accessPoint !== undefined && !names.has(ev.accessPoint))
            problems.push(
                `${at}.accessPoint "${ev.accessPoint}" is not an access point of this world; known: ${[...names].join(", ") || "none"}`,
            )
        if (cameras && CAMERA_ACTIONS.includes(ev.action))
            problems.push(
                `${at}: action "${ev.action}" is for the one camera of a world with "camera"; a fleet's cameras have no sensor model yet`,
            )
        if (ev.action === "set-password" && ev.password === undefined)
            problems.push(`${at}: action "set-password" needs "password"`)
        if (ev.action === "move-camera" && ev.to === undefined)
            problems.push(`${at}: action "move-camera" needs "to": [x, y]`)
        if (cameras && ev.action === "move-camera" && ev.camera === undefined)
            problems.push(`${at}: in a world with "cameras", action "move-camera" needs "camera"`)
        if (ev.action === "set-channel" && ev.channel === undefined)
            problems.push(`${at}: action "set-channel" needs "channel": 1..13`)
        if (CLIENT_ACTIONS.includes(ev.action) && ev.client === undefined)
            problems.push(`${at}: action "${ev.action}" needs "client": the name of one of "clients"`)
        let dhcp: DhcpConfig | undefined
        if (ev.action === "dhcp-renumber" || ev.action === "ethernet-dhcp-renumber") {
            const before =
                ev.action === "dhcp-renumber"
                    ? accessPoints.find((a) => a.name === ev.accessPoint)?.dhcp
                    : raw.ethernet
                      ? normaliseDhcp(raw.ethernet.dhcp ?? { subnet: "192.168.10.0/24" }, "ethernet.dhcp", [])
                      : undefined
            if (ev.subnet === undefined)
                problems.push(`${at}: action "${ev.action}" needs "subnet", e.g. "10.1.2.0/24"`)
            else if (before) {
                // the same server with a new subnet: lease length and answer delay stay
                const renumbered = normaliseDhcp({ subnet: ev.subnet }, at, problems)
                dhcp = { ...renumbered, leaseSeconds: before.leaseSeconds, delayMs: before.delayMs, enabled: true }
            }
        }
        return {
            atMs: durationAt(ev.at, `${at}.at`, problems),
            action: ev.action,
            accessPoint: ev.accessPoint,
            password: ev.password,
            to: ev.to,
            camera: ev.camera,
            channel: ev.channel,
            dhcp,
            client: ev.client,
        }
    })
    const ethernet = raw.ethernet
        ? {
              plugged: (raw.ethernet.cable ?? "plugged") === "plugged",
              speedMbps: raw.ethernet.speedMbps ?? 100,
              fullDuplex: (raw.ethernet.duplex ?? "full") === "full",
              dhcp: normaliseDhcp(raw.ethernet.dhcp ?? { subnet: "192.168.10.0/24" }, "ethernet.dhcp", problems),
          }
        : undefined
    const clientNames = new Set<string>()
    /** client MAC (lower case) -> the index of the first client with it */
    const clientMacs = new Map<string, number>()
    const clients: ClientConfig[] = (raw.clients ?? []).map((c, i) => {
        if (clientNames.has(c.name)) problems.push(`clients[${i}]: another client is already called "${c.name}"`)
        clientNames.add(c.name)
        const atMs = durationAt(c.at, `clients[${i}].at`, problems)
        const leaveAtMs = c.leaveAt !== undefined ? durationAt(c.leaveAt, `clients[${i}].leaveAt`, problems) : undefined
        if (leaveAtMs !== undefined && leaveAtMs <= atMs) problems.push(`clients[${i}].leaveAt must be after its "at"`)
        // an SSID: 32 bytes, and a name of 32 characters may be more
        if (Buffer.byteLength(c.joins, "utf8") > SSID_MAX_BYTES)
            problems.push(`clients[${i}].joins must be at most ${SSID_MAX_BYTES} bytes (an SSID)`)
        const mac = (c.mac ?? positionMac("02:c1", i + 1)).toLowerCase()
        // two phones with one MAC would share a DHCP lease and a station entry
        const first = clientMacs.get(mac)
        if (first !== undefined) {
            const which = (k: number) =>
                `clients[${k}] ("${raw.clients![k].name}")${raw.clients![k].mac === undefined ? " by default" : ""}`
            problems.push(
                `clients[${i}].mac ${mac}: ${which(first)} and ${which(i)} have the same MAC; each client needs its own`,
            )
        } else clientMacs.set(mac, i)
        return {
            name: c.name,
            mac,
            position: c.position,
            joins: c.joins,
            password: c.password,
            atMs,
            leaveAtMs,
            txPowerDbm: c.txPowerDbm ?? 15,
        }
    })
    events.forEach((ev, i) => {
        if (ev.client !== undefined && !clientNames.has(ev.client))
            problems.push(
                `events[${i}].client "${ev.client}" is not a client of this world; known: ${[...clientNames].join(", ") || "none"}`,
            )
    })
    const dnsZone = new Map<string, number>()
    /** lower-cased name -> the name as first written */
    const zoneNames = new Map<string, string>()
    for (const [name, ip] of Object.entries(raw.dnsZone ?? {})) {
        const key = name.toLowerCase()
        // names match without regard to case: two spellings of one name would leave only the last address
        const first = zoneNames.get(key)
        if (first !== undefined)
            problems.push(
                `dnsZone: "${first}" and "${name}" are one name (names match without regard to case); give it once`,
            )
        else zoneNames.set(key, name)
        dnsZone.set(key, parseIpv4(ip) ?? 0)
    }
    const sensor = normaliseSensor(raw.camera?.sensor, dirname(resolve(source)), problems)
    if (problems.length) throw new WorldError(source, problems)
    events.sort((a, b) => a.atMs - b.atMs)
    return {
        source,
        board: raw.board,
        camera: {
            position: raw.camera?.position ?? [0, 0],
            antennaGainDbi: raw.camera?.antennaGainDbi ?? 0,
            mac: (raw.camera?.mac ?? WORLD_DEFAULTS.cameraMac).toLowerCase(),
            name: raw.camera?.name ?? DEFAULT_CAMERA_NAME,
            sensor,
        },
        radio,
        accessPoints,
        ethernet,
        dnsZone,
        clients,
        events,
        cameras,
    }
}

/** An event naming a camera, or a site-wide one: only in a fleet world, and only where it means something. */
function checkFleetEvent(
    ev: { action: EventAction; camera?: string; accessPoint?: string },
    at: string,
    cameras: CameraConfig[] | undefined,
    problems: string[],
) {
    if (!cameras) {
        problems.push(`${at}: ${ev.camera !== undefined ? '"camera"' : `action "${ev.action}"`} needs a "cameras" list`)
        return
    }
    if (ev.camera === undefined) return
    if (!["move-camera", "power-off", "power-on"].includes(ev.action))
        problems.push(`${at}: action "${ev.action}" takes no "camera" (only move-camera, power-off and power-on do)`)
    if (ev.accessPoint !== undefined) problems.push(`${at}: give "camera" or "accessPoint", not both`)
    if (!cameras.some((c) => c.name === ev.camera))
        problems.push(
            `${at}.camera "${ev.camera}" is not a camera of this world; known: ${cameras
                .slice(0, 10)
                .map((c) => c.name)
                .join(", ")}${cameras.length > 10 ? ", ..." : ""}`,
        )
}

/** PEM text -> the DER of each block (certificates are compared as DER). */
export function pemBlocks(pem: string): Buffer[] {
    const out: Buffer[] = []
    for (const m of pem.matchAll(/-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/g))
        out.push(Buffer.from(m[2].replace(/\s+/g, ""), "base64"))
    return out
}

function readPem(file: string, baseDir: string, at: string, problems: string[]): Buffer[] {
    let text: string
    try {
        text = readRegularFile(resolve(baseDir, file), file).toString("latin1")
    } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`)
        return []
    }
    const blocks = pemBlocks(text)
    if (!blocks.length) problems.push(`${at}: ${file} holds no PEM block`)
    return blocks
}

function normaliseLogin(
    raw: NonNullable<RawAccessPoint["loginServer"]>,
    at: string,
    baseDir: string,
    problems: string[],
): LoginServerConfig {
    const methods = raw.methods ?? ["PEAP", "TTLS"]
    if (raw.radius && methods.includes("TLS"))
        problems.push(
            `${at}.radius: a RADIUS server is asked with PAP (inside PEAP or TTLS); TLS logins need the embedded users list`,
        )
    return {
        caDer: readPem(raw.caCertFile, baseDir, `${at}.caCertFile`, problems),
        domain: raw.domain.toLowerCase(),
        methods,
        users: (raw.users ?? []).map((u, j) => ({
            username: u.username,
            password: u.password,
            identity: u.identity,
            clientCertDer: u.clientCertFile
                ? readPem(u.clientCertFile, baseDir, `${at}.users[${j}].clientCertFile`, problems)[0]
                : undefined,
        })),
        latencyMs: raw.latency !== undefined ? durationAt(raw.latency, `${at}.latency`, problems) : 20,
        down: (raw.down ?? []).map((d, j) => ({
            fromMs: durationAt(d.from, `${at}.down[${j}].from`, problems),
            untilMs:
                d.until !== undefined
                    ? durationAt(d.until, `${at}.down[${j}].until`, problems)
                    : Number.POSITIVE_INFINITY,
        })),
        radius: raw.radius,
    }
}

/**
 * A default MAC for the n-th (1-based) item: a locally administered prefix,
 * then n in the last four bytes (02:ca:00:00:00:01 ... 02:ca:00:00:01:00 for
 * the 256th), so every position gets a well-formed, distinct address.
 */
export function positionMac(prefix: string, n: number): string {
    const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
    return [prefix, ...bytes.map((b) => b.toString(16).padStart(2, "0"))].join(":")
}

/** The n-th access point's default DHCP subnet: 192.168.n.0/24 up to 255, then 10.(n/256).(n%256).0/24. */
export function defaultSubnet(n: number): string {
    return n <= 255 ? `192.168.${n}.0/24` : `10.${n >>> 8}.${n & 255}.0/24`
}

function normaliseAccessPoint(ap: RawAccessPoint, i: number, problems: string[], baseDir: string): AccessPointConfig {
    const at = `accessPoints[${i}]`
    const secured = ap.security === "wpa2-psk" || ap.security === "wpa3-sae"
    const enterprise = ap.security === "wpa2-enterprise" || ap.security === "wpa3-enterprise"
    if (secured && ap.password === undefined)
        problems.push(`${at}: security "${ap.security}" needs a "password" of 8..63 characters`)
    if (!secured && ap.password !== undefined)
        problems.push(
            `${at}: security "${ap.security}" takes no "password" (use wpa2-psk or wpa3-sae for a password network)`,
        )
    if (!enterprise && ap.loginServer !== undefined)
        problems.push(`${at}: "loginServer" is for wpa2-enterprise or wpa3-enterprise access points`)
    if (Buffer.byteLength(ap.ssid, "utf8") > SSID_MAX_BYTES)
        problems.push(`${at}.ssid must be at most ${SSID_MAX_BYTES} bytes`)
    return {
        name: ap.name ?? ap.ssid,
        ssid: ap.ssid,
        bssid: (ap.bssid ?? positionMac("02:ca", i + 1)).toLowerCase(),
        channel: ap.channel ?? WORLD_DEFAULTS.channel,
        security: ap.security,
        password: ap.password,
        position: ap.position,
        txPowerDbm: ap.txPowerDbm ?? WORLD_DEFAULTS.apTxPowerDbm,
        hidden: ap.hidden ?? false,
        poweredOn: ap.poweredOn ?? true,
        dhcp: normaliseDhcp(ap.dhcp ?? { subnet: defaultSubnet(i + 1) }, `${at}.dhcp`, problems),
        loginServer: ap.loginServer
            ? normaliseLogin(ap.loginServer, `${at}.loginServer`, baseDir, problems)
            : undefined,
        maxClients: ap.maxClients,
        bootMs: ap.bootTime !== undefined ? durationAt(ap.bootTime, `${at}.bootTime`, problems) : 0,
        joinsPerSecond: ap.joinsPerSecond,
    }
}

function normaliseDhcp(d: RawDhcp, at: string, problems: string[]): DhcpConfig {
    const cidr = parseCidr(d.subnet)
    if (!cidr) {
        problems.push(`${at}.subnet "${d.subnet}" is not a subnet like 192.168.1.0/24`)
        return { enabled: false, network: 0, prefix: 24, gateway: 0, dns: [], leaseSeconds: 0, delayMs: 0, pool: [] }
    }
    if (cidr.prefix > 30)
        problems.push(`${at}.subnet /${cidr.prefix} leaves no room for a gateway and a camera; use /30 or wider`)
    const hosts = cidrHosts(cidr.network, cidr.prefix)
    const gateway = d.gateway !== undefined ? parseIpv4(d.gateway) : hosts[0]
    if (gateway !== undefined && !hosts.includes(gateway))
        problems.push(`${at}.gateway ${d.gateway} is not a host address of ${d.subnet}`)
    const dns = (d.dns ?? []).map((s) => parseIpv4(s) ?? 0)
    return {
        enabled: d.enabled ?? true,
        network: cidr.network,
        prefix: cidr.prefix,
        gateway: gateway ?? 0,
        dns: dns.length ? dns : [gateway ?? 0],
        leaseSeconds: d.leaseSeconds ?? WORLD_DEFAULTS.leaseSeconds,
        delayMs: d.delay !== undefined ? durationAt(d.delay, `${at}.delay`, problems) : WORLD_DEFAULTS.dhcpDelayMs,
        // cameras get addresses from .100 up where the subnet allows, like many home routers
        pool: hosts.slice(hosts.length > 200 ? 99 : 0).filter((h) => h !== gateway),
    }
}

export function describeAddress(ip: number): string {
    return formatIpv4(ip)
}
