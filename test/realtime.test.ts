import FakeTimers from "@sinonjs/fake-timers"
import test from "ava"
import { VIRTUAL_FAKES } from "../sim/session"
import { camscriptMain, type Ran } from "./helpers/main"

// `sim --realtime` runs on the process's clock instead of a virtual clock of
// its own. Checked without reading the wall clock: the test fakes the
// process's timers itself and moves them 10 ms at a time, so a realtime run
// can only get as far as the test has moved that clock. A run that faked a
// clock of its own instead would fail to install it over the test's. (A
// bound on real elapsed time would flake on a loaded machine, and speed
// belongs in `npm run bench`.)

/** Run the CLI in this process while the test owns the timers; how far the clock had to move for it to finish. */
async function onTestClock(...args: string[]): Promise<{ ran: Ran; movedMs: number }> {
    const clock = FakeTimers.install({ now: 1_000_000, toFake: VIRTUAL_FAKES })
    try {
        let ran: Ran | undefined
        const running = camscriptMain(...args).then((r) => (ran = r))
        let moved = 0
        while (!ran && moved < 60_000) {
            await clock.tickAsync(10)
            moved += 10
        }
        return { ran: await running, movedMs: moved }
    } finally {
        clock.uninstall()
    }
}

test.serial("sim --realtime follows the process's clock: the link comes up at 2.987 s of it, not before", async (t) => {
    const { ran, movedMs } = await onTestClock("sim", "examples/wifi-station.ts", "--realtime", "--no-timeline")
    t.is(ran.code, 0, ran.stderr)
    t.is(ran.stdout, "[   2.987s] link up\n")
    // finished in the first 10 ms step past 2987 ms: at 2980 ms of the clock it was still running
    t.is(movedMs, 2990)
})
