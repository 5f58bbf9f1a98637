import * as ds from "@devicescript/core"
import { describe } from "./network/credentials"

// MicroPython's `time` helpers, so the spec's loops port line by line.
// Times come from the VM's clock (virtual in the simulator).

/**
 * Long sleeps are taken in pieces of at most this, each measured against
 * `ds.millis()`: the VM keeps a fiber's wake time as a 32-bit count of
 * milliseconds since boot, which wraps after 49.7 days, so one sleep across
 * that moment would end early. Pieces end on time, or early and are resumed.
 */
export const SLEEP_PIECE_MS = 600000

function checkMs(ms: any, what: string) {
    if (typeof ms !== "number" || isNaN(ms) || ms === Infinity || ms === -Infinity)
        throw new Error(`${what} must be a finite number, got ${describe(ms)}`)
}

async function sleepFor(ms: number) {
    if (ms <= SLEEP_PIECE_MS) {
        // a negative time returns at once, as in MicroPython
        await ds.sleep(ms < 0 ? 0 : ms)
        return
    }
    const end = ds.millis() + ms
    while (true) {
        const left = end - ds.millis()
        if (left <= 0) return
        await ds.sleep(left < SLEEP_PIECE_MS ? left : SLEEP_PIECE_MS)
    }
}

/** Sleep for `ms` milliseconds (yields to other fibers); any finite length, negative returns at once. */
export async function sleep_ms(ms: number): Promise<void> {
    checkMs(ms, "time.sleep_ms(): ms")
    await sleepFor(ms)
}

/** Sleep for `s` seconds. */
export async function sleep(s: number): Promise<void> {
    checkMs(s, "time.sleep(): s (seconds)")
    await sleepFor(s * 1000)
}

/** Milliseconds since the VM started. Unlike MicroPython it does not wrap. */
export function ticks_ms(): number {
    return Math.round(ds.millis())
}

/** `a - b` for two `ticks_ms()` readings. */
export function ticks_diff(a: number, b: number): number {
    return a - b
}

/** `ticks + delta`, the counterpart of `ticks_diff`. */
export function ticks_add(ticks: number, delta: number): number {
    return ticks + delta
}

/** `time` as the entries export it (`import { time } from "camscript"`). */
export const time = {
    sleep: sleep,
    sleep_ms: sleep_ms,
    ticks_ms: ticks_ms,
    ticks_diff: ticks_diff,
    ticks_add: ticks_add,
}
