// ava's settings (moved here from package.json for sortTestFiles, which only
// a config file can give). The suite is CPU-bound on two cores, and a test
// file runs its simulations one at a time (they share the process's faked
// timers), so a long file that starts last leaves a core idle at the end:
// the longest files start first (docs/testing.md, where the time goes).
import groups from "./test/groups/groups.cjs"

const LONGEST_FIRST = [
    // measured wall times of a full run (docs/testing.md): real-time files first
    "virtual-board",
    "virtual-board-runtime",
    "group-2",
    "group-3",
    "group-4",
    "group-1",
    "group-5",
    "firmware",
    "install",
    "conformance",
    "build-shortcuts",
    "stock-firmware",
    "stamps",
    "camera-serve",
    "compile-server",
    "failure-modes",
    "soak",
    "fleet-scenarios",
    "devices",
    "radio-model",
    "fault-matrix",
    "ethernet",
    "api-features",
    "retry-timing",
    "access-point",
    "connected",
    "enterprise",
    "long-durations",
    "station-entry",
    "keeps-running",
    "cli",
    "secrets",
    "fast-reconnect",
]

const rank = (file) => {
    const name = file.replace(/^.*\//, "").replace(/\.(test|group)\.ts$/, "")
    const i = LONGEST_FIRST.indexOf(name)
    return i < 0 ? LONGEST_FIRST.length : i
}

// `npm test` (tools/suite.mjs sets CAMSCRIPT_TEST_GROUPS) runs the files
// test/groups/groups.cjs lists in a few shared workers, and every other file
// alone; `npm test -- <file>` and a bare `ava` run each file alone
const files = ["test/**/*.test.ts"]
if (process.env.CAMSCRIPT_TEST_GROUPS)
    files.push(
        "test/groups/*.group.ts",
        ...Object.values(groups)
            .flat()
            .map((name) => `!test/${name}.test.ts`),
    )

export default {
    files,
    extensions: { ts: "commonjs" },
    // tsx's CommonJS hook alone: the test files are CommonJS (above), and
    // `--import=tsx` also started an ESM loader thread in every worker,
    // about 0.2 s of CPU a worker (twelve workers loading the simulator:
    // 13.9 to 16.2 s with it, 12.1 to 13.1 s without, three runs each)
    nodeArguments: ["--require=tsx/cjs"],
    // per-file wall and CPU times, only when tools/suite.mjs asks (CAMSCRIPT_SUITE_TIMES)
    require: ["./tools/ava-file-times.mjs"],
    timeout: "3m",
    // more files than cores: about half of the suite's files spend most of
    // their wall time waiting (on a serial line, a child process, the
    // compile server), and with one file per core the cores sat idle then
    concurrency: 4,
    sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
}
