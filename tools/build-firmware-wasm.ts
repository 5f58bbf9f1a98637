import { writeFileSync } from "node:fs"
import { relative } from "node:path"
import { fromRoot } from "../project/paths"
import { MODULE_MANIFEST_PATH, WASM_PATH } from "../sim/firmware/module"
import { buildModule, clangVersion, inputsHash, type ModuleManifest, REBUILD_COMMAND, sha256 } from "./firmware-wasm"

// `npm run build:firmware-wasm`: rebuilds the committed WebAssembly module of
// the firmware's drivers and its manifest (tools/firmware-wasm.ts). Needs
// clang, lld, wasi-libc and binaryen (`npm run setup`).

let bytes: Uint8Array
try {
    bytes = buildModule()
} catch (e) {
    const err = e as { stderr?: Buffer; message: string }
    console.error(
        `building the firmware module failed (needs clang, lld, wasi-libc and binaryen: npm run setup):\n` +
            (err.stderr?.toString() || err.message),
    )
    process.exit(1)
}
const manifest: ModuleManifest = {
    module: sha256(bytes),
    inputs: inputsHash(),
    compiler: clangVersion(),
    rebuild: REBUILD_COMMAND,
}
writeFileSync(WASM_PATH, bytes)
writeFileSync(MODULE_MANIFEST_PATH, JSON.stringify(manifest, null, 4) + "\n")
console.log(
    `${relative(fromRoot(), WASM_PATH)}: ${bytes.length} bytes, sha256 ${manifest.module.slice(0, 16)}… (${manifest.compiler})`,
)
