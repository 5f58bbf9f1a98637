import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { basename, dirname, join, relative, resolve } from "node:path"
import { fromRoot } from "../project/paths"
import { writeProblem } from "../project/destinations"
import { parseJson } from "../project/json-text"

// `camscript init [dir]`: a project a user starts from. It never overwrites:
// everything it could trip on (a file it would overwrite, a file where it
// needs a folder, a folder it cannot write) is checked before it writes
// anything; it then writes nothing and says which.

export const INIT_USAGE = `usage: camscript init [dir] [--from SPEC]

Writes a camscript project into <dir> (default: the current folder):
  package.json       scripts: npm run sim | build | deploy | test
  tsconfig.json      extends camscript/tsconfig.json (types for your scripts)
  devicescript.json  the project's board, world and hostname
  src/main.ts        a starter script: joins Wi-Fi and prints its address
  worlds/home.json   the simulated world it runs against
  test/main.test.ts  a test of the script (camscript/testing, node:test)
  .gitignore         node_modules/, .camscript/ (camscript's state), secrets.json, ...
In a folder that already has some of these, init adds to it and overwrites
nothing: package.json gets the scripts and the camscript dependency it lacks
(a script of the same name stays yours), .gitignore the lines it lacks, and
every other file that exists is left as it is; init says what it added and
what it left. Then: cd <dir> && npm install && npm run sim

  --from SPEC   where package.json gets camscript from: a path to a packed
                tarball (npm pack), a folder or a git URL (default: where this
                camscript came from: its folder, or, when it is installed in
                another project, that project's own camscript dependency)
`

export class InitError extends Error {}

/** An npm package name and a DHCP hostname from the folder's name. */
function names(dir: string): { pkg: string; hostname: string } {
    const base = basename(resolve(dir))
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
    const pkg = base || "camera"
    return { pkg, hostname: pkg.slice(0, 32).replace(/-+$/, "") || "camera" }
}

/**
 * Where this camscript came from, for a new project: its own folder, unless
 * that folder is inside another project's node_modules (npm may prune or
 * replace it at that project's next install): then that project's own
 * dependency on camscript, a relative file: path made absolute.
 */
function defaultSpec(): string {
    const root = fromRoot()
    const m = /^(.*?)[\\/]node_modules[\\/]/.exec(`${root}/`)
    if (!m) return `file:${root}`
    const host = m[1]
    let spec: unknown
    try {
        const pkg = JSON.parse(readFileSync(join(host, "package.json"), "utf8")) as Record<
            string,
            Record<string, string>
        >
        spec = pkg.devDependencies?.camscript ?? pkg.dependencies?.camscript
    } catch {
        spec = undefined
    }
    if (typeof spec === "string" && spec.startsWith("file:")) {
        const path = resolve(host, spec.slice(5))
        if (existsSync(path) && !/[\\/]node_modules[\\/]/.test(path)) return `file:${path}`
    } else if (typeof spec === "string" && /^(git\+|git:|https?:|github:)/.test(spec)) return spec
    throw new InitError(
        `this camscript is installed in ${host}'s node_modules, which a new project must not depend on ` +
            "(npm replaces it at that project's next install); give --from: the tarball from npm pack, a camscript folder or a git URL",
    )
}

function fromSpec(from: string | undefined): string {
    if (from === undefined) return defaultSpec()
    // a local path is written as file:<absolute path>, so the project can move its cwd
    if (/^(file:|git\+|git:|https?:|github:)/.test(from)) return from
    if (existsSync(from)) return `file:${resolve(from)}`
    throw new InitError(`--from ${from}: no such file or folder (give a tarball from npm pack, a folder or a git URL)`)
}

