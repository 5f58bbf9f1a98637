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

type AnyFn = (...args: any[]) => any

interface TypeScriptModule {
    createProgram: AnyFn
}

interface SourceFileLike {
    fileName: string
}

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

/** Whether builds in this process take the shortcuts (a compile server's always do). */
export function buildShortcutsOn(): boolean {
    return enabled
}

export function installBuildShortcuts(ts: TypeScriptModule) {
    if (installed === ts) return
    installed = ts
    const createProgram = ts.createProgram
    ts.createProgram = function (...args: unknown[]) {
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

// Not done: reusing parsed library SourceFiles across builds (as TypeScript's
// language service does). The DeviceScript compiler stores its own per-build
// state on syntax nodes (a constant's value, "is top level"), so a second
// build over the same nodes fails an internal assertion.
