import test from "ava"
import {
    chmodSync,
    existsSync,
    lstatSync,
    readdirSync,
    readFileSync,
    rmSync,
    statSync,
    symlinkSync,
    writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AWAIT_NOT_DIRECT, CompileError, compileScript } from "../compiler/compile"
import { libraryNames, literalRedactor, sourceLiterals } from "../compiler/redact"
import { ensurePrivateDir, writePrivateFile } from "../project/destinations"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { runSource } from "../testing"
import { FlashChip } from "../sim/virtual-board/flash-chip"
import { camscriptMain } from "./helpers/main"
import { tempDir } from "./helpers/cleanup"

// Secrets on disk (issue 23.5) and in compiler messages (23.5, 22.5): every
// file camscript writes that can hold a secret is 0600 in 0700 folders,
// existing files too; every line of a compiler message hides the user's
// literals and keeps the library's names.

const dir = tempDir("camscript-secrets-")
const mode = (p: string) => statSync(p).mode & 0o777
const SECRET = "hunter2-SEKRIT"
const board = loadBoard("ai_thinker_esp32_cam")

function script(name: string, text: string): string {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
}

const withPassword = script(
    "ws.ts",
    `import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "${SECRET}")
`,
)

// ---- files

test("writePrivateFile: a new file is 0600, an existing 0644 one becomes 0600, a link is written through", (t) => {
    const fresh = join(dir, "fresh")
    writePrivateFile(fresh, "x")
    t.is(mode(fresh), 0o600)
    const old = join(dir, "old")
    writeFileSync(old, "old", { mode: 0o644 })
    chmodSync(old, 0o644)
    writePrivateFile(old, "new")
    t.is(mode(old), 0o600)
    t.is(readFileSync(old, "utf8"), "new")
    const link = join(dir, "link")
    symlinkSync(old, link)
    writePrivateFile(link, "through")
    t.true(lstatSync(link).isSymbolicLink())
    t.is(readFileSync(old, "utf8"), "through")
})

test("ensurePrivateDir: created 0700, an existing 0755 one made 0700, the 0644 files in it made 0600", (t) => {
    const d = join(dir, "own", "hardware")
    ensurePrivateDir(d)
    t.is(mode(d), 0o700)
    chmodSync(d, 0o755)
    writeFileSync(join(d, "copy.devs"), "x", { mode: 0o644 })
    chmodSync(join(d, "copy.devs"), 0o644)
    ensurePrivateDir(d)
    t.is(mode(d), 0o700)
    t.is(mode(join(d, "copy.devs")), 0o600)
})

test.serial(
    "build -o: the image and its debug info (password inside) are 0600, an old 0644 image too; a new folder 0700",
    async (t) => {
        const out = join(dir, "ws.devs")
        writeFileSync(out, "old image", { mode: 0o644 })
        chmodSync(out, 0o644)
        const r = await camscriptMain("build", withPassword, "-o", out)
        t.is(r.code, 0, r.stderr)
        t.is(mode(out), 0o600)
        t.is(mode(join(dir, "ws-dbg.json")), 0o600)
        t.true(readFileSync(join(dir, "ws-dbg.json"), "utf8").includes(SECRET), "the debug info holds the source")
        const nested = join(dir, "new-folder", "deeper", "ws.devs")
        const again = await camscriptMain("build", withPassword, "-o", nested)
        t.is(again.code, 0, again.stderr)
        t.is(mode(join(dir, "new-folder")), 0o700)
        t.is(mode(join(dir, "new-folder", "deeper")), 0o700)
        t.is(mode(nested), 0o600)
        // camscript's own copy for monitor: 0700 folder, 0600 files
        const hardware = fromRoot(".camscript/hardware")
        t.is(mode(hardware), 0o700)
        t.is(mode(join(hardware, "last-program.json")), 0o600)
    },
)

test.serial("build -o through a file or into a device is refused before compiling (exit 2)", async (t) => {
    const file = join(dir, "a-file")
    writeFileSync(file, "")
    const r = await camscriptMain("build", withPassword, "-o", join(file, "x.devs"))
    t.is(r.code, 2)
    t.regex(r.stderr, /-o .*a-file\/x\.devs: .*is not a folder/)
    t.notRegex(r.stderr, /\n\s+at /)
})

test.serial("--flash FILE: an existing 0644 flash file is 0600 after the run", async (t) => {
    const flash = join(dir, "f.bin")
    writeFileSync(flash, "")
    chmodSync(flash, 0o644)
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--flash", flash, "--no-timeline")
    t.is(r.code, 0, r.stderr)
    t.is(mode(flash), 0o600)
    t.true(statSync(flash).size > 0)
})

