import type { Parameters } from "fast-check"

// Settings shared by the property-based tests (test/fuzz-*.test.ts): a fixed
// seed and a few cases in `npm test`; `npm run fuzz` runs many more
// (FUZZ_RUNS, default 2000 there) with FUZZ_SEED to vary or replay a run.
// A failure prints its seed and path: FUZZ_SEED=<seed> replays it.

const DEFAULT_SEED = 9009

/** fast-check parameters: `runs` cases unless FUZZ_RUNS says otherwise. */
export function fuzzParameters<T>(runs: number): Parameters<T> {
    const envRuns = process.env.FUZZ_RUNS
    const envSeed = process.env.FUZZ_SEED
    const numRuns = envRuns ? Number(envRuns) : runs
    const seed = envSeed ? Number(envSeed) : DEFAULT_SEED
    if (!Number.isInteger(numRuns) || numRuns < 1)
        throw new Error(`FUZZ_RUNS must be a whole number >= 1, got ${envRuns}`)
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${envSeed}`)
    // the property's own message (what went wrong, the script's output) goes in the report
    return { numRuns, seed, includeErrorInReport: true }
}
