import { createHash } from "node:crypto"
import { existsSync, mkdirSync } from "node:fs"
import { basename, dirname, join, relative, resolve } from "node:path"
import { type BoardInfo, listBoards } from "../project/boards"
import { type CompiledScript, compileScript, type DebugInfo, type FirmwareKind } from "../compiler/compile"
import { stateDir } from "../project/state"
import { projectSettings } from "../project/settings"
import { readRegularFile } from "../project/files"
import { ensurePrivateDir, writePrivateFile } from "../project/destinations"

// A board program on disk: the image (file.devs) with its debug info beside
// it (file-dbg.json), which also remembers which of the user's files each
// compiled source came from, so `monitor` can map a board's errors back to
// file:line long after the build folder is gone. Both hold the script's
// strings, passwords included: they are written 0600 (an existing file's
// wider mode is not kept), a folder camscript creates for them 0700, and
// the project's .camscript/hardware/ (project/state.ts) is made 0700 whenever it is written.

export interface BoardProgram {
    image: Uint8Array
    /** SHA-256 of the image, as the board's DeviceScript manager reports it */
    sha256: string
    script: CompiledScript
    /** the .devs file, when the program was read from or written to one */
    file?: string
    /** the board the image was built for (a build says it; a .devs file's debug info may) */
    board?: string
}

/** A .devs file larger than this is not read at all (the largest program store takes 225,152 bytes). */
const MAX_IMAGE_FILE_BYTES = 4 * 1024 * 1024
/** Debug info of the largest image is a few MB; anything past this is not ours. */
const MAX_DEBUG_FILE_BYTES = 64 * 1024 * 1024

interface DebugFile extends DebugInfo {
    camscript: { board: string; sha256: string; userFiles: Record<string, string> }
}

export function imageSha256(image: Uint8Array): string {
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
    /** "run": the image says on its console when the script has finished (`camscript run`) */
    purpose: "board" | "run" = "board",
): Promise<BoardProgram> {
    const settings = projectSettings(scriptPath)
    const script = await compileScript(scriptPath, {
        board,
        hostname: settings.network.hostname,
        purpose,
        firmware,
    })
    return { image: script.image, sha256: imageSha256(script.image), script, board: board.id }
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
    return { ...program, file: out, board: board.id }
}

export class ProgramFileError extends Error {}

/**
 * Read a .devs file and its debug info (which may be missing: errors then
 * keep the VM's pc). Both through the bounded regular-file reader: a FIFO,
 * a device or an endless file is refused, not waited on or read forever; a
 * debug file that is not camscript's JSON is refused by name.
 */
export function readProgram(devsFile: string): BoardProgram {
    const file = resolve(devsFile)
    if (!existsSync(file)) throw new ProgramFileError(`${devsFile}: no such file`)
    let bytes: Buffer
    try {
        bytes = readRegularFile(file, devsFile, MAX_IMAGE_FILE_BYTES)
    } catch (e) {
        throw new ProgramFileError((e as Error).message)
    }
    const image = new Uint8Array(bytes)
    const sha256 = imageSha256(image)
    const dbgFile = debugFileFor(file)
    const script: CompiledScript = {
        image,
        dbg: { functions: [], srcmap: [], sources: [] },
        buildDir: dirname(file),
        userFiles: new Map(),
        fromCache: true,
    }
    let board: string | undefined
    if (existsSync(dbgFile)) {
        const dbg = readDebugFile(dbgFile, sha256)
        script.dbg = { functions: dbg.functions ?? [], srcmap: dbg.srcmap ?? [], sources: dbg.sources ?? [] }
        script.userFiles = new Map(Object.entries(dbg.camscript?.userFiles ?? {}))
        board = dbg.camscript?.board
    }
    return { image, sha256, script, file, board: board ?? boardNamedIn(image) }
}

/**
 * The board an image was built for, from the image itself: the build
 * compiles the board's descriptor in (src/board.ts _setBoard), so its id is
 * one of the image's NUL-terminated strings. Undefined unless exactly one
 * catalogue id is there (a script may name another board in a string).
 */
