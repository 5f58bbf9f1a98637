import test from "ava"
import { fromRoot } from "../project/paths"
import { runFile, runScript } from "./helpers/run"

// The VM's own panics name what happened, where in the script, and what to
// do, instead of a bare "panic 60001".
// Each script is built on its own: its stack traces read its top level as
// `main` (helpers/script-batch.ts).
const alone = { alone: true }

test("an endless loop reads as an infinite loop at the script's line, with what to do", async (t) => {
    const run = await runScript(
        `
let i = 0
function spin() {
    while (true) i++
}
console.log("before")
spin()
`,
        alone,
    )
    t.is(run.outcome, "error")
    t.is(run.exitCode, 1)
    t.deepEqual(run.lines, ["before"])
    const lines = (run.error ?? "").split("\n")
    t.is(
        lines[0],
        "infinite loop: the script ran 131072 VM steps without pausing, and the VM stopped it (VM panic 60001, InfiniteLoop)",
    )
    // the line of the loop; the column is whichever of its instructions the
    // watchdog's count ran out on (the loop test or the increment)
    t.regex(lines[1], /^ {4}at spin \(.*s[0-9a-f]{12}\.ts:4:\d+\)$/)
    t.regex(lines[2], /^ {4}at main \(.*s[0-9a-f]{12}\.ts:7:1\)$/)
    t.regex(lines[3], /what to do: .*add `await time\.sleep_ms\(0\)` inside it/)
})

test("filling the heap reads as out of memory at the allocating line, with what to do", async (t) => {
    const run = await runScript(
        `
import * as ds from "@devicescript/core"
const keep: Buffer[] = []
function grow() {
    for (let i = 0; i < 10; i++) keep.push(Buffer.alloc(1000))
}
while (true) {
    grow()
    await ds.sleep(1)
}
`,
        alone,
    )
    t.is(run.outcome, "error")
    const lines = (run.error ?? "").split("\n")
    t.is(
        lines[0],
        "out of memory: the script filled the VM's heap (64 KB on the chip and here) (VM panic 60004, OutOfMemory)",
    )
    t.regex(lines[1], /^ {4}at grow \(.*s[0-9a-f]{12}\.ts:5:\d+\)$/)
    t.regex(lines[lines.length - 1], /what to do: keep fewer or smaller objects alive/)
    t.false(/panic 6000\d$/m.test(run.error ?? ""), "no bare panic number")
})

test("endless recursion reads as a stack overflow, repeated frames folded, with what to do", async (t) => {
    const run = await runScript(
        `
function down(n: number): number {
    return down(n + 1) + 1
}
down(0)
`,
        alone,
    )
    t.is(run.outcome, "error")
    const lines = (run.error ?? "").split("\n")
    t.is(lines[0], "stack overflow: function calls nested more than 100 deep (VM panic 60006, StackOverflow)")
    t.regex(lines[1], /^ {4}at down \(.*s[0-9a-f]{12}\.ts:3:5\) \(\d+ times\)$/)
    t.regex(lines[lines.length - 1], /what to do: a function probably calls itself without end/)
    t.true(lines.length <= 8, "a short report, not a hundred frames")
})

test("a lone UTF-16 surrogate reads as a string that is not UTF-8, at its line, with what to do; a whole code point works", async (t) => {
    const run = await runScript(
        `
console.log(String.fromCharCode(0x1f600).length)
const half = String.fromCharCode(0xd800)
console.log("never", half.length)
`,
        alone,
    )
    t.is(run.outcome, "error")
    t.deepEqual(run.lines, ["1"])
    const lines = (run.error ?? "").split("\n")
    t.is(lines[0], "a string holds text that is not UTF-8, which the VM cannot index (VM panic 60129, InvalidUtf8)")
    t.regex(lines[1], /^ {4}at main \(.*s[0-9a-f]{12}\.ts:3:\d+\)$/)
    t.regex(lines[2], /what to do: String\.fromCharCode\(\) takes whole code points here/)
})

test("an assertion failing inside the VM names the script's line it was running, read from the VM's memory", async (t) => {
    // test/scripts/vm-assertion.ts (which the virtual board's run test deploys too): `a.length = 0` on
    // an array the type checker cannot see (any), so the subset check lets it through; inside an
    // on_change handler, the second time, the VM fails JD_ASSERT in objects.c devs_object_get_attached_rw
    const run = await runFile(fromRoot("test/scripts/vm-assertion.ts"), alone)
    t.is(run.outcome, "error")
    // how many changes the handler sees before the VM's assertion fails
    // depends on the heap's layout (the image's size moves it): at least one,
    // each having emptied the array before the failing push
    t.true(run.lines.length >= 1)
    for (const line of run.lines) t.is(line, "0 a")
    const lines = (run.error ?? "").split("\n")
    t.regex(
        lines[0],
        /^the DeviceScript VM crashed \(assertion failed at devicescript\/objects\.c:\d+\): a fault inside the VM/,
    )
    t.regex(lines[1], /^ {4}at inline \(.*test\/scripts\/vm-assertion\.ts:10:5\)$/)
    t.regex(
        lines[lines.length - 1],
        /^ {2}what to do: the VM was running the script's line .*test\/scripts\/vm-assertion\.ts:10:5; .*The TypeScript subset/,
    )
})
