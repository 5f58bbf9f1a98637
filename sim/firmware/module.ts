import { existsSync } from "node:fs"
import { readRegularFile } from "../../project/files"
import { fromRoot } from "../../project/paths"

// The C drivers compiled to WebAssembly (firmware/Makefile, target `wasm`),
// committed beside this file and shipped in the npm package, so that
// `--driver firmware` needs no compiler. `npm run build:firmware-wasm`
// rebuilds it after a change to the C (tools/build-firmware-wasm.ts), and
// the suite checks it against the C (test/firmware-module.test.ts). Compiled
// once per process; every simulated board instantiates it afresh (the
// drivers keep module-level state).

export const WASM_PATH = fromRoot("sim/firmware/camscript-drivers.wasm")
/** what the module was built from and with (tools/firmware-wasm.ts) */
export const MODULE_MANIFEST_PATH = fromRoot("sim/firmware/camscript-drivers.json")

/** far above the module's size (about 75 kB): a bound for the reader, not a limit anyone meets */
const MAX_MODULE_BYTES = 4 * 1024 * 1024

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

export function firmwareModule(): WasmModule {
    if (!compiled) {
        if (!existsSync(WASM_PATH))
            throw new Error(
                `the firmware drivers' WebAssembly module ${WASM_PATH} is missing ` +
                    "(it is part of camscript; in a clone, rebuild it with: npm run build:firmware-wasm)",
            )
        compiled = new Wasm.Module(readRegularFile(WASM_PATH, WASM_PATH, MAX_MODULE_BYTES))
    }
    return compiled
}
