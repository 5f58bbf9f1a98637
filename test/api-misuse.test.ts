import test from "ava"
import { loadBoard } from "../project/boards"
import { runScript, value } from "./helpers/run"

// Misuse throws at once, through the bytecode, with what was wrong and what
// is allowed. Each probe runs in its own try/catch and prints the message.

const probes = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
function probe(name: string, f: () => void) {
    try {
        f()
        console.log(\`\${name}: no error\`)
    } catch (e) {
        console.log(\`\${name}: \${(e as Error).message}\`)
    }
}
async function probeAsync(name: string, f: () => Promise<void>) {
    try {
        await f()
        console.log(\`\${name}: no error\`)
    } catch (e) {
        console.log(\`\${name}: \${(e as Error).message}\`)
    }
}
await probeAsync("connect inactive", async () => { await wlan.connect("my-network", "my-password") })
await probeAsync("scan inactive", async () => { await wlan.scan() })
await wlan.active(true)
await probeAsync("ssid empty", async () => { await wlan.connect("", "my-password") })
await probeAsync("ssid long", async () => { await wlan.connect("a-network-name-that-is-way-too-long", "my-password") })
await probeAsync("key short", async () => { await wlan.connect("my-network", "short") })
await probeAsync("key long", async () => { await wlan.connect("my-network", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") })
await probeAsync("key 64 non-hex", async () => { await wlan.connect("my-network", "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg") })
await probeAsync("bssid bad", async () => { await wlan.connect("my-network", "my-password", { bssid: "aa:bb:cc" }) })
probe("config unknown", () => { wlan.config("colour") })
probe("config key read", () => { wlan.config("key") })
await probeAsync("config set unknown", async () => { await wlan.config({ colour: 3 } as any) })
await probeAsync("config set ssid", async () => { await wlan.config({ ssid: "x" } as any) })
await probeAsync("config hostname", async () => { await wlan.config({ hostname: "bad_name!" }) })
await probeAsync("config reconnects", async () => { await wlan.config({ reconnects: -5 }) })
await probeAsync("config txpower", async () => { await wlan.config({ txpower: 40 }) })
await probeAsync("ifconfig ip", async () => { await wlan.ifconfig(["192.168.1.300", "255.255.255.0", "192.168.1.1", "8.8.8.8"]) })
await probeAsync("ifconfig mask", async () => { await wlan.ifconfig(["192.168.1.20", "255.0.255.0", "192.168.1.1", "8.8.8.8"]) })
await probeAsync("ifconfig shape", async () => { await wlan.ifconfig(["192.168.1.20"]) })
probe("status param", () => { wlan.status("colour" as any) })
probe("status rssi", () => { wlan.status("rssi") })
await probeAsync("wait nothing", async () => { await wlan.wait_connected(1000) })
await probeAsync("wait bad timeout", async () => { await wlan.wait_connected(-1) })
probe("iface 5", () => { new network.WLAN(5) })
`

let output: string[] = []
let outcome = ""
test.before(async () => {
    const run = await runScript(probes)
    output = run.lines
    outcome = `${run.outcome}${run.error ? `: ${run.error}` : ""}`
})

const expectations: [string, RegExp][] = [
    ["connect inactive", /^connect\(\): the interface is not active: call await wlan.active\(true\) first$/],
    ["scan inactive", /^scan\(\): the interface is not active/],
    ["ssid empty", /ssid\) must be 1\.\.32 bytes, got 0$/],
    ["ssid long", /ssid\) must be 1\.\.32 bytes, got 35$/],
    ["key short", /password \(key\) must be 8\.\.63 characters \(or 64 hex digits\), got 5$/],
    ["key long", /must be 8\.\.63 characters \(or 64 hex digits\), got 65$/],
    ["key 64 non-hex", /a 64-character password \(key\) must be hex digits/],
    ["bssid bad", /connect\(\) bssid: "aa:bb:cc" is not a MAC address \(six hex bytes like aa:bb:cc:dd:ee:ff\)/],
    ["config unknown", /unknown key "colour"; allowed: mac, ssid, channel, hostname, reconnects, txpower, security/],
    ["config key read", /the key is write-only/],
    ["config set unknown", /unknown setting "colour"; settable: hostname, reconnects, txpower/],
    ["config set ssid", /ssid is read-only on IF_STA/],
    ["config hostname", /hostname "bad_name!" is not allowed: use 1\.\.32 letters, digits or '-'/],
    ["config reconnects", /reconnects must be an integer >= -1 \(-1 = retry forever\), got -5/],
    ["config txpower", /txpower must be 2\.\.20 dBm, got 40/],
    [
        "ifconfig ip",
        /ifconfig\(\) ip: "192\.168\.1\.300" is not an IPv4 address \(four numbers 0\.\.255 joined by dots/,
    ],
    ["ifconfig mask", /ifconfig\(\) netmask: "255\.0\.255\.0" is not a netmask \(contiguous ones/],
    ["ifconfig shape", /expected "dhcp" or \[ip, netmask, gateway, dns\]/],
    ["status param", /unknown parameter "colour"; allowed: "rssi"/],
    ["status rssi", /not associated with an access point/],
    ["wait nothing", /no network to wait for: call connect\(\) first/],
    ["wait bad timeout", /timeout_ms must be a number of milliseconds > 0, got -1/],
    ["iface 5", /interface must be WLAN\.IF_STA \(0\) or WLAN\.IF_AP \(1\), got 5/],
]

for (const [name, pattern] of expectations) {
    test(`misuse throws at once: ${name}`, (t) => {
        const line = value({ lines: output } as never, `${name}:`)
        t.truthy(line, `no output for ${name}: ${output.join("\n")}`)
        t.regex(line!, pattern)
    })
}

test("misuse messages never echo the password", (t) => {
    // a run that crashed before the probes would print no password either
    t.is(outcome, "finished")
    for (const name of ["key short", "key long", "key 64 non-hex", "connect inactive"])
        t.regex(value({ lines: output } as never, `${name}:`) ?? "", /\S/, `${name} printed its message`)
    t.false(output.some((l) => l.includes("my-password") || l.includes("xxxxxxxx") || l.includes("gggggggg")))
})

test("a board without Wi-Fi refuses WLAN, naming the board and what it has", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
`,
        {
            board: {
                ...loadBoard("wt32_eth01"),
                id: "wired_only_test",
                name: "Wired-only test board",
                interfaces: ["lan"],
            },
        },
    )
    t.is(run.outcome, "error")
    t.regex(
        run.error ?? "",
        /network\.WLAN: board Wired-only test board \(wired_only_test\) has no wlan interface; it has: lan/,
    )
})
