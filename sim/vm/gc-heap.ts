// The DeviceScript VM's own garbage-collected heap, read from the WASM
// module's memory. The VM exports no function that reports it (its one
// heap dump, devs_dump_heap, runs only on out-of-memory), so this reads the
// allocator's structures as runtime/devicescript/gc_alloc.c (2.16.4, wasm32)
// lays them out:
//
//   devs_gc_t { first_free, first_chunk, num_alloc, gc_threshold, curr_alloc, ctx }   6 x u32
//   chunk_t   { next, end, blocks... }        the heap's one chunk follows devs_gc_t directly
//   block     header u32: tag << 24 | size in words; tag & 0xf: 1 free, 0x4f the end marker
//
// `curr_alloc` counts the words allocated since the last collection, so
// "used minus curr_alloc" is what survived the last collection: the figure a
// leak makes grow, free of the garbage that merely waits for the next one.

/** What the simulator needs from the emscripten module to read its memory. */
export interface WasmMemoryView {
    HEAP32: Int32Array
    HEAPU8: Uint8Array
}

export interface GcHeapStats {
    /** the GC heap's capacity (JD_GC_KB: 64 KB, as on the chip) */
    heapBytes: number
    /** blocks in use now: live objects plus garbage not yet collected */
    usedBytes: number
    /** used minus what was allocated since the last collection: what the last collection kept */
    keptBytes: number
    freeBytes: number
    /** the largest free block: the largest object that fits without a collection */
    largestFreeBytes: number
    /** blocks in use */
    objects: number
    /** allocations since the program started */
    allocations: number
    /** the WASM module's whole linear memory (C allocations, stacks, the GC heap) */
    wasmMemoryBytes: number
}

const WORD = 4
const GC_STRUCT_WORDS = 6
const TAG_SHIFT = 24
const TAG_MASK = 0xf
const TAG_FREE = 0x1
const TAG_FINAL = 0x4f
const SIZE_MASK = 0xffffff
/** gc_alloc.c: a collection runs once a quarter of the heap (in words) has been allocated */
const GC_FRACTION_WORDS = WORD * 4

export class GcHeapError extends Error {
    constructor(message: string) {
        super(`the DeviceScript VM's GC heap: ${message} (the layout read is DeviceScript 2.16.4's gc_alloc.c)`)
        this.name = "GcHeapError"
    }
}

/** Does a devs_gc_t start at byte `p`? Its chunk follows it, and its threshold is a quarter of the chunk. */
function isGcStruct(h: Int32Array, i: number): boolean {
    const p = i * WORD
    const chunk = p + GC_STRUCT_WORDS * WORD
    if (h[i + 1] !== chunk || h[i + 6] !== 0) return false
    const end = h[i + 7]
    const bytes = end - (chunk + 2 * WORD)
    if (bytes < 1024 || bytes > 16 * 1024 * 1024) return false
    // gc_threshold = chunk size / sizeof(void *) / 4, and the context pointer is set
    return Math.abs(h[i + 3] - Math.floor((end - chunk) / GC_FRACTION_WORDS)) <= 2 && h[i + 5] !== 0
}

/**
 * Finds the GC heap of a running program. The heap is allocated when the
 * program is deployed, so call this after deploying; the address holds until
 * the program is replaced.
 */
export function findGcHeap(vm: WasmMemoryView): number {
    const h = vm.HEAP32
    const found: number[] = []
    for (let i = 0; i + 8 < h.length; i++) if (isGcStruct(h, i)) found.push(i * WORD)
    if (found.length !== 1)
        throw new GcHeapError(
            found.length ? `${found.length} candidate heaps in memory, expected one` : "not found in memory",
        )
    return found[0]
}

/** Walks the heap's blocks at `gcAddress` (from findGcHeap). */
export function gcHeapStats(vm: WasmMemoryView, gcAddress: number): GcHeapStats {
    const h = vm.HEAP32
    const i = gcAddress / WORD
    if (!isGcStruct(h, i)) throw new GcHeapError(`no longer at ${gcAddress} (was the program replaced?)`)
    const chunk = h[i + 1]
    const end = h[i + 7]
    let used = 0
    let free = 0
    let largestFree = 0
    let objects = 0
    let at = chunk + 2 * WORD
    while (at < end) {
        const header = h[at / WORD] >>> 0
        const tag = header >>> TAG_SHIFT
        const bytes = (header & SIZE_MASK) * WORD
        if (bytes === 0) throw new GcHeapError(`a block of size 0 at ${at}`)
        if ((tag & TAG_MASK) === TAG_FREE) {
            free += bytes
            if (bytes > largestFree) largestFree = bytes
        } else {
            used += bytes
            objects++
        }
        at += bytes
    }
    if (at !== end || h[end / WORD] >>> TAG_SHIFT !== TAG_FINAL)
        throw new GcHeapError(`the blocks do not end at the heap's end marker (${at} vs ${end})`)
    const sinceCollection = (h[i + 4] >>> 0) * WORD
    return {
        heapBytes: end - (chunk + 2 * WORD),
        usedBytes: used,
        keptBytes: Math.max(0, used - sinceCollection),
        freeBytes: free,
        largestFreeBytes: largestFree,
        objects,
        allocations: h[i + 2] >>> 0,
        wasmMemoryBytes: vm.HEAPU8.length,
    }
}

/**
 * Reads a running program's heap: finds it on first use, then walks it on
 * each call (finding it again if the program was restarted and its heap moved).
 */
export function gcHeapReader(vm: WasmMemoryView): () => GcHeapStats {
    let address: number | undefined
    return () => {
        if (address === undefined || !isGcStruct(vm.HEAP32, address / WORD)) address = findGcHeap(vm)
        return gcHeapStats(vm, address)
    }
}
