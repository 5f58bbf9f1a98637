// Durations in world files and on the command line: a number of
// milliseconds, or "300ms", "20s", "1.5s", "2m", "1h", "30d".

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * The longest duration accepted: 10 years (3650 days) of simulated time.
 * Anything longer is a typo, not a soak: refused rather than shortened.
 */
export const MAX_DURATION_MS = 3650 * 86_400_000

function checked(ms: number, shown: string): number {
    if (!Number.isFinite(ms)) throw new Error(`duration must be a finite number of milliseconds, got ${shown}`)
    if (ms < 0) throw new Error(`duration must be >= 0 ms, got ${shown}`)
    if (ms > MAX_DURATION_MS)
        throw new Error(`duration ${shown} is longer than the 10 years (3650d, ${MAX_DURATION_MS} ms) allowed`)
    return ms
}

export function parseDuration(value: number | string): number {
    if (typeof value === "number") return checked(value, String(value))
    const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value.trim())
    if (!m) throw new Error(`"${value}" is not a duration; use e.g. 300ms, 20s, 2m, 1h, 30d`)
    return checked(Math.round(parseFloat(m[1]) * UNIT_MS[m[2]]), `"${value}"`)
}

/** 12345 -> "12.345s" (how simulated times are printed). */
export function formatSimTime(ms: number): string {
    return `${(ms / 1000).toFixed(3)}s`
}

/** The smallest stamp width: "0.000s" up to "9999.999s" right-aligned in 9 columns. */
const STAMP_WIDTH = 9

/**
 * The width of the time stamps of a run that may last `maxMs`: 9 columns
 * up to 9,999.999 s, as wide as the longest time beyond, so a 6-hour run's
 * lines keep one column from the first to the last.
 */
export function stampWidth(maxMs: number | undefined): number {
    return Math.max(STAMP_WIDTH, formatSimTime(maxMs ?? 0).length)
}

/** "[   2.918s]": a line's simulated time, right-aligned in `width` columns. */
export function simStamp(ms: number, width = STAMP_WIDTH): string {
    return `[${formatSimTime(ms).padStart(width)}]`
}
