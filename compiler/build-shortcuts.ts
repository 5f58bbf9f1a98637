// Work a build can skip, hooked into the compiler's own TypeScript (exported
// by the copy tools/postinstall.mjs writes). Each build still makes a new
// TypeScript program, and the image is byte for byte the same
// (test/compile-speed.test.ts). Together they halve the CPU of a build.
//
// - Library files are not type-checked again. They are checked by
//   `npm run typecheck` when camscript is built, and a script cannot change
//   them; the script's own files are checked in full, and the checker still
//   resolves every library type the script uses. Measured: type-checking
//   the library was about 40% of every build.
// - The fully qualified name of a symbol is asked once per program. The
//   DeviceScript emitter asks it for every identifier it lowers, and
//   TypeScript prints it afresh each time (about 15% of a build).
// - The library's files are parsed and bound once per process, not once per
//   build (as TypeScript's language service reuses unchanged SourceFiles
//   across programs): about a fifth of a warm build. A file is reused only
//   while its text is the same. The DeviceScript compiler keeps per-build
//   state on syntax nodes and symbols (four properties: a folded constant,
//   a constant's value, a variable's cell, a file's index in the debug
//   info); they are cleared from a file before it is reused, so each build
//   starts as on a freshly parsed file.

type AnyFn = (...args: any[]) => any

interface TypeScriptModule {
    createProgram: AnyFn
    forEachChild: AnyFn
}

interface SourceFileLike {
    fileName: string
}

interface CompilerHostLike {
    getSourceFile: AnyFn
    readFile(fileName: string): string | undefined
}

/** What the DeviceScript compiler writes on nodes, symbols and files during a build (devicescript compiler/src/compiler.ts). */
const BUILD_STATE_ON_NODES = ["__ds_folded", "__ds_const_val"] as const
const BUILD_STATE_ON_SYMBOLS = ["__ds_cell"] as const
const BUILD_STATE_ON_FILES = ["__ds_srcidx", "__ds_srcoffset"] as const

type Bag = Record<string, unknown>

function clearSymbol(symbol: Bag | undefined) {
    if (!symbol) return
    for (const p of BUILD_STATE_ON_SYMBOLS) if (p in symbol) delete symbol[p]
}

/** Clear a previous build's state from a parsed file, its nodes and the symbols its binder made. */
function clearBuildState(ts: TypeScriptModule, file: Bag) {
    for (const p of BUILD_STATE_ON_FILES) if (p in file) delete file[p]
    const visit = (node: Bag) => {
        for (const p of BUILD_STATE_ON_NODES) if (p in node) delete node[p]
        clearSymbol(node.symbol as Bag | undefined)
        const locals = node.locals as Map<string, Bag> | undefined
        if (locals) for (const s of locals.values()) clearSymbol(s)
        ts.forEachChild(node, visit)
    }
    visit(file)
}

/** Parsed (and, once a build has run, bound) library files, by name: reused while their text is the same. */
const parsed = new Map<string, { text: string; languageVersion: string; file: Bag }>()

/** Files a script cannot change: camscript's own modules and the DeviceScript core typings. */
function isLibraryFile(fileName: string): boolean {
    return /(^|\/)node_modules\/(camscript|@devicescript\/core)\//.test(fileName)
}

let installed: TypeScriptModule | undefined
let enabled = true

/** Turn the shortcuts off (and on again): for the test that they change nothing but time. */
export function useBuildShortcuts(on: boolean) {
    enabled = on
}

/** Whether builds in this process take the shortcuts (its compiles sent to the compile server say so). */
export function buildShortcutsOn(): boolean {
    return enabled
}

export function installBuildShortcuts(ts: TypeScriptModule) {
    if (installed === ts) return
    installed = ts
    const createProgram = ts.createProgram
    ts.createProgram = function (...args: unknown[]) {
        const host = (args[0] as { host?: CompilerHostLike } | undefined)?.host
        if (enabled && host) reuseLibraryFiles(ts, host)
        const program = createProgram.apply(this, args)
        if (!enabled) return program
        const semantic: AnyFn = program.getSemanticDiagnostics.bind(program)
        program.getSemanticDiagnostics = (file?: SourceFileLike, token?: unknown) =>
            file
                ? semantic(file, token)
                : (program.getSourceFiles() as SourceFileLike[])
                      .filter((f) => !isLibraryFile(f.fileName))
                      .flatMap((f) => semantic(f, token))
        const typeChecker: AnyFn = program.getTypeChecker.bind(program)
        let checker: Record<string, AnyFn> | undefined
        program.getTypeChecker = () => {
            if (checker) return checker
            const made: Record<string, AnyFn> = typeChecker()
            const qualified = made.getFullyQualifiedName.bind(made)
            const names = new WeakMap<object, string>()
            made.getFullyQualifiedName = (symbol: object) => {
                let name = names.get(symbol)
                if (name === undefined) {
                    name = qualified(symbol) as string
                    names.set(symbol, name)
                }
                return name
            }
            checker = made
            return made
        }
        return program
    }
}

function reuseLibraryFiles(ts: TypeScriptModule, host: CompilerHostLike) {
    const getSourceFile = host.getSourceFile.bind(host)
    host.getSourceFile = (fileName: string, languageVersion: unknown, ...rest: unknown[]) => {
        if (!isLibraryFile(fileName)) return getSourceFile(fileName, languageVersion, ...rest)
        const text = host.readFile(fileName)
        const known = parsed.get(fileName)
        if (
            known &&
            text !== undefined &&
            known.text === text &&
            known.languageVersion === JSON.stringify(languageVersion)
        ) {
            clearBuildState(ts, known.file)
            return known.file
        }
        const file = getSourceFile(fileName, languageVersion, ...rest) as Bag
        if (text !== undefined) parsed.set(fileName, { text, languageVersion: JSON.stringify(languageVersion), file })
        return file
    }
}
