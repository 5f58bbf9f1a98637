import test from "ava"
import { existsSync, readdirSync } from "node:fs"
import { fromRoot } from "../project/paths"

// The groups of test files that share a worker in `npm test`
// (test/groups/groups.cjs): each group has its file, each member exists and
// is in one group only (a file twice would run its tests twice).

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
