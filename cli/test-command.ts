import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join, relative, resolve } from "node:path"
import { fromRoot } from "../project/paths"

// `camscript test [files]`: runs a project's own tests of its scripts with
// node:test. node:test comes with Node (a user's project needs no test
// runner of its own, and an installed camscript brings none), runs files in
// parallel processes and exits non-zero when a test fails. Tests are
// TypeScript: each file is bundled by esbuild (already camscript's
// dependency) to a temporary CommonJS file, with `camscript/testing`
// pointing at this camscript's dist/testing.cjs, and an inline source map
// so failures point at the user's .ts lines.

export const TEST_USAGE = `usage: camscript test [files...]

Runs your tests of your scripts (files named *.test.ts; default: every one
under the current folder, node_modules excepted) with node:test. A test
imports runScript from "camscript/testing" (see docs/testing-your-scripts.md).
Exits 0 when every test passed, 1 when one failed.
`

export class TestFilesError extends Error {}

/** Every *.test.ts under `dir`, skipping node_modules and dot folders. */
function findTestFiles(dir: string): string[] {
    const found: string[] = []
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue
        const path = join(dir, entry.name)
        if (entry.isDirectory()) found.push(...findTestFiles(path))
        else if (entry.isFile() && entry.name.endsWith(".test.ts")) found.push(path)
    }
    return found.sort()
}

export async function runTests(files: string[]): Promise<number> {
    const chosen = files.length ? files.map((f) => resolve(f)) : findTestFiles(process.cwd())
    if (!chosen.length)
        throw new TestFilesError(`no test files (*.test.ts) under ${process.cwd()}; name one, or give its path`)
    for (const f of chosen) {
        let ok = false
        try {
            ok = statSync(f).isFile()
        } catch {
            ok = false
        }
        if (!ok) throw new TestFilesError(`${relative(process.cwd(), f) || f}: no such test file`)
        if (!f.endsWith(".ts"))
            throw new TestFilesError(`${relative(process.cwd(), f)}: a test file is TypeScript (.ts)`)
    }
    // loaded only here (and not through import(): bin/camscript.cjs runs the bundle in a vm.Script)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { build } = require("esbuild") as typeof import("esbuild")
    const out = mkdtempSync(join(tmpdir(), "camscript-test-"))
    try {
        const testing = fromRoot("dist/testing.cjs")
        const outputs: string[] = []
        for (const [i, file] of chosen.entries()) {
            const outfile = join(out, `${i}-${basename(file).replace(/\.ts$/, "")}.cjs`)
            const result = await build({
                entryPoints: [file],
                outfile,
                bundle: true,
                platform: "node",
                target: "node20",
                format: "cjs",
                sourcemap: "inline",
                packages: "external",
                // the test's own location, not the temporary file's
                define: {
                    __dirname: JSON.stringify(dirname(file)),
                    __filename: JSON.stringify(file),
                    "import.meta.dirname": JSON.stringify(dirname(file)),
                    "import.meta.filename": JSON.stringify(file),
                },
                logLevel: "silent",
                plugins: [
                    {
                        name: "camscript-testing",
                        setup(b) {
                            b.onResolve({ filter: /^camscript\/testing$/ }, () => ({ path: testing, external: true }))
                        },
                    },
                ],
            }).catch(
                (e: { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }) => {
                    const msgs = (e.errors ?? []).map((m) =>
                        m.location
                            ? `${m.location.file}(${m.location.line},${m.location.column + 1}): ${m.text}`
                            : m.text,
                    )
                    throw new TestFilesError(`${relative(process.cwd(), file)} cannot be built:\n${msgs.join("\n")}`)
                },
            )
            void result
            outputs.push(outfile)
        }
        return await new Promise<number>((done) => {
            const child = spawn(process.execPath, ["--enable-source-maps", "--test", ...outputs], { stdio: "inherit" })
            child.on("exit", (code, signal) => done(code === 0 ? 0 : signal ? 1 : Math.min(code ?? 1, 1)))
        })
    } finally {
        rmSync(out, { recursive: true, force: true })
    }
}
