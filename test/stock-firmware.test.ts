import test from "ava"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { boardDescriptor, compileScript } from "../compiler/compile"
import { runSimulation } from "../sim/session"
import { BEACON_LOSS_MS } from "../sim/radio/timing"
import { fromRoot } from "../project/paths"
import { events, everything, runFile, runScript, scriptFile, value, world } from "./helpers/run"
import { camscript } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"
import { twoNetworks } from "./helpers/worlds"

// A board on the stock DeviceScript ESP32 firmware: WLAN(IF_STA) over the
// standard Jacdac Wi-Fi service (sim/drivers/stock-wifi.ts), the station
// failure modes as a script sees them there, and the interfaces that need
// a camscript driver refused at once.

const stock = { firmware: "stock" as const }

const watch = (ssid: string, seconds: number) => `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect(${JSON.stringify(ssid)}, "my-password")
for (let i = 0; i < ${seconds}; i++) {
    await time.sleep_ms(1000)
    console.log(\`t=\${i + 1} status=\${wlan.status()} connected=\${wlan.isconnected()}\`)
}
console.log(\`reason: \${wlan.reason()}\`)
`

const ATTEMPT_FAILED =
    "an attempt to join failed; the stock DeviceScript firmware does not say why (wrong password, network not in range, or refused: it cannot tell them apart)"

test("the build records the firmware in the board descriptor (camscript by default)", (t) => {
    const board = loadBoard("ai_thinker_esp32_cam")
    t.is(boardDescriptor({ board, hostname: "camscript" }).firmware, "camscript")
    t.is(boardDescriptor({ board, hostname: "camscript", firmware: "stock" }).firmware, "stock")
})

test("the spec's Wi-Fi example reaches 'link up' over the stock Wi-Fi service", async (t) => {
    const run = await runFile(fromRoot("examples/wifi-station.ts"), stock)
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, ["link up"])
    // the stock service, not the camscript driver, did the work
    t.true(events(run).includes("network-added my-network"), events(run).join("\n"))
    t.true(events(run).some((e) => e.startsWith("got-ip ap=my-network rssi=-44 dBm ip=192.168.1.100")))
    t.false(events(run).some((e) => e.startsWith("GotAddress")))
    // the password travels in add_network only
    t.false(everything(run).includes("my-password"))
})

test("connected: ifconfig has the address only, rssi and mac are read from the service", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`ifconfig \${wlan.ifconfig().join(" ")}\`)
console.log(\`rssi \${wlan.status("rssi")}\`)
console.log(\`mac \${wlan.config("mac")}\`)
console.log(\`status \${wlan.status()}\`)
`,
        stock,
    )
    t.is(run.outcome, "finished", run.error)
    t.is(value(run, "ifconfig"), "192.168.1.100 0.0.0.0 0.0.0.0 0.0.0.0")
    t.is(value(run, "rssi"), "-44")
    t.is(value(run, "mac"), "24:0a:c4:00:c4:3e")
    t.is(value(run, "status"), "1010")
})

test("on_change and wait_connected: joining, got-address; a timeout carries CONNECT_FAIL and the reason", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
// unsubscribed at the end: a registered handler keeps a run going
const off = wlan.on_change((c) => console.log(\`change \${c.state} \${c.status} \${c.connected} \${c.ip}\`))
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
await wlan.connect("my-network", "wrong-password")
try {
    await wlan.wait_connected(8000)
} catch (e) {
    const err: any = e
    console.log(\`timeout \${err.status} \${err.reason}\`)
}
off()
`,
        stock,
    )
    t.is(run.outcome, "finished", run.error)
    const changes = run.lines.filter((l) => l.startsWith("change"))
    t.deepEqual(changes.slice(0, 2), [
        "change joining 1001 false 0.0.0.0",
        "change got-address 1010 true 192.168.1.100",
    ])
    // switching networks: the link is down at once (wait_connected waits for the new one),
    // and the service leaving the old one (reconnect) is not counted as a failure
    t.is(changes[2], "change joining 1001 false 0.0.0.0")
    t.true(changes.includes("change joining 203 false 0.0.0.0"))
    t.is(value(run, "timeout"), `203 ${ATTEMPT_FAILED}`)
})

