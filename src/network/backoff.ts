// The retry back-off of a failed Wi-Fi attempt: how long the station waits
// before it tries again. Doubling steps from RETRY_FIRST_DELAY_MS up to
// RETRY_MAX_DELAY_MS; the waits at that longest step are shortened by a
// random share of it (jitter). Cameras that failed at the same instant (a
// site power cut, an access point taking one join a second) reach the
// longest step together and, without jitter, would retry at the same
// instants for ever, only one of them getting in each time. The steps
// before it (0.5, 1, 2, 4 s: a single camera's quick recovery, which the
// documentation times) stay exact. The randomness is seeded from the
// board's station MAC, read from the driver: every camera has its own
// sequence, and a run of the same world gives the same timeline every time.

/** First wait before retrying a failed attempt; doubles on each failure... */
export const RETRY_FIRST_DELAY_MS = 500
/** ...up to this, so a lost network is looked for again at least this often. */
export const RETRY_MAX_DELAY_MS = 8000
/** At most this share of the longest step is taken off at random: such a wait is in (1 - share, 1] of it. */
export const RETRY_JITTER_SHARE = 0.5
/** Draws discarded after seeding, so seeds that differ in a bit or two (neighbouring MACs) part ways. */
const WARM_UP_DRAWS = 16

/** The back-off step after `failures` consecutive failures (1 = the first), before jitter. */
export function retryStep(failures: number): number {
    let delay = RETRY_FIRST_DELAY_MS
    for (let i = 1; i < failures && delay < RETRY_MAX_DELAY_MS; ++i) delay *= 2
    return delay > RETRY_MAX_DELAY_MS ? RETRY_MAX_DELAY_MS : delay
}

/** Whether the wait after `failures` consecutive failures is jittered (it is at the longest step). */
export function jittered(failures: number): boolean {
    return retryStep(failures) >= RETRY_MAX_DELAY_MS
}

/** The wait before the next attempt, in whole ms: the step, less `u` (0 <= u < 1) times its jitter share when jittered. */
export function retryDelay(failures: number, u: number): number {
    const step = retryStep(failures)
    if (!jittered(failures)) return step
    return step - Math.floor(step * RETRY_JITTER_SHARE * u)
}

/**
 * Marsaglia's xorshift32 ("Xorshift RNGs", 2003, shifts 13, 17, 5): small,
 * 32-bit integer operations only (the VM's bit operators work on int32),
 * and reproducible from its seed. Not for secrets.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class RetryJitter {
    private x = 1

    /** Seed from bytes (the station MAC); the same bytes give the same sequence. */
    constructor(seed: Buffer) {
        let s = 0x2545f491
        for (let i = 0; i < seed.length; i++) s = ((s << 5) - s + seed[i]) | 0
        this.x = s === 0 ? 1 : s
        for (let i = 0; i < WARM_UP_DRAWS; i++) this.draw()
    }

    private draw(): number {
        let x = this.x
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        this.x = x | 0
        return this.x
    }

    /** The next number in [0, 1). */
    next(): number {
        return (this.draw() >>> 0) / 4294967296
    }
}
