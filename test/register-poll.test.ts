import test from "ava"
import { fromRoot } from "../project/paths"
import { registerPollCounts, useRegisterPollShortcut } from "../sim/register-poll"
import { ButtonServer, JDServerServiceProvider } from "../sim/jacdac"
import { busOnFakeClock } from "./helpers/fake-clock-bus"
import { runFile, type RunScriptOptions, runShown, type ScriptRun } from "./helpers/run"
import { defaultWorldJson } from "./helpers/worlds"

// sim/register-poll.ts lets a board's bus skip jacdac-ts's register walk
// while no register can be waiting. It must change nothing but time: each
// scenario here runs with the shortcut and without it, and the runs must
// be the same to the millisecond (every timeline entry, every line of
// output, the outcome). The scenarios are the ones where the poll matters:
// devices appearing (every start), a driver's device going away and coming
// back (its registers are new again), a button held (the poll's refresh
// drives the button server's hold events), the C drivers.

const defaultWorld = defaultWorldJson()

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
        t.deepEqual(runShown(quick), runShown(without))
    })

/** A bus with one service provider (a button), on a fake clock for 5 + 5 s: what its polls did and sent. */
function busAlone(shortcut: boolean) {
    let frames = 0
    return busOnFakeClock(
        () => frames++,
        async (fake, bus) => {
            // set in the simulations' turn, and back before it ends
            useRegisterPollShortcut(shortcut)
            try {
                const provider = new JDServerServiceProvider("register-poll-test", [new ButtonServer()])
                let refreshes = 0
                provider.on("refresh", () => refreshes++)
                bus.addServiceProvider(provider)
                await fake.tickAsync(5000)
                const first = { ...registerPollCounts(bus), frames, refreshes }
                await fake.tickAsync(5000)
                const second = {
                    ...registerPollCounts(bus),
                    frames: frames - first.frames,
                    refreshes: refreshes - first.refreshes,
                }
                return { first, second }
            } finally {
                useRegisterPollShortcut(true)
            }
        },
    )
}

test("a bus's polls walk its registers while one is waiting, then only refresh its service providers", async (t) => {
    const plain = await busAlone(false)
    const quick = await busAlone(true)
    // without the shortcut every poll (one each 50 ms) walks
    t.is(plain.first.walks + plain.first.skips, 100)
    t.is(plain.first.skips, 0)
    // with it: walks while the two devices are new (their control registers
    // are asked, the bus's own three times as they are optional), none after
    t.true(quick.first.walks > 0 && quick.first.walks < 100, `${quick.first.walks}`)
    t.is(quick.second.walks, quick.first.walks)
    t.is(quick.second.skips, quick.first.skips + 100)
    // the same frames sent and the same refreshes of the provider either way
    t.is(quick.first.frames, plain.first.frames)
    t.is(quick.second.frames, plain.second.frames)
    t.is(quick.first.refreshes, plain.first.refreshes)
    t.is(quick.second.refreshes, 100)
    t.is(plain.second.refreshes, 100)
})
