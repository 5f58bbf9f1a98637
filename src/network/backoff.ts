// The retry back-off of a failed Wi-Fi attempt: how long the station waits
// before it tries again. Doubling steps from RETRY_FIRST_DELAY_MS up to
// RETRY_MAX_DELAY_MS, each shortened by a random share of itself (jitter):
// cameras that failed at the same instant (a site power cut, an access
// point taking one join a second) would otherwise retry at the same
// instants for ever, and only one of them would get in each time. The
// randomness is seeded from the board's station MAC, read from the driver:
// every camera has its own sequence, and a run of the same world gives the
// same timeline every time.

/** First wait before retrying a failed attempt; doubles on each failure... */
export const RETRY_FIRST_DELAY_MS = 500
/** ...up to this, so a lost network is looked for again at least this often. */
export const RETRY_MAX_DELAY_MS = 8000
/** At most this share of each step is taken off at random: a wait is in (1 - share, 1] of its step. */
export const RETRY_JITTER_SHARE = 0.5
/** Draws discarded after seeding, so seeds that differ in a bit or two (neighbouring MACs) part ways. */
const WARM_UP_DRAWS = 16

/** The back-off step after `failures` consecutive failures (1 = the first), before jitter. */
export function retryStep(failures: number): number {
    let delay = RETRY_FIRST_DELAY_MS
    for (let i = 1; i < failures && delay < RETRY_MAX_DELAY_MS; ++i) delay *= 2
    return delay > RETRY_MAX_DELAY_MS ? RETRY_MAX_DELAY_MS : delay
}

/** The wait before the next attempt: the step less `u` (0 <= u < 1) times its jitter share, in whole ms. */
export function retryDelay(failures: number, u: number): number {
    const step = retryStep(failures)
    return step - Math.floor(step * RETRY_JITTER_SHARE * u)
}

/**
 * Marsaglia's xorshift32 ("Xorshift RNGs", 2003, shifts 13, 17, 5): small,
 * 32-bit integer operations only (the VM's bit operators work on int32),
 * and reproducible from its seed. Not for secrets.
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
