import test from "ava"
import FakeTimers from "@sinonjs/fake-timers"
import { longTimerClock, MAX_HOST_TIMER_MS, processClock } from "../sim/clock"
import { loadContract } from "../sim/contract"
import { SimWifiStation } from "../sim/drivers/wifi-station"
import { Air, type Clock } from "../sim/radio/air"
import { Timeline } from "../sim/timeline"
import { MAX_DURATION_MS, parseDuration } from "../project/duration"
import { parseWorld } from "../sim/world/world"
import { runScript, scriptFile } from "./helpers/run"
import { camscript } from "./helpers/bin"

// Durations of 2^31 ms (24.8 days) and more: Node's timers (and the fake
// ones) turn such a delay into 1 ms. The simulator's clock arms long timers
// in pieces, so they fire at exactly the time asked, however far away.

const DAY = 86_400_000

/** A Clock on a private fake clock (not the process's timers), for tests that need no VM. */
function fakeClock(): { clock: Clock; fake: ReturnType<typeof FakeTimers.createClock> } {
    const fake = FakeTimers.createClock(0, 1_000_000)
    const clock = longTimerClock({
        now: () => fake.now,
        setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
        clearTimeout: (h) => fake.clearTimeout(h as FakeTimers.TimerId),
    })
    return { clock, fake }
}

/** When `delay` fires on `clock`, or undefined if it has not by `untilMs`. */
function firesAt(delay: number, untilMs: number): number | undefined {
    const { clock, fake } = fakeClock()
    let at: number | undefined
    clock.setTimeout(() => (at = fake.now), delay)
    fake.tick(untilMs)
    return at
}

test("the hazard is real: a bare fake timer of 2^31 ms fires after 1 ms", (t) => {
    const fake = FakeTimers.createClock(0)
    let at: number | undefined
    fake.setTimeout(() => (at = fake.now), 2 ** 31)
    fake.tick(10)
    t.is(at, 1)
})

test("edges: 2^31-1 ms and 2^31 ms fire at exactly those times, not 1 ms", (t) => {
    t.is(MAX_HOST_TIMER_MS, 2 ** 31 - 1)
    t.is(firesAt(2 ** 31 - 1, 2 ** 32), 2 ** 31 - 1)
    t.is(firesAt(2 ** 31, 2 ** 32), 2 ** 31)
    t.is(firesAt(2 ** 31 + 1, 2 ** 32), 2 ** 31 + 1)
    // and nothing early: not at 1 ms, not at the end of the first piece
    t.is(firesAt(2 ** 31, 2 ** 31 - 1), undefined)
})

test("30 days, 600 h and 10 years fire at exactly their time", (t) => {
    t.is(firesAt(30 * DAY, 31 * DAY), 30 * DAY)
    t.is(firesAt(600 * 3_600_000, 601 * 3_600_000), 600 * 3_600_000)
    t.is(firesAt(MAX_DURATION_MS, MAX_DURATION_MS + 1), MAX_DURATION_MS)
})

test("clearing a long timer between its pieces stops it", (t) => {
    const { clock, fake } = fakeClock()
    let fired = false
    const h = clock.setTimeout(() => (fired = true), 40 * DAY)
    fake.tick(30 * DAY) // past the first piece
    clock.clearTimeout(h)
    fake.tick(20 * DAY)
    t.false(fired)
})

test("a timer with no finite delay is refused", (t) => {
    const { clock } = fakeClock()
    t.throws(() => clock.setTimeout(() => {}, Number.POSITIVE_INFINITY), { message: /finite delay/ })
    t.throws(() => clock.setTimeout(() => {}, Number.NaN), { message: /finite delay/ })
})

test.serial("the run's own clock (processClock, as the session's --timeout uses) fires 600 h at 600 h", (t) => {
    const fake = FakeTimers.install({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] })
    try {
        const clock = processClock(Date.now())
        let at: number | undefined
        clock.setTimeout(() => (at = clock.now()), parseDuration("600h"))
        fake.tick(599 * 3_600_000)
        t.is(at, undefined, "not early")
        fake.tick(2 * 3_600_000)
        t.is(at, 600 * 3_600_000)
    } finally {
        fake.uninstall()
    }
})

