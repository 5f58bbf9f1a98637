import test from "ava"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"

// The groups of test files that share a worker in `npm test`
// (test/groups/groups.cjs): each group has its file, each member exists and
// is in one group only (a file twice would run its tests twice), and the
// outside group holds only files that may share a worker with each other.

const groups = require("./groups/groups.cjs") as Record<string, string[]>

test("every group has its file, and every group file its list", (t) => {
    const files = readdirSync(fromRoot("test/groups"))
        .filter((f) => f.endsWith(".group.ts"))
        .map((f) => f.replace(/\.group\.ts$/, ""))
    t.deepEqual(files.sort(), Object.keys(groups).sort())
})

test("each member is a test file of test/, in one group only", (t) => {
    const seen = new Map<string, string>()
    for (const [group, members] of Object.entries(groups))
        for (const m of members) {
            t.true(existsSync(fromRoot(`test/${m}.test.ts`)), `${group}: test/${m}.test.ts does not exist`)
            t.is(seen.get(m), undefined, `${m} is in ${seen.get(m)} and ${group}`)
            seen.set(m, group)
        }
})

test("the outside group's files never simulate in this process and never run their tests one at a time", (t) => {
    // a simulation fakes the process's clock, which would move every real wait of the others;
    // a serial file would make the others' tests wait for each of its own
    const simulating =
        /from "(\.\.\/sim\/session|\.\/helpers\/(run|main|serve|fleet|soak)|\.\.\/testing(\/index)?|@sinonjs\/fake-timers)"/
    for (const m of groups.outside) {
        const text = readFileSync(fromRoot(`test/${m}.test.ts`), "utf8")
        t.notRegex(text, simulating, `${m} simulates in-process: it belongs alone or in group-1..5`)
        t.notRegex(text, /\btest\.serial\b|\bserial\(/, `${m} runs its tests one at a time: it runs alone`)
    }
})
