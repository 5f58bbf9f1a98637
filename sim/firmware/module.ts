import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../../project/paths"

// The C drivers compiled to WebAssembly (firmware/Makefile, target `wasm`).
// Built on first use when missing or older than its sources, then compiled
// once per process; every simulated board instantiates it afresh (the
// drivers keep module-level state).

export const WASM_PATH = fromRoot("firmware/build/camscript-drivers.wasm")

// The WebAssembly API as used here (the project's TypeScript libs do not declare it).
export type WasmModule = object
export interface WasmInstance {
    exports: Record<string, unknown>
}
export interface WasmMemory {
    buffer: ArrayBuffer
}
interface WasmApi {
    Module: new (bytes: Uint8Array) => WasmModule
    Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance
}
export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

let compiled: WasmModule | undefined

function newestSource(): number {
    let newest = 0
    const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
            const path = join(dir, name)
            const s = statSync(path)
            if (s.isDirectory()) walk(path)
            else if (/\.[ch]$/.test(name)) newest = Math.max(newest, s.mtimeMs)
        }
    }
    walk(fromRoot("firmware/main"))
    walk(fromRoot("firmware/host"))
    return Math.max(newest, statSync(fromRoot("firmware/Makefile")).mtimeMs)
}

/** Build the module if needed (make is quick when nothing changed). */
function buildFirmwareModule(): void {
    if (existsSync(WASM_PATH) && statSync(WASM_PATH).mtimeMs >= newestSource()) return
    try {
        execFileSync("make", ["-s", "-C", fromRoot("firmware"), "wasm"], { stdio: "pipe" })
    } catch (e) {
        const err = e as { stderr?: Buffer; message: string }
        throw new Error(
            `building the firmware drivers for the simulator failed (needs clang, lld and wasi-libc; ` +
                `Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32):\n` +
                (err.stderr?.toString() || err.message),
        )
    }
}

export function firmwareModule(): WasmModule {
    if (!compiled) {
        buildFirmwareModule()
        compiled = new Wasm.Module(readFileSync(WASM_PATH))
    }
    return compiled
}