test("durations: days, and a 10-year limit with a clear error instead of a changed time", (t) => {
    t.is(parseDuration("30d"), 30 * DAY)
    t.is(parseDuration("600h"), 600 * 3_600_000)
    t.is(parseDuration("3650d"), MAX_DURATION_MS)
    t.is(parseDuration(MAX_DURATION_MS), MAX_DURATION_MS)
    t.throws(() => parseDuration("3651d"), { message: /"3651d" is longer than the 10 years \(3650d/ })
    t.throws(() => parseDuration(MAX_DURATION_MS + 1), { message: /longer than the 10 years/ })
    t.throws(() => parseDuration(Number.POSITIVE_INFINITY), { message: /finite/ })
    t.throws(() => parseDuration(Number.NaN), { message: /finite/ })
    t.throws(() => parseDuration(-1), { message: />= 0 ms/ })
})

test("a world field longer than 10 years is refused naming the field", (t) => {
    const e = t.throws(() =>
        parseWorld(
            {
                accessPoints: [
                    { ssid: "x", security: "open", position: [0, 0], dhcp: { subnet: "10.0.0.0/24", delay: "4000d" } },
                ],
                events: [{ at: "3651d", action: "power-off", accessPoint: "x" }],
            },
            "w.json",
        ),
    )
    t.regex(e.message, /events\[0\]\.at: duration "3651d" is longer than the 10 years/)
    t.regex(e.message, /accessPoints\[0\]\.dhcp\.delay: duration "4000d" is longer than the 10 years/)
})

test("a world event at 30 days fires at exactly 30 days on the virtual clock (timeline)", (t) => {
    const { clock, fake } = fakeClock()
    const world = parseWorld(
        {
            accessPoints: [{ ssid: "far-future", security: "open", position: [5, 0] }],
            events: [
                { at: "30d", action: "power-off", accessPoint: "far-future" },
                { at: 2 ** 31, action: "power-on", accessPoint: "far-future" },
                { at: 2 ** 31 - 1, action: "dhcp-off", accessPoint: "far-future" },
            ],
        },
        "(test)",
    )
    const timeline = new Timeline(clock.now)
    new Air(world, clock, timeline).start()
    fake.tick(31 * DAY)
    t.deepEqual(
        timeline.entries.map((e) => [e.atMs, e.event]),
        [
            [2 ** 31 - 1, "dhcp-off"],
            [2 ** 31, "power-on"],
            [30 * DAY, "power-off"],
        ],
    )
})

test("a DHCP delay beyond 2^31 ms: the address comes exactly that long after association", (t) => {
    const { clock, fake } = fakeClock()
    const delay = 2 ** 31 + 5000
    const world = parseWorld(
        {
            accessPoints: [
                { ssid: "slow-dhcp", security: "open", position: [5, 0], dhcp: { subnet: "10.9.0.0/24", delay } },
            ],
        },
        "(test)",
    )
    const timeline = new Timeline(clock.now)
    const air = new Air(world, clock, timeline)
    const station = new SimWifiStation(loadContract("wifi-station.md"), air, timeline, world.camera.mac)
    // the driver's commands, as the bytecode sends them
    const driver = station as unknown as {
        setActive(on: boolean): void
        associate(a: { ssid: string; key: string }): void
    }
    driver.setActive(true)
    driver.associate({ ssid: "slow-dhcp", key: "" })
    fake.tick(60 * DAY)
    const obtaining = timeline.entries.find((e) => e.source === "wifi" && e.event === "ObtainingAddress")
    const got = timeline.entries.find((e) => e.source === "wifi" && e.event === "GotAddress")
    t.truthy(obtaining)
    t.truthy(got, timeline.entries.map((e) => `${e.atMs} ${e.event}`).join("\n"))
    t.is(got!.atMs - obtaining!.atMs, delay)
})

test("the VM: time.sleep_ms takes any finite length (pieces across the VM's 32-bit wake time) and refuses NaN/Infinity", async (t) => {
    const run = await runScript(
        `
import { time } from "camscript"
const lengths = [2147483647, 2147483648, 4294972296, -5, 601500]
const woke: number[] = [-1, -1, -1, -1, -1]
const t0 = time.ticks_ms()
lengths.forEach((ms, k) => {
    const f = async () => { await time.sleep_ms(ms); woke[k] = time.ticks_ms() - t0 }
    f.start()
})
await time.sleep_ms(605000)
lengths.forEach((ms, k) => console.log(\`\${ms} woke \${woke[k]}\`))
for (const bad of [NaN, Infinity, "5"]) {
    try { await time.sleep_ms(bad as any) } catch (e) { console.log((e as Error).message) }
}
try { await time.sleep(-Infinity) } catch (e) { console.log((e as Error).message) }
`,
        { timeout: "20m" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        // not woken early (the VM would clamp or wrap a bare 2^32 + 5000)
        "2147483647 woke -1",
        "2147483648 woke -1",
        "4294972296 woke -1",
        // negative: at once, as in MicroPython
        "-5 woke 0",
        // longer than one piece (10 min): exactly on time
        "601500 woke 601500",
        "time.sleep_ms(): ms must be a finite number, got NaN",
        "time.sleep_ms(): ms must be a finite number, got Infinity",
        'time.sleep_ms(): ms must be a finite number, got "5"',
        "time.sleep(): s (seconds) must be a finite number, got -Infinity",
    ])
})

test("--timeout: 600h is taken as given; past 10 years is a usage error (exit 2), not a shortened run", async (t) => {
    const quick = scriptFile(`console.log("done")\n`)
    const ok = await camscript("sim", quick, "--timeout", "600h", "--no-timeline")
    t.is(ok.code, 0, ok.stderr)
    const tooLong = await camscript("sim", quick, "--timeout", "3651d")
    t.is(tooLong.code, 2)
    t.regex(
        tooLong.stderr,
        /--timeout: duration "3651d" is longer than the 10 years \(3650d, 315360000000 ms\) allowed/,
    )
    const digits = await camscript("sim", quick, "--timeout", "9".repeat(400))
    t.is(digits.code, 2)
    t.regex(digits.stderr, /--timeout: duration must be a finite number of milliseconds, got Infinity/)
})
