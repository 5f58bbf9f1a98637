import test from "ava"
import { typedEntry } from "../sim/timeline-fields"
import { Timeline } from "../sim/timeline"
import { camscriptMain } from "./helpers/main"
import { scriptFile } from "./helpers/run"

// `camscript sim --json`: every stdout line one JSON object of the
// documented shape (docs/cli.md), start first, outcome last.

function lines(stdout: string): Record<string, unknown>[] {
    const out = stdout.split("\n")
    // the stream ends with a newline, and has nothing else
    if (out.pop() !== "") throw new Error("the last line does not end with a newline")
    return out.map((l) => JSON.parse(l) as Record<string, unknown>)
}

test.serial("--json: start, timeline, output and outcome, one object per line, nothing else on stdout", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--json")
    t.is(r.code, 0, r.stderr)
    const all = lines(r.stdout)
    t.like(all[0], { type: "start", version: 1, script: "examples/wifi-station.ts", board: "ai_thinker_esp32_cam" })
    t.deepEqual(all[all.length - 1], {
        type: "outcome",
        outcome: "finished",
        exitCode: 0,
        simulatedMs: all[all.length - 1].simulatedMs,
        wallMs: all[all.length - 1].wallMs,
    })
    t.is(all[all.length - 1].simulatedMs, 2987, "as the text timeline says (README)")
    // present and a duration; its value is the machine's (speed belongs in npm run bench)
    const wallMs = all[all.length - 1].wallMs as number
    t.true(Number.isFinite(wallMs) && wallMs >= 0)
    t.deepEqual(
        all.filter((l) => l.type === "output"),
        [{ type: "output", atMs: 2987, text: "link up" }],
    )
    const got = all.find((l) => l.type === "timeline" && l.event === "GotAddress")
    t.like(got, {
        source: "wifi",
        state: "GotAddress",
        rssiDbm: -44,
        ssid: "my-network",
        ip: "192.168.1.100",
        atMs: 2918,
    })
    const types = new Set(all.map((l) => l.type))
    t.deepEqual([...types].sort(), ["outcome", "output", "start", "timeline"])
})

test.serial("--json: a script that does not compile ends with a not-run outcome, exit 1", async (t) => {
    const r = await camscriptMain("sim", scriptFile("const x: number = 'no'\n"), "--json")
    t.is(r.code, 1)
    const all = lines(r.stdout)
    t.is(all.length, 1)
    t.like(all[0], { type: "outcome", outcome: "not-run", exitCode: 1 })
    t.regex(String(all[0].error), /TS2322/)
})

test.serial("--json with --run-for: outcome ran-for, exit 0; a thrown error: outcome error, exit 1", async (t) => {
    const forever = scriptFile("setInterval(() => console.log('tick'), 1000)\n")
    const r = await camscriptMain("sim", forever, "--json", "--run-for", "3.5s", "--no-timeline")
    t.is(r.code, 0, r.stderr)
    const all = lines(r.stdout)
    t.deepEqual(
        all.filter((l) => l.type === "output").map((l) => l.atMs),
        [1010, 2010, 3010],
    )
    t.like(all[all.length - 1], { type: "outcome", outcome: "ran-for", exitCode: 0, simulatedMs: 3500 })
    t.false(
        all.some((l) => l.type === "timeline"),
        "--no-timeline holds back the timeline",
    )
    const thrown = await camscriptMain("sim", scriptFile('throw new Error("boom")\n'), "--json")
    t.is(thrown.code, 1)
    const last = lines(thrown.stdout).pop()!
    t.like(last, { type: "outcome", outcome: "error", exitCode: 1 })
    t.regex(String(last.error), /^Error: boom/)
})

test("typed timeline fields are the driver's values: a detail alone gives none", (t) => {
    // once parsed out of this text; an SSID such as "a rssi=-1 dBm ip=6.6.6.6" forged them (issue 23.4)
    const e = typedEntry({
        atMs: 5,
        source: "wifi",
        event: "Idle",
        detail: "reason=AuthFailed ap=my-network (02:ca:00:00:00:01, ch 6) rssi=-71 dBm ip=6.6.6.6",
    })
    t.deepEqual(Object.keys(e), ["atMs", "source", "event", "detail"])
    const tl = new Timeline(() => 1)
    tl.add("eth", "LinkUp", "100 Mbit/s full duplex", { state: "LinkUp", ip: undefined })
    t.deepEqual(typedEntry(tl.entries[0]), {
        atMs: 1,
        source: "eth",
        event: "LinkUp",
        detail: "100 Mbit/s full duplex",
        state: "LinkUp",
    })
})

test.serial("--json: Ethernet lines carry their state, and their address once they hold one", async (t) => {
    const r = await camscriptMain("sim", "examples/ethernet.ts", "--world", "sim/worlds/ethernet.json", "--json")
    t.is(r.code, 0, r.stderr)
    const eth = lines(r.stdout).filter((l) => l.type === "timeline" && l.source === "eth")
    t.like(
        eth.find((l) => l.state === "GotAddress"),
        { event: "GotAddress", state: "GotAddress" },
    )
    t.regex(String(eth.find((l) => l.state === "GotAddress")?.ip), /^\d+\.\d+\.\d+\.\d+$/)
    t.true(eth.some((l) => l.state === "LinkUp" && l.ip === undefined))
})
