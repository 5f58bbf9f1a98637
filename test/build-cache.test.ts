import test from "ava"
import { execFileSync } from "node:child_process"
import {
    existsSync,
    mkdirSync,
    readdirSync,
    readFileSync,
    statSync,
    symlinkSync,
    utimesSync,
    writeFileSync,
} from "node:fs"
import { join } from "node:path"
import { BuildCache } from "../compiler/cache"
import { MAX_SOURCE_BYTES, readSourceFile, ScriptFileError } from "../compiler/compile"
import { camscriptBin } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"

// The build cache holds every script's source (passwords included) in its
// images' debug info: it must be private, bounded, never trust a damaged
// entry, and never keep what a crashed build left. Script paths that are
// not regular files must fail at once, not hang.

const camscript = (env: Record<string, string>, ...args: string[]) => camscriptBin(args, { env })

const scratch = () => tempDir("camscript-cache-")
const mode = (p: string) => statSync(p).mode & 0o777

function userScript(dir: string, name: string, text: string): string {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
}

const SECRET = "pw-3c1a8e-never-shown"

test("the cache is private: folders 0700, files 0600, no temporaries left; clean empties it", async (t) => {
    const cacheDir = join(scratch(), "cache")
    const dir = scratch()
    const script = userScript(
        dir,
        "secret.ts",
        `import { network } from "camscript"\nconst wlan = new network.WLAN(network.WLAN.IF_STA)\nawait wlan.active(true)\nawait wlan.connect("my-network", "${SECRET}")\nconsole.log("asked")\n`,
    )
    const r = await camscript({ CAMSCRIPT_CACHE_DIR: cacheDir }, "sim", script, "--no-timeline", "--timeout", "5s")
    t.is(r.code, 0, r.stderr)
    t.is(mode(cacheDir), 0o700)
    const names = readdirSync(cacheDir)
    t.is(names.length, 1, `one entry, nothing else: ${names.join(", ")}`)
    const entry = join(cacheDir, names[0])
    t.is(mode(entry), 0o700)
    for (const f of readdirSync(entry)) t.is(mode(join(entry, f)), 0o600, f)
    // the password is in the debug info (the source text), which only its user can read
    t.true(readFileSync(join(entry, "image-dbg.json"), "utf8").includes(SECRET))

    const cleaned = await camscript({ CAMSCRIPT_CACHE_DIR: cacheDir }, "clean")
    t.is(cleaned.code, 0)
    t.regex(cleaned.stdout, /removed 1 cached build/)
    // the folder stays (a compile running now may hold a lock in it), empty
    t.deepEqual(readdirSync(cacheDir), [])
})

test("a damaged entry is rebuilt, not trusted: truncated image, empty debug map, missing manifest", (t) => {
    const cache = new BuildCache(join(scratch(), "cache"))
    const good = { image: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), dbgJson: '{"functions":[]}' }
    const damage: [string, (dir: string) => void][] = [
        ["truncated image", (d) => writeFileSync(join(d, "image.devs"), new Uint8Array([1, 2, 3]))],
        ["empty debug map", (d) => writeFileSync(join(d, "image-dbg.json"), "")],
        ["manifest missing", (d) => execFileSync("rm", [join(d, "manifest.json")])],
        ["manifest garbage", (d) => writeFileSync(join(d, "manifest.json"), "{")],
    ]
    for (const [what, hurt] of damage) {
        const dir = cache.put("k1", good)
        t.deepEqual(cache.get("k1")?.image, good.image, `${what}: intact before`)
        hurt(dir)
        t.is(cache.get("k1"), undefined, what)
        t.false(existsSync(dir), `${what}: the entry is removed so the next build replaces it`)
    }
})

test("the cache is bounded: least recently used entries go first, down to the bound exactly", (t) => {
    const cache = new BuildCache(join(scratch(), "cache"))
    const entry = (n: number) => ({ image: new Uint8Array(1000).fill(n), dbgJson: "{}".padEnd(1000, " ") })
    for (const k of ["a", "b", "c"]) cache.put(k, entry(k.charCodeAt(0)))
    const sizes = cache.entries().map((e) => e.bytes)
    const one = sizes[0]
    t.true(sizes.every((s) => s === one))
    // make "a" the most recently used
    const past = Date.now() / 1000 - 100
    utimesSync(join(cache.dir, "b", "manifest.json"), past, past)
    utimesSync(join(cache.dir, "c", "manifest.json"), past + 1, past + 1)
    cache.get("a")
    cache.prune(3 * one) // exactly fits: nothing goes
    t.deepEqual(
        cache
            .entries()
            .map((e) => e.key)
            .sort(),
        ["a", "b", "c"],
    )
    cache.prune(3 * one - 1) // one byte over: the least recently used goes
    t.deepEqual(
        cache
            .entries()
            .map((e) => e.key)
            .sort(),
        ["a", "c"],
    )
    cache.prune(0, "a") // the entry just built is kept whatever the bound
    t.deepEqual(
        cache.entries().map((e) => e.key),
        ["a"],
    )
})

