import { existsSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { pathToFileURL } from "node:url"

// Several test files in one ava worker (test/groups/groups.cjs says which,
// and why). A group's file (`<name>.group.ts`, which ava runs as any test
// file in `npm test`) calls loadGroup: each member file is loaded in turn,
// and declares its tests as it does when run alone, through ava's own
// `test`, wrapped so that every title starts with the member's name
// ("failure-modes › ...") and `test.meta.file` names the member. Titles
// stay unique across the group, ava's report says which file a test is
// from, and a skipped test is recorded under its own file
// (test/helpers/needs.ts).
//
// ava takes declarations only while the worker loads its test file (it
// refuses a test declared later), so the member being loaded is the one
// declaring: the wrapper reads it from `loading`.

type AnyFn = (...args: unknown[]) => unknown

/** The member file being loaded: its name ("failure-modes") and its URL (test.meta.file) */
let loading: { name: string; url: string } | undefined

const wrapped = new WeakMap<object, unknown>()

/** `fn` (ava's test, or a chained modifier of it) with titles prefixed by the member being loaded. */
function titled<T extends object>(fn: T): T {
    const known = wrapped.get(fn)
    if (known) return known as T
    const proxy = new Proxy(fn, {
        apply(target, self, args: unknown[]) {
            if (loading && typeof args[0] === "string") args = [`${loading.name} › ${args[0]}`, ...args.slice(1)]
            return Reflect.apply(target as AnyFn, self, args)
        },
        get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown
            if (prop === "meta" && loading) return { ...(value as object), file: loading.url }
            return typeof value === "function" ? titled(value) : value
        },
    })
    wrapped.set(fn, proxy)
    return proxy
}

const groups = require("./groups.cjs") as Record<string, string[]>

/** The test file of a member ("failure-modes": test/failure-modes.test.ts). */
const memberFile = (name: string) => join(dirname(__dirname), `${name}.test.ts`)

/** Load every member of the group whose file is `groupFile` (`<name>.group.ts`) into this worker. */
export function loadGroup(groupFile: string) {
    const group = basename(groupFile).replace(/\.group\.ts$/, "")
    const members = groups[group]
    if (!members)
        throw new Error(
            `no test group ${group} in test/groups/groups.cjs (there are ${Object.keys(groups).join(", ")})`,
        )
    const missing = members.map(memberFile).filter((f) => !existsSync(f))
    if (missing.length)
        throw new Error(`test/groups/groups.cjs names test files that do not exist: ${missing.join(", ")}`)
    // every module that imports ava from now on (the members and their helpers) gets the wrapper
    const avaPath = require.resolve("ava")
    require(avaPath)
    const cached = require.cache[avaPath]!
    cached.exports = titled(cached.exports as AnyFn)
    for (const name of members) {
        const file = memberFile(name)
        loading = { name, url: pathToFileURL(file).href }
        try {
            require(file)
        } finally {
            loading = undefined
        }
    }
}
