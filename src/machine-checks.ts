import * as L from "./limits"
import { checkWhole } from "./network/ranges"

// machine's argument checks, pure so the limits table runs them in Node too
// (limits/script-limits.ts) and test/limits-bytecode.test.ts in the VM.

/** Deep sleep's duration: a whole number of milliseconds, 1 .. 4294967295 (the contract's u32). */
export function checkDeepSleepMs(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.DEEP_SLEEP_MIN_MS,
        L.DEEP_SLEEP_MAX_MS,
        `an integer ${L.DEEP_SLEEP_MIN_MS}..${L.DEEP_SLEEP_MAX_MS} (milliseconds; the board boots again after it)`,
    )
}
