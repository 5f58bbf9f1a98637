import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

// A bench's scripts, written where the compiler reads files: a private
// folder of the process's own, removed when it exits. (The tests' helper,
// test/helpers/run.ts, ties its folder to ava, which a bench does not run under.)

let folder: string | undefined

/** Write `source` to a .ts file of its own and return its path. */
export function scriptFile(source: string): string {
    if (!folder) {
        const made = mkdtempSync(join(tmpdir(), "camscript-bench-"))
        folder = made
        process.once("exit", () => rmSync(made, { recursive: true, force: true }))
    }
    const file = join(folder, `s${Buffer.from(source).length}-${Math.random().toString(36).slice(2, 8)}.ts`)
    writeFileSync(file, source)
    return file
}
