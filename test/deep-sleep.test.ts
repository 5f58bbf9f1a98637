import test from "ava"
import { events, runFile, runScript } from "./helpers/run"
import { fromRoot } from "../project/paths"

// machine.deepsleep through the compiled bytecode on the VM, on the virtual
// clock: the board powers down (radio off, drivers back to power-on), no
// wall time passes, and after the duration the program runs again from its
// first line with reset_cause() DEEPSLEEP_RESET. What the script wants to
// keep it keeps in settings, and fast reconnect's memory is kept there too.

const PWRON_RESET = 1
const DEEPSLEEP_RESET = 4
const TIMER_WAKE = 4

/** Boots, joins, records the boot in settings, sleeps `sleeps` times for `ms`. */
const cycle = (sleeps: number, ms: number) => `
import { network, time, machine, settings } from "camscript"
let runs = 0
runs++
const boot = ((await settings.get("boots")) as number) ?? 0
await settings.set("boots", boot + 1)
console.log(\`boot \${boot}: cause \${await machine.reset_cause()} wake \${await machine.wake_reason()} runs \${runs}\`)
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
console.log(\`boot \${boot}: connected before connect() \${wlan.isconnected()}\`)
const t0 = time.ticks_ms()
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
console.log(\`boot \${boot}: link up in \${time.ticks_ms() - t0} ms\`)
if (boot < ${sleeps}) await machine.deepsleep(${ms})
console.log("not reached after a deep sleep")
`

test("deepsleep: the program runs again from its first line after the duration, with reset_cause DEEPSLEEP_RESET; settings kept, variables lost", async (t) => {
    const run = await runScript(cycle(2, 60000), { timeout: "10m" })
    t.is(run.outcome, "finished", run.error)
    const lines = run.lines.filter((l) => !l.includes("link up in"))
    t.deepEqual(lines, [
        `boot 0: cause ${PWRON_RESET} wake 0 runs 1`,
        "boot 0: connected before connect() false",
        `boot 1: cause ${DEEPSLEEP_RESET} wake ${TIMER_WAKE} runs 1`,
        "boot 1: connected before connect() false",
        `boot 2: cause ${DEEPSLEEP_RESET} wake ${TIMER_WAKE} runs 1`,
        "boot 2: connected before connect() false",
        "not reached after a deep sleep",
    ])
    const sim = run.timeline.filter((e) => e.source === "sim" && (e.event === "deep-sleep" || e.event === "wake"))
    t.deepEqual(
        sim.map((e) => e.event),
        ["deep-sleep", "wake", "deep-sleep", "wake"],
    )
    // asleep for exactly the duration, on the virtual clock
    t.is(sim[1].atMs - sim[0].atMs, 60000)
    t.is(sim[3].atMs - sim[2].atMs, 60000)
    // the second boot's first line comes after the wake, not before
    const second = run.output.find((l) => l.text.startsWith("boot 1:"))!
    t.true(second.atMs >= sim[1].atMs, `${second.atMs} < ${sim[1].atMs}`)
})

test("deepsleep right after the link comes up: the wake-up joins by fast reconnect, much faster than the first, cold join", async (t) => {
    const run = await runScript(cycle(1, 10000), { timeout: "5m" })
    t.is(run.outcome, "finished", run.error)
    const took = run.lines.filter((l) => l.includes("link up in")).map((l) => Number(/in (\d+) ms/.exec(l)![1]))
    t.is(took.length, 2)
    // cold: every channel scanned and the full DHCP exchange; warm: one channel, INIT-REBOOT
    t.true(took[1] * 3 < took[0], `cold ${took[0]} ms, after the deep sleep ${took[1]} ms`)
    // the wake-up went straight to the remembered access point: one channel probed, no full scan
    t.log(events(run).join("\n"))
})

test("on the stock DeviceScript firmware deepsleep is refused at once, naming the camscript driver", async (t) => {
    const run = await runScript(
        `
import { machine } from "camscript"
try {
    await machine.deepsleep(1000)
} catch (e) {
    console.log((e as Error).message)
}
`,
        { firmware: "stock" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "machine.deepsleep() needs the camscript firmware's power driver; this board runs the stock DeviceScript firmware, which has only the standard Jacdac Wi-Fi service (station: one network joined by name and password, DHCP): flash the camscript firmware (camscript flash)",
    ])
})

test("examples/snap-and-sleep.ts: every wake-up uploads one new frame; the server keeps each snapshot once, in order", async (t) => {
    const run = await runFile(fromRoot("examples/snap-and-sleep.ts"), {
        world: fromRoot("sim/worlds/snap-and-sleep.json"),
        timeout: "25m",
    })
    t.is(run.outcome, "timeout", run.error)
    // 0, 10, 20 minutes (and the VM's boot): three cycles in 25 minutes
    t.deepEqual(
        run.lines.map((l) => l.replace(/ in \d+ ms$/, "")),
        [
            "first start",
            "snapshot 1 uploaded",
            "woke for snapshot 2",
            "snapshot 2 uploaded",
            "woke for snapshot 3",
            "snapshot 3 uploaded",
        ],
    )
    t.deepEqual(
        run.uploads.filter((u) => u.server === "frames").map((u) => [u.method, u.path, u.status]),
        [1, 2, 3].map((n) => ["PUT", `/porch/${n}.jpg`, 201]),
    )
})
