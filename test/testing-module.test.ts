import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runScript, runSource, scriptRun } from "../testing/index"
import { camscriptBin } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"

// camscript/testing (testing/index.ts, typed by testing.d.ts) and
// `camscript test`, which runs a project's own node:test files.

test("runSource: outcome, lines and a typed timeline; helpers read the link", async (t) => {
    const run = await runSource(`import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log("up")
`)
    t.is(run.outcome, "finished")
    t.is(run.exitCode, 0)
    t.deepEqual(run.lines, ["up"])
    t.deepEqual(run.statesSeen(), ["Idle", "Scanning", "Associating", "ObtainingAddress", "GotAddress"])
    // the README's timeline: GotAddress at 2.918 s
    t.is(run.timeToLinkUp(), 2918)
    t.is(run.lastFailureReason(), undefined)
    t.is(run.timeline.find((e) => e.state === "GotAddress")?.rssiDbm, -44)
})

test("a world by name: the power cycle; time from power-on to the link back up; the last failure's reason", async (t) => {
    const file = join(tempDir("camscript-testing-", t), "watch.ts")
    writeFileSync(
        file,
        `import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
wlan.on_change((c) => console.log(c.state))
await wlan.connect("my-network", "my-password")
`,
    )
    const run = await runScript(file, { world: "ap-power-cycle", runFor: "90s" })
    t.is(run.outcome, "ran-for")
    t.is(run.exitCode, 0)
    t.is(run.simulatedMs, 90_000)
    const powerOn = run.timeline.find((e) => e.source === "world" && e.event === "power-on")!.atMs
    const backUp = run.timeline.find((e) => e.state === "GotAddress" && e.atMs > powerOn)!.atMs
    t.is(run.timeToLinkUp({ from: "power-on" }), backUp - powerOn)
    t.true(run.timeToLinkUp({ from: "power-on" })! > 0)
    // read from the text independently: the last "reason=" of a wifi entry
    const reasons = run.timeline
        .filter((e) => e.source === "wifi")
        .map((e) => /reason=(\S+)/.exec(e.detail)?.[1])
        .filter((r) => r !== undefined)
    t.is(reasons[0], "BeaconTimeout", "the router went away")
    t.is(run.lastFailureReason(), reasons[reasons.length - 1])
    t.is(run.lastFailureReason(), "NoApFound", "then it was not found while off")
    t.is(run.timeToLinkUp({ from: "no-such-event" }), undefined)
})

test("helpers on a hand-made run: link up never reached, reasons per interface", (t) => {
    const run = scriptRun({
        outcome: "timeout",
        exitCode: 124,
        output: [],
        simulatedMs: 100,
        timeline: [
            { atMs: 1, source: "wifi", event: "Idle", detail: "", state: "Idle", reason: "AuthFailed" },
            { atMs: 2, source: "eth", event: "LinkDown", detail: "", state: "LinkDown", reason: "CableUnplugged" },
            { atMs: 3, source: "wifi", event: "Scanning", detail: "", state: "Scanning" },
        ],
    })
    t.deepEqual(run.statesSeen(), ["Idle", "Scanning"])
    t.deepEqual(run.statesSeen("eth"), ["LinkDown"])
    t.is(run.timeToLinkUp(), undefined)
    t.is(run.lastFailureReason(), "AuthFailed")
    t.is(run.lastFailureReason("eth"), "CableUnplugged")
})

const camscript = (cwd: string, ...args: string[]) => camscriptBin(args, { cwd })

test("camscript test: a project's passing test exits 0, a failing one exits 1, none found exits 2", async (t) => {
    const dir = tempDir("camscript-test-cmd-")
    mkdirSync(join(dir, "tests"), { recursive: true })
    writeFileSync(join(dir, "main.ts"), 'console.log("hello")\n')
    writeFileSync(
        join(dir, "tests/main.test.ts"),
        `import { test } from "node:test"
import assert from "node:assert/strict"
import { join } from "node:path"
import { runScript } from "camscript/testing"

test("prints hello", async () => {
    const run = await runScript(join(__dirname, "../main.ts"))
    assert.deepEqual(run.lines, ["hello"])
})
`,
    )
    const pass = await camscript(dir, "test")
    t.is(pass.code, 0, pass.stdout + pass.stderr)
    t.regex(pass.stdout, /# pass 1\n/)
    writeFileSync(
        join(dir, "tests/wrong.test.ts"),
        `import { test } from "node:test"
import assert from "node:assert/strict"
import { runScript } from "camscript/testing"

test("expects goodbye", async () => {
    const run = await runScript("main.ts")
    assert.deepEqual(run.lines, ["goodbye"])
})
`,
    )
    const fail = await camscript(dir, "test")
    t.is(fail.code, 1)
    t.regex(fail.stdout, /# pass 1\n/)
    t.regex(fail.stdout, /# fail 1\n/)
    t.regex(fail.stdout, /wrong\.test\.ts:7/, "the failure points at the user's .ts line")
    const one = await camscript(dir, "test", "tests/main.test.ts")
    t.is(one.code, 0)
    const none = await camscript(join(dir, "tests"), "test", "nothing.test.ts")
    t.is(none.code, 2)
    t.regex(none.stderr, /nothing\.test\.ts: no such test file/)
})
