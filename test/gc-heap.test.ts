import test from "ava"
import { findGcHeap, GcHeapError, gcHeapReader, gcHeapStats } from "../sim/vm/gc-heap"

// The VM heap reader on a hand-built memory laid out as DeviceScript's
// gc_alloc.c does (wasm32): the figures are computed here from the blocks
// placed, not read back from the reader. test/soak.test.ts reads the real VM.

const GC_AT = 1024
const CHUNK_AT = GC_AT + 24
const BLOCKS_AT = CHUNK_AT + 8

/** A memory holding one heap of `heapBytes` with `blocks` ([tag, words]) from its start, the rest free. */
function memory(blocks: [number, number][], heapBytes = 4096, sinceCollectionWords = 3) {
    const bytes = new Uint8Array(64 * 1024)
    const h = new Int32Array(bytes.buffer)
    const end = BLOCKS_AT + heapBytes
    h.set([0, CHUNK_AT, 17, Math.floor((end - CHUNK_AT) / 16), sinceCollectionWords, 0x4000], GC_AT / 4)
    h.set([0, end], CHUNK_AT / 4)
    let at = BLOCKS_AT
    for (const [tag, words] of blocks) {
        h[at / 4] = (tag << 24) | words
        at += words * 4
    }
    if (at < end) h[at / 4] = (0x01 << 24) | ((end - at) / 4)
    h[end / 4] = 0x4f << 24
    return { HEAP32: h, HEAPU8: bytes }
}

test("gc heap: finds the heap by its header and sums its blocks", (t) => {
    // a buffer of 4 words, a free hole of 10, a pinned string of 6, then free to the end
    const vm = memory([
        [0x05, 4],
        [0x01, 10],
        [0x46, 6],
    ])
    t.is(findGcHeap(vm), GC_AT)
    const s = gcHeapStats(vm, GC_AT)
    t.is(s.heapBytes, 4096)
    t.is(s.usedBytes, (4 + 6) * 4)
    t.is(s.objects, 2)
    t.is(s.freeBytes, 4096 - 40)
    t.is(s.largestFreeBytes, 4096 - (4 + 10 + 6) * 4)
    // 3 words allocated since the last collection were not kept by it
    t.is(s.keptBytes, 40 - 12)
    t.is(s.allocations, 17)
    t.is(s.wasmMemoryBytes, 64 * 1024)
})

test("gc heap: a heap that is not there, or blocks that overrun it, are errors", (t) => {
    const empty = { HEAP32: new Int32Array(1024), HEAPU8: new Uint8Array(4096) }
    t.throws(() => findGcHeap(empty), { instanceOf: GcHeapError, message: /not found in memory/ })
    const vm = memory([[0x05, 4]])
    vm.HEAP32[BLOCKS_AT / 4] = (0x05 << 24) | 2000 // 8000 bytes in a 4096-byte heap
    t.throws(() => gcHeapStats(vm, GC_AT), { instanceOf: GcHeapError, message: /do not end at the heap's end marker/ })
    const zero = memory([[0x05, 4]])
    zero.HEAP32[BLOCKS_AT / 4] = 0x05 << 24 // a block of no words: the walk would never move on
    t.throws(() => gcHeapStats(zero, GC_AT), { instanceOf: GcHeapError, message: /size 0/ })
})

test("gc heap: the reader finds the heap again when it moves", (t) => {
    const vm = memory([[0x05, 4]])
    const read = gcHeapReader(vm)
    t.is(read().usedBytes, 16)
    // the program restarted: the old header is gone, a new heap sits elsewhere
    const moved = memory([[0x05, 8]])
    const shift = 8192
    vm.HEAP32.fill(0)
    for (let i = 0; i < 2048; i++) vm.HEAP32[(shift >> 2) + i] = moved.HEAP32[i]
    // rebase the pointers the header and chunk hold
    const g = (GC_AT + shift) / 4
    vm.HEAP32[g + 1] += shift
    vm.HEAP32[(CHUNK_AT + shift) / 4 + 1] += shift
    t.is(read().usedBytes, 32)
})
