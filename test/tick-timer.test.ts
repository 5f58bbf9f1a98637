import test from "ava"
import type { FleetResult } from "../sim/fleet/fleet"
import { fromRoot } from "../project/paths"
import { tickTimerFor, useTickTimerReuse } from "../sim/vm/tick-timer"
import { onFakeClock } from "./helpers/fake-clock-bus"
import { runFleetWorld } from "./helpers/fleet"
import { runFile, runShown, type ScriptRun } from "./helpers/run"
import { defaultWorldJson } from "./helpers/worlds"

// sim/vm/tick-timer.ts re-arms one fake timer for a VM's ticks instead of
// making a new one per tick. It must change nothing but time: the order in
// which timers fire, and so every simulation, stays the same to the
// millisecond.

/**
 * A VM-like ticker on the fake clock beside other timers, with ties at the
 * same moment, early ticks (its pending timer cleared), a stop and a
 * restart: the order everything fired in, and how many distinct timer
 * handles the ticker's timer gave.
 */
function tickerRun(timer: "reused" | "new") {
    return onFakeClock(async (fake) => {
        const fired: string[] = []
        const handles = new Set<unknown>()
        const schedule = (timer === "reused" ? tickTimerFor(fake) : undefined) ?? setTimeout
        // delays as the VM gives them (us / 1000: fractions), 0, and one past fake-timers' limit
        const delays = [10, 10, 3.5, 0, 10, 7.25, 2 ** 31, 10, 0.4, 10]
        let n = 0
        let pending: unknown
        const tick = () => {
            fired.push(`tick ${n} at ${Date.now()}`)
            const delay = delays[n++ % delays.length]
            pending = schedule(tick, delay)
            handles.add(pending)
        }
        pending = setTimeout(tick, 10)
        // others due at the ticks' moments, made before and after the tick they tie with
        for (const at of [10, 20, 20, 23, 40, 50, 57])
            setTimeout(() => {
                fired.push(`other ${at} at ${Date.now()}`)
                // an early tick, as the VM's handlePacket makes one: its pending timer cleared first
                if (at === 23 || at === 50) {
                    clearTimeout(pending as Parameters<typeof clearTimeout>[0])
                    tick()
                }
            }, at)
        await fake.tickAsync(60)
        clearTimeout(pending as Parameters<typeof clearTimeout>[0])
        fired.push(`stopped at ${Date.now()}`)
        await fake.tickAsync(30)
        tick()
        await fake.tickAsync(40)
        return { fired, handles: handles.size, ticks: n }
    })
}

test("a re-armed tick timer fires where a new timer would: ties, early ticks, a stop and a restart", async (t) => {
    const plain = await tickerRun("new")
    const reused = await tickerRun("reused")
    t.deepEqual(reused.fired, plain.fired)
    t.true(plain.ticks > 15, `${plain.ticks} ticks`)
    // a new timer per tick without it; with it, one timer for all of them
    t.is(plain.handles, plain.ticks)
    t.is(reused.handles, 1)
})

test("fake-timers' clock still has what the tick timer reads: its map of timers by id, and handles that refresh", async (t) => {
    await onFakeClock(async (fake) => {
        const handle = setTimeout(() => {}, 5) as unknown as { refresh?: unknown }
        const timers = (fake as unknown as { timers?: unknown }).timers
        t.true(timers instanceof Map)
        const record = (timers as Map<number, { func?: unknown; delay?: number }>).get(Number(handle))
        t.is(record?.delay, 5)
        t.is(typeof handle.refresh, "function")
        t.not(tickTimerFor(fake), undefined)
        clearTimeout(handle as Parameters<typeof clearTimeout>[0])
    })
})

function fleetShown(r: FleetResult) {
    const { outcome, exitCode, cameras, timeline, uploads, simulatedMs } = r
    return { outcome, exitCode, cameras, timeline, uploads, simulatedMs }
}

const defaultWorld = defaultWorldJson<{ board: string; accessPoints: unknown[] }>()

/** Two cameras, the second powered off and on: the fleet's VMs and their restarts. */
const twoCameras = {
    board: defaultWorld.board,
    accessPoints: defaultWorld.accessPoints,
    cameras: [
        { name: "a", position: [0, 0] },
        { name: "b", position: [5, 0] },
    ],
    events: [
        { at: "20s", action: "power-off", camera: "b" },
        { at: "25s", action: "power-on", camera: "b" },
    ],
}

const plain: { station?: ScriptRun; drivers?: ScriptRun; fleet?: FleetResult } = {}
test.before(async () => {
    useTickTimerReuse(false)
    try {
        ;[plain.station, plain.drivers, plain.fleet] = await Promise.all([
            runFile(fromRoot("examples/wifi-station.ts")),
            runFile(fromRoot("test/scripts/watch-link.ts"), { driver: "firmware" }),
            runFleetWorld(twoCameras, { script: fromRoot("test/scripts/watch-link.ts"), timeout: "40s" }),
        ])
    } finally {
        useTickTimerReuse(true)
    }
})

test("the spec's example: the same run to the millisecond with the VM's tick timer re-armed as with a new timer per tick", async (t) => {
    const quick = await runFile(fromRoot("examples/wifi-station.ts"))
    t.true(plain.station!.timeline.length > 5)
    t.deepEqual(runShown(quick), runShown(plain.station!))
})

test("the C drivers (--driver firmware): the same run with the tick timer re-armed as without", async (t) => {
    const quick = await runFile(fromRoot("test/scripts/watch-link.ts"), { driver: "firmware" })
    t.true(plain.drivers!.timeline.length > 5)
    t.deepEqual(runShown(quick), runShown(plain.drivers!))
})

test("a fleet of two, one powered off and on: the same run with the tick timer re-armed as without", async (t) => {
    const quick = await runFleetWorld(twoCameras, { script: fromRoot("test/scripts/watch-link.ts"), timeout: "40s" })
    t.is(quick.cameras.length, 2)
    t.true(quick.cameras.every((c) => c.timeline.length > 5))
    t.deepEqual(fleetShown(quick), fleetShown(plain.fleet!))
})
