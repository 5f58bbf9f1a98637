import { createHash } from "node:crypto"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { type BoardInfo, listBoards } from "../project/boards"
import { interfacesConstructed } from "./interface-use"
import { largestImage, runtimeFor } from "../project/runtime"
import { codeProblem, devsCodeEnd } from "../formats/devs-image"
import { BuildCache, cacheDir } from "./cache"
import { readRegularFile } from "../project/files"
import { compileTreeShared } from "./compile-server"
import { fromRoot } from "../project/paths"
import { literalRedactor } from "./redact"
import { camscriptImports, trimmedEntry } from "./library-trim"

// Compiles a user's script to a DeviceScript image (.devs) with the pinned
// compiler, in-process. The script may live anywhere on disk: it and the
// files it imports relatively are read once, placed under src/user/ of a
// build tree held in memory, next to a generated entry module, so that
// `import ... from "camscript"` resolves to this project's src/. Builds are
// cached by content (compiler/cache.ts); nothing else is written.

/** The entry ends the program with this panic code once the script's top level has finished and nothing is pending (src/pending.ts). */
export const TOP_LEVEL_DONE_PANIC = 7077

/** Compiler messages shown for one failed build. */
const MAX_DIAGNOSTICS = 40

/** The largest source file a script (or a file it imports) may be. */
export const MAX_SOURCE_BYTES = 1024 * 1024

export interface DebugInfo {
    functions: { name: string; startpc: number; size: number }[]
    srcmap: number[]
    sources: { path: string; length: number; text: string }[]
}

export interface CompiledScript {
    image: Uint8Array
    dbg: DebugInfo
    /** the cache entry holding the image and its debug info */
    buildDir: string
    /** path (in the build tree) -> the user's file it was copied from */
    userFiles: Map<string, string>
    fromCache: boolean
}

export class CompileError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "CompileError"
    }
}

/** The script compiled, but its code passes what the VM takes (formats/devs-image.ts codeProblem). */
export class CodeTooLargeError extends CompileError {}

/** The script (or a file it imports) cannot be read as a script: a usage error. */
export class ScriptFileError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "ScriptFileError"
    }
}

/**
 * Read a source file: a regular file, at most MAX_SOURCE_BYTES, UTF-8. A
 * folder, a device, a FIFO or an endless file is refused instead of read
 * (or waited on): project/files.ts.
 */
export function readSourceFile(path: string, shown = path): string {
    try {
        const st = statSync(path)
        if (st.isDirectory()) throw new ScriptFileError(`${shown}: is a folder; give the script's .ts file`)
    } catch (e) {
        if (e instanceof ScriptFileError) throw e
        const code = (e as NodeJS.ErrnoException).code
        if (code === "ENOENT") throw new ScriptFileError(`${shown}: no such file`)
        // anything else is for the read below to say
    }
    let bytes: Buffer
    try {
        bytes = readRegularFile(path, shown, MAX_SOURCE_BYTES)
    } catch (e) {
        throw new ScriptFileError((e as Error).message)
    }
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    } catch {
        throw new ScriptFileError(`${shown}: is not valid UTF-8 text`)
    }
}

