import { accessSync, constants, existsSync, readdirSync } from "node:fs"
import { delimiter, join } from "node:path"

// The programs from outside Node and npm that some tests use, the Debian
// packages that bring them, and what each is for: the one list that
// `npm run setup` (tools/setup.ts, which .ci/run calls) installs from and
// test/helpers/needs.ts decides skips from. A test that needs one of these
// is skipped where it is missing (and named in the suite's closing line), or
// fails under CI, which installs them all.

export interface OutsideProgram {
    /** executables that must all be found on PATH (or in `dirs`); an inner list is "any one of" */
    executables: (string | string[])[]
    /** further folders to look in: daemons live in sbin, which a user's PATH may lack */
    dirs?: string[]
    /** files that must exist (headers and libraries); a `*` stands for any one folder name */
    files?: string[]
    /** the Debian packages that install it */
    packages: string[]
    /** what the suite uses it for */
    usedFor: string
}

export const OUTSIDE_PROGRAMS = {
    "wasm-toolchain": {
        executables: ["clang", "wasm-ld", "wasm-opt"],
        files: [
            "/usr/include/wasm32-wasi/stdlib.h",
            "/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a",
        ],
        packages: ["clang", "lld", "wasi-libc", "libclang-rt-dev-wasm32", "binaryen"],
        usedFor:
            "rebuilding the firmware's C drivers to WebAssembly (binaryen's wasm-opt adds Asyncify, which " +
            "runs the drivers' FreeRTOS tasks), to check the committed module " +
            "(sim/firmware/camscript-drivers.wasm) against the C, and compiling them as ESP-IDF 5.0.5",
    },
    "c-compiler": {
        executables: ["cc", "make"],
        packages: ["build-essential"],
        usedFor: "the firmware's host unit tests (firmware/test), plain and with the sanitizers",
    },
    shellcheck: {
        executables: ["shellcheck"],
        packages: ["shellcheck"],
        usedFor: "linting firmware/build.sh",
    },
    freeradius: {
        executables: ["freeradius"],
        dirs: ["/usr/sbin", "/sbin"],
        packages: ["freeradius"],
        usedFor: "a real RADIUS server that checks the enterprise (802.1X) logins",
    },
    socat: {
        executables: ["socat"],
        packages: ["socat"],
        usedFor: "pseudo-terminal pairs standing in for the USB cable to the virtual board",
    },
    chromium: {
        executables: [["chromium", "chromium-browser"]],
        packages: ["chromium"],
        usedFor: "rendering `camscript sim --report` pages headless",
    },
} satisfies Record<string, OutsideProgram>

export type ProgramId = keyof typeof OUTSIDE_PROGRAMS
export const PROGRAM_IDS = Object.keys(OUTSIDE_PROGRAMS) as ProgramId[]

/** The command that installs every outside program the suite uses. */
export const SETUP_COMMAND = "npm run setup"

function executableIn(dir: string, name: string): string | undefined {
    const path = join(dir, name)
    try {
        accessSync(path, constants.X_OK)
        return path
    } catch {
        return undefined
    }
}

/** Where `name` runs from: the first executable of that name on PATH, then in `dirs`. */
export function findExecutable(name: string, dirs: string[] = []): string | undefined {
    const path = (process.env.PATH ?? "").split(delimiter).filter(Boolean)
    for (const dir of [...path, ...dirs]) {
        const found = executableIn(dir, name)
        if (found) return found
    }
    return undefined
}

/** Whether a file matching `pattern` exists, `*` matching a whole folder name (llvm-14, 14.0.6). */
function fileExists(pattern: string): boolean {
    const star = pattern.indexOf("*")
    if (star < 0) return existsSync(pattern)
    const slash = pattern.lastIndexOf("/", star)
    const end = pattern.indexOf("/", star) < 0 ? pattern.length : pattern.indexOf("/", star)
    const dir = pattern.slice(0, slash)
    const part = new RegExp(
        `^${pattern
            .slice(slash + 1, end)
            .split("*")
            .map(escapeRe)
            .join(".*")}$`,
    )
    let names: string[]
    try {
        names = readdirSync(dir)
    } catch {
        return false
    }
    return names.some((n) => part.test(n) && fileExists(`${dir}/${n}${pattern.slice(end)}`))
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** What of `id` is missing here ("clang", "/usr/include/wasm32-wasi/stdlib.h"), empty when all is present. */
export function missingParts(id: ProgramId): string[] {
    const program: OutsideProgram = OUTSIDE_PROGRAMS[id]
    const missing: string[] = []
    for (const want of program.executables) {
        const names = typeof want === "string" ? [want] : want
        if (!names.some((n) => findExecutable(n, program.dirs))) missing.push(names.join(" or "))
    }
    for (const file of program.files ?? []) if (!fileExists(file)) missing.push(file)
    return missing
}

/** The executable to run for `id`'s first entry (e.g. chromium or chromium-browser), if present. */
export function programPath(id: ProgramId): string | undefined {
    const program: OutsideProgram = OUTSIDE_PROGRAMS[id]
    const first = program.executables[0]
    for (const name of typeof first === "string" ? [first] : first) {
        const found = findExecutable(name, program.dirs)
        if (found) return found
    }
    return undefined
}

export function isPresent(id: ProgramId): boolean {
    return missingParts(id).length === 0
}

/** CI installs every outside program, so there a missing one fails instead of skipping. */
export function underCi(): boolean {
    const ci = process.env.CI
    return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false"
}
