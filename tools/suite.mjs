// `npm test`: the checks and the ava suite, run so that nothing is left behind
// and nothing is skipped silently (docs/testing.md).
//
// - The tests get a temporary folder of their own (TMPDIR, which ava's
//   workers and every child process inherit). When the run ends it must be
//   empty: anything in it is a folder or file a test made and did not
//   remove, and fails the run. Likewise any process still running with that
//   TMPDIR was started by a test and not stopped: it is named, stopped, and
//   fails the run.
// - A test skipped because an outside program is missing
//   (test/helpers/needs.ts) is written to a list; the run ends with one line
//   naming them and the command that installs the programs.
// - Arguments are passed to ava (`npm test -- test/radio.test.ts`), and then
//   only ava runs.
import { spawn } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { availableParallelism, tmpdir, userInfo } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const avaArgs = process.argv.slice(2)
const started = Date.now()

const systemTmp = tmpdir()
const state = mkdtempSync(join(systemTmp, "camscript-suite-"))
const tmp = join(state, "tmp")
mkdirSync(tmp, { mode: 0o700 })
const skipsFile = join(state, "skips.jsonl")
const timesFile = join(state, "times.jsonl")
// beside the tests' TMPDIR, not in it: it lives until the end of the run
const compileSocket = join(state, "compile.sock")

// tsx keeps its cache of transpiled files in <tmpdir>/tsx-<user>: it stays in
// the system's temporary folder, shared from run to run as without this runner
const tsxCache = `tsx-${process.geteuid ? process.geteuid() : userInfo().username}`
mkdirSync(join(systemTmp, tsxCache), { recursive: true, mode: 0o700 })
symlinkSync(join(systemTmp, tsxCache), join(tmp, tsxCache))

const env = {
    ...process.env,
    TMPDIR: tmp,
    CAMSCRIPT_SUITE_SKIPS: skipsFile,
    // the suite compiles about 200 distinct scripts (about 0.4 MB each in the build
    // cache): with the default bound of 64 MB it would evict its own builds mid-run
    CAMSCRIPT_CACHE_MAX_MB: process.env.CAMSCRIPT_CACHE_MAX_MB ?? "256",
    // each test file's wall and CPU time (tools/ava-file-times.mjs)
    CAMSCRIPT_SUITE_TIMES: timesFile,
    // a larger young generation for every process of the run (ava's workers
    // are threads of its process, so the flag reaches them through it): the
    // simulations allocate many short-lived objects, and with V8's default
    // 16 MB semi-space they were scavenged so often that a long simulated
    // file spent about a fifth more CPU (docs/testing.md, where the time goes)
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--max-semi-space-size=64"].filter(Boolean).join(" "),
}

/** Run a command; resolves to its exit code (and its output when `quiet`). */
function run(label, cmd, args, { quiet = false } = {}) {
    return new Promise((resolve) => {
        const t0 = Date.now()
        const child = spawn(cmd, args, { cwd: root, env, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" })
        let out = ""
        if (quiet) {
            child.stdout.on("data", (b) => (out += b))
            child.stderr.on("data", (b) => (out += b))
        }
        child.on("error", (e) => resolve({ label, code: 127, out: `${out}${e.message}\n`, ms: Date.now() - t0 }))
        child.on("close", (code, signal) =>
            resolve({ label, code: code ?? (signal ? 128 : 1), out, ms: Date.now() - t0 }),
        )
    })
}

/**
 * The run's compile server (compiler/compile-server.ts): one compiler process
 * per core, each loading the DeviceScript compiler once, for every ava worker
 * and CLI child of the run. Resolves once it is ready (the variables that
 * send compiles to it are then set), or says why not: the tests then compile
 * in their own processes, as without the runner.
 */
function startCompileServer() {
    const child = spawn(
        process.execPath,
        ["--import", "tsx", join(root, "tools/compile-server.ts"), compileSocket, String(availableParallelism())],
        { cwd: root, env, stdio: ["pipe", "pipe", "inherit"] },
    )
    const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve(signal ?? code)))
    let out = ""
    const ready = new Promise((resolve) => {
        const deadline = setTimeout(() => resolve("it did not say ready within 120 s"), 120_000)
        child.stdout.on("data", (b) => {
            out += b
            if (out.includes("ready\n")) {
                clearTimeout(deadline)
                resolve(undefined)
            }
        })
        exited.then((how) => {
            clearTimeout(deadline)
            resolve(`it exited (${how})`)
        })
    })
    return {
        ready: ready.then((problem) => {
            if (problem) {
                console.log(
                    `camscript: the compile server did not start (${problem}); each test process compiles on its own`,
                )
                return false
            }
            env.CAMSCRIPT_COMPILE_SERVER = compileSocket
            env.CAMSCRIPT_COMPILE_SERVER_ROOT = root
            return true
        }),
        /** Stop it (before the check for stray processes); resolves to what it said at the end. */
        stop: async () => {
            child.kill("SIGTERM")
            const t = setTimeout(() => child.kill("SIGKILL"), 10_000)
            await exited
            clearTimeout(t)
            return out.replace(/^ready\n/, "").trim()
        },
    }
}

const node = process.execPath
const bin = (p) => join(root, "node_modules", p)

/** Processes still running that inherited the tests' TMPDIR. */
function strays() {
    const found = []
    for (const name of readdirSync("/proc")) {
        if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
        try {
            const environ = readFileSync(`/proc/${name}/environ`, "latin1").split("\0")
            if (!environ.includes(`TMPDIR=${tmp}`)) continue
            const cmd = readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0").join(" ").trim()
            found.push({ pid: Number(name), cmd })
        } catch {
            // gone, or not ours to read
        }
    }
    return found
}

