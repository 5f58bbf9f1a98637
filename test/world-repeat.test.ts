import test from "ava"
import { fromRoot } from "../project/paths"
import { MAX_EVENT_OCCURRENCES } from "../sim/world/events"
import { parseWorld } from "../sim/world/world"
import { runScript } from "./helpers/run"

// World events that repeat: `every` with `times` or `until`, each
// occurrence scheduled as if written out by hand.

const AP = { ssid: "my-network", security: "wpa2-psk", password: "my-password", position: [6, 0] }
const world = (events: object[]) => ({ accessPoints: [AP], events })
const parse = (events: object[]) => parseWorld(world(events), fromRoot("sim/worlds/repeat.json"))
const times = (events: object[]) => parse(events).events.map((e) => `${e.action}@${e.atMs}`)

test("every with times: that many occurrences, the first at `at`; with until: up to and including it", (t) => {
    t.deepEqual(times([{ at: "30m", every: "1h", times: 3, action: "power-off", accessPoint: "my-network" }]), [
        "power-off@1800000",
        "power-off@5400000",
        "power-off@9000000",
    ])
    t.deepEqual(times([{ at: "10s", every: "10s", until: "40s", action: "dhcp-off", accessPoint: "my-network" }]), [
        "dhcp-off@10000",
        "dhcp-off@20000",
        "dhcp-off@30000",
        "dhcp-off@40000",
    ])
    // interleaved with the other events in time order
    t.deepEqual(
        times([
            { at: "0s", every: "1m", times: 2, action: "power-off", accessPoint: "my-network" },
            { at: "30s", every: "1m", until: "90s", action: "power-on", accessPoint: "my-network" },
        ]),
        ["power-off@0", "power-on@30000", "power-off@60000", "power-on@90000"],
    )
})

test("a repeating event's limits: 10,000 occurrences allowed, one more refused, by times and by until alike", (t) => {
    t.is(MAX_EVENT_OCCURRENCES, 10_000)
    const ev = { at: 0, every: 1000, action: "dhcp-off", accessPoint: "my-network" }
    t.is(parse([{ ...ev, times: 10_000 }]).events.length, 10_000)
    t.throws(() => parse([{ ...ev, times: 10_001 }]), { message: /events\[0\]\.times.*10000/ })
    t.is(parse([{ ...ev, until: 9_999_000 }]).events.length, 10_000)
    t.throws(() => parse([{ ...ev, until: 10_000_000 }]), {
        message:
            /events\[0\]: every 1000 until 10000000 is 10001 occurrences; a repeating event happens at most 10000 times/,
    })
})

test("a repeating event says what it lacks: times or until, a period above 0, not both, not before its at", (t) => {
    const ev = { at: "1m", action: "dhcp-off", accessPoint: "my-network" }
    t.throws(() => parse([{ ...ev, every: "1h" }]), {
        message: /events\[0\]\.every needs "times" \(how many in all\) or "until"/,
    })
    t.throws(() => parse([{ ...ev, times: 3 }]), { message: /events\[0\]\.times needs "every"/ })
    t.throws(() => parse([{ ...ev, until: "1h" }]), { message: /events\[0\]\.until needs "every"/ })
    t.throws(() => parse([{ ...ev, every: 0, times: 2 }]), {
        message: /events\[0\]\.every: a repeating event needs a period above 0/,
    })
    t.throws(() => parse([{ ...ev, every: "1h", times: 2, until: "3h" }]), {
        message: /give "times" or "until" with "every", not both/,
    })
    t.throws(() => parse([{ ...ev, every: "1h", until: "30s" }]), { message: /events\[0\]\.until is before its "at"/ })
})

test("a power cycle written once with every: 10m drops and restores the link three times", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
let was = false
wlan.on_change((c) => {
    if (c.connected && !was) console.log("up")
    was = c.connected
})
await wlan.active(true)
await wlan.connect("my-network", "my-password")
`,
        {
            world: world([
                { at: "1m", every: "10m", times: 3, action: "power-off", accessPoint: "my-network" },
                { at: "2m", every: "10m", times: 3, action: "power-on", accessPoint: "my-network" },
            ]),
            timeout: "25m",
        },
    )
    const offs = run.timeline.filter((e) => e.source === "world" && e.event === "power-off").map((e) => e.atMs)
    t.deepEqual(offs, [60_000, 660_000, 1_260_000])
    // the first join, then one rejoin after each of the three outages
    t.deepEqual(run.lines, ["up", "up", "up", "up"])
})
