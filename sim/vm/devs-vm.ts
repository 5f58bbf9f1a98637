import { createRequire } from "node:module"
import { existsSync, readFileSync } from "node:fs"
import { Wasm, type WasmInstance, type WasmModule } from "../firmware/module"
import { fromRoot } from "../../project/paths"

/** The surface of the DeviceScript WASM VM (an emscripten module) that the simulator uses. */
export interface DevsVm {
    devsSetDeviceId(id: string): void
    devsStart(): void
    devsStop(): void
    devsDeploy(image: Uint8Array): number
    devsGcStress(on: boolean): void
    handlePacket(frame: Uint8Array): void
    sendPacket: (frame: Uint8Array) => void
    dmesg: (line: string) => void
    log: (...args: unknown[]) => void
    error: (...args: unknown[]) => void
    panicHandler: (code: number) => void
    flashLoad: (() => Uint8Array) | null
    flashSave: ((data: Uint8Array) => void) | null
    /** the module's linear memory (emscripten replaces these views when it grows) */
    HEAP32: Int32Array
    HEAPU8: Uint8Array
}

/**
 * The VM's flash: the ESP32 runtime's `fstor` partition, 256 KB (v2.16: at 0x1c0000,
 * /work/shared/notes/hardware-path.md), so the settings store is the chip's
 * too: jacdac-c jd_fstor.c gives it 1/16 of the flash, 16 KB (the WASM
 * default of 128 KB would give 8 KB).
 */
const SIM_FLASH_BYTES = 256 * 1024

type VmFactory = (moduleArg?: object) => Promise<DevsVm>

let factory: VmFactory | undefined
/** the VM's WebAssembly, compiled once per process; undefined: let emscripten compile it each time */
let compiled: WasmModule | undefined

const VM_FILE = ".camscript/vm/devicescript-vm.cjs"

function loadFactory(): VmFactory {
    if (factory) return factory
    const file = fromRoot(VM_FILE)
    if (!existsSync(file))
        throw new Error(`the DeviceScript VM is missing (${file}); it is extracted by 'npm ci' (tools/postinstall.mjs)`)
    factory = createRequire(__filename)(file) as VmFactory
    // emscripten embeds the WebAssembly as a data: URI and compiles it on
    // every instantiation; a fleet of a hundred VMs compiles it once
    const m = /wasmBinaryFile = "data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(
        readFileSync(file, "utf8"),
    )
    if (m) compiled = new Wasm.Module(Buffer.from(m[1], "base64"))
    return factory
}

/** A fresh VM instance (its own WASM memory): one per simulated board. */
export async function createVm(): Promise<DevsVm> {
    const make = loadFactory()
    const module = compiled
    const vm = await make({
        // runtime/posix/flash.c takes the flash's size from here (default 128 KB)
        flashSize: SIM_FLASH_BYTES,
        // emscripten prints "Aborted(native code called abort())" when the VM
        // panics on a fault of its own; the panic itself reaches the session
        // (and is explained there), so the line would only repeat it, raw
        printErr: (text: string) => {
            if (!text.startsWith("Aborted(")) console.error(text)
        },
        ...(module
            ? {
                  // emscripten's hook for a caller that instantiates the module itself
                  instantiateWasm(
                      imports: Record<string, Record<string, unknown>>,
                      receive: (i: WasmInstance) => void,
                  ) {
                      const instance = new Wasm.Instance(module, imports)
                      receive(instance)
                      return instance.exports
                  },
              }
            : {}),
    })
    // stateless: no settings or program survive between runs
    vm.flashLoad = null
    vm.flashSave = null
    return vm
}
