import test from "ava"
import { formatSimTime, MAX_DURATION_MS, parseDuration } from "../project/duration"

// Durations (project/duration.ts): every unit, the 10-year limit at its
// edge, and the exact words of each refusal.

test("each unit, decimals rounded to whole milliseconds, spaces around ignored", (t) => {
    t.is(parseDuration("300ms"), 300)
    t.is(parseDuration("20s"), 20_000)
    t.is(parseDuration("1.5s"), 1500)
    t.is(parseDuration("2m"), 120_000)
    t.is(parseDuration("1h"), 3_600_000)
    t.is(parseDuration("30d"), 2_592_000_000)
    t.is(parseDuration("0ms"), 0)
    t.is(parseDuration("1.0004s"), 1000)
    t.is(parseDuration("1.0006s"), 1001)
    t.is(parseDuration("  5s\n"), 5000)
    t.is(parseDuration(250), 250)
    t.is(parseDuration(0), 0)
})

test("the longest duration is 3650 days, given either way; one millisecond more is refused", (t) => {
    t.is(MAX_DURATION_MS, 3650 * 24 * 3600 * 1000)
    t.is(parseDuration("3650d"), MAX_DURATION_MS)
    t.is(parseDuration(MAX_DURATION_MS), MAX_DURATION_MS)
    t.throws(() => parseDuration(MAX_DURATION_MS + 1), {
        message: "duration 315360000001 is longer than the 10 years (3650d, 315360000000 ms) allowed",
    })
    t.throws(() => parseDuration("3651d"), {
        message: 'duration "3651d" is longer than the 10 years (3650d, 315360000000 ms) allowed',
    })
})

test("negative and non-finite numbers are refused, saying what was given", (t) => {
    t.throws(() => parseDuration(-1), { message: "duration must be >= 0 ms, got -1" })
    t.throws(() => parseDuration(Number.NaN), { message: "duration must be a finite number of milliseconds, got NaN" })
    t.throws(() => parseDuration(Number.POSITIVE_INFINITY), {
        message: "duration must be a finite number of milliseconds, got Infinity",
    })
})

test("strings that are not a number and one unit are refused with how to write one", (t) => {
    for (const bad of ["5", "5S", "-5s", ".5s", "5.s", "1e3ms", "5 s", "x5s", "5sx", "5ms5", "", "5min"])
        t.throws(() => parseDuration(bad), {
            message: `"${bad}" is not a duration; use e.g. 300ms, 20s, 2m, 1h, 30d`,
        })
})

test("simulated times print as seconds with three decimals", (t) => {
    t.is(formatSimTime(12345), "12.345s")
    t.is(formatSimTime(0), "0.000s")
    t.is(formatSimTime(1), "0.001s")
})
