// `node --import tsx tools/mutation-run.cjs [--skip=<title glob>...] test/a.test.ts ...`:
// the command Stryker runs per mutant (stryker.config.mjs). It loads the
// test files in this one process with tools/mutation-ava.cjs standing in for
// ava, runs them, and exits 1 at the first failure (naming it), 0 when all
// pass. `--skip` leaves out tests whose title matches the glob (as ava's
// --match '!glob' would).
"use strict"
const Module = require("node:module")
const { basename, resolve } = require("node:path")
const { mkdtempSync, rmSync } = require("node:fs")
const { tmpdir } = require("node:os")
const shim = require("./mutation-ava.cjs")

// Stryker runs two of these at once, and some tests use fixed names under
// the temporary folder (test/world-files.test.ts): each run gets its own,
// or the two runs tear each other's files and a mutant is "killed" by the
// collision. (os.tmpdir() reads TMPDIR on every call; tsx's cache, set up
// before this runs, stays where it was.)
const ownTmp = mkdtempSync(`${tmpdir()}/mutation-run-`)
process.env.TMPDIR = ownTmp
process.on("exit", () => rmSync(ownTmp, { recursive: true, force: true }))

const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
    if (request === "ava") return require.resolve("./mutation-ava.cjs")
    return resolveFilename.call(this, request, ...rest)
}

const args = process.argv.slice(2)
const globs = args.filter((a) => a.startsWith("--skip=")).map((a) => a.slice("--skip=".length))
const skip = globs.map((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "s"))
const testFiles = args.filter((a) => !a.startsWith("--"))

const failed = (why) => {
    process.stdout.write(`mutation-run: FAILED ${why}\n`)
    process.exit(1)
}
process.on("uncaughtException", (err) => failed(`uncaught ${err && err.stack ? err.stack : err}`))
process.on("unhandledRejection", (err) => failed(`unhandled rejection ${err && err.stack ? err.stack : err}`))

async function main() {
    for (const f of testFiles) {
        const name = basename(f).replace(/\.test\.ts$/, "")
        shim.newFile(name)
        require(resolve(f))
    }
    const passed = await shim.runAll(skip)
    process.stdout.write(`mutation-run: ${passed} tests passed\n`)
    process.exit(0)
}

main().catch((err) => failed(`${err.testTitle ?? ""}\n${err && err.stack ? err.stack : err}`))
