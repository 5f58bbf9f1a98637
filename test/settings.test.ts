import test from "ava"
import { tempDir } from "./helpers/cleanup"
import { statSync } from "node:fs"
import { join } from "node:path"
import { camscriptMain } from "./helpers/main"
import { runScript } from "./helpers/run"
import { runSource } from "../testing/index"

// `settings` through the compiled bytecode on the VM: values kept in the
// runtime's Jacdac settings store, in the simulated board's flash, which a
// test carries from one run to the next as a restart keeps it on the chip.

// jacdac-c services/settings.c: one packet holds key, NUL and value; a frame's
// 236 bytes of data less the packet's 4-byte header (jd_util.c jd_push_in_frame)
const PACKET_PAYLOAD = 236 - 4
const maxJsonBytes = (key: string) => PACKET_PAYLOAD - 1 - key.length

test("values survive a restart: the next run reads what the last one stored, of each type", async (t) => {
    const flash = {}
    const first = await runScript(
        `
import { settings } from "camscript"
console.log("fresh " + (await settings.get("ssid")) + " " + (await settings.get("ssid", "dflt")))
await settings.set("ssid", "café-net")
await settings.set("port", 8080)
await settings.set("on", false)
await settings.set("conf", { hosts: ["a", "b"], n: 2.5 })
await settings.set("gone", "x")
await settings.delete("gone")
console.log("stored")
`,
        { flash, timeout: "10s" },
    )
    t.is(first.outcome, "finished", first.error)
    t.deepEqual(first.lines, ["fresh undefined dflt", "stored"])
    const second = await runScript(
        `
import { settings } from "camscript"
const conf = await settings.get("conf")
console.log(await settings.get("ssid"))
console.log((await settings.get("port")) + 1)
console.log((await settings.get("on", true)) === false ? "false kept" : "lost")
console.log(conf.hosts.join("+") + " " + conf.n)
console.log("gone " + (await settings.get("gone", "deleted")))
`,
        { flash, timeout: "10s" },
    )
    t.is(second.outcome, "finished", second.error)
    t.deepEqual(second.lines, ["café-net", "8081", "false kept", "a+b 2.5", "gone deleted"])
    // a board whose flash was not kept has none of it
    const blank = await runScript(
        `import { settings } from "camscript"\nconsole.log("" + (await settings.get("ssid", "none")))\n`,
        { timeout: "10s" },
    )
    t.deepEqual(blank.lines, ["none"])
})

test("limits at their edges: a 13-character key and the largest value are kept; 14 characters and one byte more are refused", async (t) => {
    const k13 = "abcdefghij.-_"
    const k9 = "wifi_pass"
    // a string's JSON text is its characters and two quotes
    const longest9 = maxJsonBytes(k9) - 2
    const longest13 = maxJsonBytes(k13) - 2
    t.is(maxJsonBytes(k9), 222)
    const run = await runScript(
        `
import { settings } from "camscript"
function fill(c: string, n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += c
    return s
}
async function attempt(what: string, f: () => Promise<void>) {
    try {
        await f()
        console.log(what + " ok")
    } catch (e) {
        console.log(what + " refused: " + (e as Error).message)
    }
}
await attempt("13", async () => {
    await settings.set("${k13}", "v")
})
console.log("read " + (await settings.get("${k13}")))
await attempt("14", async () => {
    await settings.set("${k13}x", "v")
})
await attempt("get14", async () => {
    await settings.get("${k13}x")
})
await attempt("max9", async () => {
    await settings.set("${k9}", fill("a", ${longest9}))
})
console.log("len " + (await settings.get("${k9}")).length)
await attempt("over9", async () => {
    await settings.set("${k9}", fill("b", ${longest9 + 1}))
})
console.log("still " + (await settings.get("${k9}"))[0])
await attempt("max13", async () => {
    await settings.set("${k13}", fill("c", ${longest13}))
})
await attempt("over13", async () => {
    await settings.set("${k13}", fill("c", ${longest13 + 1}))
})
await attempt("empty", async () => {
    await settings.set("", 1)
})
await attempt("space", async () => {
    await settings.set("a b", 1)
})
await attempt("reserved", async () => {
    await settings.set("camscript.wl", 1)
})
await attempt("null", async () => {
    await settings.set("k", null)
})
await attempt("undefined", async () => {
    await settings.set("k", undefined)
})
await attempt("nan", async () => {
    await settings.set("k", NaN)
})
await attempt("number key", async () => {
    await settings.get(5 as any)
})
`,
        { timeout: "10s" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "13 ok",
        "read v",
        `14 refused: settings.set(): the key "${k13}x" is 14 characters; a key is 1..13 characters of letters, digits, '_', '-' and '.' (the runtime's settings store)`,
        `get14 refused: settings.get(): the key "${k13}x" is 14 characters; a key is 1..13 characters of letters, digits, '_', '-' and '.' (the runtime's settings store)`,
        "max9 ok",
        `len ${longest9}`,
        `over9 refused: settings.set(): the value of "wifi_pass" is 223 bytes as JSON; with a key of 9 characters the most is 222 (231 minus the key: one Jacdac packet)`,
        "still a",
        "max13 ok",
        `over13 refused: settings.set(): the value of "${k13}" is 219 bytes as JSON; with a key of 13 characters the most is 218 (231 minus the key: one Jacdac packet)`,
        `empty refused: settings.set(): the key "" is 0 characters; a key is 1..13 characters of letters, digits, '_', '-' and '.' (the runtime's settings store)`,
        `space refused: settings.set(): the key "a b" has " " at 1; a key is 1..13 characters of letters, digits, '_', '-' and '.'`,
        `reserved refused: settings.set(): keys starting "camscript." are camscript's own; a key is 1..13 characters of letters, digits, '_', '-' and '.', any other`,
        "null refused: settings.set(): null is not a value to store; use settings.delete(key)",
        "undefined refused: settings.set(): no value given; use settings.delete(key) to remove one",
        "nan refused: settings.set(): NaN has no JSON form; store a finite number",
        "number key refused: settings.get(): the key must be a string of 1..13 characters of letters, digits, '_', '-' and '.', got number",
    ])
})

