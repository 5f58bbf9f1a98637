import test, { type ExecutionContext } from "ava"
import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { registerPollCounts, useRegisterPollShortcut } from "../sim/register-poll"
import { boardBus } from "../sim/jacdac"
import { inTurn } from "../sim/session"
import { runFile, type RunScriptOptions, type ScriptRun } from "./helpers/run"

// sim/register-poll.ts lets a board's bus skip jacdac-ts's register walk
// while no register can be waiting. It must change nothing but time: each
// scenario here runs with the shortcut and without it, and the runs must
// be the same to the millisecond (every timeline entry, every line of
// output, the outcome). The scenarios are the ones where the poll matters:
// devices appearing (every start), a driver's device going away and coming
// back (its registers are new again), a button held (the poll's refresh
// drives the button server's hold events), the C drivers.

const defaultWorld = JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as Record<string, unknown>

const scenarios: { name: string; script: string; options: RunScriptOptions }[] = [
    { name: "the spec's example", script: "examples/wifi-station.ts", options: {} },
    {
        name: "a driver restart at 20 s",
        script: "test/scripts/watch-link.ts",
        options: { world: { ...defaultWorld, events: [{ at: "20s", action: "restart-driver" }] }, timeout: "70s" },
    },
    {
        name: "the doorbell's button presses",
        script: "examples/button-flash.ts",
        options: { world: "doorbell", timeout: "20s" },
    },
    {
        name: "the C drivers (--driver firmware)",
        script: "test/scripts/watch-link.ts",
        options: { driver: "firmware" },
    },
]

/** What a run shows: everything but its wall time. */
function shown(run: ScriptRun) {
    return {
        outcome: run.outcome,
        exitCode: run.exitCode,
        error: run.error,
        output: run.output,
        timeline: run.timeline,
        simulatedMs: run.simulatedMs,
    }
}

// every scenario without the shortcut first, asked for together (their scripts
// share one build); meanwhile any other simulation of this process also runs
// without it, which changes nothing but its time
const plain = new Map<string, ScriptRun>()
test.before(async () => {
    useRegisterPollShortcut(false)
    try {
        const runs = await Promise.all(scenarios.map((s) => runFile(fromRoot(s.script), s.options)))
        scenarios.forEach((s, i) => plain.set(s.name, runs[i]))
    } finally {
        useRegisterPollShortcut(true)
    }
})

for (const s of scenarios)
    test(`${s.name}: the same run to the millisecond with the register poll's shortcut as without`, async (t) => {
        const quick = await runFile(fromRoot(s.script), s.options)
        const without = plain.get(s.name)!
        t.true(without.timeline.length > 5)
        t.deepEqual(shown(quick), shown(without))
    })

test("a bus's polls walk its registers while one is waiting, then skip the walk", async (t) => {
    // in the simulations' turn (a bus made during another's run would put its timers on that run's clock);
    // the polls are called by hand, before the bus's own timers could fire
    await inTurn(() => pollsOfABus(t))
})

async function pollsOfABus(t: ExecutionContext) {
    const bus = boardBus(() => undefined)
    const debug = console.debug
    try {
        const poll = () => (bus as unknown as { handleRefreshRegisters(): void }).handleRefreshRegisters()
        poll()
        // the first poll walks (nothing is known yet); with no device it finds nothing
        t.deepEqual(registerPollCounts(bus), { walks: 1, skips: 0 })
        poll()
        poll()
        t.deepEqual(registerPollCounts(bus), { walks: 1, skips: 2 })
        // anything on the bus may make a register wait: the next poll walks again
        bus.emit("packetProcess")
        poll()
        t.deepEqual(registerPollCounts(bus), { walks: 2, skips: 2 })
    } finally {
        console.debug = () => undefined
        await bus.dispose()
        console.debug = debug
    }
}
