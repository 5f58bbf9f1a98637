import { existsSync, readFileSync } from "node:fs"
import { fromRoot } from "./paths"

// devicescript.json: the project's own settings (the DeviceScript compiler
// keeps its config in devsconfig.json). Documented in docs/cli.md.

export interface ProjectSettings {
    /** board id (a file in boards/) used when the world names none */
    board: string
    /** world file used when --world is not given, relative to the project */
    world: string
    network: {
        /** DHCP hostname every interface starts with */
        hostname: string
    }
}

export const BUILTIN_SETTINGS: ProjectSettings = {
    board: "ai_thinker_esp32_cam",
    world: "sim/worlds/default.json",
    network: { hostname: "camscript" },
}

export function loadSettings(): ProjectSettings {
    const file = fromRoot("devicescript.json")
    if (!existsSync(file)) return BUILTIN_SETTINGS
    let raw: Partial<ProjectSettings> & { network?: Partial<ProjectSettings["network"]> }
    try {
        raw = JSON.parse(readFileSync(file, "utf8"))
    } catch (e) {
        throw new Error(`devicescript.json: not valid JSON: ${(e as Error).message}`)
    }
    const known = new Set(["$schema", "board", "world", "network"])
    for (const k of Object.keys(raw))
        if (!known.has(k)) throw new Error(`devicescript.json: unknown setting "${k}"; known: board, world, network`)
    if (raw.board !== undefined && typeof raw.board !== "string")
        throw new Error("devicescript.json: board must be a board id string")
    if (raw.world !== undefined && typeof raw.world !== "string")
        throw new Error("devicescript.json: world must be a path string")
    const hostname = raw.network?.hostname ?? BUILTIN_SETTINGS.network.hostname
    if (typeof hostname !== "string" || !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(hostname))
        throw new Error(
            "devicescript.json: network.hostname must be 1..32 letters, digits or '-', not starting or ending with '-'",
        )
    return {
        board: raw.board ?? BUILTIN_SETTINGS.board,
        world: raw.world ?? BUILTIN_SETTINGS.world,
        network: { hostname },
    }
}