test("wrong password: never connected, CONNECT_FAIL with the reason it cannot give, the firmware retries", async (t) => {
    const run = await runScript(watch("my-network", 20), { ...stock, world: "wrong-password" })
    t.is(run.outcome, "finished", run.error)
    t.false(run.lines.some((l) => l.includes("connected=true")))
    t.true(run.lines.includes("t=20 status=203 connected=false"), run.lines.join("\n"))
    t.is(value(run, "reason:"), ATTEMPT_FAILED)
    const failures = events(run).filter((e) => e.startsWith("lost-ip"))
    t.true(failures.length >= 2, `the firmware retried by itself: ${failures.length} failures`)
})

test("unknown network name: the same status and reason as a wrong password (indistinguishable)", async (t) => {
    const run = await runScript(watch("my-netwrok", 8), stock)
    t.true(run.lines.includes("t=8 status=203 connected=false"), run.lines.join("\n"))
    t.is(value(run, "reason:"), ATTEMPT_FAILED)
    // the firmware's own retry has no back-off (docs/api.md): each failed scan (1.56 s, from the
    // connect at 0.986 s) is followed by the next attempt in the same millisecond
    const at = (event: string) =>
        run.timeline.filter((e) => e.source === "wifi" && e.event === event).map((e) => e.atMs)
    const failures = at("lost-ip")
    t.deepEqual(
        failures.slice(0, 4),
        [1, 2, 3, 4].map((k) => 986 + k * 1560),
    )
    t.deepEqual(at("connecting").slice(1, 5), failures.slice(0, 4))
})

test("status reads CONNECTING until the first lost_ip, then CONNECT_FAIL", async (t) => {
    // the service's own scan for the name: FULL_SCAN_MS (1.56 s) after connect() at ~1 s
    const run = await runScript(watch("nobody-has-this", 3), stock)
    t.true(run.lines.includes("t=1 status=1001 connected=false"), run.lines.join("\n"))
    t.true(run.lines.includes("t=2 status=203 connected=false"), run.lines.join("\n"))
})

test("out of range: CONNECT_FAIL, and scan() is refused naming the camscript driver", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await time.sleep_ms(5000)
console.log(\`status \${wlan.status()}\`)
try { await wlan.scan() } catch (e) { console.log(\`scan: \${(e as Error).message}\`) }
`,
        { ...stock, world: "out-of-range" },
    )
    t.is(value(run, "status"), "203")
    t.regex(
        value(run, "scan:")!,
        /^scan\(\) needs the camscript firmware's Wi-Fi station driver; this board runs the stock DeviceScript firmware, which has only the standard Jacdac Wi-Fi service/,
    )
})

test("AP power cycle: the link drops after the beacons stop, then the firmware rejoins by itself", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
while (wlan.isconnected()) await time.sleep_ms(100)
console.log(\`down at \${time.ticks_ms()} status \${wlan.status()}\`)
console.log(\`why: \${wlan.reason()}\`)
await wlan.wait_connected(60000)
console.log(\`up again at \${time.ticks_ms()} status \${wlan.status()}\`)
`,
        { ...stock, world: "ap-power-cycle" },
    )
    t.is(run.outcome, "finished", run.error)
    const text = run.lines.join("\n")
    const down = /down at (\d+) status 203/.exec(text)
    t.truthy(down, text)
    // power-off at 20 s + the missed beacons, seen within one 100 ms poll
    const downAt = Number(down![1])
    t.true(downAt >= 20_000 + BEACON_LOSS_MS && downAt < 20_000 + BEACON_LOSS_MS + 200, `down at ${downAt}`)
    t.is(
        value(run, "why:"),
        "the link dropped; the stock DeviceScript firmware does not say why (out of range, access point off, or the access point dropped the camera); it rejoins by itself",
    )
    const up = /up again at (\d+) status 1010/.exec(text)
    t.truthy(up, text)
    // power-on at 40 s; the next attempt needs a scan for the name + the join
    t.true(Number(up![1]) > 40_000 && Number(up![1]) < 46_000, `up again at ${up![1]}`)
})

test("no DHCP answer: CONNECTING while the service is silent, CONNECT_FAIL after 15 s, never connected", async (t) => {
    const run = await runScript(watch("my-network", 20), { ...stock, world: "no-dhcp" })
    t.true(run.lines.includes("t=10 status=1001 connected=false"), run.lines.join("\n"))
    // connect() at ~1 s + 15 s of silence
    t.true(run.lines.includes("t=15 status=1001 connected=false"), run.lines.join("\n"))
    t.true(run.lines.includes("t=17 status=203 connected=false"), run.lines.join("\n"))
    t.regex(value(run, "reason:")!, /^no address 15 s after connect\(\) and no failure reported/)
    // the firmware stays associated: no lost_ip at all
    t.false(events(run).some((e) => e.startsWith("lost-ip")))
})