test("the virtual board's flash file (a deployed program inside) is saved 0600, an existing 0644 one too", (t) => {
    const file = join(dir, "board.flash")
    writeFileSync(file, Buffer.alloc(4096, 0xff))
    chmodSync(file, 0o644)
    const chip = new FlashChip(4096, file)
    chip.write(0, new TextEncoder().encode(SECRET))
    chip.save()
    t.is(mode(file), 0o600)
    t.is(readFileSync(file).subarray(0, SECRET.length).toString(), SECRET)
})

// runSource writes the source with writePrivateFile (0600, tested above) into
// a folder of its own made by mkdtemp (0700); the run is synchronous with the
// compile and on a faked clock, so the folder cannot be watched while it
// exists: what is checked is that nothing of it is left, the secret included
test.serial(
    "camscript/testing's runSource leaves nothing in the temporary folder, the source with its secret included",
    async (t) => {
        const before = new Set(readdirSync(tmpdir()))
        const run = await runSource(`const secret = "${SECRET}"\nconsole.log(secret.length)\n`)
        t.is(run.outcome, "finished", run.error)
        t.deepEqual(run.lines, [String(SECRET.length)])
        const added = readdirSync(tmpdir()).filter((n) => !before.has(n))
        t.deepEqual(
            added.filter((n) => n.startsWith("camscript-source-")),
            [],
            "the source's folder is removed after the run",
        )
    },
)

// ---- compiler messages

test("literalRedactor: the user's literals hidden on every line, the library's names kept", (t) => {
    const user = [
        `const a = "rsi"; const o = { "SEKRIT-elem": 1 }; connect("x", "${SECRET}"); const t = \`pre-\${a}-post-part\``,
    ]
    const redact = literalRedactor(user)
    t.true(libraryNames().has("rssi"))
    t.is(
        redact(`  Argument of type '"rsi"' is not assignable to parameter of type '"rssi" | "stations"'.`),
        `  Argument of type '"…"' is not assignable to parameter of type '"rssi" | "stations"'.`,
    )
    t.is(
        redact(`    Property 'SEKRIT-elem' does not exist on type '{ a: number; }'.`),
        `    Property '…' does not exist on type '{ a: number; }'.`,
    )
    // a type TypeScript cut short ("...") still hides a literal it begins
    t.is(redact(`x.ts(1,1): error TS2322: Type '"hunter2-SE...' is bad`), `x.ts(1,1): error TS2322: Type '…' is bad`)
    // a long literal anywhere, even unquoted
    t.false(redact(`a ${SECRET} b`).includes(SECRET))
    t.is(redact(`Type '\`-post-part\`'`), "Type '`…`'")
    // what is not the user's is shown: a name only the message uses
    t.is(redact(`Cannot find name 'wlan2'.`), `Cannot find name 'wlan2'.`)
    // module paths are not secrets
    t.false(sourceLiterals(`import { x } from "./helpers"\nconst y = "z"`).has("./helpers"))
})

test.serial(
    "a compile error: the library's allowed names readable, the user's literals hidden, on continuation lines too",
    async (t) => {
        const file = script(
            "typo.ts",
            `import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
console.log(wlan.status("rsi"))
const o = { "${SECRET}-elem": 1 }
const p: { a: number } = o
await wlan.connect("my-network", "${SECRET}").then(() => 1)
`,
        )
        const e = await compileScript(file, { board, hostname: "x" }).then(
            () => undefined,
            (err: unknown) => err as CompileError,
        )
        t.true(e instanceof CompileError)
        const msg = e!.message
        t.regex(msg, /typo\.ts\(3,\d+\): error TS2769/)
        t.regex(msg, /\n {4}Argument of type '"…"' is not assignable to parameter of type '"rssi"'\./)
        t.regex(msg, /parameter of type '"stations"'/)
        t.false(msg.includes(SECRET))
        t.false(msg.includes('"rsi"'))
        t.regex(msg, /Property 'then' does not exist on type 'Promise<void>'/)
        t.false(msg.includes("'await' missing"), "line 6 awaits: no spurious 'await' missing")
    },
)

test.serial("'await' missing on a line that awaits says what DeviceScript wants instead", async (t) => {
    const file = script(
        "paren.ts",
        `import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await (wlan.active(true))
const c = true
await (c ? wlan.active(true) : wlan.active(false))
wlan.active(true)
`,
    )
    const msg = await compileScript(file, { board, hostname: "x" }).then(
        () => "",
        (err: unknown) => (err as Error).message,
    )
    const lines = msg.split("\n")
    t.deepEqual(
        lines.map((l) => /\((\d+),\d+\): error TS\d+: (.*)$/.exec(l)?.slice(1)),
        [
            ["3", AWAIT_NOT_DIRECT],
            ["5", AWAIT_NOT_DIRECT],
            ["6", "'await' missing"],
        ],
    )
})

test.after.always(() => {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
})