export function boardNamedIn(image: Uint8Array): string | undefined {
    const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength)
    const found = listBoards()
        .map((b) => b.id)
        .filter((id) => bytes.includes(Buffer.from(`\0${id}\0`)))
    return found.length === 1 ? found[0] : undefined
}

function readDebugFile(dbgFile: string, imageSha256: string): Partial<DebugFile> {
    const shown = relative(process.cwd(), dbgFile) || dbgFile
    const rebuild = "rebuild the image with `camscript build`, or delete the debug file to deploy without it"
    let text: string
    try {
        text = readRegularFile(dbgFile, `the debug info ${shown}`, MAX_DEBUG_FILE_BYTES).toString("utf8")
    } catch (e) {
        throw new ProgramFileError((e as Error).message)
    }
    let dbg: unknown
    try {
        dbg = JSON.parse(text)
    } catch (e) {
        throw new ProgramFileError(`the debug info ${shown} is not valid JSON (${(e as Error).message}): ${rebuild}`)
    }
    const d = dbg as Partial<DebugFile> | null
    const ok =
        d !== null &&
        typeof d === "object" &&
        !Array.isArray(d) &&
        (d.functions === undefined || Array.isArray(d.functions)) &&
        (d.srcmap === undefined || Array.isArray(d.srcmap)) &&
        (d.sources === undefined || Array.isArray(d.sources)) &&
        (d.camscript === undefined ||
            (typeof d.camscript === "object" &&
                d.camscript !== null &&
                typeof d.camscript.board === "string" &&
                typeof d.camscript.sha256 === "string" &&
                typeof d.camscript.userFiles === "object"))
    if (!ok) throw new ProgramFileError(`the debug info ${shown} is not a DeviceScript debug file: ${rebuild}`)
    if (d.camscript && d.camscript.sha256 !== imageSha256)
        throw new ProgramFileError(
            `the debug info ${shown} belongs to another image (sha256 ${d.camscript.sha256.slice(0, 16)}…, ` +
                `the image is ${imageSha256.slice(0, 16)}…): ${rebuild}`,
        )
    return d
}

// ---- the last program built or deployed, for `monitor`

const HARDWARE_DIR = () => stateDir("hardware")
const LAST = () => join(HARDWARE_DIR(), "last-program.json")

export function rememberProgram(program: BoardProgram): void {
    if (!program.file) return
    ensurePrivateDir(HARDWARE_DIR())
    writePrivateFile(LAST(), JSON.stringify({ file: program.file, sha256: program.sha256 }))
}

/** Where `build` (without -o) and `deploy` keep a script's image: .camscript/hardware/<board>/<script>.devs */
export function boardImagePath(script: string, board: BoardInfo): string {
    return join(HARDWARE_DIR(), board.id, `${basename(script, ".ts")}.devs`)
}

/** The program last built or deployed from this project, if its files are still there. */
export function lastProgram(): BoardProgram | undefined {
    if (!existsSync(LAST())) return undefined
    try {
        const { file } = JSON.parse(readRegularFile(LAST(), LAST(), 64 * 1024).toString("utf8")) as { file: string }
        return existsSync(file) ? readProgram(file) : undefined
    } catch {
        return undefined
    }
}

/** A program for the board from a .ts script (compiled) or a .devs file (read). */
export async function loadProgram(
    input: string,
    board: BoardInfo,
    firmware?: FirmwareKind,
    purpose: "board" | "run" = "board",
): Promise<BoardProgram> {
    if (input.endsWith(".devs")) return readProgram(input)
    if (!input.endsWith(".ts")) throw new ProgramFileError(`${input}: expected a script (.ts) or a built image (.devs)`)
    const built = await buildForBoard(input, board, firmware, purpose)
    // deployed scripts keep their image and debug info in the project, for monitor
    const out = boardImagePath(input, board)
    return writeProgram(built, out, board)
}
