import test from "ava"
import { execFile, type ExecFileOptions } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { initProject } from "../cli/init-command"
import { writeOfflineLock } from "./helpers/offline-lock"
import { tempDir } from "./helpers/cleanup"

// camscript in a project of the user's own: `init` writes the project,
// `npm pack` + `npm ci` install camscript into it (postinstall prepares the
// DeviceScript toolchain inside node_modules/camscript), and sim, test and
// --json run from there.

interface Ran {
    code: number
    stdout: string
    stderr: string
}

function run(cmd: string, args: string[], options: ExecFileOptions): Promise<Ran> {
    return new Promise((done) =>
        execFile(cmd, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
            done({ code: err ? Number(err.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
        ),
    )
}

test("init writes the starter project, and overwrites nothing in a folder that has some of it", (t) => {
    const dir = tempDir("camscript-init-")
    const { written, added, left } = initProject(join(dir, "porch-cam"), fromRoot())
    t.deepEqual(added, [])
    t.deepEqual(left, [])
    t.deepEqual(written.sort(), [
        ".gitignore",
        "devicescript.json",
        "package.json",
        "src/main.ts",
        "test/main.test.ts",
        "tsconfig.json",
        "worlds/home.json",
    ])
    const pkg = JSON.parse(readFileSync(join(dir, "porch-cam/package.json"), "utf8"))
    t.deepEqual(Object.keys(pkg.scripts).sort(), ["build", "deploy", "sim", "test"])
    t.is(pkg.devDependencies.camscript, `file:${fromRoot()}`, "never a registry name")
    t.is(JSON.parse(readFileSync(join(dir, "porch-cam/tsconfig.json"), "utf8")).extends, "camscript/tsconfig.json")
    t.like(JSON.parse(readFileSync(join(dir, "porch-cam/devicescript.json"), "utf8")), {
        world: "worlds/home.json",
        network: { hostname: "porch-cam" },
        secrets: "secrets.json",
    })
    // the secrets file the project names, and camscript's state folder, are never committed
    const ignored = readFileSync(join(dir, "porch-cam/.gitignore"), "utf8").split("\n")
    t.true(ignored.includes("secrets.json"))
    t.true(ignored.includes(".camscript/"))

    // an existing project: its files kept, package.json and .gitignore added to, never overwritten
    const other = join(dir, "other")
    mkdirSync(join(other, "src"), { recursive: true })
    writeFileSync(join(other, "src/main.ts"), "// mine\n")
    const theirPkg = {
        name: "mine",
        version: "2.0.0",
        scripts: { test: "jest", lint: "eslint ." },
        dependencies: { left: "1" },
    }
    writeFileSync(join(other, "package.json"), JSON.stringify(theirPkg, null, 2) + "\n")
    writeFileSync(join(other, ".gitignore"), "dist\nnode_modules/")
    const merged = initProject(other, fromRoot())
    t.is(readFileSync(join(other, "src/main.ts"), "utf8"), "// mine\n")
    t.deepEqual(merged.written.sort(), ["devicescript.json", "test/main.test.ts", "tsconfig.json", "worlds/home.json"])
    t.deepEqual(merged.left.sort(), ['package.json scripts.test ("jest")', "src/main.ts"])
    t.deepEqual(merged.added.filter((a) => a.startsWith("package.json scripts")).sort(), [
        "package.json scripts.build",
        "package.json scripts.deploy",
        "package.json scripts.sim",
    ])
    t.true(merged.added.includes("package.json devDependencies.camscript"))
    t.deepEqual(merged.added.filter((a) => a.startsWith(".gitignore")).sort(), [
        ".gitignore *-dbg.json",
        ".gitignore *.devs",
        ".gitignore .camscript/",
        ".gitignore secrets.json",
    ])
    const pkgText = readFileSync(join(other, "package.json"), "utf8")
    t.regex(pkgText, /^\{\n {2}"name": "mine"/, "its own two-space indentation kept")
    const pkgAfter = JSON.parse(pkgText)
    t.like(pkgAfter, { name: "mine", version: "2.0.0", dependencies: { left: "1" } })
    t.like(pkgAfter.scripts, { test: "jest", lint: "eslint .", sim: "camscript sim src/main.ts" })
    t.is(pkgAfter.devDependencies.camscript, `file:${fromRoot()}`)
    t.is(
        readFileSync(join(other, ".gitignore"), "utf8"),
        "dist\nnode_modules/\n# camscript init\n.camscript/\n*.devs\n*-dbg.json\nsecrets.json\n",
    )
    // again: nothing more to add, nothing changed
    const again = initProject(other, fromRoot())
    t.deepEqual([again.written, again.added], [[], []])
    t.is(readFileSync(join(other, "package.json"), "utf8"), pkgText)

    // a package.json that is not JSON: nothing is written at all
    const broken = join(dir, "broken")
    mkdirSync(broken)
    writeFileSync(join(broken, "package.json"), '{ "name": "x", }')
    t.throws(() => initProject(broken, fromRoot()), {
        message: /package\.json is not valid JSON: line 1, column \d+: .*; init wrote nothing/,
    })
    t.deepEqual(readdirSync(broken), ["package.json"])
    // a folder where a file goes: refused before anything is written
    const blocked = join(dir, "blocked")
    mkdirSync(join(blocked, "tsconfig.json"), { recursive: true })
    t.throws(() => initProject(blocked, fromRoot()), {
        message: /has tsconfig\.json \(a folder where init writes the file tsconfig\.json\); init wrote nothing/,
    })
    t.deepEqual(readdirSync(blocked), ["tsconfig.json"])
})

test.serial("packed, installed into a new project, camscript runs its script, its test and --json", async (t) => {
    t.timeout(15 * 60_000)
    // 157 MB once installed: removed as soon as this test ends
    const work = tempDir("camscript-install-", t)
    const npm = process.platform === "win32" ? "npm.cmd" : "npm"
    // --ignore-scripts: the bundles are built (npm test builds them first); rebuilding
    // them here would rewrite dist/ under the other tests running at the same time
    const packed = await run(npm, ["pack", "--ignore-scripts", "--pack-destination", work, "--silent"], {
        cwd: fromRoot(),
    })
    t.is(packed.code, 0, packed.stderr)
    const tarball = join(work, packed.stdout.trim().split("\n").pop()!)
    t.true(existsSync(tarball), tarball)

    const project = join(work, "my-cam")
    const init = await run(process.execPath, [fromRoot("bin/camscript.cjs"), "init", project, "--from", tarball], {
        cwd: work,
    })
    t.is(init.code, 0, init.stderr)
    writeOfflineLock(project, `file:${tarball}`)
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" }
    const install = await run(npm, ["ci", "--offline", "--no-audit"], { cwd: project, env })
    t.is(install.code, 0, install.stdout + install.stderr)
    t.notRegex(install.stderr, /install-scripts/, "init's allowScripts names every package that needs its script")
    // the toolchain was prepared inside the installed package, not the clone
    const installed = join(project, "node_modules/camscript")
    t.true(existsSync(join(installed, ".camscript/vm/devicescript-vm.cjs")))
    t.true(existsSync(join(installed, ".camscript/compiler/devicescript-compiler.cjs")))
    t.true(existsSync(join(project, "node_modules/.bin/camscript")))

    const bin = join(project, "node_modules/.bin/camscript")
    const sim = await run(bin, ["sim", "src/main.ts"], { cwd: project, env })
    t.is(sim.code, 0, sim.stderr)
    t.regex(sim.stdout, /up as 192\.168\.1\.\d+, -44 dBm/)
    t.regex(sim.stderr, /dhcp-hostname +my-cam\n/, "the project's devicescript.json was read")
    t.false(sim.stderr.includes(fromRoot()), "nothing ran from the clone")
    // the project's state is in the project's .camscript/, not in node_modules/camscript
    t.true(existsSync(join(project, ".camscript/build")), "the build cache is the project's")
    t.false(existsSync(join(installed, ".camscript/build")), "nothing cached inside node_modules")
    // build outputs in one folder, by board, never the project's root
    const rootBefore = readdirSync(project).sort()
    const build = await run(bin, ["build", "src/main.ts"], { cwd: project, env })
    t.is(build.code, 0, build.stderr)
    const outDir = join(project, ".camscript/hardware/ai_thinker_esp32_cam")
    t.deepEqual(readdirSync(outDir).sort(), ["main-dbg.json", "main.devs"])
    t.regex(build.stdout, /^\.camscript\/hardware\/ai_thinker_esp32_cam\/main\.devs: \d+ bytes/m)
    t.deepEqual(readdirSync(project).sort(), rootBefore, "nothing new in the project's root")
    t.false(existsSync(join(installed, ".camscript/hardware")))
    // init from the installed camscript: the new project depends on what this one does, not on its node_modules
    const sibling = await run(bin, ["init", "../sibling-cam"], { cwd: project, env })
    t.is(sibling.code, 0, sibling.stderr)
    const siblingPkg = JSON.parse(readFileSync(join(work, "sibling-cam/package.json"), "utf8"))
    t.is(siblingPkg.devDependencies.camscript, `file:${tarball}`)

    // the firmware's C drivers run from the package's committed WebAssembly module: no compiler, no C sources
    t.false(existsSync(join(installed, "firmware")), "the C is not in the package")
    const firmware = await run(bin, ["sim", "src/main.ts", "--driver", "firmware"], { cwd: project, env })
    t.is(firmware.code, 0, firmware.stderr)
    t.regex(firmware.stdout, /up as 192\.168\.1\.\d+, -44 dBm/)

    const json = await run(bin, ["sim", "src/main.ts", "--json"], { cwd: project, env })
    t.is(json.code, 0, json.stderr)
    const last = JSON.parse(json.stdout.trim().split("\n").pop()!)
    t.like(last, { type: "outcome", outcome: "finished", exitCode: 0 })

    const tests = await run(npm, ["test", "--silent"], { cwd: project, env })
    t.is(tests.code, 0, tests.stdout + tests.stderr)
    t.regex(tests.stdout, /# pass 2\n/)
    t.regex(tests.stdout, /# fail 0\n/)

    const typo = await run(bin, ["sim", "src/main.ts", "--wrld", "x"], { cwd: project, env })
    t.is(typo.code, 2)
    t.regex(typo.stderr, /did you mean --world\?/)

    // The editor's types survive the project's own later installs: any npm
    // install prunes what npm did not put there, which used to take the
    // DeviceScript libraries (and so every global type) with it. A script
    // importing @devicescript/net, as docs/api.md says to, type-checks with
    // tsc before and after adding and removing another package, and builds.
    writeFileSync(
        join(project, "src/fetcher.ts"),
        'import { fetch } from "@devicescript/net"\nimport { network } from "camscript"\n' +
            "const wlan = new network.WLAN(network.WLAN.IF_STA)\n" +
            'console.log(wlan.isconnected(), typeof fetch, [1, 2].map((x) => x * 2).length, "ok".length)\n',
    )
    const tsc = () =>
        run(process.execPath, [fromRoot("node_modules/typescript/bin/tsc"), "--noEmit", "-p", project], {
            cwd: project,
        })
    const before = await tsc()
    t.is(before.code, 0, `tsc after install: ${before.stdout}${before.stderr}`)
    const extra = join(work, "extra")
    mkdirSync(extra)
    writeFileSync(join(extra, "package.json"), JSON.stringify({ name: "camscript-extra", version: "1.0.0" }))
    const extraPacked = await run(npm, ["pack", "--pack-destination", work, "--silent"], { cwd: extra, env })
    t.is(extraPacked.code, 0, extraPacked.stderr)
    const added = await run(
        npm,
        ["install", "--offline", "--no-audit", "-D", join(work, extraPacked.stdout.trim().split("\n").pop()!)],
        { cwd: project, env },
    )
    t.is(added.code, 0, added.stdout + added.stderr)
    const afterAdd = await tsc()
    t.is(afterAdd.code, 0, `tsc after npm install of another package: ${afterAdd.stdout}${afterAdd.stderr}`)
    const removed = await run(npm, ["uninstall", "--offline", "--no-audit", "camscript-extra"], { cwd: project, env })
    t.is(removed.code, 0, removed.stdout + removed.stderr)
    const afterRemove = await tsc()
    t.is(afterRemove.code, 0, `tsc after npm uninstall: ${afterRemove.stdout}${afterRemove.stderr}`)
    // the types tsc saw are what the compiler accepts: the same script builds
    const built = await run(bin, ["build", "src/fetcher.ts", "-o", join(work, "fetcher.devs")], { cwd: project, env })
    t.is(built.code, 0, built.stderr)
})
