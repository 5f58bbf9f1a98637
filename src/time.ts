import * as ds from "@devicescript/core"

// MicroPython's `time` helpers, so the spec's loops port line by line.
// Times come from the VM's clock (virtual in the simulator).

/** Sleep for `ms` milliseconds (yields to other fibers). */
export async function sleep_ms(ms: number): Promise<void> {
    await ds.sleep(ms)
}

/** Sleep for `s` seconds. */
export async function sleep(s: number): Promise<void> {
    await ds.sleep(s * 1000)
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
