import { resolve } from "node:path"
import type { CameraConfig, Vec2 } from "./types"
import schema from "./world.schema.json"
import { stationMacProblem } from "./station-mac"

// The `cameras` of a fleet world: several cameras in one site, each with
// its own board, place, script and MAC, sharing the access points. One
// `camera` (the single-camera world) is parsed by world.ts as before.

/** The most cameras one world may list: each is a VM in the one process (about 1 MB each). The schema holds the number. */
export const MAX_CAMERAS: number = schema.properties.cameras.maxItems

/** A camera name: what output and timeline lines are prefixed with. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/
/** A DHCP hostname, as src/network/credentials.ts checks it on the camera. */
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/

export interface RawCamera {
    name: string
    board?: string
    position: Vec2
    antennaGainDbi?: number
    mac?: string
    script?: string
    hostname?: string
}

/**
 * The n-th camera's (1-based) default MAC: Espressif's 24:0a:c4, then
 * 0x010000 + 4n. The chip takes its base MAC and the next three (AP, Bluetooth,
 * Ethernet), so cameras are four apart and none wraps its last byte.
 */
export function fleetMac(n: number): string {
    const v = 0x010000 + 4 * n
    return ["24", "0a", "c4", v >>> 16, (v >>> 8) & 255, v & 255]
        .map((b) => (typeof b === "string" ? b : b.toString(16).padStart(2, "0")))
        .join(":")
}

/** Two base MACs whose derived addresses (base .. base+3, last byte wrapping) overlap. */
function macsOverlap(a: string, b: string): boolean {
    if (a.slice(0, 14) !== b.slice(0, 14)) return false
    const d = (parseInt(a.slice(15), 16) - parseInt(b.slice(15), 16) + 256) & 255
    return d < 4 || d > 252
}

/** Checked, defaulted cameras; problems are pushed with the field's path. */
export function normaliseCameras(raw: RawCamera[], baseDir: string, problems: string[]): CameraConfig[] {
    const cameras = raw.map((c, i): CameraConfig => {
        const at = `cameras[${i}]`
        if (!NAME.test(c.name))
            problems.push(
                `${at}.name "${c.name}" is not allowed: use 1..32 letters, digits, '-', '_' or '.', starting with a letter or digit`,
            )
        if (c.hostname !== undefined && !HOSTNAME.test(c.hostname))
            problems.push(
                `${at}.hostname "${c.hostname}" is not allowed: use 1..32 letters, digits and '-', not starting or ending with '-'`,
            )
        if (c.mac !== undefined) {
            const bad = stationMacProblem(c.mac)
            if (bad) problems.push(`${at}.mac ${c.mac.toLowerCase()} ${bad}`)
        }
        if (c.script !== undefined && !c.script.endsWith(".ts"))
            problems.push(`${at}.script "${c.script}" must be a TypeScript file (.ts)`)
        return {
            name: c.name,
            board: c.board,
            position: c.position,
            antennaGainDbi: c.antennaGainDbi ?? 0,
            mac: (c.mac ?? fleetMac(i + 1)).toLowerCase(),
            script: c.script !== undefined ? resolve(baseDir, c.script) : undefined,
            hostname: c.hostname,
        }
    })
    const byName = new Map<string, number>()
    cameras.forEach((c, i) => {
        const other = byName.get(c.name.toLowerCase())
        if (other !== undefined)
            problems.push(`cameras[${i}]: cameras[${other}] is already called "${c.name}"; names must be unique`)
        else byName.set(c.name.toLowerCase(), i)
        for (let j = 0; j < i; j++) {
            if (!macsOverlap(c.mac, cameras[j].mac)) continue
            problems.push(
                c.mac === cameras[j].mac
                    ? `cameras[${i}].mac ${c.mac} is also cameras[${j}]'s`
                    : `cameras[${i}].mac ${c.mac} is within 3 of cameras[${j}]'s (${cameras[j].mac}): each camera uses its MAC and the next three`,
            )
            break
        }
    })
    return cameras
}
