import { createHash } from "node:crypto"
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { Script } from "node:vm"
import { fromRoot } from "../project/paths"
import { installBuildShortcuts } from "./build-shortcuts"
import { installSubsetCheck } from "./subset"

// The pinned DeviceScript compiler, loaded once per process and called
// in-process. Starting the CLI for every build cost about 2.2 s of CPU just to
// load its 28 MB bundle; here the bundle is loaded once, through V8's code
// cache (about half the load time), and each build is a function call.
//
// `tools/postinstall.mjs` writes a copy of the CLI bundle that also exports
// its compiler module and its service-spec reader; the build itself is the
// CLI's (same compiler, same options, same service specs), so an image built
// here is byte for byte the one `devicescript build` writes.

/** A source tree for one build: paths relative to the build's root, as the compiler sees them. */
export interface SourceTree {
    /** "src/main.ts" and every file that is not on disk under the project */
    files: Map<string, string>
    /** the entry module, e.g. "src/main.ts" */
    main: string
}

export interface CompilerOutput {
    ok: boolean
    binary?: Uint8Array
    /** the compiler's debug info (functions, source map, sources), as JSON text */
    dbgJson?: string
    /** the compiler's messages, `file(line,col): error TSxxxx: text` one per line */
    diagnostics: string[]
}

interface Diagnostic {
    messageText: unknown
}

interface CompilerModule {
    compileWithHost(
        main: string,
        host: object,
    ): {
        success: boolean
        binary?: Uint8Array
        dbg?: Record<string, unknown>
        diagnostics: Diagnostic[]
    }
    resolveBuildConfig(cfg: object): object
    formatDiagnostics(diags: Diagnostic[], basic: boolean): string
}

interface Internals {
    compiler: CompilerModule
    compileServiceSpecs(dir: string, cfg: { hwInfo: object; addServices?: object[] }, errors: unknown[]): void
}

const LIB = ".camscript/compiler/devicescript-compiler.cjs"
const CODE_CACHE = ".camscript/compiler/devicescript-compiler.cache"

let loaded: { internals: Internals; cacheFresh: boolean; script: Script } | undefined
let buildConfig: { key: string; config: object } | undefined

/** Load the compiler now (a compile server's process does, before its first build). */
export function loadCompiler() {
    load()
}

function load() {
    if (loaded) return loaded
    const file = fromRoot(LIB)
    if (!existsSync(file))
        throw new Error(`${LIB} is missing: run \`npm ci\` (or \`npm install\`) in the camscript folder`)
    const source = readFileSync(file, "utf8")
    let cachedData: Buffer | undefined
    try {
        cachedData = readFileSync(fromRoot(CODE_CACHE))
    } catch {
        cachedData = undefined
    }
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
        filename: file,
        cachedData,
    })
    const wrapper = script.runInThisContext() as (
        e: object,
        r: NodeJS.Require,
        m: { exports: Record<string, unknown> },
        f: string,
        d: string,
    ) => void
    const mod = { exports: {} as Record<string, unknown> }
    // the bundle requires only Node's built-ins and its optional serialport
    wrapper(mod.exports, require, mod, file, dirname(file))
    const internals = mod.exports.camscriptInternals as Internals | undefined
    if (!internals) throw new Error(`${LIB} does not export the compiler: run \`npm ci\` in the camscript folder`)
    const ts = (internals.compiler as unknown as { camscriptTypeScript?: Parameters<typeof installBuildShortcuts>[0] })
        .camscriptTypeScript
    if (!ts) throw new Error(`${LIB} does not export TypeScript: run \`npm ci\` in the camscript folder`)
    installBuildShortcuts(ts)
    installSubsetCheck(ts as unknown as Parameters<typeof installSubsetCheck>[0])
    loaded = { internals, cacheFresh: cachedData !== undefined && !script.cachedDataRejected, script }
    return loaded
}

/** After the first build, V8 has compiled the compiler's hot functions: keep them for the next process. */
function saveCodeCache() {
    if (!loaded || loaded.cacheFresh) return
    loaded.cacheFresh = true
    try {
        const target = fromRoot(CODE_CACHE)
        const tmp = `${target}.tmp-${process.pid}`
        writeFileSync(tmp, loaded.script.createCachedData())
        renameSync(tmp, target)
    } catch {
        // a read-only install still compiles, only slower to start
    }
}

/** The services/*.md of the project, read once per content (the build config depends on nothing else). */
function config(internals: Internals): object {
    const dir = fromRoot("services")
    const h = createHash("sha256")
    for (const name of [
        "wifi-station.md",
        "wifi-access-point.md",
        "ethernet.md",
        "camera.md",
        "camera-server.md",
        "board-power.md",
    ]) {
        const p = `${dir}/${name}`
        if (existsSync(p)) h.update(name).update(readFileSync(p))
    }
    const key = h.digest("hex")
    if (buildConfig?.key === key) return buildConfig.config
    const lcfg = { hwInfo: {} }
    const errors: unknown[] = []
    internals.compileServiceSpecs(fromRoot(), lcfg, errors)
    if (errors.length) throw new Error(`services/*.md do not parse: ${JSON.stringify(errors)}`)
    buildConfig = { key, config: internals.compiler.resolveBuildConfig(lcfg) }
    return buildConfig.config
}

/**
 * Compile a source tree. Paths the compiler asks for resolve, in order: the
 * tree's own files, the compiler's bundled libraries (`@devicescript/*`, held
 * in memory), `node_modules/camscript/...` (this project), nothing else.
 */
export function compileTree(tree: SourceTree): CompilerOutput {
    const { internals } = load()
    const cfg = config(internals)
    const errors: Diagnostic[] = []
    const written = new Map<string, string | Uint8Array>()
    const host = {
        write: (fn: string, content: string | Uint8Array) => written.set(fn, content),
        read: (fn: string): string => {
            const path = fn.replace(/^\.\//, "")
            const own = tree.files.get(path)
            if (own !== undefined) return own
            // this project's own files; its node_modules are not a package's to
            // reach into (the compiler's libraries come from memory, below the root)
            const m = /^node_modules\/camscript\/(.+)$/.exec(path)
            if (m && !m[1].startsWith("node_modules/") && !m[1].split("/").includes(".."))
                return readFileSync(fromRoot(m[1]), "utf8")
            throw new Error(`not found: ${fn}`)
        },
        resolvePath: (fn: string) => fn,
        relativePath: (fn: string) => fn,
        log: () => {},
        isBasicOutput: () => true,
        error: (d: Diagnostic) => errors.push(d),
        getFlags: () => ({}),
        getConfig: () => cfg,
        verifyBytecode: () => {},
    }
    // the compiler prints its own internals (disassembly of code it could not
    // lower) on the console; the user gets the diagnostics, not those
    const saved = { log: console.log, error: console.error, debug: console.debug, warn: console.warn }
    console.log = console.error = console.debug = console.warn = () => {}
    let res: ReturnType<CompilerModule["compileWithHost"]>
    try {
        res = internals.compiler.compileWithHost(tree.main, host)
    } finally {
        Object.assign(console, saved)
    }
    const diagnostics = errors.length
        ? internals.compiler
              .formatDiagnostics(errors, true)
              .split("\n")
              .filter((l) => l.trim())
        : []
    if (!res.success || !res.binary || !res.dbg) return { ok: false, diagnostics }
    // as the CLI does: the image's hash travels in its debug info
    res.dbg.binarySHA256 = createHash("sha256").update(res.binary).digest("hex")
    saveCodeCache()
    return { ok: true, binary: res.binary, dbgJson: JSON.stringify(res.dbg), diagnostics }
}
