// The VM's next tick on a run's fake clock: one timer, re-armed from tick to
// tick instead of a new one each time.
//
// After every tick the VM asks for the next (its emscripten wrapper's
// process2: setTimeout(process2, us / 1000)), every 10 ms of simulated time
// when idle, so an hour of simulated time is 360,000 timers. Each new timer
// of @sinonjs/fake-timers is a record and a handle with five closures, and
// making them took about as much CPU as the VM's tick itself (a profile of
// the fleet and session tests, docs/testing.md).
//
// fake-timers' refresh() re-arms a timer exactly as a new one is armed
// (fake-timers-src.js 15.5.0, addTimer and the handle's refresh): due at now
// + its delay, and the next creation order, which is what breaks the tie
// between timers due at the same moment (compareTimers: the due time,
// immediates first, then the order; the id and the creation time are never
// reached because orders are unique). So the re-armed tick fires where a new
// timer would have: every timeline stays what it was
// (test/tick-timer.test.ts runs the same scenarios both ways). The delay is
// written on fake-timers' own record of the timer (clock.timers, by id)
// first, normalised as addTimer normalises it.
//
// A timer is re-armed only once it is out of fake-timers' map: fired, or
// cleared (the VM's handlePacket clears it before it ticks early). One still
// pending is left as it is and the tick gets a new timer, as before.

/** What is read and written of fake-timers' clock (pinned at 15.5.0; test/tick-timer.test.ts checks the names). */
interface FakeTimerRecord {
    id: number
    func: unknown
    delay?: number
}

interface TimerHandle {
    refresh(): unknown
}

/** How the VM asks for its next tick: setTimeout's shape. */
export type TickTimer = (tick: () => void, ms: number) => unknown

/** fake-timers' limit: a delay past it becomes 1 ms (as in Node). */
const MAX_TIMEOUT = 2 ** 31 - 1

let reuse = true

/** Turn the re-arming off (and on again): for the test that it changes nothing but time. */
export function useTickTimerReuse(on: boolean) {
    reuse = on
}

/** The delay as fake-timers' addTimer stores it (Node's timers take it the same, but for 0 ms, which Node runs as 1). */
export function normalisedDelay(ms: number): number {
    const finite = Number.isFinite(ms) ? ms : 0
    return Math.max(0, finite > MAX_TIMEOUT ? 1 : finite)
}

/** A tick timer for one VM on the fake clock `fake`, or undefined to let the VM use setTimeout. */
export function tickTimerFor(fake: object | undefined): TickTimer | undefined {
    if (!reuse || !fake) return undefined
    // fake-timers makes its map with the clock's first timer
    const records = () => (fake as { timers?: unknown }).timers as Map<number, FakeTimerRecord> | undefined
    let handle: TimerHandle | undefined
    let record: FakeTimerRecord | undefined
    return (tick, ms) => {
        // fired (fake-timers took it out of its map) or cleared: re-arm it
        if (handle && record && record.func === tick && !records()?.has(record.id)) {
            record.delay = normalisedDelay(ms)
            handle.refresh()
            return handle
        }
        const made = setTimeout(tick, ms) as unknown as TimerHandle
        const map = records()
        record = map instanceof Map ? map.get(Number(made)) : undefined
        handle = record && typeof made.refresh === "function" ? made : undefined
        return made
    }
}
