import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import type { BoardInfo } from "../project/boards"
import { type CompiledScript, compileScript, type DebugInfo, type FirmwareKind } from "../compiler/compile"
import { fromRoot } from "../project/paths"
import { projectSettings } from "../project/settings"
import { ensurePrivateDir, writePrivateFile } from "../project/destinations"

// A board program on disk: the image (file.devs) with its debug info beside
// it (file-dbg.json), which also remembers which of the user's files each
// compiled source came from, so `monitor` can map a board's errors back to
// file:line long after the build folder is gone. Both hold the script's
// strings, passwords included: they are written 0600 (an existing file's
// wider mode is not kept), a folder camscript creates for them 0700, and
// camscript's own .camscript/hardware/ is made 0700 whenever it is written.

export interface BoardProgram {
    image: Uint8Array
    /** SHA-256 of the image, as the board's DeviceScript manager reports it */
    sha256: string
    script: CompiledScript
    /** the .devs file, when the program was read from or written to one */
    file?: string
}

interface DebugFile extends DebugInfo {
    camscript: { board: string; sha256: string; userFiles: Record<string, string> }
}

function imageSha256(image: Uint8Array): string {
    return createHash("sha256").update(image).digest("hex")
}

export function debugFileFor(devsFile: string): string {
    return join(dirname(devsFile), `${basename(devsFile).replace(/\.devs$/, "")}-dbg.json`)
}

/** Compile a script as a board image (no end-of-script marker, the board's configuration compiled in). */
export async function buildForBoard(
    scriptPath: string,
    board: BoardInfo,
    firmware?: FirmwareKind,
): Promise<BoardProgram> {
    const settings = projectSettings(scriptPath)
    const script = await compileScript(scriptPath, {
        board,
        hostname: settings.network.hostname,
        purpose: "board",
        firmware,
    })
    return { image: script.image, sha256: imageSha256(script.image), script }
}

export function writeProgram(program: BoardProgram, devsFile: string, board: BoardInfo): BoardProgram {
    const out = resolve(devsFile)
    // only folders it creates: the user's own folder keeps its mode
    if (out.startsWith(HARDWARE_DIR() + "/")) ensurePrivateDir(dirname(out))
    else mkdirSync(dirname(out), { recursive: true, mode: 0o700 })
    writePrivateFile(out, program.image)
    const dbg: DebugFile = {
        ...program.script.dbg,
        camscript: {
            board: board.id,
            sha256: program.sha256,
            userFiles: Object.fromEntries(program.script.userFiles),
        },
    }
    writePrivateFile(debugFileFor(out), JSON.stringify(dbg))
    return { ...program, file: out }
}

export class ProgramFileError extends Error {}

/** Read a .devs file and its debug info (which may be missing: errors then keep the VM's pc). */
export function readProgram(devsFile: string): BoardProgram {
    const file = resolve(devsFile)
    if (!existsSync(file)) throw new ProgramFileError(`${devsFile}: no such file`)
    const image = new Uint8Array(readFileSync(file))
    const sha256 = imageSha256(image)
    const dbgFile = debugFileFor(file)
    const script: CompiledScript = {
        image,
        dbg: { functions: [], srcmap: [], sources: [] },
        buildDir: dirname(file),
        userFiles: new Map(),
        fromCache: true,
    }
    if (existsSync(dbgFile)) {
        const dbg = JSON.parse(readFileSync(dbgFile, "utf8")) as Partial<DebugFile>
        script.dbg = { functions: dbg.functions ?? [], srcmap: dbg.srcmap ?? [], sources: dbg.sources ?? [] }
        script.userFiles = new Map(Object.entries(dbg.camscript?.userFiles ?? {}))
    }
    return { image, sha256, script, file }
}

// ---- the last program built or deployed, for `monitor`

const HARDWARE_DIR = () => fromRoot(".camscript/hardware")
const LAST = () => join(HARDWARE_DIR(), "last-program.json")

export function rememberProgram(program: BoardProgram): void {
    if (!program.file) return
    ensurePrivateDir(HARDWARE_DIR())
    writePrivateFile(LAST(), JSON.stringify({ file: program.file, sha256: program.sha256 }))
}

/** The program last built or deployed from this project, if its files are still there. */
export function lastProgram(): BoardProgram | undefined {
    if (!existsSync(LAST())) return undefined
    try {
        const { file } = JSON.parse(readFileSync(LAST(), "utf8")) as { file: string }
        return existsSync(file) ? readProgram(file) : undefined
    } catch {
        return undefined
    }
}

/** A program for the board from a .ts script (compiled) or a .devs file (read). */
export async function loadProgram(input: string, board: BoardInfo, firmware?: FirmwareKind): Promise<BoardProgram> {
    if (input.endsWith(".devs")) return readProgram(input)
    if (!input.endsWith(".ts")) throw new ProgramFileError(`${input}: expected a script (.ts) or a built image (.devs)`)
    const built = await buildForBoard(input, board, firmware)
    // deployed scripts keep their image and debug info in the project, for monitor
    const out = join(HARDWARE_DIR(), `${basename(input, ".ts")}.devs`)
    return writeProgram(built, out, board)
}
