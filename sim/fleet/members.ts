import { loadBoard } from "../../project/boards"
import { CompileError, type CompiledScript, compileScript, ScriptFileError } from "../../compiler/compile"
import type { ProjectSettings } from "../../project/settings"
import type { World } from "../world/world"
import type { FleetMember } from "./fleet"

// Each camera of a fleet world with its board and compiled script. A
// script is compiled once per (file, board, hostname), however many
// cameras run it: forty cameras of one script cost one build.

/**
 * `script`: the command line's script, for cameras whose entry names none.
 * Boards and scripts are checked for every camera before anything compiles.
 */
export async function fleetMembers(world: World, settings: ProjectSettings, script?: string): Promise<FleetMember[]> {
    const cameras = world.cameras
    if (!cameras) throw new Error("fleetMembers needs a world with cameras")
    const missing = cameras.filter((c) => c.script === undefined && script === undefined)
    if (missing.length)
        throw new ScriptFileError(
            `${world.source}: camera(s) ${missing
                .slice(0, 5)
                .map((c) => `"${c.name}"`)
                .join(
                    ", ",
                )}${missing.length > 5 ? ", ..." : ""} name no "script"; give one in the world file or on the command line`,
        )
    const builds = new Map<string, Promise<CompiledScript>>()
    const planned = cameras.map((c) => {
        const board = loadBoard(c.board ?? world.board ?? settings.board)
        const file = c.script ?? script!
        const hostname = c.hostname ?? settings.network.hostname
        return { config: c, board, file, hostname }
    })
    // a script that cannot be read or compiled is told with the cameras that run it
    const users = new Map<string, string[]>()
    for (const p of planned) {
        const key = JSON.stringify([p.file, p.board.id, p.hostname])
        users.set(key, [...(users.get(key) ?? []), p.config.name])
    }
    const members: FleetMember[] = []
    for (const p of planned) {
        const key = JSON.stringify([p.file, p.board.id, p.hostname])
        let build = builds.get(key)
        if (!build) {
            build = compileScript(p.file, { board: p.board, hostname: p.hostname }).catch((e: unknown) => {
                if (!(e instanceof ScriptFileError || e instanceof CompileError)) throw e
                const names = users.get(key)!
                const who = `camera${names.length > 1 ? "s" : ""} ${names
                    .slice(0, 5)
                    .map((n) => JSON.stringify(n))
                    .join(", ")}${names.length > 5 ? `, ... (${names.length})` : ""}`
                const message = `${who}: ${e.message}`
                throw e instanceof ScriptFileError ? new ScriptFileError(message) : new CompileError(message)
            })
            builds.set(key, build)
        }
        members.push({ config: p.config, board: p.board, script: await build })
    }
    return members
}
