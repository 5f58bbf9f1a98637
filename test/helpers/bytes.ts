import type { ExecutionContext } from "ava"

/**
 * `actual` is `expected` byte for byte. ava's deepEqual describes a buffer
 * index by index (about a third of a second for a few camera frames); this
 * compares them at once and, when they differ, says where.
 */
export function sameBytes(t: ExecutionContext, actual: Uint8Array, expected: Uint8Array, what = "the bytes") {
    const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength)
    const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength)
    if (a.equals(b)) {
        t.pass()
        return
    }
    let at = 0
    while (at < a.length && at < b.length && a[at] === b[at]) at++
    t.fail(`${what}: ${a.length} bytes where ${b.length} were expected, the first difference at byte ${at}`)
}
