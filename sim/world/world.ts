import { dirname, resolve } from "node:path"
import { SSID_MAX_BYTES } from "../../src/limits"
import { parseJson } from "../../project/json-text"
import { normaliseAccessPoint, normaliseDhcp, positionMac } from "./access-points"
import { normaliseCameras } from "./cameras"
import { durationAt } from "./duration-field"
import { normaliseEvents } from "./events"
import { formatIpv4, parseIpv4 } from "./ipv4"
import { stationMacProblem } from "./station-mac"
import { loneSurrogates, NUL_IN_SSID } from "./text-checks"
import { describe, validateWorld as validate } from "./schema-messages"
import { type ClientConfig, type World, WORLD_DEFAULTS, WorldError } from "./types"
import { decodeUtf8, duplicateKeys, readRegularFile } from "./world-text"
import { DEFAULT_CAMERA_NAME, normaliseSensor } from "./sensor"
import { normaliseServers } from "./servers"

export * from "./types"
export { defaultSubnet, pemBlocks, positionMac } from "./access-points"

// A world file (JSON) -> a checked, fully defaulted World. Every error names
// the file and the field, and says what is allowed. The parts live beside
// it: types.ts (what a World is), raw.ts (what the file holds),
// schema-messages.ts (the schema's errors in words), access-points.ts,
// cameras.ts, events.ts; this file assembles them and checks what spans
// several parts (unique names, BSSIDs and MACs, the DNS zone).

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
    // no string of a world may hold half a UTF-16 pair: it has no UTF-8 form
    // (an SSID, a name or a password would reach the radio, the timeline or
    // the report mangled)
    loneSurrogates(json, "", problems)
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
    const events = normaliseEvents(raw, accessPoints, names, cameras, problems)
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
        if (c.joins.includes("\0")) problems.push(`clients[${i}].joins ${NUL_IN_SSID}`)
        const mac = (c.mac ?? positionMac("02:c1", i + 1)).toLowerCase()
        const badMac = stationMacProblem(mac)
        if (badMac) problems.push(`clients[${i}].mac ${mac} ${badMac}`)
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
    // the file's events (a repeating one once), so the path names the entry as written
    for (const [i, ev] of (raw.events ?? []).entries())
        if (ev.client !== undefined && !clientNames.has(ev.client))
            problems.push(
                `events[${i}].client "${ev.client}" is not a client of this world; known: ${[...clientNames].join(", ") || "none"}`,
            )
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
    if (raw.camera?.mac !== undefined) {
        const bad = stationMacProblem(raw.camera.mac)
        if (bad) problems.push(`camera.mac ${raw.camera.mac.toLowerCase()} ${bad}`)
    }
    const sensor = normaliseSensor(raw.camera?.sensor, dirname(resolve(source)), problems)
    const servers = normaliseServers(raw.servers, dnsZone, dirname(resolve(source)), problems)
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
        servers,
        clients,
        events,
        cameras,
    }
}

export function describeAddress(ip: number): string {
    return formatIpv4(ip)
}
