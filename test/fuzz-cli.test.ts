import test from "ava"
import fc from "fast-check"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { main } from "../cli/main"
import { fromRoot } from "../project/paths"
import { fuzzParameters } from "./helpers/fuzz"
import { tempDir } from "./helpers/cleanup"

// `camscript` with random arguments: every run ends with one of the
// documented exit codes (0 finished, 1 script error, 2 usage/world/board,
// 124 simulated timeout) and says something; none ends in an internal error
// (main() throwing: exit 3 with a stack trace). Most random argument lists
// fail before compiling; the scripts that compile are tiny and cached. The
// board commands (build, deploy, monitor, flash) and clean are left out:
// they reach for serial ports and empty the build cache other tests use.

const dir = tempDir("camscript-fuzz-cli-")
mkdirSync(dir, { recursive: true })
const file = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
}
const hello = file("hello.ts", `console.log("hello")\n`)
const throws = file("throws.ts", `throw new Error("boom")\n`)
const waits = file("waits.ts", `import { time } from "camscript"\nawait time.sleep_ms(2000)\nconsole.log("late")\n`)
const notTs = file("notes.txt", "not a script\n")
const badWorld = file("bad-world.json", `{"accessPoints": [{"ssid": 5}]}`)
const notJson = file("not-json.json", "{")
const unknownBoard = file("board-world.json", `{"board": "no_such_board", "accessPoints": []}`)

const folder = join(dir, "folder.ts")
mkdirSync(folder, { recursive: true })
const scripts = fc.constantFrom(hello, throws, waits, notTs, folder, dir, join(dir, "missing.ts"), "", "-", hello + "x")
const worlds = fc.constantFrom(
    fromRoot("sim/worlds/default.json"),
    fromRoot("sim/worlds/ethernet.json"),
    badWorld,
    notJson,
    unknownBoard,
    join(dir, "missing.json"),
    dir,
    "",
)
const durations = fc.oneof(
    fc.constantFrom("1s", "100ms", "0", "0ms", "10m", "2h", "1.5s", "abc", "-1", "1e3", "", " ", "5 s", "1d"),
    fc.string({ maxLength: 6 }),
)
const token = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("sim", "boards") },
    { weight: 3, arbitrary: scripts },
    { weight: 2, arbitrary: worlds.map((w) => `--world=${w}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constant("--world"), worlds) },
    { weight: 2, arbitrary: durations.map((d) => `--timeout=${d}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constant("--timeout"), durations) },
    { weight: 1, arbitrary: fc.tuple(fc.constant("--driver"), fc.constantFrom("model", "firmware", "Model", "")) },
    {
        weight: 3,
        arbitrary: fc.constantFrom("--realtime", "--verbose", "--no-timeline", "-h", "--help", "--", "-x", "--bogus"),
    },
    { weight: 1, arbitrary: fc.constantFrom("help", "SIM", "run", "--world", "--timeout", "--help=yes", "-hv") },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
)
/** an argument list; it starts with a command more often than not */
const anyLine = fc
    .tuple(fc.option(fc.constantFrom("sim", "boards"), { freq: 3 }), fc.array(token, { maxLength: 6 }))
    .map(([first, rest]) => [...(first ? [first] : []), ...rest.flat()])
/** `sim` with a script and some options in any order: these get as far as running */
const simLine = fc
    .record({
        script: scripts,
        options: fc.shuffledSubarray([
            ["--world", fromRoot("sim/worlds/default.json")],
            ["--timeout", "1s"],
            ["--no-timeline"],
            ["--verbose"],
        ]),
    })
    .map(({ script, options }) => ["sim", script, ...options.flat()])
const argv = fc.oneof({ weight: 3, arbitrary: anyLine }, { weight: 1, arbitrary: simLine })

interface Ran {
    code: number
    stdout: string
    stderr: string
}

/** main() with the process's output captured; a rejection is the internal error (exit 3). */
async function run(args: string[]): Promise<Ran> {
    const out = { stdout: "", stderr: "" }
    const write = { stdout: process.stdout.write, stderr: process.stderr.write }
    process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true)) as never
    process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as never
    try {
        const code = await main(args)
        return { code, ...out }
    } catch (e) {
        return { code: 3, stdout: out.stdout, stderr: `${out.stderr}internal error: ${(e as Error).stack ?? e}` }
    } finally {
        process.stdout.write = write.stdout
        process.stderr.write = write.stderr
    }
}

const DOCUMENTED = [0, 1, 2, 124]
// a stack frame in camscript's own code or Node's (the user's file:line is fine)
const STACK_FRAME = /\n\s+at .*(node:internal|node_modules\/|\/sim\/)/

test.serial("fuzz: random command lines end with a documented exit code and a message", async (t) => {
    const codes = new Map<number, number>()
    await fc.assert(
        fc.asyncProperty(argv, async (args) => {
            const r = await run(args)
            codes.set(r.code, (codes.get(r.code) ?? 0) + 1)
            const what = `camscript ${JSON.stringify(args)} -> exit ${r.code}\n${r.stderr}`
            if (!DOCUMENTED.includes(r.code)) throw new Error(what)
            if (r.code !== 0 && !r.stderr.trim()) throw new Error(`${what}: failed without a message`)
            if (!(r.stdout + r.stderr).trim()) throw new Error(`${what}: said nothing`)
            if (STACK_FRAME.test(r.stderr)) throw new Error(`${what}: a stack trace`)
        }),
        fuzzParameters(300),
    )
    t.log([...codes].map(([c, n]) => `exit ${c}: ${n}`).join(", "))
    // the generator reaches each documented outcome, so the property is tried on all of them
    for (const c of DOCUMENTED) t.true((codes.get(c) ?? 0) > 0, `no run ended with exit ${c}`)
})

// Found by this fuzzing (and issue 9's defect 8): a script path that is a
// folder reached readFileSync and ended in an internal error (exit 3).
test("a script path that is a folder is a usage error, exit 2", async (t) => {
    const folder = join(dir, "folder.ts")
    mkdirSync(folder, { recursive: true })
    const r = await run(["sim", folder])
    t.is(r.code, 2, r.stderr)
    t.regex(r.stderr, /folder\.ts: is a folder; give the script's \.ts file/)
    t.notRegex(r.stderr, STACK_FRAME)
})