function projectFiles(dir: string, from: string | undefined): Map<string, string> {
    const { pkg, hostname } = names(dir)
    const files = new Map<string, string>()
    const camscript = fromSpec(from)
    const json = (v: unknown) => `${JSON.stringify(v, null, 4)}\n`
    files.set(
        "package.json",
        json({
            name: pkg,
            version: "0.1.0",
            private: true,
            scripts: {
                sim: "camscript sim src/main.ts",
                build: "camscript build src/main.ts",
                deploy: "camscript deploy src/main.ts",
                test: "camscript test",
            },
            devDependencies: { camscript },
            // npm runs a dependency's install scripts only when allowed (a file: or git
            // dependency is named by its spec): camscript's prepares the DeviceScript
            // toolchain, esbuild's and serialport's set up their binaries
            allowScripts: { [camscript]: true, esbuild: true, "@serialport/bindings-cpp": true },
        }),
    )
    files.set("tsconfig.json", json({ extends: "camscript/tsconfig.json", include: ["src/**/*.ts"] }))
    files.set(
        "devicescript.json",
        json({
            board: "ai_thinker_esp32_cam",
            world: "worlds/home.json",
            network: { hostname },
            // git-ignored: passwords for `sim`/`deploy`, written to the board's settings (docs/cli.md)
            secrets: "secrets.json",
        }),
    )
    files.set(
        "src/main.ts",
        `// Joins the Wi-Fi network of worlds/home.json and prints the address it got.
// Run it: npm run sim   (camscript sim src/main.ts)
import { network } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(15000)
console.log(\`up as \${wlan.ifconfig()[0]}, \${wlan.status("rssi")} dBm\`)
`,
    )
    const world = JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as Record<string, unknown>
    world.$schema = "../node_modules/camscript/sim/world/world.schema.json"
    world.description = "Home: my-network / my-password, the router 6 m away; a neighbour's network further off."
    delete world.board // devicescript.json names the board
    files.set("worlds/home.json", json(world))
    files.set(
        "test/main.test.ts",
        `// A test of src/main.ts: npm test (camscript test, which runs node:test).
import { test } from "node:test"
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { runScript } from "camscript/testing"

const script = join(__dirname, "../src/main.ts")

test("joins home Wi-Fi within 5 s and prints its address", async () => {
    const run = await runScript(script)
    assert.equal(run.outcome, "finished", run.error)
    assert.match(run.lines[0], /^up as 192\\.168\\.1\\.\\d+/)
    const ms = run.timeToLinkUp()
    assert.ok(ms !== undefined && ms < 5000, \`the link took \${ms} ms\`)
})

test("a wrong password: the script fails, and the reason says why", async () => {
    const world = JSON.parse(readFileSync(join(__dirname, "../worlds/home.json"), "utf8"))
    world.accessPoints[0].password = "changed-password"
    const run = await runScript(script, { world })
    assert.equal(run.outcome, "error")
    assert.equal(run.lastFailureReason(), "AuthFailed")
})
`,
    )
    // .camscript/: the build cache, images for boards and their debug info (project/state.ts)
    files.set(".gitignore", "node_modules/\n.camscript/\n*.devs\n*-dbg.json\nsecrets.json\n")
    return files
}

/** What lies at a path: missing, a folder, something else (a file, a device), or a file on the way to it. */
function kindAt(path: string): "missing" | "folder" | "other" | "through-file" {
    try {
        return statSync(path).isDirectory() ? "folder" : "other"
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === "ENOENT") return "missing"
        if (code === "ENOTDIR") return "through-file"
        throw new InitError(`${path}: cannot be read (${code})`)
    }
}

/**
 * Everything init would trip on, found before it writes anything: a file
 * where a folder must go (the target itself, or src/, test/, worlds/ in
 * it), a file it would overwrite, a folder it cannot write into.
 */
function checkProject(target: string, names: string[]): void {
    const shown = (p: string) => relative(process.cwd(), p) || "."
    // the nearest part of the target that exists must be a folder we may write in
    let existing = target
    while (["missing", "through-file"].includes(kindAt(existing)) && dirname(existing) !== existing)
        existing = dirname(existing)
    if (kindAt(existing) !== "folder")
        throw new InitError(
            `${shown(existing)} is a file, not a folder: init writes its project into a folder (give another path)`,
        )
    try {
        accessSync(existing, constants.W_OK | constants.X_OK)
    } catch {
        throw new InitError(
            `${shown(existing)}: the folder is not writable; init writes nothing (give a folder you can write)`,
        )
    }
    const problems: string[] = []
    const folders = new Set<string>()
    for (const name of names) {
        for (let d = dirname(name); d !== "."; d = dirname(d)) folders.add(d)
        const kind = kindAt(join(target, name))
        if (kind === "folder") problems.push(`${name} (a folder where init writes the file ${name})`)
        else if (kind === "other") {
            // an existing file is kept or merged: it must be a regular file init can read (and write, to merge)
            const merged = MERGED.has(name)
            try {
                if (!statSync(join(target, name)).isFile()) problems.push(`${name} (not a regular file)`)
                else if (merged) accessSync(join(target, name), constants.R_OK | constants.W_OK)
            } catch {
                problems.push(`${name} (not readable and writable, to add to it)`)
            }
        }
    }
    for (const folder of [...folders].sort()) {
        const kind = kindAt(join(target, folder))
        if (kind === "other") problems.push(`${folder} (a file where init needs the folder ${folder}/)`)
        else if (kind === "folder")
            try {
                accessSync(join(target, folder), constants.W_OK | constants.X_OK)
            } catch {
                problems.push(`${folder}/ (not writable)`)
            }
    }
    if (problems.length)
        throw new InitError(`${shown(target)} has ${problems.join(", ")}; init wrote nothing (move it aside)`)
}

/** The files init adds to when they exist; every other existing file is left as it is. */
const MERGED = new Set(["package.json", ".gitignore"])