test("router password changed: the drop, then failed rejoins, read CONNECT_FAIL (no WRONG_PASSWORD on the stock service)", async (t) => {
    const run = await runScript(watch("my-network", 30), { ...stock, world: "password-changed" })
    t.true(run.lines.includes("t=10 status=1010 connected=true"), run.lines.join("\n"))
    t.true(run.lines.includes("t=30 status=203 connected=false"), run.lines.join("\n"))
    // the first rejoin after the drop failed too, so the reason is the attempt's
    t.is(value(run, "reason:"), ATTEMPT_FAILED)
    t.true(events(run).includes("lost-ip deauthenticated"), events(run).join("\n"))
})

test("reconnects=0: the network is forgotten after the first failure, so the firmware stops trying", async (t) => {
    const run = await runFile(fromRoot("test/scripts/one-attempt.ts"), { ...stock, world: "wrong-password" })
    t.is(value(run, "status"), "203")
    // the firmware's immediate rejoin may start before the forget arrives: at most two attempts
    const attempts = events(run).filter((e) => e.startsWith("connecting")).length
    t.true(attempts >= 1 && attempts <= 2, `${attempts} attempts`)
    t.true(events(run).includes("networks-forgotten"))
})

const refused = (what: string, source: string, board?: string) => async (t: any) => {
    const run = await runScript(
        `
import { network } from "camscript"
try {
${source}
    console.log("no error")
} catch (e) {
    console.log(\`error: \${(e as Error).message}\`)
}
`,
        { ...stock, board },
    )
    t.is(run.outcome, "finished", run.error)
    const message = value(run, "error:")
    t.false(everything(run).includes("secret-pass"), "no refusal repeats a password")
    t.truthy(message, run.lines.join("\n"))
    t.true(
        message!.startsWith(
            `${what}; this board runs the stock DeviceScript firmware, which has only the standard Jacdac Wi-Fi service`,
        ),
        message,
    )
}

test(
    "IF_AP fails at once naming the access-point driver",
    refused(
        "network.WLAN(IF_AP) needs the camscript firmware's Wi-Fi access-point driver",
        "new network.WLAN(network.WLAN.IF_AP)",
    ),
)

test(
    "an enterprise connect() fails at once naming the station driver",
    refused(
        "connect(ssid, { eap, ... }) (an enterprise network) needs the camscript firmware's Wi-Fi station driver",
        `const w = new network.WLAN(network.WLAN.IF_STA)
    await w.active(true)
    await w.connect("campus", { eap: "PEAP", username: "me", password: "secret-pass", insecure: true })`,
    ),
)

test(
    "LAN fails at once naming the Ethernet driver (on a board that has Ethernet)",
    refused("network.LAN needs the camscript firmware's Ethernet driver", "new network.LAN()", "olimex_esp32_poe"),
)

test(
    "a static ifconfig fails at once",
    refused(
        "ifconfig([ip, netmask, gateway, dns]) (a static address) needs the camscript firmware's Wi-Fi station driver",
        `const w = new network.WLAN(network.WLAN.IF_STA)
    await w.active(true)
    await w.ifconfig(["192.168.1.50", "255.255.255.0", "192.168.1.1", "192.168.1.1"])`,
    ),
)

test(
    "a hostname fails at once",
    refused(
        "config({ hostname }) needs the camscript firmware's Wi-Fi station driver",
        `const w = new network.WLAN(network.WLAN.IF_STA)
    await w.config({ hostname: "cam-1" })`,
    ),
)

test(
    "txpower fails at once",
    refused(
        "config({ txpower }) needs the camscript firmware's Wi-Fi station driver",
        `const w = new network.WLAN(network.WLAN.IF_STA)
    await w.config({ txpower: 10 })`,
    ),
)

test(
    "connect() to one BSSID fails at once",
    refused(
        "connect(ssid, key, { bssid }) (one access point by its BSSID) needs the camscript firmware's Wi-Fi station driver",
        `const w = new network.WLAN(network.WLAN.IF_STA)
    await w.active(true)
    await w.connect("my-network", "my-password", { bssid: "02:ca:00:00:00:01" })`,
    ),
)

