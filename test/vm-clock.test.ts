import test from "ava"
import { STALL_GRACE_MS, stallGuard, vmTimingFor } from "../sim/vm/vm-clock"

// The realtime VM's clock (sim/vm/vm-clock.ts): a tick later than the VM
// asked by more than the grace is a stall of the host, and the excess is
// left out of the VM's time; nothing else is. The scenario it guards (a
// stalled host losing the camera server's events) is in
// camera-serve-conformance.test.ts.

/** A guard on a hand-moved wall clock; `asked` records the delays the VM asked for. */
function guarded(start = 1_000_000) {
    let wall = start
    const asked: number[] = []
    const guard = stallGuard(
        () => wall,
        (_tick, ms) => {
            asked.push(ms)
            return asked.length
        },
    )
    return { guard, asked, pass: (ms: number) => (wall += ms), wall: () => wall }
}

test("the grace is 500 ms", (t) => {
    t.is(STALL_GRACE_MS, 500)
})

test("a tick on time, or late by up to the grace, leaves the VM on the wall clock", (t) => {
    for (const late of [0, 1, STALL_GRACE_MS]) {
        const g = guarded()
        t.is(g.guard.now(), g.wall())
        g.guard.tickTimer(() => {}, 10)
        g.pass(10 + late)
        t.is(g.guard.now(), g.wall(), `late ${late} ms`)
        t.is(g.guard.stalledMs(), 0)
    }
})

test("a tick later than the grace: the excess is left out, from then on", (t) => {
    const g = guarded()
    g.guard.tickTimer(() => {}, 10)
    g.pass(10 + STALL_GRACE_MS + 1)
    t.is(g.guard.now(), g.wall() - 1)
    g.guard.tickTimer(() => {}, 20)
    g.pass(20 + STALL_GRACE_MS + 2500)
    t.is(g.guard.now(), g.wall() - 2501)
    t.is(g.guard.stalledMs(), 2501)
    // the next tick on time: the VM's time moves with the wall again
    const before = g.guard.now()
    g.guard.tickTimer(() => {}, 10)
    g.pass(10)
    t.is(g.guard.now() - before, 10)
    t.deepEqual(g.asked, [10, 20, 10])
})

test("the VM's own work inside a tick is never left out", (t) => {
    const g = guarded()
    g.guard.tickTimer(() => {}, 10)
    g.pass(10)
    const first = g.guard.now()
    g.pass(5000)
    t.is(g.guard.now() - first, 5000)
    t.is(g.guard.stalledMs(), 0)
})

test("a packet waking the VM before its tick is no stall, nor is a long sleep it asked for", (t) => {
    const g = guarded()
    g.guard.tickTimer(() => {}, 60_000)
    g.pass(30_000)
    t.is(g.guard.now(), g.wall())
    g.guard.tickTimer(() => {}, 60_000)
    g.pass(60_000 + STALL_GRACE_MS)
    t.is(g.guard.now(), g.wall())
    t.is(g.guard.stalledMs(), 0)
})

test("on a fake clock the VM keeps the virtual time: no clock of its own, the re-armed tick timer", (t) => {
    const timing = vmTimingFor({ timers: new Map() })
    t.is(timing.now, undefined)
    t.is(typeof timing.tickTimer, "function")
    const real = vmTimingFor(undefined)
    t.is(typeof real.now, "function")
    t.is(typeof real.tickTimer, "function")
})
