import test from "ava"
import { simStamp, stampWidth } from "../project/duration"
import { formatEntry } from "../sim/timeline"
import { camscriptMain } from "./helpers/main"
import { scriptFile } from "./helpers/run"

// The time stamps of `sim` keep one column for the whole run: 9 columns up
// to 9,999.999 s, as wide as the run's longest time beyond (a 3-hour run's
// 10,000 s lines no longer push the text right).

test("stamp widths: 9 columns up to 9,999.999 s, the longest time's width beyond", (t) => {
    t.is(stampWidth(undefined), 9)
    t.is(stampWidth(9_999_999), 9)
    t.is(stampWidth(10_000_000), 10)
    t.is(stampWidth(6 * 3600_000), 10)
    t.is(stampWidth(30 * 86400_000), 12)
    t.is(simStamp(2918), "[   2.918s]")
    t.is(simStamp(2918, 10), "[    2.918s]")
    t.is(simStamp(10_000_000, 10), "[10000.000s]")
    const entry = { atMs: 10_000_000, source: "wifi", event: "Idle", detail: "" }
    t.is(formatEntry(entry, 10).indexOf("] "), formatEntry({ ...entry, atMs: 0 }, 10).indexOf("] "))
})

test("sim --run-for 3h: the line at the start and the one past 10,000 s have their text in the same column", async (t) => {
    const script = scriptFile(`
import * as ds from "@devicescript/core"
console.log("early")
await ds.sleep(10_000_000)
console.log("late")
setInterval(() => {}, 1000000)
`)
    const r = await camscriptMain("sim", script, "--run-for", "3h", "--no-timeline")
    t.is(r.code, 0, r.stderr)
    const lines = r.stdout.split("\n").filter((l) => /early|late/.test(l))
    t.is(lines.length, 2, r.stdout)
    t.regex(lines[0], /^\[ {4}\d\.\d{3}s\] early$/)
    t.regex(lines[1], /^\[10000\.\d{3}s\] late$/)
    t.is(lines[0].indexOf("early"), lines[1].indexOf("late"))
})
