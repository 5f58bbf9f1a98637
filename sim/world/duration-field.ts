// A duration field of a world file read without stopping at the first
// problem: the loader gathers every problem of the file before it refuses.

import { parseDuration } from "../../project/duration"

/** A duration field, or 0 with a problem naming the field (too long, not finite). */
export function durationAt(value: number | string, at: string, problems: string[]): number {
    try {
        return parseDuration(value)
    } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`)
        return 0
    }
}
