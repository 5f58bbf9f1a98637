import type { DevsVm } from "./devs-vm"

// Where the script was when the VM failed one of its own assertions
// ("assertion '...' failed at devicescript/objects.c:865"). Such a fault
// aborts the VM in C, with no exception and no stack dump of the script;
// but the VM's memory still holds the running context, and in it the
// activation of the function it was executing. The layouts read here are
// DeviceScript 2.16.4's, for wasm32 (4-byte pointers):
// - devs_internal.h struct devs_ctx: `devs_img_t img` (one pointer to the
//   program's image) is followed at once by `devs_activation_t *curr_fn`;
// - devs_internal.h struct devs_activation: gc header (4 bytes), devs_pc_t
//   pc (u16, devs_format.h; the next instruction, from the image's start),
//   maxpc (u16), closure, caller, func (pointers at 8, 12, 16);
// - devs_format.h devs_img_header_t: the functions section {start, length}
//   at byte 32, devs_function_desc_t entries of 16 bytes, `start` first.
// Everything read is checked against the image (a func pointer must land on
// a function descriptor of this image, a pc inside that function), so a
// wrong guess yields no position rather than a false one.

const FUNCTIONS_SECTION = 32
const FUNCTION_DESC_BYTES = 16
const ACTIVATION_PC = 4
const ACTIVATION_CALLER = 12
const ACTIVATION_FUNC = 16
/** fibers.c devs_panic prints at most this many frames; the same bound here */
const MAX_FRAMES = 30

export interface VmFrame {
    /** the function's index in the image (its debug info's functions[index]) */
    fn: number
    /** the next instruction's offset from the function's start, as the VM's stack dumps print it */
    pc: number
}

/** The script's stack at the VM's last instruction (innermost first), or undefined when it cannot be told. */
export function vmStack(vm: DevsVm, image: Uint8Array): VmFrame[] | undefined {
    const heap = vm.HEAPU8
    const bytes = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength)
    const view = new DataView(heap.buffer, heap.byteOffset, heap.byteLength)
    const u32 = (at: number) => (at >= 0 && at + 4 <= heap.byteLength ? view.getUint32(at, true) : 0)
    const img = new DataView(image.buffer, image.byteOffset, image.byteLength)
    if (image.length < FUNCTIONS_SECTION + 8) return undefined
    const fnStart = img.getUint32(FUNCTIONS_SECTION, true)
    const fnCount = img.getUint32(FUNCTIONS_SECTION + 4, true) / FUNCTION_DESC_BYTES
    // the image as the VM holds it: its header and function table (a deploy buffer may hold a copy too)
    const probe = Buffer.from(image.buffer, image.byteOffset, Math.min(image.length, fnStart + fnCount * 16))
    for (let base = bytes.indexOf(probe); base >= 0; base = bytes.indexOf(probe, base + 4)) {
        if (base % 4) continue
        const frames = stackFrom(base)
        if (frames) return frames
    }
    return undefined

    function frameAt(act: number, base: number): VmFrame | undefined {
        if (act === 0 || act % 4) return undefined
        const desc = u32(act + ACTIVATION_FUNC) - base - fnStart
        if (desc < 0 || desc % FUNCTION_DESC_BYTES || desc / FUNCTION_DESC_BYTES >= fnCount) return undefined
        const fn = desc / FUNCTION_DESC_BYTES
        const start = img.getUint32(fnStart + desc, true)
        const length = img.getUint32(fnStart + desc + 4, true)
        const pc = view.getUint16(act + ACTIVATION_PC, true)
        // a 16-bit pc past 64 KB wraps (devs_pc_t): compare within the function's window
        const rel = (pc - (start & 0xffff) + 0x10000) % 0x10000
        if (rel > length) return undefined
        return { fn, pc: rel }
    }

    function stackFrom(base: number): VmFrame[] | undefined {
        // the context: a word holding the image's address, the current activation right after it
        for (let at = bytes.indexOf(word(base)); at >= 0; at = bytes.indexOf(word(base), at + 1)) {
            if (at % 4) continue
            const frames: VmFrame[] = []
            let act = u32(at + 4)
            while (frames.length < MAX_FRAMES) {
                const frame = frameAt(act, base)
                if (!frame) break
                frames.push(frame)
                act = u32(act + ACTIVATION_CALLER)
            }
            if (frames.length) return frames
        }
        return undefined
    }
}

function word(n: number): Buffer {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(n >>> 0)
    return b
}
