import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { basename, dirname, join, relative, resolve } from "node:path"
import { fromRoot } from "../project/paths"
import { writeProblem } from "../project/destinations"

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
  .gitignore
Refuses to overwrite any file. Then: cd <dir> && npm install && npm run sim

  --from SPEC   where package.json gets camscript from: a path to a packed
                tarball (npm pack), a folder or a git URL (default: this
                camscript's folder, as file:<path>)
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

function fromSpec(from: string | undefined): string {
    if (from === undefined) return `file:${fromRoot()}`
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
    files.set(".gitignore", "node_modules/\n*.devs\n*-dbg.json\nsecrets.json\n")
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
        if (["folder", "other"].includes(kindAt(join(target, name)))) problems.push(name)
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
        throw new InitError(
            `${shown(target)} already has ${problems.join(", ")}; init writes nothing over existing files (use an empty folder)`,
        )
}

export function initProject(dir: string, from: string | undefined): string[] {
    const target = resolve(dir)
    const files = projectFiles(target, from)
    checkProject(target, [...files.keys()])
    for (const [name, text] of files) {
        try {
            mkdirSync(join(target, name, ".."), { recursive: true })
            writeFileSync(join(target, name), text, { flag: "wx" })
        } catch (e) {
            // checked above; a race (another process) or a full disk is still told, not a stack trace
            throw new InitError(`${relative(process.cwd(), join(target, name))}: not written: ${writeProblem(e)}`)
        }
    }
    return [...files.keys()]
}

export function initCommand(positionals: string[], from: string | undefined): number {
    if (positionals.length > 1) throw new InitError(`init takes one folder, got ${positionals.length}`)
    const dir = positionals[0] ?? "."
    const written = initProject(dir, from)
    const shown = relative(process.cwd(), resolve(dir)) || "."
    process.stdout.write(
        `wrote ${written.join(", ")} in ${shown}\nnext: ${shown === "." ? "" : `cd ${shown} && `}npm install && npm run sim && npm test\n`,
    )
    return 0
}
