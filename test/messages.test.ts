import test from "ava"
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { CompiledScript } from "../compiler/compile"
import { BuildCache } from "../compiler/cache"
import { describeException } from "../sim/session"
import { ConsoleLines } from "../usb/console-lines"
import { parseWorld, WorldError } from "../sim/world/world"
import { camscriptMain } from "./helpers/main"
import { runScript } from "./helpers/run"
import { tempDir } from "./helpers/cleanup"

// Messages (issue 23.7): every failure says what the script did and where.

const dir = tempDir("camscript-messages-")

// ---- what a script threw

test.serial('throw 42 and throw "str": said as values that are not Errors, with the throw\'s file:line', async (t) => {
    const number = await runScript(`
function f() {
    throw 42
}
if (Math.random() > 2) throw 43
f()
`)
    t.is(number.outcome, "error")
    const lines = (number.error ?? "").split("\n")
    t.regex(
        lines[0],
        /^42 \(a thrown number, not an Error: the VM keeps no stack for it; throw new Error\(\.\.\.\) to get one\)$/,
    )
    // the throw of 42, not the one of 43; comments are not throws
    t.deepEqual(
        lines.slice(1).map((l) => /\.ts:(\d+:\d+)$/.exec(l)?.[1]),
        ["3:5"],
    )
    const text = await runScript(`// throw "not this one"
const x = 1
throw "str"
`)
    t.regex(text.error ?? "", /^str \(a thrown value, not an Error.*\n {4}thrown at .*\.ts:3:1$/)
})

test.serial("throw { message } shows the message and the stack, not a bare VM panic number", async (t) => {
    const run = await runScript(`
function f() {
    throw { message: "x" }
}
f()
`)
    const lines = (run.error ?? "").split("\n")
    t.is(lines[0], "x (a thrown object, not an Error)")
    t.regex(lines[1], /^ {4}at f \(.*\.ts:3:5\)$/)
    t.false((run.error ?? "").includes("60005"))
})

test.serial("an infinite loop right after an await is reported at the loop's line, not the await's", async (t) => {
    const top = await runScript(`import { time } from "camscript"
await time.sleep_ms(10)
while (true) {}
`)
    t.is(top.outcome, "error")
    t.regex((top.error ?? "").split("\n")[1], /^ {4}at main \(.*\.ts:3:1\)$/)
    const inner = await runScript(`import { time } from "camscript"
async function f() {
    await time.sleep_ms(10)
    for (;;) {}
}
await f()
`)
    const lines = (inner.error ?? "").split("\n")
    t.regex(lines[1], /^ {4}at f \(.*\.ts:4:5\)$/)
    // only the frame the watchdog stopped is exact: its caller's pc is after its call, as ever
    t.regex(lines[2], /^ {4}at main \(.*\.ts:6:1\)$/)
})

test.serial(
    "monitor: the board's watchdog frame maps to the loop's line, another exception's to the line before its pc",
    (t) => {
        // two statements: line 1 at pc 0..9, line 2 (the loop) from pc 10
        const text = "await time.sleep_ms(10)\nwhile (true) {}\n"
        const script: CompiledScript = {
            image: new Uint8Array(),
            dbg: {
                functions: [{ name: "main_F0", startpc: 0, size: 20 }],
                srcmap: [0, 1, 0, text.indexOf("while"), 1, 10],
                sources: [{ path: "src/user/a.ts", length: text.length, text }],
            },
            buildDir: "",
            userFiles: new Map([["src/user/a.ts", join(process.cwd(), "src/a.ts")]]),
            fromCache: true,
        }
        const shown = (exception: string) => {
            const printed: string[] = []
            const lines = new ConsoleLines({
                program: { image: new Uint8Array(), sha256: "x", script },
                print: (l) => printed.push(l),
            })
            lines.push(
                new TextEncoder().encode(`! Exception: ${exception}\n!  at main_F0 (pc:10)\n!  at main_F0 (pc:10)\n`),
            )
            return printed.slice(1)
        }
        t.deepEqual(shown("InfiniteLoop"), ["    at main (src/a.ts:2:1)", "    at main (src/a.ts:1:1)"])
        t.deepEqual(shown("OutOfMemory"), ["    at main (src/a.ts:1:1)", "    at main (src/a.ts:1:1)"])
    },
)

/** A script of two files, `src/user/a.ts` (the user's) and the library's `station.ts`, one function per line. */
function fakeScript(): CompiledScript {
    const lib = Array.from({ length: 9 }, (_, i) => `function lib${i}() {}`).join("\n") + "\n"
    const user = "connectLoop()\n"
    const functions = [
        ...Array.from({ length: 9 }, (_, i) => ({ name: `lib${i}_F${i}`, startpc: i * 10, size: 10 })),
        { name: "main_F9", startpc: 90, size: 10 },
    ]
    // (source position delta, length, pc delta) per function's first instruction
    const srcmap: number[] = []
    let pos = 0
    for (let i = 0; i < 10; i++) {
        const target = i < 9 ? lib.split("\n").slice(0, i).join("\n").length + (i ? 1 : 0) : lib.length
        srcmap.push(target - pos, 1, i === 0 ? 0 : 10)
        pos = target
    }
    return {
        image: new Uint8Array(),
        dbg: {
            functions,
            srcmap,
            sources: [
                { path: "node_modules/camscript/src/network/station.ts", length: lib.length, text: lib },
                { path: "src/user/a.ts", length: user.length, text: user },
            ],
        },
        buildDir: "",
        userFiles: new Map([["src/user/a.ts", join(process.cwd(), "src/a.ts")]]),
        fromCache: true,
    }
}

test.serial("out of memory deep in the library names the script's line that called in", (t) => {
    const frames = Array.from({ length: 9 }, (_, i) => `at lib${8 - i}_F${8 - i} (pc:2)`)
    const text = describeException(["Exception: OutOfMemory", ...frames, "at main_F9 (pc:2)"], 60004, fakeScript())
    const lines = text.split("\n")
    t.regex(lines[0], /^out of memory/)
    t.true(lines.slice(1, 7).every((l) => l.includes("station.ts")))
    t.is(lines[7], "    ...")
    t.is(lines[8], "    at main (src/a.ts:1:1) (the script's line that called in)")
    // a script frame among the first six: nothing added
    const shallow = describeException(["Exception: OutOfMemory", frames[8], "at main_F9 (pc:2)"], 60004, fakeScript())
    t.false(shallow.includes("called in"))
})

// ---- clean during a compile

test.serial(
    "clean while a build holds its lock: the lock stays, the build still stores its entry; a removed folder is made again",
    async (t) => {
        const cache = new BuildCache(join(dir, "cache"))
        cache.put("done", { image: new Uint8Array([1]), dbgJson: "{}" })
        const release = await cache.lock("building")
        t.is(cache.clean().entries, 1)
        t.true(readdirSync(join(dir, "cache")).includes("building.lock"), "the running build's lock is kept")
        const stored = cache.put("building", { image: new Uint8Array([2]), dbgJson: "{}" })
        t.true(existsSync(stored))
        release()
        // an older clean removed the whole folder: the build makes it again
        rmSync(join(dir, "cache"), { recursive: true })
        t.true(existsSync(cache.put("again", { image: new Uint8Array([3]), dbgJson: "{}" })))
    },
)

// ---- world numbers

test.serial("1e400 as a position says the number is too large, not 'must be number'", (t) => {
    const world = { camera: { position: [1e400, 0] }, accessPoints: [] }
    const e = t.throws(() => parseWorld(JSON.parse(JSON.stringify(world).replace("null", "1e400")), "w.json"), {
        instanceOf: WorldError,
    })
    t.regex(
        e!.message,
        /camera\.position\[0\] is too large a number \(read as Infinity\); give a finite number of metres/,
    )
    t.notRegex(e!.message, /must be number/)
    // the largest double is a number like any other
    t.notThrows(() => parseWorld({ camera: { position: [1.7976931348623157e308, 0] }, accessPoints: [] }, "w.json"))
})

// ---- init checks everything before it writes

const listed = (d: string) => (existsSync(d) ? readdirSync(d, { recursive: true }).map(String).sort() : [])

test.serial("init with src existing as a file writes nothing and says why", async (t) => {
    const target = join(dir, "init-src-file")
    mkdirSync(target)
    writeFileSync(join(target, "src"), "a file")
    const r = await camscriptMain("init", target)
    t.is(r.code, 2)
    t.regex(r.stderr, / has src \(a file where init needs the folder src\/\); init wrote nothing \(move it aside\)/)
    t.deepEqual(listed(target), ["src"])
})

test.serial(
    "init into a path through a file, or a folder it cannot write: exit 2, no stack trace, nothing written",
    async (t) => {
        const file = join(dir, "plain-file")
        writeFileSync(file, "")
        const through = await camscriptMain("init", join(file, "project"))
        t.is(through.code, 2)
        t.regex(through.stderr, /plain-file is a file, not a folder/)
        t.notRegex(through.stderr, /\n\s+at /)
        const locked = join(dir, "locked")
        mkdirSync(locked)
        chmodSync(locked, 0o500)
        // as root the folder's mode does not stop a write: /proc refuses it to root too
        const target = process.getuid?.() === 0 ? "/proc/1/camscript-init" : join(locked, "project")
        const r = await camscriptMain("init", target)
        t.is(r.code, 2, r.stderr)
        t.notRegex(r.stderr, /internal error|\n\s+at /)
        t.regex(r.stderr, /not writable|not written|cannot/)
        t.false(existsSync(target))
        chmodSync(locked, 0o700)
    },
)

test.after.always(() => rmSync(dir, { recursive: true, force: true }))
