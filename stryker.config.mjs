// StrykerJS over the simulator's model (issue 13): `npm run mutate` runs one
// Stryker pass per area (tools/mutate.mjs sets MUTATE_AREA). Stryker has no
// ava runner, so the built-in command runner starts the area's tests once
// per mutant with __STRYKER_ACTIVE_MUTANT__ set; each area's command lists
// only the test files that import its modules directly through tsx (tests
// that spawn the dist bundle or compile bytecode never see the sandbox's
// mutants). The area list lives in tools/mutation-areas.mjs (docs/testing.md).
import { AREAS } from "./tools/mutation-areas.mjs"

const name = process.env.MUTATE_AREA ?? "radio"
const area = AREAS[name]
if (!area) throw new Error(`MUTATE_AREA "${name}" is not an area; use one of ${Object.keys(AREAS).join(", ")}`)

export default {
    packageManager: "npm",
    testRunner: "command",
    commandRunner: {
        // the area's test files in one process, with tools/mutation-ava.cjs standing in for ava
        // (real ava's start-up per mutant made a pass over sim/world take hours on this machine)
        command: [
            "node --import tsx tools/mutation-run.cjs",
            ...(area.skip ?? []).map((m) => `'--skip=${m}'`),
            ...area.tests,
        ].join(" "),
    },
    // the command runner cannot say which test covers which mutant: every mutant runs the area's command
    coverageAnalysis: "off",
    mutate: area.mutate,
    // the sandbox needs the sources and the tests, not the build outputs or caches
    ignorePatterns: ["/dist", ".camscript", ".devicescript", "firmware/build", "reports", "bench", ".ci"],
    concurrency: 2,
    timeoutMS: 20000,
    incremental: true,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    // Stryker rewrites tsconfig.json's "extends" paths through TypeScript's JS API, which TypeScript 7
    // (native) no longer has; ours extends a file inside the repo, so there is nothing to rewrite
    tsconfigFile: "tsconfig.stryker-skips-this.json",
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    thresholds: { high: 85, low: 70, break: null },
}
