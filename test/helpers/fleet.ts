import { runFleet, type FleetResult, type FleetCameraResult } from "../../sim/fleet/fleet"
import { fleetMembers } from "../../sim/fleet/members"
import { fromRoot } from "../../project/paths"
import { projectSettings } from "../../project/settings"
import { parseDuration } from "../../project/duration"
import { loadWorldFile, parseWorld, type World } from "../../sim/world/world"

// Runs a fleet world the way `camscript sim --world site.json` does.

export interface FleetRunOptions {
    /** the script of cameras that name none */
    script?: string
    /** simulated time limit, e.g. "30s" */
    timeout: string
}

/** A fleet world: an object, a file under sim/worlds ("fleet-40-on-32"), or a path. */
export function fleetWorld(spec: string | object): World {
    if (typeof spec === "object") return parseWorld(spec, fromRoot("test/(fleet world).json"))
    if (/^[\w-]+$/.test(spec)) return loadWorldFile(fromRoot(`sim/worlds/${spec}.json`))
    return loadWorldFile(spec)
}

export async function runFleetWorld(spec: string | object, options: FleetRunOptions): Promise<FleetResult> {
    const world = fleetWorld(spec)
    const members = await fleetMembers(world, projectSettings(fromRoot()), options.script)
    return runFleet({ world, members, timeoutMs: parseDuration(options.timeout) })
}

/** One camera's timeline entries of `source` as "event detail" strings, with times. */
export function entries(cam: FleetCameraResult, source: string, event?: string) {
    return cam.timeline.filter((e) => e.source === source && (event === undefined || e.event === event))
}

export function camera(result: FleetResult, name: string): FleetCameraResult {
    const c = result.cameras.find((x) => x.name === name)
    if (!c) throw new Error(`no camera ${name}`)
    return c
}
