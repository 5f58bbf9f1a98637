import {
    buildJacdacFrame,
    CMD_GET_REG,
    FLAG_COMMAND,
    type JacdacFrame,
    parseJacdacFrame,
} from "../../formats/jacdac-frame"
import type { BoardInfo } from "../../project/boards"
import {
    type DeployAnswer,
    deployAnswer,
    IMAGE_HEADER_BYTES,
    PROGRAM_HEADER_BYTES,
    type RuntimeProfile,
    storeGeometry,
    versionText,
} from "../../project/runtime"

// The virtual board runs DeviceScript's WASM VM (2.16.4, from the CLI
// camscript pins) but must BE the runtime a real board runs (project/
// runtime.ts). Most of that is the same C: the VM's manager (devsmgr.c),
// flash store (jd_fstor.c) and settings service (settings.c) are given a
// store of the partition's size (sim/vm/devs-vm.ts flashSize), so the
// VM answers, ignores and stores exactly as the board does. What differs
// is handled here, on the frames between the serial line and the VM:
// - the runtime_version register says the pinned runtime's version, not the VM's;
// - the control service says what board this is (dcfg "productId" and
//   "devName", jacdac-c jd_services.c app_get_device_class /
//   app_get_dev_class_name), as the board configuration at 0x9000 makes a
//   real board say;
// - where the real runtime panics (a JD_ASSERT: hw_panic, abort(), the chip
//   restarts) the VM would abort for good: the deploy is kept from the VM and
//   the board restarts instead, keeping the program it had (the store was not
//   yet written: jd_settings_prep_large panics in find_free_data before it
//   erases or writes anything).
// The version rule needs no model: verify.c's rule depends only on the
// runtime's minor, and the VM's minor (16) is the pinned runtime's
// (test/runtime-pin.test.ts keeps them equal).

const SRV_DEVICE_SCRIPT_MANAGER = 0x1134ea2b
const CMD_ANNOUNCE = 0x0000
const CMD_DEPLOY_BYTECODE = 0x80
const REG_RUNTIME_VERSION = 0x183
const REG_DEVICE_DESCRIPTION = 0x180
const REG_PRODUCT_IDENTIFIER = 0x181

export interface PinnedRuntimeHooks {
    /** the runtime hit a JD_ASSERT: the board prints, aborts and restarts */
    panic(why: string): void
    note?(text: string): void
}

export class PinnedRuntime {
    /** the manager's service index, from the VM's announce */
    private managerIndex: number | undefined

    constructor(
        readonly profile: RuntimeProfile,
        private readonly board: BoardInfo,
        private readonly hooks: PinnedRuntimeHooks,
    ) {}

    /** A frame from the host: true when the VM should get it. */
    fromHost(bytes: Uint8Array): boolean {
        const frame = parseJacdacFrame(bytes)
        if (!frame || !(frame.flags & FLAG_COMMAND) || this.managerIndex === undefined) return true
        for (const pkt of frame.packets) {
            if (pkt.serviceIndex !== this.managerIndex || pkt.command !== CMD_DEPLOY_BYTECODE || pkt.data.length < 4)
                continue
            const size = new DataView(pkt.data.buffer, pkt.data.byteOffset, 4).getUint32(0, true)
            const answer = deployAnswer(this.profile, size)
            this.hooks.note?.(`deploy of ${size} bytes asked: ${ANSWER_NOTES[answer]}`)
            if (answer === "panic") {
                const g = storeGeometry(this.profile)
                const pages = Math.ceil((PROGRAM_HEADER_BYTES + size) / this.profile.store.pageBytes)
                this.hooks.panic(
                    `jd_fstor.c: JD_ASSERT in data_page_used (${pages} pages asked of a store with ${g.dataPages} data pages)`,
                )
                return false
            }
            if (answer === "accepted" && size > 0 && size <= IMAGE_HEADER_BYTES) {
                // stored, then devs_verify asserts the image is larger than its header; a
                // real board would panic again at every start until another deploy
                // (see docs/hardware.md): the virtual board restarts once and keeps its program
                this.hooks.panic(`verify.c: JD_ASSERT(size > sizeof(devs_img_header_t)) for a ${size}-byte image`)
                return false
            }
        }
        return true
    }

    /** A frame from the VM, as the pinned runtime on this board would send it. */
    fromVm(bytes: Uint8Array): Uint8Array {
        const frame = parseJacdacFrame(bytes)
        if (!frame || frame.flags & FLAG_COMMAND) return bytes
        let changed = false
        const packets = frame.packets.map((pkt) => {
            if (pkt.serviceIndex === 0 && pkt.command === CMD_ANNOUNCE) {
                const view = new DataView(pkt.data.buffer, pkt.data.byteOffset, pkt.data.byteLength)
                for (let i = 4; i + 4 <= pkt.data.length; i += 4)
                    if (view.getUint32(i, true) === SRV_DEVICE_SCRIPT_MANAGER) this.managerIndex = i / 4
                return pkt
            }
            const data = this.answer(pkt.serviceIndex, pkt.command)
            if (!data) return pkt
            changed = true
            return { ...pkt, data }
        })
        return changed ? buildJacdacFrame({ ...frame, packets } satisfies JacdacFrame) : bytes
    }

    private answer(serviceIndex: number, command: number): Uint8Array | undefined {
        if (serviceIndex === this.managerIndex && command === (CMD_GET_REG | REG_RUNTIME_VERSION)) {
            const v = this.profile.version
            return u32(((v.major << 24) | (v.minor << 16) | v.patch) >>> 0)
        }
        if (serviceIndex === 0 && command === (CMD_GET_REG | REG_PRODUCT_IDENTIFIER))
            return u32(Number.parseInt(this.board.productId, 16))
        if (serviceIndex === 0 && command === (CMD_GET_REG | REG_DEVICE_DESCRIPTION))
            return new TextEncoder().encode(this.board.name)
        return undefined
    }

    /** The VM's log line as the pinned runtime prints it: verify.c's devs_dump_versions names the board and its own version. */
    dmesgLine(line: string): string {
        return line.replace(
            /^\* DeviceScript Simulator \(WASM\) v\d+\.\d+\.\d+/,
            `* ${this.board.name} v${versionText(this.profile.version)}`,
        )
    }

    describe(): string {
        return `DeviceScript ${versionText(this.profile.version)} (devicescript-esp32 ${this.profile.devicescriptEsp32.tag}, ${this.profile.firmware} firmware)`
    }
}

const ANSWER_NOTES: Record<DeployAnswer, string> = {
    accepted: "the manager answers with a pipe",
    misaligned: "not a multiple of 32: ignored without an answer, the program keeps running",
    "no-room": "no room in the store: the program stopped, the deploy ignored without an answer",
    panic: "more than the store has: the runtime panics",
}

function u32(n: number): Uint8Array {
    const out = new Uint8Array(4)
    new DataView(out.buffer).setUint32(0, n, true)
    return out
}
