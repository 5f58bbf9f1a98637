import { existsSync, readFileSync, statSync } from "node:fs"
import { dirname, isAbsolute, join, relative, resolve } from "node:path"
import { boardsDir, unknownBoard } from "./boards"
import { parseJson } from "./json-text"
import { didYouMean } from "./suggest"
import { checkHostname } from "../src/network/credentials"
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
    /**
     * the git-ignored secrets file, relative to the project (project/secrets.ts):
     * written to the board's settings at `sim` and `deploy`; absent: none
     */
    secrets?: string
}

/** devicescript.json cannot be read or breaks a rule: a usage error (exit 2). */
export class SettingsError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "SettingsError"
    }
}

const BUILTIN_SETTINGS: ProjectSettings = {
    board: "ai_thinker_esp32_cam",
    world: "sim/worlds/default.json",
    network: { hostname: "camscript" },
}

/** Settings as found for a script: where they came from and which the file gave. */
export interface FoundSettings extends ProjectSettings {
    /** the devicescript.json read; undefined: camscript's own defaults */
    file?: string
    /** the settings the file names (the rest are defaults) */
    given: { board: boolean; world: boolean; hostname: boolean }
    /** `world` as an absolute path (relative to the file's folder) */
    worldFile: string
    /** `secrets` as an absolute path (relative to the file's folder) */
    secretsFile?: string
}

/**
 * The settings of the project a script belongs to: the nearest
 * devicescript.json in the script's folder or above it, else camscript's
 * own (its devicescript.json, else the built-in defaults). A board id the
 * file names must exist: a typo is an error with a suggestion.
 */
export function projectSettings(near: string): FoundSettings {
    let dir = resolve(near)
    try {
        if (!statSync(dir).isDirectory()) dir = dirname(dir)
    } catch {
        dir = dirname(dir)
    }
    for (;;) {
        const file = join(dir, "devicescript.json")
        if (existsSync(file)) return settingsFile(file)
        const up = dirname(dir)
        if (up === dir) break
        dir = up
    }
    const own = fromRoot("devicescript.json")
    if (existsSync(own)) return settingsFile(own)
    return {
        ...BUILTIN_SETTINGS,
        given: { board: false, world: false, hostname: false },
        worldFile: fromRoot(BUILTIN_SETTINGS.world),
    }
}

function settingsFile(file: string): FoundSettings {
    const settings = readSettings(file)
    if (settings.given.board && !boardExists(settings.board))
        throw new SettingsError(`${shownPath(file)}: board: ${unknownBoard(settings.board)}`)
    return settings
}

function boardExists(id: string): boolean {
    return existsSync(join(boardsDir(), `${id}.board.json`)) && /^[a-z0-9_]+$/.test(id)
}

function shownPath(file: string): string {
    const rel = relative(process.cwd(), file)
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file
}

function readSettings(file: string): FoundSettings {
    let raw: Partial<ProjectSettings> & { network?: Partial<ProjectSettings["network"]> }
    try {
        raw = parseJson(readFileSync(file, "utf8")) as typeof raw
    } catch (e) {
        throw new SettingsError(`${shownPath(file)}: ${(e as Error).message}`)
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new SettingsError(`${shownPath(file)}: must be an object of settings: board, world, network`)
    const known = ["$schema", "board", "world", "network", "secrets"]
    for (const k of Object.keys(raw))
        if (!known.includes(k))
            throw new SettingsError(
                `${shownPath(file)}: unknown setting "${k}"${didYouMean(k, known)} (known: board, world, network, secrets)`,
            )
    if (raw.board !== undefined && typeof raw.board !== "string")
        throw new SettingsError(`${shownPath(file)}: board must be a board id string`)
    if (raw.world !== undefined && typeof raw.world !== "string")
        throw new SettingsError(`${shownPath(file)}: world must be a path string`)
    if (raw.secrets !== undefined && (typeof raw.secrets !== "string" || raw.secrets === ""))
        throw new SettingsError(`${shownPath(file)}: secrets must be a path string (the git-ignored secrets file)`)
    if (raw.network !== undefined) {
        if (typeof raw.network !== "object" || raw.network === null || Array.isArray(raw.network))
            throw new SettingsError(`${shownPath(file)}: network must be an object: { "hostname": ... }`)
        for (const k of Object.keys(raw.network))
            if (k !== "hostname")
                throw new SettingsError(
                    `${shownPath(file)}: unknown setting "network.${k}"${didYouMean(k, ["hostname"], (s) => `"network.${s}"`)} (known: network.hostname)`,
                )
    }
    const hostname = raw.network?.hostname ?? BUILTIN_SETTINGS.network.hostname
    // the same check the script's wlan.config({ hostname }) makes (src/limits.ts)
    try {
        checkHostname(hostname, "network")
    } catch (e) {
        throw new SettingsError(`${shownPath(file)}: ${(e as Error).message}`)
    }
    const world = raw.world ?? BUILTIN_SETTINGS.world
    return {
        board: raw.board ?? BUILTIN_SETTINGS.board,
        world,
        network: { hostname },
        file,
        given: {
            board: raw.board !== undefined,
            world: raw.world !== undefined,
            hostname: raw.network?.hostname !== undefined,
        },
        // a project without a world of its own uses camscript's default world
        worldFile: raw.world !== undefined ? resolve(dirname(file), world) : fromRoot(world),
        ...(raw.secrets !== undefined
            ? { secrets: raw.secrets, secretsFile: resolve(dirname(file), raw.secrets) }
            : {}),
    }
}
