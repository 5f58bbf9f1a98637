import type { Clock } from "./radio/air"

// Timers of any length on the one clock of a run. Node's setTimeout (and
// @sinonjs/fake-timers, which copies it) turns any delay of 2^31 ms
// (about 24.8 days) or more into 1 ms: a world event at 30 days would fire
// at once. Long delays are armed in chunks below that limit and re-armed
// until the target time, so a timer fires at exactly now + ms however far
// away that is.

/** The longest delay one host timer takes faithfully: 2^31 - 1 ms. */
export const MAX_HOST_TIMER_MS = 2 ** 31 - 1

interface HostTimers {
    now(): number
    setTimeout(fn: () => void, ms: number): unknown
    clearTimeout(handle: unknown): void
}

/** A timer that may need several host timers: clearing it clears whichever is armed. */
class LongTimer {
    handle: unknown
    cleared = false
}

/** A Clock over `host` whose timers take any finite delay >= 0. */
export function longTimerClock(host: HostTimers): Clock {
    const arm = (timer: LongTimer, fn: () => void, due: number) => {
        const left = due - host.now()
        if (left > MAX_HOST_TIMER_MS) {
            timer.handle = host.setTimeout(() => {
                if (!timer.cleared) arm(timer, fn, due)
            }, MAX_HOST_TIMER_MS)
        } else {
            timer.handle = host.setTimeout(
                () => {
                    if (!timer.cleared) fn()
                },
                Math.max(0, left),
            )
        }
    }
    return {
        now: () => host.now(),
        setTimeout(fn, ms) {
            if (!Number.isFinite(ms)) throw new Error(`a timer needs a finite delay, got ${ms} ms`)
            const timer = new LongTimer()
            arm(timer, fn, host.now() + Math.max(0, ms))
            return timer
        },
        clearTimeout(handle) {
            if (!(handle instanceof LongTimer)) return
            handle.cleared = true
            host.clearTimeout(handle.handle)
        },
    }
}

/** The process's timers (faked in virtual time), with simulated time counted from `t0`. */
export function processClock(t0: number): Clock {
    return longTimerClock({
        now: () => Date.now() - t0,
        // read the globals at call time: fake-timers replaces them for a run
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    })
}
