import { normalisedDelay, type TickTimer, tickTimerFor } from "./tick-timer"

// The VM's clock and tick timer for a run.
//
// On the fake clock the VM reads the virtual time (emscripten's em_time_now
// is Date.now, which the run fakes) and ticks through one re-armed timer
// (sim/vm/tick-timer.ts).
//
// In a realtime run (`sim --serve`, the virtual boards) the VM reads the
// wall clock, and a stall of the host (a loaded machine, a long garbage
// collection, a busy test thread) is time the VM sees pass with nothing
// heard from the board's drivers. Past 2 s the VM's Jacdac client drops the
// drivers' device as gone (jacdac-c client/routing.c: EXPIRES_USEC is
// 2,000,000, refreshed only by an announce, which jacdac-ts sends every
// 500 ms). Its next announce makes a new device whose event counter is
// taken from the first event packet that arrives, and jacdac-ts's repeats
// of older events (sent again 20 and 100 ms after, JDServiceServer.sendEvent)
// can be that packet: every event of the next four is then taken for one
// arriving early and dropped (routing.c: `ahead > 0 && ahead < 5`). A script
// lost its camera server's `on_client` events that way under load.
//
// A chip never stalls like that, so the VM is not shown the host's: when a
// tick comes later than the VM asked by more than STALL_GRACE_MS, the excess
// is left out of the VM's time from then on. The VM's own work inside a tick
// is never left out (its loop and watchdog checks read that time), and a
// packet that wakes the VM early is not a stall.

/** How late a tick may come before the excess is taken for a stall of the host (well under the 2 s expiry, over a busy machine's usual lateness). */
export const STALL_GRACE_MS = 500

/** How a VM reads time and asks for its next tick (DevsVm.camscriptNow and camscriptTickTimer). */
export interface VmTiming {
    tickTimer?: TickTimer
    now?: () => number
}

/**
 * A realtime VM's clock: wall time less the host's stalls, and the tick
 * timer that tells it when the VM asked to run. `wall` and `timer` are the
 * wall clock and setTimeout (a test gives its own).
 */
export function stallGuard(
    wall: () => number = () => Date.now(),
    timer: TickTimer = (tick, ms) => setTimeout(tick, ms),
): Required<VmTiming> & { stalledMs: () => number } {
    let left = 0
    // when the VM asked for its next tick, until its first reading of the time after it
    let due: number | undefined
    return {
        tickTimer: (tick, ms) => {
            due = wall() + normalisedDelay(ms)
            return timer(tick, ms)
        },
        now: () => {
            const t = wall()
            if (due !== undefined) {
                left += Math.max(0, t - due - STALL_GRACE_MS)
                due = undefined
            }
            return t - left
        },
        stalledMs: () => left,
    }
}

/** The VM's timing for a run: the fake clock's (`fake`, FakeTimers' clock) or, in a realtime run, the stall guard. */
export function vmTimingFor(fake: object | undefined): VmTiming {
    return fake ? { tickTimer: tickTimerFor(fake) } : stallGuard()
}
