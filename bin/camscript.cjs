#!/usr/bin/env node
// The `camscript` command: runs the bundled CLI (built by `npm ci` into dist/).
// The bundle is loaded through V8's code cache (dist/camscript.cjs.cache,
// written after the first run): compiling the 2 MB bundle's functions again
// on every start was a third of a cached run's CPU time.
const { existsSync, readFileSync, renameSync, writeFileSync } = require("node:fs")
const { dirname, join } = require("node:path")
const { createRequire } = require("node:module")
const { Script } = require("node:vm")

const bundle = join(__dirname, "../dist/camscript.cjs")
const cacheFile = `${bundle}.cache`
if (!existsSync(bundle)) {
    process.stderr.write(
        "camscript: dist/camscript.cjs is missing; run `npm ci` (or `npm run build`) in the camscript folder\n",
    )
    process.exit(2)
}

function load() {
    // the bundle is ASCII (tools/bundle.mjs checks it): read as latin1 it is
    // the same text without UTF-8 decoding, about 10 ms of every start
    const source = readFileSync(bundle, "latin1")
    let cachedData
    try {
        cachedData = readFileSync(cacheFile)
    } catch {
        cachedData = undefined
    }
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
        filename: bundle,
        cachedData,
    })
    const mod = { exports: {} }
    script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle))
    const fresh = cachedData !== undefined && !script.cachedDataRejected
    return { main: mod.exports.main, saveCache: fresh ? () => {} : () => saveCache(script) }
}

function saveCache(script) {
    try {
        const tmp = `${cacheFile}.tmp-${process.pid}`
        writeFileSync(tmp, script.createCachedData())
        renameSync(tmp, cacheFile)
    } catch {
        // a read-only install runs, only slower to start
    }
}

// `camscript boards | head -1`: the reader went away, which is not an error of ours
process.stdout.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(0)
    throw e
})

const { main, saveCache: save } = load()
main(process.argv.slice(2)).then(
    (code) => {
        save()
        process.exit(code)
    },
    (e) => {
        process.stderr.write(`camscript: internal error: ${(e && e.stack) || e}\n`)
        process.exit(3)
    },
)