test("temporaries and locks of dead builds are removed; a live build's are kept", (t) => {
    const dir = join(scratch(), "cache")
    mkdirSync(dir, { recursive: true })
    const dead = 2 ** 22 + 12345 // above Linux's default pid_max
    mkdirSync(join(dir, `abc.tmp-${dead}-0000`))
    writeFileSync(join(dir, `abc.lock`), String(dead))
    mkdirSync(join(dir, `def.tmp-${process.pid}-0000`))
    new BuildCache(dir).entries()
    t.deepEqual(readdirSync(dir).sort(), [`def.tmp-${process.pid}-0000`])
})

test("one build per content: a second builder waits for the lock", async (t) => {
    const cache = new BuildCache(join(scratch(), "cache"))
    const order: string[] = []
    const release = await cache.lock("k")
    const second = cache.lock("k").then((r) => {
        order.push("second has it")
        return r
    })
    await new Promise((r) => setTimeout(r, 200))
    order.push("first releases")
    release()
    ;(await second)()
    t.deepEqual(order, ["first releases", "second has it"])
})

test("an unwritable cache folder: a notice, and the script still runs", async (t) => {
    const blocker = join(scratch(), "a-file")
    writeFileSync(blocker, "")
    const r = await camscript(
        { CAMSCRIPT_CACHE_DIR: join(blocker, "cache") },
        "sim",
        "examples/wifi-station.ts",
        "--no-timeline",
    )
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /link up/)
    t.regex(r.stderr, /the build cache at .*a-file\/cache cannot be used \(ENOTDIR\); compiling without it/)
    t.notRegex(r.stderr, /internal error|at .*\.ts:\d+/)
})

test("compile errors never print a string literal: the file, line, column and shape stay", async (t) => {
    const dir = scratch()
    const script = userScript(dir, "typo.ts", `const password = "${SECRET}"\nconsole.log(password.lenght)\n`)
    const r = await camscript({}, "sim", script, "--no-timeline")
    t.is(r.code, 1)
    t.regex(
        r.stderr,
        /typo\.ts\(2,22\): error TS2551: Property 'lenght' does not exist on type '"…"'\. Did you mean 'length'\?/,
    )
    t.false(r.stderr.includes(SECRET))
    t.false(r.stdout.includes(SECRET))
})

test("script paths that are not regular files fail at once with exit 2", async (t) => {
    const dir = scratch()
    mkdirSync(join(dir, "folder.ts"))
    execFileSync("mkfifo", [join(dir, "pipe.ts")])
    symlinkSync("/dev/zero", join(dir, "zero.ts"))
    const cases: [string, RegExp][] = [
        [join(dir, "folder.ts"), /folder\.ts: is a folder; give the script's \.ts file/],
        [join(dir, "pipe.ts"), /pipe\.ts is a FIFO \(named pipe\), not a regular file/],
        [join(dir, "zero.ts"), /zero\.ts is a character device, not a regular file/],
        [join(dir, "missing.ts"), /missing\.ts: no such file/],
        [dir, /a camscript script is a TypeScript file \(\.ts\)/],
    ]
    for (const [path, message] of cases) {
        const r = await camscript({}, "sim", path, "--no-timeline")
        t.is(r.code, 2, path)
        t.regex(r.stderr, message)
        t.notRegex(r.stderr, /internal error/)
    }
})

test("a source file may be 1 MB exactly; one byte more, or invalid UTF-8, is refused", (t) => {
    const dir = scratch()
    const atLimit = join(dir, "at.ts")
    writeFileSync(atLimit, "/".repeat(MAX_SOURCE_BYTES))
    t.is(readSourceFile(atLimit).length, MAX_SOURCE_BYTES)
    const over = join(dir, "over.ts")
    writeFileSync(over, "/".repeat(MAX_SOURCE_BYTES + 1))
    const e = t.throws(() => readSourceFile(over), { instanceOf: ScriptFileError })
    t.regex(e.message, /over\.ts is 1048577 bytes; the limit is 1048576 bytes \(1 MB\)/)
    const bad = join(dir, "bad.ts")
    writeFileSync(bad, Buffer.from([0x2f, 0x2f, 0xff, 0xfe, 0x0a]))
    t.throws(() => readSourceFile(bad), { instanceOf: ScriptFileError, message: /bad\.ts: is not valid UTF-8 text/ })
})
