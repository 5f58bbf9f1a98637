import test from "ava"
import { tempDir } from "./helpers/cleanup"
import { chmodSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { camscriptBin } from "./helpers/bin"
import { camscriptMain } from "./helpers/main"

// No password ever reaches logs, errors, timelines or reports: run the
// scenarios with every output on (--verbose) and search it all.

const SECRETS = [
    "my-password",
    "a-different-password",
    "not-our-password",
    "the-new-password",
    "setup-1234",
    "guess-1234",
]

async function run(...args: string[]): Promise<{ code: number; all: string }> {
    const r = await camscriptBin(["sim", ...args, "--verbose"])
    return { code: r.code, all: r.stdout + r.stderr }
}

// each scenario must also end the way it should: a crash prints no secret
// either, and would pass a search alone
const scenarios: [script: string, world: string, exit: number, shows: RegExp][] = [
    ["examples/wifi-station.ts", "sim/worlds/default.json", 0, /\] link up/],
    ["examples/wifi-timeout.ts", "sim/worlds/wrong-password.json", 1, /Wi-Fi did not come up in 10 s/],
    ["examples/wifi-timeout.ts", "sim/worlds/enterprise.json", 1, /Wi-Fi did not come up in 10 s/],
    ["examples/wifi-station.ts", "sim/worlds/ap-power-cycle.json", 0, /\] link up/],
    ["test/scripts/watch-link.ts", "sim/worlds/password-changed.json", 124, /rejected the password/],
    ["examples/setup-network.ts", "sim/worlds/setup-network.json", 0, /phone joined: .* got 192\.168\.4\./],
]
for (const [script, world, exit, shows] of scenarios) {
    test(`no secret in any output: ${script} against ${world}`, async (t) => {
        const { code, all } = await run(script, "--world", world, "--timeout", "60s")
        t.is(code, exit, all.slice(-500))
        t.regex(all, shows)
        for (const s of SECRETS) t.false(all.includes(s), `"${s}" was printed`)
    })
}

// --- provisioned secrets: `sim --secret` and the project's secrets file ---------
// They reach the script through settings.get, and appear nowhere in what the
// command prints (--verbose adds the VM's own messages, --json every line).

const FILE_SECRET = "file-secret-Pa55word"
const FLAG_SECRET = "flag-secret-0therPass"
const OVERRIDDEN = "overridden-by-the-flag"

/** The script prints each secret's length and the sum of its character codes, never the secret. */
const READS_SECRETS = `
import { settings } from "camscript"
async function show(key: string) {
    const v: string = await settings.get(key, "")
    let sum = 0
    for (let i = 0; i < v.length; i++) sum += v.charCodeAt(i)
    console.log(key + " " + v.length + " " + sum)
}
await show("wifi_pass")
await show("api_token")
console.log("port " + (await settings.get("port")))
`
const fingerprint = (key: string, s: string) => `${key} ${s.length} ${[...s].reduce((a, c) => a + c.charCodeAt(0), 0)}`

function project(secretsMode: number): { dir: string; script: string } {
    const dir = tempDir("camscript-secrets-")
    writeFileSync(join(dir, "devicescript.json"), JSON.stringify({ secrets: "secrets.json" }))
    writeFileSync(
        join(dir, "secrets.json"),
        JSON.stringify({ wifi_pass: FILE_SECRET, api_token: OVERRIDDEN, port: 8443 }),
        { mode: secretsMode },
    )
    chmodSync(join(dir, "secrets.json"), secretsMode)
    const script = join(dir, "main.ts")
    writeFileSync(script, READS_SECRETS)
    return { dir, script }
}

for (const format of ["--verbose", "--json"]) {
    // serial: camscriptMain captures this process's stdout and stderr
    test.serial(
        `the secrets file and --secret reach the script's settings and appear nowhere (${format})`,
        async (t) => {
            const { dir, script } = project(0o600)
            const report = join(dir, "report.html")
            const r = await camscriptMain(
                "sim",
                script,
                "--secret",
                `api_token=${FLAG_SECRET}`,
                format,
                "--verbose",
                "--report",
                report,
            )
            // the report page holds the script's output too
            const all = r.stdout + r.stderr + readFileSync(report, "utf8")
            t.is(r.code, 0, all.slice(-800))
            t.true(all.includes(fingerprint("wifi_pass", FILE_SECRET)), all.slice(-800))
            t.true(all.includes(fingerprint("api_token", FLAG_SECRET)), "the flag overrides the file's key")
            t.true(all.includes("port 8443"), "a file's number stays a number")
            for (const s of [FILE_SECRET, FLAG_SECRET, OVERRIDDEN]) t.false(all.includes(s), `"${s}" was printed`)
        },
    )
}

test.serial("a secrets file others can read is refused before anything runs, naming chmod 600", async (t) => {
    const { dir, script } = project(0o640)
    const r = await camscriptMain("sim", script, "--verbose")
    const all = r.stdout + r.stderr
    t.is(r.code, 2)
    t.is(
        r.stderr,
        `camscript: the secrets file ${join(dir, "secrets.json")} can be read by others (mode 640); it holds passwords: run \`chmod 600 ${join(dir, "secrets.json")}\`\n`,
    )
    t.is(r.stdout, "")
    t.false(all.includes(FILE_SECRET))
})

test.serial("a bad --secret is refused with what is wrong, before anything runs, and never repeated", async (t) => {
    const { script } = project(0o600)
    const cases: [arg: string, message: string][] = [
        ["hunter2-no-equals", `--secret takes KEY=VALUE; the argument given has no "="`],
        ["=hunter2-empty-key", `--secret takes KEY=VALUE; the key before "=" is empty`],
        [
            "abcdefghijklmn=hunter2-long-key",
            `--secret: the key "abcdefghijklmn" is 14 characters; a key is 1..13 characters of letters, digits, '_', '-' and '.' (the runtime's settings store)`,
        ],
        [
            `wifi_pass=${"x".repeat(221)}`,
            `--secret: the value of "wifi_pass" is 223 bytes as JSON; with a key of 9 characters the most is 222 (231 minus the key: one Jacdac packet)`,
        ],
    ]
    for (const [arg, message] of cases) {
        const r = await camscriptMain("sim", script, "--secret", arg)
        t.is(r.code, 2, arg)
        t.is(r.stderr, `camscript: ${message}\n`)
        t.is(r.stdout, "")
        t.false(r.stderr.includes("hunter2"))
    }
    // the largest value allowed beside a 9-character key: 220 characters and two quotes
    const ok = await camscriptMain("sim", script, "--secret", `wifi_pass=${"y".repeat(220)}`, "--no-timeline")
    t.is(ok.code, 0, ok.stderr)
    t.regex(ok.stdout, new RegExp(`wifi_pass 220 ${220 * "y".charCodeAt(0)}`))
})

test("the station example reads its password from the board's settings: --secret joins, none refuses", async (t) => {
    const joined = await run("examples/wifi-station-secret.ts", "--secret", "wifi_pass=my-password", "--timeout", "60s")
    t.is(joined.code, 0, joined.all.slice(-500))
    t.regex(joined.all, /\] link up/)
    t.false(joined.all.includes("my-password"))
    const none = await run("examples/wifi-station-secret.ts", "--timeout", "60s")
    t.is(none.code, 1)
    t.regex(none.all, /no Wi-Fi password in the board's settings: provide wifi_pass with --secret or the secrets file/)
})
