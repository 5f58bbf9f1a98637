import { createRequire } from "node:module"
import { existsSync, readFileSync } from "node:fs"
import { Wasm, type WasmInstance, type WasmModule } from "../firmware/module"
import { fromRoot } from "../../project/paths"
import { runtimeFor } from "../../project/runtime"
import type { TickTimer } from "./tick-timer"
import type { VmTiming } from "./vm-clock"

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
    /** how the VM schedules its next tick (tools/postinstall.mjs patches process2 to ask it); setTimeout when unset */
    camscriptTickTimer?: TickTimer
    /** the VM's time in ms (tools/postinstall.mjs patches em_time_now to ask it); Date.now when unset */
    camscriptNow?: () => number
}

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

/** A fresh VM instance (its own WASM memory): one per simulated board; `timing` is how it reads time and schedules its ticks (sim/vm/vm-clock.ts). */
export async function createVm(timing: VmTiming = {}): Promise<DevsVm> {
    const make = loadFactory()
    const module = compiled
    const vm = await make({
        // the VM keeps programs and settings in jacdac-c's flash store, as a
        // board does in its `fstor` partition; the WASM build sizes that
        // store from Module.flashSize (devicescript runtime/posix/flash.c
        // em_flash_size, 128 KB without it). The board runtime's 256 KB gives
        // the same geometry, so the same largest program (225,152 bytes)
        flashSize: runtimeFor("camscript").store.partitionBytes,
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
    if (timing.tickTimer) vm.camscriptTickTimer = timing.tickTimer
    if (timing.now) vm.camscriptNow = timing.now
    return vm
}
