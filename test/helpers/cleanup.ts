import test, { type ExecutionContext } from "ava"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

// Nothing a test makes outlives it, pass or fail: a temporary folder, a
// process or a server is removed by the test's own teardown (t.teardown),
// or, when it serves the whole file, once the file's tests are done (an
// after.always hook declared here, which every file importing this helper
// gets). tools/suite.mjs runs the suite in a temporary folder of its own and
// fails the run if anything is left in it, or any process still runs.

const atEnd = new Set<() => unknown>()

// Under `npm run mutate` (tools/mutation-run.cjs) every test file is loaded
// into one process before any runs, so a hook here would belong to the first
// file only and remove the others' folders too early; that runner removes
// its whole temporary folder when it exits instead.
const mutationRun = typeof (test as unknown as { newFile?: unknown }).newFile === "function"

if (!mutationRun)
    test.after.always(async () => {
        const errors: unknown[] = []
        // the last made goes first (a server before the folder it runs in)
        for (const undo of [...atEnd].reverse()) {
            atEnd.delete(undo)
            try {
                await undo()
            } catch (e) {
                errors.push(e)
            }
        }
        if (errors.length) throw errors[0]
    })

/** Run `undo` when the file's tests are done (unless `cancel()`ed first, e.g. because the test undid it). */
function atFileEnd(undo: () => unknown): { cancel(): void } {
    atEnd.add(undo)
    return { cancel: () => void atEnd.delete(undo) }
}

/**
 * A new folder in the system's temporary folder, removed when `t`'s test
 * ends (given a test) or when the file's tests are done.
 */
export function tempDir(prefix: string, t?: ExecutionContext): string {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    const remove = () => rmSync(dir, { recursive: true, force: true })
    if (t) t.teardown(remove)
    else atFileEnd(remove)
    return dir
}
