// `npm run mutate [area...]`: StrykerJS over the simulator's model, one pass
// per area of tools/mutation-areas.mjs (all of them when none is named),
// then one line per area with its mutation score. Reports go to
// reports/mutation/<area>.html (and .json). See docs/testing.md.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { AREAS } from "./mutation-areas.mjs"

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"))
const force = process.argv.includes("--force")
for (const a of wanted)
    if (!AREAS[a]) {
        console.error(`mutate: "${a}" is not an area; use one of ${Object.keys(AREAS).join(", ")}`)
        process.exit(2)
    }
const areas = wanted.length ? wanted : Object.keys(AREAS)
mkdirSync("reports/mutation", { recursive: true })

/**
 * Stryker's incremental mode reuses a survivor only while "no tests changed",
 * but the command runner reports one anonymous test, so it cannot see a test
 * file change: the area's test files are hashed here and a change forces a
 * full pass of that area.
 */
function testsHash(area) {
    const h = createHash("sha256")
    for (const f of [
        ...area.tests,
        "stryker.config.mjs",
        "tools/mutation-areas.mjs",
        "tools/mutation-run.cjs",
        "tools/mutation-ava.cjs",
    ].sort())
        h.update(f)
            .update("\0")
            .update(existsSync(f) ? readFileSync(f) : "")
            .update("\0")
    return h.digest("hex")
}

/** Stryker's mutation score: detected / (detected + undetected), ignoring mutants that do not compile. */
function score(reportFile) {
    const report = JSON.parse(readFileSync(reportFile, "utf8"))
    const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 }
    for (const file of Object.values(report.files))
        for (const m of file.mutants) if (m.status in count) count[m.status]++
    const detected = count.Killed + count.Timeout
    const all = detected + count.Survived + count.NoCoverage
    return { ...count, percent: all ? (100 * detected) / all : 100, all }
}

const lines = []
let failed = false
for (const name of areas) {
    const hashFile = `reports/mutation/${name}.tests-hash`
    const hash = testsHash(AREAS[name])
    const stale = force || !existsSync(hashFile) || readFileSync(hashFile, "utf8") !== hash
    const started = Date.now()
    const run = spawnSync("npx", ["stryker", "run", ...(stale ? ["--force"] : [])], {
        stdio: "inherit",
        env: { ...process.env, MUTATE_AREA: name },
    })
    const seconds = Math.round((Date.now() - started) / 1000)
    if (run.status !== 0) {
        failed = true
        lines.push(`${name}: Stryker failed (exit ${run.status}) after ${seconds} s`)
        continue
    }
    writeFileSync(hashFile, hash)
    const s = score(`reports/mutation/${name}.json`)
    lines.push(
        `${name.padEnd(8)} ${s.percent.toFixed(2).padStart(6)}%  ${s.Killed} killed, ${s.Timeout} timed out, ` +
            `${s.Survived} survived, ${s.NoCoverage} not covered, of ${s.all}  (${seconds} s${stale ? "" : ", incremental"})`,
    )
}
console.log(`\nMutation scores (reports/mutation/<area>.html):\n${lines.join("\n")}`)
writeFileSync("reports/mutation/summary.txt", lines.join("\n") + "\n")
process.exit(failed ? 1 : 0)