function leftovers() {
    return readdirSync(tmp)
        .filter((n) => !(n === tsxCache && lstatSync(join(tmp, n)).isSymbolicLink()))
        .map((n) => {
            const p = join(tmp, n)
            const s = lstatSync(p)
            return s.isDirectory() ? `${n}/ (${readdirSync(p).length} entries)` : n
        })
}

function skippedLine() {
    if (!existsSync(skipsFile)) return undefined
    const skips = readFileSync(skipsFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    if (skips.length === 0) return undefined
    const byProgram = new Map()
    for (const s of skips)
        for (const p of s.programs) {
            const files = byProgram.get(p) ?? new Map()
            files.set(s.file, (files.get(s.file) ?? 0) + 1)
            byProgram.set(p, files)
        }
    const parts = [...byProgram].map(
        ([p, files]) => `${p} (${[...files].map(([f, n]) => `${f.replace(/\.test\.ts$/, "")} ${n}`).join(", ")})`,
    )
    return (
        `SKIPPED ${skips.length} test${skips.length === 1 ? "" : "s"} for want of outside programs: ` +
        `${parts.join("; ")}; install them with: npm run setup`
    )
}

/** The slowest test files (or groups of them: test/groups/) of the run, by wall time, with their worker's CPU. */
function slowestLine() {
    if (!existsSync(timesFile)) return undefined
    const times = readFileSync(timesFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .sort((a, b) => b.wallMs - a.wallMs)
    const cpu = times.reduce((n, t) => n + (t.cpuS ?? 0), 0)
    const shown = times
        .slice(0, 10)
        .map(
            (t) =>
                `${t.file.replace(/^test\/(groups\/)?/, "").replace(/\.(test|group)\.ts$/, "")} ${(t.wallMs / 1000).toFixed(0)} s (cpu ${t.cpuS?.toFixed(0) ?? "?"} s)`,
        )
    return `slowest test files: ${shown.join(", ")}; ${times.length} workers, ${cpu.toFixed(0)} s of CPU in their threads`
}

let failed = []
let skipped
let slowest
const report = (results) => {
    for (const c of results) {
        if (c.code === 0) continue
        process.stdout.write(c.out)
        console.log(`✘ ${c.label} failed (exit ${c.code})`)
        failed.push(c.label)
    }
}
const compileServer = startCompileServer()
try {
    let typecheck = Promise.resolve([])
    if (avaArgs.length === 0) {
        // the whole suite: the files that can share a worker share one (test/groups/)
        env.CAMSCRIPT_TEST_GROUPS = "1"
        // first, side by side: the bundle (the CLI tests run it), the DeviceScript
        // check of src/ (it rewrites .devicescript/, which tests and tsc read),
        // prettier, the layer rules (dependency-cruiser) and knip
        report(
            await Promise.all([
                run("build", node, [join(root, "tools/bundle.mjs")], { quiet: true }),
                run(
                    "devicescript typecheck",
                    node,
                    [bin("@devicescript/cli/built/devicescript-cli.cjs"), "build", "--quiet", "src/index.ts"],
                    { quiet: true },
                ),
                run("format", node, [bin("prettier/bin/prettier.cjs"), "--check", "--log-level", "warn", "."], {
                    quiet: true,
                }),
                // the layers (no upward import, no cycle) and nothing unused
                run("layers", "npm", ["run", "--silent", "lint:layers"], { quiet: true }),
                run("unused", "npm", ["run", "--silent", "lint:unused"], { quiet: true }),
            ]),
        )
        // tsc (the native compiler: a few seconds) beside ava
        typecheck = Promise.all([
            run("typecheck", node, [bin("typescript/bin/tsc"), "-p", "tsconfig.json"], { quiet: true }),
        ])
    }
    await compileServer.ready
    if (!failed.includes("build")) {
        const ava = await run("ava", node, ["--single-threaded", join(root, "tools/ava.mjs"), ...avaArgs])
        if (ava.code !== 0) failed.push("ava")
    }
    report(await typecheck)
} finally {
    const served = await compileServer.stop()
    if (served) console.log(`compile server: ${served}`)
    // tsx's esbuild services (one per ava worker) end when ava's process does,
    // a moment after it: what still runs after a grace period was left by a test
    let stray = strays()
    for (let waited = 0; stray.length && waited < 5000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100))
        stray = strays()
    }
    for (const s of stray) {
        console.log(`✘ a test left a process running: pid ${s.pid}: ${s.cmd}`)
        try {
            process.kill(s.pid, "SIGKILL")
        } catch {
            // already gone
        }
    }
    if (stray.length) failed.push("processes left running")
    const left = leftovers()
    if (left.length) {
        console.log(`✘ the tests left ${left.length} thing(s) in the temporary folder: ${left.join(", ")}`)
        failed.push("temporary files left")
    }
    skipped = skippedLine()
    slowest = slowestLine()
    rmSync(state, { recursive: true, force: true })
}
const seconds = ((Date.now() - started) / 1000).toFixed(0)
console.log(
    failed.length ? `npm test failed (${failed.join(", ")}) after ${seconds} s` : `npm test passed in ${seconds} s`,
)
if (slowest) console.log(slowest)
// the closing line: what was skipped, and how to have it run
if (skipped) console.log(skipped)
process.exit(failed.length ? 1 : 0)
