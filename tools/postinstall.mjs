// Install-time set-up, run by `npm ci` / `npm install` (package.json "postinstall"),
// in the clone and in a project that installed camscript as a dependency
// (then this folder is <project>/node_modules/camscript, and the
// dependencies may be hoisted next to it: they are found through Node's
// resolution from here, never by a fixed path).
// 1. Cut the DeviceScript VM (emscripten/WASM) out of the pinned CLI bundle:
//    it is not published on npm on its own, and the simulator loads it in-process.
//    Make a copy of the bundle that also exports its compiler, so camscript can
//    compile in-process instead of starting the CLI for every build.
// 2. Link this package into node_modules as "camscript", so compiled scripts
//    can `import { network } from "camscript"`, and put our CLI on node_modules/.bin.
// 3. Unpack @devicescript/core (+ generated service typings) with `devicescript build`,
//    and keep a copy of the DeviceScript libraries in .camscript/devicescript/ for
//    editors and `tsc` (tsconfig.base.json points there): npm prunes the copies
//    the CLI unpacks into node_modules/@devicescript/ as extraneous on the
//    project's next `npm install`, which broke users' editors.
// 4. Bundle the Node side (CLI + simulator) with esbuild.
import { execFileSync } from "node:child_process"
import {
    chmodSync,
    cpSync,
    existsSync,
    mkdirSync,
    readdirSync,
    readFileSync,
    rmSync,
    symlinkSync,
    writeFileSync,
} from "node:fs"
import { createRequire } from "node:module"
import { basename, dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
/** installed as another project's dependency (not the clone) */
const asDependency = basename(dirname(root)) === "node_modules"
const PINNED_CLI = "2.16.4"
const cliDir = dirname(createRequire(join(root, "package.json")).resolve("@devicescript/cli/package.json"))
const cliBundle = join(cliDir, "built/devicescript-cli.cjs")

function fail(msg) {
    console.error(`camscript postinstall: ${msg}`)
    process.exit(1)
}

function extractVm() {
    const version = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")).version
    if (version !== PINNED_CLI)
        fail(`@devicescript/cli ${version} is installed, but camscript is pinned to ${PINNED_CLI}; run npm ci`)
    const text = readFileSync(cliBundle, "utf8")
    const marker = '"runtime/devicescript-vm/built/devicescript-vm.js"(exports, module2) {'
    const start = text.indexOf(marker)
    const end = text.indexOf("\n// dap/built/devicescript-dap.cjs", start)
    if (start < 0 || end < 0)
        fail(`could not find the VM module inside @devicescript/cli ${version} (expected ${PINNED_CLI})`)
    // the module body runs until the closing "}\n});" of the __commonJS wrapper
    const body = text.slice(start + marker.length, text.lastIndexOf("});", end))
    const inner = body.slice(0, body.lastIndexOf("}"))
    // the VM prints every panic to stdout; the simulator reports them itself
    const quiet = inner.replace('console.log("PANIC", exitcode);', "")
    if (quiet === inner) fail(`the VM's panic print was not found in @devicescript/cli ${version}`)
    // the VM's next tick through the simulator's timer when it gives one
    // (Module.camscriptTickTimer, sim/vm/tick-timer.ts), else setTimeout as before
    const tick = "devs_timeout = setTimeout(process2, us / 1e3);"
    const ticking = quiet.replace(
        tick,
        "devs_timeout = (Module2.camscriptTickTimer || setTimeout)(process2, us / 1e3);",
    )
    if (ticking === quiet) fail(`the VM's tick scheduling was not found in @devicescript/cli ${version}`)
    // the VM's time from the simulator's clock when it gives one (Module.camscriptNow,
    // sim/vm/vm-clock.ts: a realtime run leaves the host's stalls out), else Date.now
    const now = "function em_time_now() {\n          return Date.now();"
    const timed = ticking.replace(
        now,
        "function em_time_now() {\n          return Module2.camscriptNow ? Module2.camscriptNow() : Date.now();",
    )
    if (timed === ticking) fail(`the VM's clock (em_time_now) was not found in @devicescript/cli ${version}`)
    const sized = withVmMemory(timed, version)
    const out = join(root, ".camscript/vm/devicescript-vm.cjs")
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(
        out,
        `// extracted from @devicescript/cli@${version} by tools/postinstall.mjs\nvar module2 = module;\n${sized}\n`,
    )
}

/** The VM's WebAssembly memory, in 64 KB pages: 4 MB (docs/architecture.md, "a VM's memory"). */
const VM_MEMORY_PAGES = 64
/** What the pinned VM declares: 16 MB, fixed (emscripten's INITIAL_MEMORY, no growth). */
const PINNED_VM_PAGES = 256

// The VM's module declares a fixed 16 MB memory, of which the simulator's
// VMs use under 600 KB (the highest byte written, every simulation of the
// suite: the 64 KB VM heap, the 256 KB flash store, stacks, buffers). Each
// VM's memory is a 16 MB buffer outside the JavaScript heap, and a test
// process that starts hundreds of simulations had a full garbage collection
// every few VMs for them. The module's memory section (min = max pages,
// each a LEB128 of two bytes) is written as VM_MEMORY_PAGES in the same two
// bytes (a padded LEB128, which WebAssembly allows), so nothing else moves.
function withVmMemory(glue, version) {
    const m = /wasmBinaryFile = "data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(glue)
    if (!m) fail(`the VM's WebAssembly was not found in @devicescript/cli ${version}`)
    const wasm = Buffer.from(m[1], "base64")
    let p = 8
    const leb = () => {
        let value = 0
        let shift = 0
        let byte
        do {
            byte = wasm[p++]
            value += (byte & 0x7f) * 2 ** shift
            shift += 7
        } while (byte & 0x80)
        return value
    }
    while (p < wasm.length) {
        const id = wasm[p++]
        const size = leb()
        const end = p + size
        if (id === 5) {
            // the memory section: one memory, limits flag 1 (min and max), min, max
            const count = leb()
            const flag = wasm[p++]
            const at = p
            const min = leb()
            const max = flag === 1 ? leb() : undefined
            if (count !== 1 || flag !== 1 || min !== PINNED_VM_PAGES || max !== PINNED_VM_PAGES || p !== at + 4)
                fail(
                    `the VM's memory is not the fixed ${PINNED_VM_PAGES} pages expected of @devicescript/cli ${PINNED_CLI}`,
                )
            const pages = [0x80 | (VM_MEMORY_PAGES & 0x7f), VM_MEMORY_PAGES >> 7]
            wasm.set([...pages, ...pages], at)
            return glue.replace(m[1], wasm.toString("base64"))
        }
        p = end
    }
    fail(`the VM's WebAssembly has no memory section (@devicescript/cli ${version})`)
}

// The CLI bundle exports only mainCli; its compiler module and the service-spec
// reader are internal. This copy appends one export line naming them, and one
// line exporting the compiler's TypeScript; nothing else changes, so it
// compiles exactly as `devicescript build` does.
function exposeCompiler() {
    const text = readFileSync(cliBundle, "utf8")
    for (const needed of [
        "var require_devicescript_compiler_node = __commonJS(",
        "function compileServiceSpecs(tsdir, lcfg, errors)",
    ])
        if (!text.includes(needed)) fail(`${needed} was not found in @devicescript/cli (expected ${PINNED_CLI})`)
    // the compiler's own TypeScript module, so camscript can reuse what does
    // not change between builds (compiler/build-shortcuts.ts); the line
    // is added after the compiler's import of it, its first use
    const tsImport = "    var ts = __toESM2(require_typescript());\n"
    const at = text.indexOf(tsImport, text.indexOf("var require_devicescript_compiler_node = __commonJS("))
    if (at < 0) fail(`the compiler's TypeScript import was not found in @devicescript/cli (expected ${PINNED_CLI})`)
    const withTs =
        text.slice(0, at + tsImport.length) +
        "    module2.exports.camscriptTypeScript = require_typescript();\n" +
        text.slice(at + tsImport.length)
    const out = join(root, ".camscript/compiler/devicescript-compiler.cjs")
    mkdirSync(dirname(out), { recursive: true })
    rmSync(join(root, ".camscript/compiler/devicescript-compiler.cache"), { force: true })
    writeFileSync(
        out,
        `${withTs.replace(/^\/\/# sourceMappingURL=.*$/m, "")}\n` +
            "module.exports.camscriptInternals = { compiler: require_devicescript_compiler_node(), compileServiceSpecs };\n",
    )
}

function linkSelf() {
    const self = join(root, "node_modules/camscript")
    rmSync(self, { force: true, recursive: false })
    symlinkSync("..", self, "dir")
    const bin = join(root, "node_modules/.bin/camscript")
    mkdirSync(dirname(bin), { recursive: true })
    rmSync(bin, { force: true })
    symlinkSync("../../bin/camscript.cjs", bin)
    chmodSync(join(root, "bin/camscript.cjs"), 0o755)
}

function unpackCore() {
    // builds the network module once: unpacks @devicescript/core and writes the
    // typings of our services/ into it (editors and `tsc` need them)
    execFileSync(process.execPath, [cliBundle, "build", "--quiet", "src/index.ts"], {
        cwd: root,
        stdio: "inherit",
    })
}

// Every library the compiler accepts an import of (@devicescript/core, net,
// settings, ...), as the CLI unpacked it, minus the CLI itself: copied where
// npm never looks, so a later `npm install` in the project cannot prune it.
function keepTypes() {
    const unpacked = join(root, "node_modules/@devicescript")
    const kept = join(root, ".camscript/devicescript")
    rmSync(kept, { recursive: true, force: true })
    for (const name of readdirSync(unpacked)) {
        if (name === "cli" || !existsSync(join(unpacked, name, "src"))) continue
        cpSync(join(unpacked, name, "src"), join(kept, name, "src"), { recursive: true })
        cpSync(join(unpacked, name, "package.json"), join(kept, name, "package.json"))
    }
    if (!existsSync(join(kept, "core/src/devicescript-spec.d.ts")))
        fail("devicescript build did not unpack @devicescript/core; run npm ci")
}

function bundleNode() {
    execFileSync(process.execPath, [join(root, "tools/bundle.mjs")], { cwd: root, stdio: "inherit" })
}

extractVm()
exposeCompiler()
// as a dependency, npm links the bin and the project imports "camscript" itself
if (!asDependency) linkSelf()
unpackCore()
keepTypes()
// the packed tarball carries the bundle (built by "prepack"); the clone builds it
if (!asDependency || !existsSync(join(root, "dist/camscript.cjs"))) bundleNode()
