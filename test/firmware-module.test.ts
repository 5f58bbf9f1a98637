import test from "ava"
import { needs } from "./helpers/needs"
import {
    buildModule,
    clangVersion,
    committedModule,
    firmwareInputs,
    inputsHash,
    readManifest,
    REBUILD_COMMAND,
    sha256,
} from "../tools/firmware-wasm"

// `--driver firmware` runs the committed WebAssembly module of the C
// drivers (sim/firmware/camscript-drivers.wasm), so it needs no compiler.
// These tests keep it from drifting from the C: its manifest must name the
// C as it is (no compiler needed), and where clang is installed a rebuild
// must give the same bytes.

const rebuild = `rebuild it with \`${REBUILD_COMMAND}\` (needs clang, lld, wasi-libc and binaryen: npm run setup) and commit sim/firmware/camscript-drivers.wasm and .json`

test("the committed module is the one its manifest describes, built from the C as it is now", (t) => {
    const manifest = readManifest()
    t.is(sha256(committedModule()), manifest.module, `the module is not the one its manifest names: ${rebuild}`)
    t.is(inputsHash(), manifest.inputs, `the firmware's C changed since the module was built: ${rebuild}`)
    t.is(manifest.rebuild, REBUILD_COMMAND)
    // the inputs are the sources the Makefile compiles, its headers, itself, and the contract's constants
    const inputs = firmwareInputs()
    for (const f of [
        "firmware/main/cam_wifi_station.c",
        "firmware/host/sim/esp_wifi_sim.c",
        "firmware/host/include/esp-idf/esp_wifi.h",
        "firmware/host/sim/stack.S",
        "firmware/Makefile",
        ".devicescript/c/constants.c",
    ])
        t.true(inputs.includes(f), f)
})

needs("wasm-toolchain")("rebuilt from the C with clang, the module is byte for byte the committed one", (t) => {
    const manifest = readManifest()
    const built = buildModule()
    const here = clangVersion()
    t.is(
        sha256(built),
        sha256(committedModule()),
        here === manifest.compiler
            ? `the C builds to another module than the committed one: ${rebuild}`
            : `the committed module was built with ${manifest.compiler}, this machine has ${here}: the bytes differ`,
    )
})
