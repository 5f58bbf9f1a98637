// Durations in world files and on the command line: a number of
// milliseconds, or "300ms", "20s", "1.5s", "2m", "1h".

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

export function parseDuration(value: number | string): number {
    if (typeof value === "number") {
        if (!(value >= 0)) throw new Error(`duration must be >= 0 ms, got ${value}`)
        return value
    }
    const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(value.trim())
    if (!m) throw new Error(`"${value}" is not a duration; use e.g. 300ms, 20s, 2m, 1h`)
    return Math.round(parseFloat(m[1]) * UNIT_MS[m[2]])
}

/** 12345 -> "12.345s" (how simulated times are printed). */
export function formatSimTime(ms: number): string {
    return `${(ms / 1000).toFixed(3)}s`
}