export interface InitResult {
    /** files written new */
    written: string[]
    /** what was added to existing files: "package.json scripts.sim", ".gitignore .camscript/" */
    added: string[]
    /** what was left as it was: existing files, and package.json entries init would have written otherwise */
    left: string[]
}

/** Adds what `ours` has and `theirs` lacks; never replaces a value. */
function mergePackage(
    text: string,
    ours: Record<string, unknown>,
    file: string,
    result: InitResult,
): string | undefined {
    let theirs: Record<string, unknown>
    try {
        theirs = parseJson(text) as Record<string, unknown>
    } catch (e) {
        // line and column, never the text (project/json-text.ts)
        throw new InitError(`${file} is ${(e as Error).message}; init wrote nothing`)
    }
    if (typeof theirs !== "object" || theirs === null || Array.isArray(theirs))
        throw new InitError(`${file} is not a JSON object; init wrote nothing`)
    const has = (key: string) => {
        const v = theirs[key]
        return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
    }
    let changed = false
    const dependsAlready = has("dependencies")?.camscript ?? has("devDependencies")?.camscript
    for (const section of ["scripts", "devDependencies", "allowScripts"]) {
        const want = ours[section] as Record<string, unknown>
        if (theirs[section] !== undefined && !has(section)) {
            result.left.push(`package.json ${section} (not an object)`)
            continue
        }
        const target = has(section) ?? {}
        for (const [key, value] of Object.entries(want)) {
            if (section === "devDependencies" && key === "camscript" && dependsAlready !== undefined) {
                if (dependsAlready !== value)
                    result.left.push(`package.json camscript dependency (${JSON.stringify(dependsAlready)})`)
                continue
            }
            if (key in target) {
                if (JSON.stringify(target[key]) !== JSON.stringify(value))
                    result.left.push(`package.json ${section}.${key} (${JSON.stringify(target[key])})`)
                continue
            }
            target[key] = value
            theirs[section] = target
            result.added.push(`package.json ${section}.${key}`)
            changed = true
        }
    }
    if (!changed) return undefined
    // the file's own indentation kept
    const indent = /^[{[]\r?\n([ \t]+)\S/.exec(text)?.[1] ?? "    "
    return `${JSON.stringify(theirs, null, indent)}\n`
}

/** The lines of ours an existing .gitignore lacks, appended. */
function mergeGitignore(text: string, ours: string, result: InitResult): string | undefined {
    const have = new Set(text.split(/\r?\n/).map((l) => l.trim()))
    const missing = ours.split("\n").filter((l) => l && !have.has(l) && !have.has(`/${l}`))
    if (!missing.length) return undefined
    for (const l of missing) result.added.push(`.gitignore ${l}`)
    return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}# camscript init\n${missing.join("\n")}\n`
}

export function initProject(dir: string, from: string | undefined): InitResult {
    const target = resolve(dir)
    const files = projectFiles(target, from)
    checkProject(target, [...files.keys()])
    const result: InitResult = { written: [], added: [], left: [] }
    // every merge is worked out (and a package.json that is not JSON refused) before anything is written
    const writes: [string, string, "wx" | "w"][] = []
    for (const [name, text] of files) {
        const path = join(target, name)
        if (!existsSync(path)) {
            writes.push([name, text, "wx"])
            result.written.push(name)
            continue
        }
        const existing = readFileSync(path, "utf8")
        const merged =
            name === "package.json"
                ? mergePackage(existing, JSON.parse(text) as Record<string, unknown>, name, result)
                : name === ".gitignore"
                  ? mergeGitignore(existing, text, result)
                  : undefined
        if (merged !== undefined) writes.push([name, merged, "w"])
        else if (!MERGED.has(name)) result.left.push(name)
    }
    for (const [name, text, flag] of writes) {
        try {
            mkdirSync(join(target, name, ".."), { recursive: true })
            writeFileSync(join(target, name), text, { flag })
        } catch (e) {
            // checked above; a race (another process) or a full disk is still told, not a stack trace
            throw new InitError(`${relative(process.cwd(), join(target, name))}: not written: ${writeProblem(e)}`)
        }
    }
    return result
}

export function initCommand(positionals: string[], from: string | undefined): number {
    if (positionals.length > 1) throw new InitError(`init takes one folder, got ${positionals.length}`)
    const dir = positionals[0] ?? "."
    const { written, added, left } = initProject(dir, from)
    const shown = relative(process.cwd(), resolve(dir)) || "."
    const out: string[] = []
    if (written.length) out.push(`wrote ${written.join(", ")} in ${shown}`)
    if (added.length) out.push(`added ${added.join(", ")}`)
    if (left.length) out.push(`left as they were: ${left.join(", ")}`)
    if (!written.length && !added.length) out.push(`nothing to add: ${shown} already has what init writes`)
    out.push(`next: ${shown === "." ? "" : `cd ${shown} && `}npm install && npm run sim && npm test`)
    process.stdout.write(`${out.join("\n")}\n`)
    return 0
}