test("a full store: set() says so once the 16 KB are used, and the values stored before stay", async (t) => {
    // jacdac-c jd_fstor.c: the header area of 16 KB (1/16 of 256 KB) starts
    // with a 24-byte header; each entry is 24 bytes and its value rounded up
    // to 8; two entries' room is always kept free. The program's own entry
    // ("*prog", 24 bytes) shares it: (16384 - 24 - 48 - 24) / (24 + 224) = 65.
    const value = "v".repeat(220) // JSON text 222 bytes, stored in 224 (written out: no String.repeat in the VM)
    const expected = Math.floor((16384 - 24 - 2 * 24 - 24) / (24 + 224))
    const run = await runScript(
        `
import { settings } from "camscript"
let n = 0
try {
    for (; n < 100; n++) await settings.set("k" + n, "${value}")
} catch (e) {
    console.log("after " + n + ": " + (e as Error).message)
}
console.log("first " + (await settings.get("k0")).length + " last " + (await settings.get("k" + (n - 1))).length)
console.log("missing " + (await settings.get("k" + n, "none")))
`,
        { timeout: "60s" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        `after ${expected}: settings.set(): the board's settings storage is full (about 16 KB for all keys); "k${expected}" was not stored. Delete settings you no longer need`,
        "first 220 last 220",
        "missing none",
    ])
})

test.serial(
    "setup, then join: the pair provided once is kept in the --flash file and used at every later start",
    async (t) => {
        const flash = join(tempDir("camscript-setup-"), "cam.flash")
        const sim = (...args: string[]) =>
            camscriptMain("sim", "examples/setup-then-join.ts", "--flash", flash, "--no-timeline", ...args)
        const setup = await sim("--world", "sim/worlds/setup-network.json")
        t.is(setup.code, 0, setup.stderr)
        t.regex(setup.stdout, /no home network stored: hosting camscript-setup for setup/)
        t.regex(setup.stdout, /installer joined: /)
        // the flash file may hold passwords: its owner's only
        t.is(statSync(flash).mode & 0o777, 0o600)
        const provided = await sim("--secret", "wifi_ssid=my-network", "--secret", "wifi_pass=my-password")
        t.is(provided.code, 0, provided.stderr)
        t.regex(provided.stdout, /joined my-network at 192\.168\.1\.100/)
        t.false((provided.stdout + provided.stderr).includes("my-password"))
        const later = await sim()
        t.is(later.code, 0, later.stderr)
        t.regex(later.stdout, /joined my-network at 192\.168\.1\.100/)
        // a board whose flash was not kept starts from setup again
        const blank = await camscriptMain(
            "sim",
            "examples/setup-then-join.ts",
            "--world",
            "sim/worlds/setup-network.json",
        )
        t.regex(blank.stdout, /no home network stored/)
    },
)

test("camscript/testing: runSource({ secrets }) puts them on the board first; a bad key is refused naming it", async (t) => {
    const source = `import { settings } from "camscript"
const pass: string = await settings.get("wifi_pass", "")
console.log("pass " + pass.length + " port " + (await settings.get("port")))
`
    const run = await runSource(source, { secrets: { wifi_pass: "a-test-password", port: 8443 }, timeout: "10s" })
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, ["pass 15 port 8443"])
    await t.throwsAsync(runSource(source, { secrets: { "wifi password": "x" } }), {
        message: `runScript(): secrets: the key "wifi password" has " " at 4; a key is 1..13 characters of letters, digits, '_', '-' and '.'`,
    })
})