test("an image built for the camscript firmware on a stock board: active(true) says the driver is missing", async (t) => {
    const board = loadBoard("ai_thinker_esp32_cam")
    const script = await compileScript(
        scriptFile(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
try {
    await wlan.active(true)
    console.log("active")
} catch (e) {
    console.log(\`error: \${(e as Error).message}\`)
}
`),
        { board, hostname: "camscript" },
    )
    const run = await runSimulation({ script, world: world(undefined), board, firmware: "stock", timeoutMs: 60_000 })
    t.is(run.outcome, "finished", run.error)
    const line = run.output.find((l) => l.text.startsWith("error: "))
    t.truthy(line, JSON.stringify(run.output))
    t.is(
        line!.text,
        "error: active(true): no camscript Wi-Fi driver answered in 5000 ms: the board's firmware lacks it. On the stock DeviceScript firmware build with --firmware stock (Wi-Fi station only), or flash the camscript firmware",
    )
    // DRIVER_ANSWER_MS after active(true), not before, and not forever
    t.true(line!.atMs >= 5000 && line!.atMs < 5200, `at ${line!.atMs}`)
})

test("ifconfig('dhcp') is accepted: DHCP is what the stock service does", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const w = new network.WLAN(network.WLAN.IF_STA)
await w.active(true)
await w.ifconfig("dhcp")
console.log("dhcp ok")
`,
        stock,
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, ["dhcp ok"])
})

test("build: --firmware stock gives another image than the default, a bad value is a usage error", async (t) => {
    const dir = tempDir("camscript-stock-build-")
    const build = async (...extra: string[]) => {
        const out = join(dir, `${extra.join("-") || "default"}.devs`)
        const r = await camscript("build", "examples/wifi-station.ts", "-o", out, ...extra)
        t.is(r.code, 0, r.stderr)
        return readFileSync(out)
    }
    const plain = await build()
    const camscriptFw = await build("--firmware", "camscript")
    const stockFw = await build("--firmware", "stock")
    t.true(plain.equals(camscriptFw), "camscript is the default")
    t.false(plain.equals(stockFw))
    const bad = await camscript("build", "examples/wifi-station.ts", "-o", join(dir, "x.devs"), "--firmware", "x")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /--firmware: "x" is not a firmware; use camscript or stock/)
})

test("cli: --firmware takes camscript or stock, and refuses stock with --driver firmware", async (t) => {
    const bad = await camscript("sim", "examples/wifi-station.ts", "--firmware", "tasmota")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /--firmware: "tasmota" is not a firmware; use camscript or stock/)
    const both = await camscript("sim", "examples/wifi-station.ts", "--firmware", "stock", "--driver", "firmware")
    t.is(both.code, 2)
    t.regex(both.stderr, /the stock firmware has none/)
    const deploy = await camscript("deploy", "examples/wifi-station.ts", "--firmware", "esp-at")
    t.is(deploy.code, 2)
    t.regex(deploy.stderr, /--firmware: "esp-at" is not a firmware; use camscript or stock/)
    const ok = await camscript("sim", "examples/wifi-station.ts", "--firmware", "stock")
    t.is(ok.code, 0, ok.stderr)
    t.regex(ok.stderr, /wifi +got-ip +ap=my-network/)
})

test("connected is connected after a second connect() on the stock service: nothing of the old link counts from the call", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const show = (what: string) =>
    console.log(\`\${what}: \${wlan.isconnected()} \${wlan.status()} \${wlan.config("ssid")} \${wlan.ifconfig()[0]}\`)
const settle = async () => {
    const seen: number[] = []
    for (let waited = 0; waited < 15000 && !wlan.isconnected(); waited += 50) {
        const s = wlan.status()
        if (seen.indexOf(s) < 0) seen.push(s)
        await time.sleep_ms(50)
    }
    console.log(\`on the way: \${seen.join(",")}\`)
    show("settled")
}
await wlan.active(true)
await wlan.connect("home", "home-pass")
await wlan.wait_connected(10000)
show("joined")
await wlan.connect("office", "office-pass")
show("at once")
await settle()
await wlan.connect("office", "not-the-password")
show("at once")
await settle()
`,
        { ...stock, world: twoNetworks },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "joined: true 1010 home 192.168.1.100",
        "at once: false 1001 office 0.0.0.0",
        "on the way: 1001",
        "settled: true 1010 office 10.9.0.100",
        // the stock service cannot tell a wrong password from the rest: CONNECT_FAIL (203)
        "at once: false 1001 office 0.0.0.0",
        "on the way: 1001,203",
        "settled: false 203 office 0.0.0.0",
    ])
})
