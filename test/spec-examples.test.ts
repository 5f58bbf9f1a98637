import test from "ava"
import { fromRoot } from "../project/paths"
import { events, runFile } from "./helpers/run"

// The spec's examples, ported line by line (examples/), through the bytecode.

test("wifi flow: the spec's example prints 'link up' against the default world", async (t) => {
    const run = await runFile(fromRoot("examples/wifi-station.ts"))
    t.is(run.outcome, "finished")
    t.deepEqual(run.lines, ["link up"])
    const wifi = events(run)
    t.true(
        wifi.some((e) => e.startsWith("GotAddress") && e.includes("ip=192.168.1.100")),
        wifi.join("\n"),
    )
    // scan 1.56 s + association + handshake + DHCP 300 ms, after ~1 s of start-up
    const up = run.output[0].atMs
    t.true(up > 2000 && up < 4500, `link up at ${up} ms`)
})

test("wifi timeout example: link up well inside 10 s when the password is right", async (t) => {
    const run = await runFile(fromRoot("examples/wifi-timeout.ts"))
    t.is(run.outcome, "finished")
    t.deepEqual(run.lines, ["link up"])
})

test("wifi timeout example: raises after 10 simulated seconds with the wrong password", async (t) => {
    const run = await runFile(fromRoot("examples/wifi-timeout.ts"), { world: "wrong-password" })
    t.is(run.outcome, "error")
    t.is(run.exitCode, 1)
    t.regex(run.error ?? "", /Wi-Fi did not come up in 10 s \(status 202: the access point rejected the password\)/)
    t.regex(run.error ?? "", /wifi-timeout\.ts:12/)
    // 10 s after the start tick, checked every 100 ms
    t.true(run.simulatedMs >= 10_000 && run.simulatedMs < 11_500, `failed at ${run.simulatedMs} ms`)
})
