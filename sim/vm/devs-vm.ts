import { createRequire } from "node:module"
import { existsSync } from "node:fs"
import { fromRoot } from "../paths"

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

type VmFactory = (moduleArg?: object) => Promise<DevsVm>

let factory: VmFactory | undefined

function loadFactory(): VmFactory {
    if (factory) return factory
    const file = fromRoot(".camscript/vm/devicescript-vm.cjs")
    if (!existsSync(file))
        throw new Error(`the DeviceScript VM is missing (${file}); it is extracted by 'npm ci' (tools/postinstall.mjs)`)
    factory = createRequire(__filename)(file) as VmFactory
    return factory
}

/** A fresh VM instance (its own WASM memory): one per simulated board. */
export async function createVm(): Promise<DevsVm> {
    const vm = await loadFactory()({})
    // stateless: no settings or program survive between runs
    vm.flashLoad = null
    vm.flashSave = null
    return vm
}
