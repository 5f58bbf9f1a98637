import test from "ava"
import { runScript, scriptFile } from "./helpers/run"
import { camscriptMain } from "./helpers/main"

// A script whose top level returns keeps running while it has work pending
// (on_change handlers, its timers, a timer callback still running), as on a
// board; with nothing pending the run ends when the top level returns.

const CONNECT = `import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
`

test("a handler registered at the top level runs after it returns; the run goes on until the limit", async (t) => {
    const run = await runScript(
        `${CONNECT}wlan.on_change((c) => console.log(\`change \${c.state}\`))
await wlan.connect("my-network", "my-password")
console.log("top level done")
`,
        { timeout: "20s" },
    )
    t.is(run.lines[0], "top level done")
    t.true(run.lines.includes("change got-address"), run.lines.join("\n"))
    t.is(run.outcome, "timeout", "a registered handler is pending work")
    t.is(run.simulatedMs, 20_000, "until the limit, not before")
})

test("a handler that unsubscribes itself ends the run then, exit 0", async (t) => {
    const run = await runScript(
        `${CONNECT}const off = wlan.on_change((c) => {
    console.log(\`change \${c.state}\`)
    if (c.connected) off()
})
await wlan.connect("my-network", "my-password")
`,
        { timeout: "20s" },
    )
    t.is(run.outcome, "finished")
    t.is(run.lines[run.lines.length - 1], "change got-address")
    const got = run.output[run.output.length - 1].atMs
    t.true(run.simulatedMs - got < 50, `ended at ${run.simulatedMs} ms, the last change at ${got} ms`)
})

test("timers: setTimeout and a setInterval cleared after 3 ticks hold the run until done", async (t) => {
    const run = await runScript(`setTimeout(() => console.log("timeout"), 5000)
let n = 0
const id = setInterval(() => {
    n++
    console.log(\`tick \${n}\`)
    if (n === 3) clearInterval(id)
}, 1000)
`)
    t.deepEqual(run.lines, ["tick 1", "tick 2", "tick 3", "timeout"])
    t.is(run.outcome, "finished")
    t.true(run.simulatedMs >= 5000 && run.simulatedMs < 5100, `${run.simulatedMs} ms`)
})

test("a cleared timer holds nothing; a timer callback still awaiting holds the run", async (t) => {
    const cleared = await runScript(`const id = setTimeout(() => console.log("never"), 60000)
clearTimeout(id)
`)
    t.is(cleared.outcome, "finished")
    t.deepEqual(cleared.lines, [])
    t.true(cleared.simulatedMs < 1000, `${cleared.simulatedMs} ms`)
    const awaiting = await runScript(`import { time } from "camscript"
setTimeout(async () => {
    await time.sleep_ms(4000)
    console.log("after the sleep")
}, 1000)
`)
    t.deepEqual(awaiting.lines, ["after the sleep"])
    t.is(awaiting.outcome, "finished")
    t.true(awaiting.simulatedMs >= 5000 && awaiting.simulatedMs < 5100, `${awaiting.simulatedMs} ms`)
})

test("an error thrown in a timer callback ends the run then, exit 1, at the script's line", async (t) => {
    const run = await runScript(`setTimeout(() => {
    throw new Error("late boom")
}, 2000)
console.log("armed")
`)
    t.is(run.outcome, "error")
    t.is(run.exitCode, 1)
    t.regex(run.error!, /^Error: late boom\n +at .*s[0-9a-f]+\.ts:2:5/)
    t.true(run.simulatedMs >= 2000 && run.simulatedMs < 2100, `${run.simulatedMs} ms`)
})

test("camscript's own timers hold nothing: connecting to a wrong password and returning ends at once", async (t) => {
    const run = await runScript(`${CONNECT}await wlan.connect("my-network", "wrong-password")
console.log("returned")
`)
    t.is(run.outcome, "finished")
    t.deepEqual(run.lines, ["returned"])
    t.true(run.simulatedMs < 1000, `${run.simulatedMs} ms`)
})

test.serial("sim --run-for runs a fixed span of simulated time and exits 0", async (t) => {
    const file = scriptFile(`${CONNECT}wlan.on_change((c) => console.log(\`change \${c.state}\`))
await wlan.connect("my-network", "my-password")
`)
    const r = await camscriptMain("sim", file, "--run-for", "30s")
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /change got-address/)
    t.regex(r.stderr, /camscript: ran for --run-for 30\.000s \(30\.000s simulated/)
    const both = await camscriptMain("sim", file, "--run-for", "30s", "--timeout", "1m")
    t.is(both.code, 2)
    t.regex(both.stderr, /--timeout and --run-for both set how long the run lasts: give one/)
    const bad = await camscriptMain("sim", file, "--run-for", "a while")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /--run-for: "a while" is not a duration/)
})
