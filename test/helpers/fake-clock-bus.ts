import FakeTimers from "@sinonjs/fake-timers"
import { boardBus, disposeQuietly, type JDBus } from "../../sim/jacdac"
import { inTurn, VIRTUAL_FAKES } from "../../sim/session"

// A simulated board's bus on the virtual clock, without a whole simulation:
// for the tests of the run loop's quiet timers and of the register poll.

export type FakeClock = ReturnType<typeof FakeTimers.install>

/**
 * Run `work` with the process's timers faked as a simulation fakes them, in
 * the simulations' turn (a timer set while another run holds the clock
 * would land on that run's clock).
 */
export function onFakeClock<T>(work: (fake: FakeClock) => Promise<T>): Promise<T> {
    return inTurn(async () => {
        const fake = FakeTimers.install({ now: 0, toFake: VIRTUAL_FAKES })
        try {
            return await work(fake)
        } finally {
            fake.uninstall()
        }
    })
}

/** The same, with a board's bus (sim/jacdac.ts, boardBus) made at time 0 and disposed after. */
export function busOnFakeClock<T>(onFrame: () => void, work: (fake: FakeClock, bus: JDBus) => Promise<T>): Promise<T> {
    return onFakeClock(async (fake) => {
        const bus = boardBus(onFrame)
        try {
            return await work(fake, bus)
        } finally {
            await disposeQuietly(bus)
        }
    })
}
