import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, sep } from "node:path"
import { fromRoot } from "../project/paths"
import { MODULE_MANIFEST_PATH, WASM_PATH } from "../sim/firmware/module"

// The firmware's C drivers built to WebAssembly (firmware/Makefile, target
// `wasm`) for `--driver firmware`. The module is committed
// (sim/firmware/camscript-drivers.wasm) so that running the drivers needs no
// compiler; beside it, camscript-drivers.json records what it was built
// from (a hash of every input) and with which clang. The suite checks both:
// the inputs against the C (test/firmware-module.test.ts, no compiler
// needed), and, where clang is installed, a rebuild against the bytes.

/** The one command that rebuilds the committed module. */
export const REBUILD_COMMAND = "npm run build:firmware-wasm"

export interface ModuleManifest {
    /** sha256 of the module's bytes */
    module: string
    /** sha256 over the inputs (firmwareInputs()) */
    inputs: string
    /** `clang --version`'s and `wasm-opt --version`'s first lines */
    compiler: string
    rebuild: string
}

function filesUnder(dir: string, re: RegExp): string[] {
    const out: string[] = []
    for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name)
        if (e.isDirectory()) out.push(...filesUnder(p, re))
        else if (re.test(e.name)) out.push(p)
    }
    return out
}

/** Every file the module is built from (the Makefile's sources, headers, itself, the contract constants), sorted. */
export function firmwareInputs(): string[] {
    const files = [
        ...filesUnder(fromRoot("firmware/main"), /\.[ch]$/),
        // the stand-ins' C, headers and assembly (host/sim/stack.S)
        ...filesUnder(fromRoot("firmware/host"), /\.[chS]$/),
        fromRoot("firmware/Makefile"),
        // generated from services/*.md by `npm ci` (devicescript build): the contract's numbers
        fromRoot(".devicescript/c/constants.c"),
    ]
    return files.map((f) => relative(fromRoot(), f).split(sep).join("/")).sort()
}

/** One hash over the inputs' names and contents. */
export function inputsHash(): string {
    const h = createHash("sha256")
    for (const f of firmwareInputs()) {
        const data = readFileSync(fromRoot(f))
        h.update(`${f}\0${data.length}\0`).update(data)
    }
    return h.digest("hex")
}

export const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

/** The toolchain that makes the bytes: `clang --version`'s and `wasm-opt --version`'s first lines. */
export function clangVersion(): string {
    const first = (program: string) => execFileSync(program, ["--version"], { encoding: "utf8" }).split("\n")[0].trim()
    return `${first("clang")}; ${first("wasm-opt")}`
}

export function readManifest(): ModuleManifest {
    return JSON.parse(readFileSync(MODULE_MANIFEST_PATH, "utf8")) as ModuleManifest
}

export function committedModule(): Uint8Array {
    return new Uint8Array(readFileSync(WASM_PATH))
}

/** Build the module from the C in a temporary folder (removed after) and return its bytes. */
export function buildModule(): Uint8Array {
    const dir = mkdtempSync(join(tmpdir(), "camscript-firmware-wasm-"))
    try {
        const out = join(dir, "camscript-drivers.wasm")
        // a fresh BUILD folder: everything is built, whatever the files' times; firmware/build is not touched
        execFileSync("make", ["-s", "-C", fromRoot("firmware"), "wasm", `BUILD=${dir}`, `WASM=${out}`], {
            stdio: ["ignore", "pipe", "pipe"],
            // clang's intermediate objects go to TMPDIR: keep them in the folder removed below
            env: { ...process.env, TMPDIR: dir },
        })
        return new Uint8Array(readFileSync(out))
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
}
