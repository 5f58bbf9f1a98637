import { spawnSync } from "node:child_process"
import { missingParts, OUTSIDE_PROGRAMS, PROGRAM_IDS } from "./outside-programs"

// `npm run setup`: installs the Debian packages of the outside programs the
// suite uses (tools/outside-programs.ts), only those missing. .ci/run runs
// it too, so CI and a developer's machine install from the same list.
// Needs apt-get, and root (or sudo). `npm run setup -- --check` only tells.

const missing = PROGRAM_IDS.filter((id) => missingParts(id).length > 0)
if (missing.length === 0) {
    console.log(`setup: every outside program the tests use is installed (${PROGRAM_IDS.join(", ")})`)
    process.exit(0)
}
const packages = [...new Set(missing.flatMap((id) => OUTSIDE_PROGRAMS[id].packages))]
for (const id of missing) console.log(`setup: missing ${missingParts(id).join(", ")}: ${OUTSIDE_PROGRAMS[id].usedFor}`)
// --check: only say what is missing (exit 1), install nothing
if (process.argv.includes("--check")) {
    console.log(`setup: npm run setup installs: ${packages.join(" ")}`)
    process.exit(1)
}

const asRoot = process.getuid?.() === 0
const run = (args: string[]) => {
    const [cmd, ...rest] = asRoot ? args : ["sudo", ...args]
    console.log(`setup: ${[cmd, ...rest].join(" ")}`)
    const r = spawnSync(cmd, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
    if (r.error || r.status !== 0) {
        console.error(
            `setup: that failed (${r.error?.message ?? `exit ${r.status}`}); install these Debian packages ` +
                `yourself: ${packages.join(" ")}`,
        )
        process.exit(1)
    }
}
run(["apt-get", "update", "-qq"])
run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages])

const still = PROGRAM_IDS.filter((id) => missingParts(id).length > 0)
if (still.length > 0) {
    for (const id of still) console.error(`setup: still missing after the install: ${missingParts(id).join(", ")}`)
    process.exit(1)
}
console.log(`setup: installed ${packages.join(" ")}`)
