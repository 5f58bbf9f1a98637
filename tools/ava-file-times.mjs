// Loaded by ava in every test worker (ava.config.mjs `require`) when
// tools/suite.mjs asks for it (CAMSCRIPT_SUITE_TIMES): once the file's tests
// are done, one line per test file with its wall time and the CPU time of
// its worker thread (read from /proc/thread-self, Linux only; the thread's
// own JavaScript, without V8's helper threads), for docs/testing.md's "where
// the time goes". Nothing is recorded without the variable.
import { appendFileSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import test from "ava"

const out = process.env.CAMSCRIPT_SUITE_TIMES

function threadCpuSeconds() {
    try {
        // fields after the command's closing parenthesis: utime is the 12th, stime the 13th (proc(5))
        const stat = readFileSync("/proc/thread-self/stat", "latin1")
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
        return (Number(f[11]) + Number(f[12])) / 100
    } catch {
        return undefined
    }
}

if (out) {
    const started = Date.now()
    const cpu0 = threadCpuSeconds()
    test.after.always("file times", (t) => {
        const cpu1 = threadCpuSeconds()
        // the worker's file: a test file, or a group of them (test/groups/load.ts)
        const file = fileURLToPath(test.meta.file)
        appendFileSync(
            out,
            JSON.stringify({
                file: file.replace(/^.*\/test\//, "test/"),
                wallMs: Date.now() - started,
                cpuS: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
            }) + "\n",
        )
        t.pass()
    })
}