const IMPORT_RE = /(?:import|export)\s[^;'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\s*["'](\.{1,2}\/[^"']+)["']/g

function isFile(path: string): boolean {
    try {
        return statSync(path).isFile()
    } catch {
        return false
    }
}

function resolveImport(fromFile: string, spec: string): string | undefined {
    const base = resolve(dirname(fromFile), spec)
    for (const cand of [base, `${base}.ts`, join(base, "index.ts")])
        if (cand.endsWith(".ts") && isFile(cand)) return cand
    return undefined
}

/** The script and every .ts file it reaches through relative imports, read once. */
function collectFiles(entry: string, shown: string): Map<string, string> {
    const texts = new Map<string, string>([[entry, readSourceFile(entry, shown)]])
    const queue = [entry]
    while (queue.length) {
        const file = queue.shift()!
        for (const m of texts.get(file)!.matchAll(IMPORT_RE)) {
            const target = resolveImport(file, m[1] ?? m[2])
            if (target && !texts.has(target)) {
                texts.set(target, readSourceFile(target, relative(process.cwd(), target) || target))
                queue.push(target)
            }
        }
    }
    return texts
}

function commonDir(files: string[]): string {
    let dir = dirname(files[0])
    while (!files.every((f) => f.startsWith(dir + sep))) dir = dirname(dir)
    return dir
}

function projectSourcesHash(h: ReturnType<typeof createHash>, dir: string) {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(dir, name.name)
        if (name.isDirectory()) projectSourcesHash(h, p)
        else if (/\.(ts|md)$/.test(name.name)) h.update(p).update(readFileSync(p))
    }
}

/** The line a `camscript run` image prints once its script has finished (top level returned, nothing pending). */
export const RUN_FINISHED_LINE = "camscript run: the script finished"

/** The generated entry: sets the board, then `run` (the user's script), then says it finished. */
export function entrySource(run: string, purpose: BuildPurpose): string {
    // on a board a non-zero panic restarts the program a few seconds later:
    // only the simulator's image ends with the end-of-script marker; a
    // `camscript run` image says so on its console instead, and then idles
    // src/pending.ts counts the script's handlers and timers from the start
    const end =
        purpose === "sim"
            ? ["await _untilIdle()", `ds._panic(${TOP_LEVEL_DONE_PANIC})`]
            : purpose === "run"
              ? ["await _untilIdle()", `console.log(${JSON.stringify(RUN_FINISHED_LINE)})`]
              : []
    return [
        `// generated by camscript: sets the board, runs the user's script${purpose === "board" ? "" : ", then, once nothing is pending, says it finished"}`,
        'import * as ds from "@devicescript/core"',
        'import { _untilIdle } from "camscript/src/pending"',
        'import "./board.g"',
        run,
        ...end,
        "",
    ].join("\n")
}

/**
 * "sim": the simulator's image (ends with TOP_LEVEL_DONE_PANIC); "board": the image deployed to a board;
 * "run": a board image that prints RUN_FINISHED_LINE once the script has finished (`camscript run`).
 */
type BuildPurpose = "sim" | "board" | "run"

/** The runtime an image is built for: camscript's firmware, or the stock DeviceScript ESP32 firmware. */
export type FirmwareKind = "camscript" | "stock"
export const FIRMWARE_KINDS: readonly FirmwareKind[] = ["camscript", "stock"]

/** What a build is for: the board, and network defaults from devicescript.json. */
export interface BuildTarget {
    board: BoardInfo
    hostname: string
    /** default "sim" */
    purpose?: BuildPurpose
    /** default "camscript" */
    firmware?: FirmwareKind
    /**
     * Library files (paths from the project root, "src/index.ts") compiled
     * with this text instead of the file's: for tests that measure what a
     * module costs a script by building the image without it
     * (test/camera-heap.test.ts).
     */
    libraryText?: Record<string, string>
}

/** The board as the bytecode sees it (src/board.ts BoardDescriptor). */
export function boardDescriptor(target: BuildTarget) {
    const { board, hostname } = target
    const eth = board.camscript.ethernet
    const noSpi = { host: -1, sclk: -1, mosi: -1, miso: -1, cs: -1, int: -1 }
    const ethernet = !eth
        ? undefined
        : eth.bus === "rmii"
          ? {
                phy: eth.phy,
                bus: eth.bus,
                phyAddress: eth.phyAddress,
                mdcPin: eth.mdcPin,
                mdioPin: eth.mdioPin,
                clockMode: eth.clockMode,
                powerPin: eth.powerPin ?? -1,
                spi: noSpi,
            }
          : {
                phy: eth.phy,
                bus: eth.bus,
                phyAddress: 0,
                mdcPin: -1,
                mdioPin: -1,
                clockMode: "",
                powerPin: eth.powerPin ?? -1,
                spi: {
                    host: eth.spi.host,
                    sclk: eth.spi.sclk,
                    mosi: eth.spi.mosi,
                    miso: eth.spi.miso,
                    cs: eth.spi.cs,
                    int: eth.spi.int,
                },
            }
    const firmware = target.firmware ?? "camscript"
    const cam = board.camscript.camera
    // services/camera.md set_pins order
    const camera =
        cam.sensor === null
            ? undefined
            : {
                  sensor: cam.sensor,
                  pins: CAMERA_PIN_ORDER.map((signal) => cam.pins[signal]),
                  flashPin: cam.flashPin ?? -1,
              }
    return {
        id: board.id,
        name: board.name,
        interfaces: board.interfaces,
        hostname,
        ethernet,
        firmware,
        camera,
        psramBytes: board.camscript.psramBytes,
        // one string: an image holds its own board's id as the only id-shaped string (usb/program.ts boardNamedIn)
        boardsWithCamera: camera ? undefined : boardsWithCamera().join(", "),
    }
}

/** The camera's signals in the order of services/camera.md's set_pins. */
export const CAMERA_PIN_ORDER = [
    "pwdn",
    "reset",
    "xclk",
    "siod",
    "sioc",
    "d0",
    "d1",
    "d2",
    "d3",
    "d4",
    "d5",
    "d6",
    "d7",
    "vsync",
    "href",
    "pclk",
] as const

let cameraBoards: string[] | undefined
/** The catalogue's boards with a camera sensor (read once). */
function boardsWithCamera(): string[] {
    cameraBoards ??= listBoards()
        .filter((b) => b.camscript.camera.sensor !== null)
        .map((b) => b.id)
    return cameraBoards
}

function boardSource(target: BuildTarget): string {
    const board = `import { _setBoard } from "camscript/src/board"\n_setBoard(${JSON.stringify(boardDescriptor(target))})\n`
    // only an image for the stock firmware carries the station over its Wi-Fi service
    if (target.firmware !== "stock") return board
    return `${board}import { installStockStation } from "camscript/src/network/stock-station"\ninstallStockStation()\n`
}

/** Turn compiler diagnostics about build-folder paths back into the user's paths. */
function userDiagnostics(output: string, userFiles: Map<string, string>): string {
    const lines = output
        .split("\n")
        .filter((l) => l.trim() && !/^fatal: |^using devs:/.test(l))
        .map((l) => {
            for (const [inBuild, original] of userFiles) {
                if (l.includes(inBuild)) return l.split(inBuild).join(relative(process.cwd(), original) || original)
            }
            return l
        })
    return lines.join("\n")
}

/** What DeviceScript's "'await' missing" means on a line that does await (its compiler wants the call right after `await`). */
export const AWAIT_NOT_DIRECT =
    "'await' is written here, but DeviceScript awaits only a call written right after it: not one in parentheses, " +
    "in a condition (a ? f() : g()), or chained (.then/.catch do not exist here); write `await f()` on its own " +
    "(if (a) await f(); else await g())"

/**
 * DeviceScript's compiler says "'await' missing" for `await (f())`,
 * `await (a ? f() : g())` and `await f().then(...)`, where the script does
 * await: on such a line the message is replaced by what the compiler
 * really wants, once per line, and dropped where another message on the
 * line already says what is wrong (`Property 'then' does not exist`).
 */
function explainAwaitMissing(diagnostics: string[], source: (inBuild: string) => string | undefined): string[] {
    const at = (d: string) => /^(.*?)\((\d+),(\d+)\): /.exec(d)
    const others = new Set(
        diagnostics
            .filter((d) => !d.endsWith("'await' missing"))
            .map((d) => {
                const m = at(d)
                return m ? `${m[1]}:${m[2]}` : ""
            }),
    )
    const explained = new Set<string>()
    const out: string[] = []
    for (const d of diagnostics) {
        const m = d.endsWith("'await' missing") ? at(d) : null
        const line = m ? source(m[1])?.split("\n")[Number(m[2]) - 1] : undefined
        if (!m || line === undefined || !/\bawait\b/.test(line)) {
            out.push(d)
            continue
        }
        const key = `${m[1]}:${m[2]}`
        if (others.has(key) || explained.has(key)) continue
        explained.add(key)
        out.push(d.replace(/'await' missing$/, AWAIT_NOT_DIRECT))
    }
    return out
}

/** The build cache at CAMSCRIPT_CACHE_DIR (or the default), read at each build: a test may point it elsewhere. */
let openCache: BuildCache | undefined
function buildCache(): BuildCache {
    const dir = cacheDir()
    if (openCache?.dir !== dir) openCache = new BuildCache(dir)
    return openCache
}
let cacheWarned = false

function cacheProblem(e: unknown): undefined {
    if (!cacheWarned) {
        cacheWarned = true
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message
        // only a folder the user cannot write calls for another folder
        const elsewhere = ["EACCES", "EPERM", "EROFS", "ENOTDIR", "ENOSPC", "EDQUOT"].includes(code)
        process.stderr.write(
            `camscript: the build cache at ${buildCache().dir} cannot be used (${code}); compiling without it` +
                (elsewhere ? " (set CAMSCRIPT_CACHE_DIR to a folder you can write)\n" : "\n"),
        )
    }
    return undefined
}

export async function compileScript(scriptPath: string, target: BuildTarget): Promise<CompiledScript> {
    const { texts, root, entry } = readScript(scriptPath, target)
    const userEntry = relative(root, entry).split(sep).join("/").replace(/\.ts$/, "")
    return buildCached(
        target,
        texts,
        new Map([["src/user/", root]]),
        entrySource(`import "./user/${userEntry}"`, target.purpose ?? "sim"),
    )
}

/** A script's files, read once (the entry and what it imports relatively), checked for the board. */
export function readScript(
    scriptPath: string,
    target: BuildTarget,
): { texts: Map<string, string>; root: string; entry: string } {
    const entry = resolve(scriptPath)
    if (!entry.endsWith(".ts"))
        throw new ScriptFileError(`${scriptPath}: a camscript script is a TypeScript file (.ts)`)
    const texts = collectFiles(entry, scriptPath)
    // the simulator reports a missing interface when the script reaches it; a board build refuses it now
    if ((target.purpose ?? "sim") !== "sim") refuseMissingInterfaces(texts, target.board)
    return { texts, root: commonDir([...texts.keys()]), entry }
}

/**
 * Build (or take from the cache) an image of the user's files `texts`, each
 * placed in the build tree under the folder its own folder maps to
 * (`folders`: build folder -> the user's folder), with `main` as the
 * generated entry (entrySource).
 */
export async function buildCached(
    target: BuildTarget,
    texts: Map<string, string>,
    folders: Map<string, string>,
    main: string,
): Promise<CompiledScript> {
    const purpose = target.purpose ?? "sim"
    const userFiles = new Map<string, string>()
    const tree = new Map<string, string>()
    for (const [folder, root] of folders)
        for (const [f, text] of texts) {
            if (!f.startsWith(root + sep)) continue
            const inBuild = `${folder}${relative(root, f).split(sep).join("/")}`
            userFiles.set(inBuild, f)
            tree.set(inBuild, text)
        }

    const h = createHash("sha256")
    // the entry says what the image is for (a board build has no end-of-script marker)
    h.update(JSON.stringify({ format: 5, board: boardDescriptor(target), purpose }))
    h.update(main)
    for (const [inBuild, text] of [...tree].sort(([a], [b]) => a.localeCompare(b))) h.update(inBuild).update(text)
    projectSourcesHash(h, fromRoot("src"))
    projectSourcesHash(h, fromRoot("services"))
    // the modules the script does not import stay out of the image (compiler/library-trim.ts)
    const libraryText = { ...target.libraryText }
    if (libraryText["src/index.ts"] === undefined) {
        const entry = trimmedEntry(
            readRegularFile(fromRoot("src/index.ts"), "camscript's src/index.ts", MAX_SOURCE_BYTES).toString("utf8"),
            camscriptImports(texts.values()),
        )
        if (entry !== undefined) libraryText["src/index.ts"] = entry
    }
    h.update(JSON.stringify(libraryText))
    const key = h.digest("hex").slice(0, 16)

    tree.set("src/board.g.ts", boardSource(target))
    tree.set("src/main.ts", main)
    for (const [path, text] of Object.entries(libraryText)) tree.set(`node_modules/camscript/${path}`, text)

    const result = (b: { image: Uint8Array; dbgJson: string; dir: string }, fromCache: boolean): CompiledScript => ({
        image: b.image,
        dbg: JSON.parse(b.dbgJson) as DebugInfo,
        buildDir: b.dir,
        userFiles,
        fromCache,
    })
    const cached = (() => {
        try {
            return buildCache().get(key)
        } catch (e) {
            return cacheProblem(e)
        }
    })()
    if (cached) return checkedSize(result(cached, true), target)

    let release: (() => void) | undefined
    try {
        release = await buildCache().lock(key)
    } catch (e) {
        cacheProblem(e)
    }
    try {
        // another process may have built it while we waited
        const built = release ? buildCache().get(key) : undefined
        if (built) return checkedSize(result(built, true), target)
        const out = await compileTreeShared({ files: tree, main: "src/main.ts" })
        if (!out.ok || !out.binary || !out.dbgJson) {
            // the first ones say what is wrong; hundreds (a Node file given as the script) say nothing more
            // every line of a message, continuation lines too; only the user's own literals (compiler/redact.ts)
            const redact = literalRedactor(texts.values())
            const diagnostics = explainAwaitMissing(out.diagnostics, (inBuild) => tree.get(inBuild))
            const shown = diagnostics.slice(0, MAX_DIAGNOSTICS).map((d) => d.split("\n").map(redact).join("\n"))
            if (diagnostics.length > MAX_DIAGNOSTICS) shown.push(`... and ${diagnostics.length - MAX_DIAGNOSTICS} more`)
            const text = userDiagnostics(shown.join("\n"), userFiles)
            throw new CompileError(text || "the DeviceScript compiler failed without a message")
        }
        let dir = ""
        if (release) {
            try {
                dir = buildCache().put(key, { image: out.binary, dbgJson: out.dbgJson })
            } catch (e) {
                cacheProblem(e)
            }
        }
        return checkedSize(result({ image: out.binary, dbgJson: out.dbgJson, dir }, false), target)
    } finally {
        release?.()
    }
}

/**
 * The image must fit the program store of the runtime it is for (the
 * simulator plays the same runtime), and its code the VM's 16-bit function
 * offsets: refused here rather than by the VM or the board later (a real
 * runtime ignores or panics on a larger image, and its verifier refuses the
 * code with a bare number, 1051).
 */
function checkedSize(script: CompiledScript, target: BuildTarget): CompiledScript {
    const runtime = runtimeFor(target.firmware)
    const largest = largestImage(runtime)
    const size = script.image.length
    if (size > largest) {
        const n = (x: number) => x.toLocaleString("en-US")
        throw new CompileError(
            `the compiled image is ${n(size)} bytes, but the board's runtime (DeviceScript ${runtime.version.major}.${runtime.version.minor}, ` +
                `devicescript-esp32 ${runtime.devicescriptEsp32.tag}) keeps at most ${n(largest)} bytes in its program store: ` +
                "make the script smaller (fewer or shorter functions and strings)",
        )
    }
    const code = codeProblem(devsCodeEnd(script.image) ?? 0)
    if (code) throw new CodeTooLargeError(`the compiled image cannot run: ${code}`)
    return script
}

function refuseMissingInterfaces(texts: Map<string, string>, board: BoardInfo): void {
    for (const [file, text] of texts) {
        for (const use of interfacesConstructed(text)) {
            if (board.interfaces.includes(use.iface)) continue
            const having = listBoards()
                .filter((b) => b.interfaces.includes(use.iface))
                .map((b) => b.id)
            const what = use.iface === "lan" ? "Ethernet (lan)" : "Wi-Fi (wlan)"
            const shown = relative(process.cwd(), file) || file
            throw new CompileError(
                `${shown}:${use.line}:${use.column}: ${use.text} needs ${what}, which board ${board.id} (${board.name}) does not have ` +
                    `(it has: ${board.interfaces.join(", ") || "none"}). Boards with ${what}: ${having.join(", ") || "none"}`,
            )
        }
    }
}

/** Empty the build cache (`camscript clean`). */
export function cleanBuildCache(): { dir: string; entries: number; bytes: number } {
    const cache = buildCache()
    return { dir: cache.dir, ...cache.clean() }
}
