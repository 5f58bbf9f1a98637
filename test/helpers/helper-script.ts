import { buildSync } from "esbuild"
import { mkdirSync, renameSync } from "node:fs"
import { join } from "node:path"
import { threadId } from "node:worker_threads"
import { fromRoot } from "../../project/paths"

// The test helpers that run as processes of their own (a serial port's
// native binding must not live in ava's worker thread, and some helpers are
// killed on purpose) are bundled by esbuild into one CommonJS file each, the
// first time a test process needs one. Started under tsx, a helper cost
// about 1.4 s of CPU, most of it transpiling every module it imports, on
// each start; bundled, about 0.4 s (docs/testing.md).
//
// The bundles go to .camscript/test-helpers/ (beside the project's other
// generated files): from there `serialport`, `jacdac-ts` and the other
// packages resolve from the project's node_modules, as they do from the
// sources. Each process writes its own copy under a name of its own and
// renames it into place, so processes building the same helper at once
// never read a half-written file.

const built = new Map<string, string>()

/** The file `node` runs for test/helpers/<name>.ts. */
export function helperScript(name: string): string {
    const known = built.get(name)
    if (known) return known
    const dir = fromRoot(".camscript", "test-helpers")
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const file = join(dir, `${name}.cjs`)
    const partial = `${file}.${process.pid}-${threadId}.tmp`
    buildSync({
        entryPoints: [fromRoot("test", "helpers", `${name}.ts`)],
        outfile: partial,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        // packages (serialport's native binding among them) load from node_modules
        packages: "external",
        logLevel: "warning",
    })
    renameSync(partial, file)
    built.set(name, file)
    return file
}
