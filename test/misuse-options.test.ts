import test from "ava"
import { runScript, value } from "./helpers/run"

// Every public method of WLAN (station and access point) and LAN refuses
// options it does not know and values of the wrong type, at once, through
// the bytecode, saying what was wrong and what is allowed. A typo such as
// { bsid } once silently turned BSSID pinning off.

const probes = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const ap = new network.WLAN(network.WLAN.IF_AP)
const lan = new network.LAN()
async function probe(name: string, f: () => Promise<void>) {
    try {
        await f()
        console.log(\`\${name}: no error\`)
    } catch (e) {
        console.log(\`\${name}: \${(e as Error).message}\`)
    }
}
/** a string of 2^k copies of c, built without a per-character loop */
function long(c: string, k: number) {
    let s = c
    for (let i = 0; i < k; i++) s += s
    return s
}
await probe("sta active yes", async () => { await wlan.active("yes" as any) })
await probe("sta active 1", async () => { await wlan.active(1 as any) })
await probe("sta active null", async () => { await wlan.active(null as any) })
console.log(\`still inactive: \${wlan.active()}\`)
await wlan.active(true)
await probe("connect bsid", async () => { await wlan.connect("my-network", "my-password", { bsid: "02:ca:00:00:00:01" } as any) })
await probe("connect options string", async () => { await wlan.connect("my-network", "my-password", "02:ca:00:00:00:01" as any) })
await probe("connect options array", async () => { await wlan.connect("my-network", "my-password", ["02:ca:00:00:00:01"] as any) })
await probe("connect bssid number", async () => { await wlan.connect("my-network", "my-password", { bssid: 5 } as any) })
await probe("connect key number", async () => { await wlan.connect("my-network", 12345678 as any) })
await probe("ssid NUL", async () => { await wlan.connect("my\\u0000network", "my-password") })
await probe("ssid 33 bytes of e-acute", async () => { await wlan.connect("${"é".repeat(16)}a", "my-password") })
await probe("ssid 33 bytes of emoji", async () => { await wlan.connect("${"📷".repeat(8)}a", "my-password") })
await probe("ssid 16384 characters", async () => { await wlan.connect(long("n", 14), "my-password") })
await probe("key 16384 characters", async () => { await wlan.connect("my-network", long("k", 14)) })
await probe("ip 16384 characters", async () => { await wlan.ifconfig([long("1", 14), "255.255.255.0", "192.168.1.1", "8.8.8.8"]) })
await probe("hostname 16384 characters", async () => { await wlan.config({ hostname: long("h", 14) }) })
await probe("on_change string", async () => { wlan.on_change("print" as any) })
await probe("on_change undefined", async () => { wlan.on_change(undefined as any) })
await probe("status number", async () => { wlan.status(5 as any) })
await probe("scan ssid NUL", async () => { await wlan.scan({ ssid: "a\\u0000b" }) })
await probe("ap active yes", async () => { await ap.active("yes" as any) })
await probe("ap ssid NUL", async () => { await ap.config({ ssid: "setup\\u0000" }) })
await probe("ap ssid 33 bytes", async () => { await ap.config({ ssid: "${"é".repeat(16)}a" }) })
await probe("ap ssid 32 bytes of e-acute", async () => { await ap.config({ ssid: "${"é".repeat(16)}" }) })
console.log(\`ap ssid now: \${ap.config("ssid")}\`)
await probe("ap ssid 32 bytes of emoji", async () => { await ap.config({ ssid: "${"📷".repeat(8)}" }) })
console.log(\`ap ssid bytes: \${Buffer.from(ap.config("ssid")).length}\`)
await probe("ap on_change number", async () => { ap.on_change(5 as any) })
await probe("ap status param", async () => { ap.status("rssi" as any) })
await probe("ap hidden string", async () => { await ap.config({ hidden: "yes" } as any) })
await probe("ap unknown", async () => { await ap.config({ passwd: "x" } as any) })
await probe("lan active yes", async () => { await lan.active("yes" as any) })
await probe("lan on_change object", async () => { lan.on_change({} as any) })
await probe("lan unknown option", async () => { new network.LAN({ phy_adr: 1 } as any) })
await probe("lan option type", async () => { new network.LAN({ phy_addr: "1" } as any) })
await probe("lan config unknown", async () => { await lan.config({ mac: "x" } as any) })
await probe("lan status param", async () => { lan.status("rssi" as any) })
`

let lines: string[] = []
test.before(async () => {
    const run = await runScript(probes, { board: "wt32_eth01" })
    if (run.outcome !== "finished") throw new Error(run.error)
    lines = run.lines
})

const ACTIVE = "active(): expected true or false, got"
const MAC = "is not a MAC address (six hex bytes like aa:bb:cc:dd:ee:ff)"
const NUL = "the network name (ssid) holds a NUL character, which would cut it short on the radio"
const expectations: [string, string][] = [
    ["sta active yes", `${ACTIVE} "yes"`],
    ["sta active 1", `${ACTIVE} 1`],
    ["sta active null", `${ACTIVE} null`],
    ["connect bsid", 'connect(): unknown option "bsid"; allowed: bssid'],
    [
        "connect options string",
        'connect(): the third argument must be an options object like { bssid: "aa:bb:cc:dd:ee:ff" }, got "02:ca:00:00:00:01"',
    ],
    [
        "connect options array",
        'connect(): the third argument must be an options object like { bssid: "aa:bb:cc:dd:ee:ff" }, got an array',
    ],
    ["connect bssid number", `connect() bssid: 5 ${MAC}`],
    [
        "connect key number",
        "connect(): the password (key) must be a string of 8..63 characters (or 64 hex digits), got number",
    ],
    ["ssid NUL", `connect(): ${NUL}`],
    ["ssid 33 bytes of e-acute", "connect(): the network name (ssid) must be 1..32 bytes, got 33"],
    ["ssid 33 bytes of emoji", "connect(): the network name (ssid) must be 1..32 bytes, got 33"],
    ["ssid 16384 characters", "connect(): the network name (ssid) must be 1..32 bytes, got 16384"],
    ["key 16384 characters", "connect(): the password (key) must be 8..63 characters (or 64 hex digits), got 16384"],
    [
        "ip 16384 characters",
        "ifconfig() ip: a string of 16384 characters is not an IPv4 address (four numbers 0..255 joined by dots, like 192.168.1.10)",
    ],
    [
        "hostname 16384 characters",
        "config(): hostname a string of 16384 characters is not allowed: use 1..32 letters, digits or '-', not starting or ending with '-'",
    ],
    ["on_change string", 'on_change(): expected a function (change) => { ... }, got "print"'],
    ["on_change undefined", "on_change(): expected a function (change) => { ... }, got undefined"],
    ["status number", 'status(): unknown parameter 5; allowed: "rssi", "scan_dropped"'],
    ["scan ssid NUL", `scan(): ${NUL}`],
    ["ap active yes", `${ACTIVE} "yes"`],
    ["ap ssid NUL", `config(): ${NUL}`],
    ["ap ssid 33 bytes", "config(): the network name (ssid) must be 1..32 bytes, got 33"],
    ["ap ssid 32 bytes of e-acute", "no error"],
    ["ap ssid now", "é".repeat(16)],
    ["ap ssid 32 bytes of emoji", "no error"],
    ["ap ssid bytes", "32"],
    ["ap on_change number", "on_change(): expected a function (change) => { ... }, got 5"],
    ["ap status param", 'status(): unknown parameter "rssi" for IF_AP; allowed: "stations"'],
    ["ap hidden string", 'config(): hidden must be true or false, got "yes"'],
    [
        "ap unknown",
        'config(): unknown setting "passwd" for IF_AP; settable: ssid, key, security, channel, hidden, max_clients',
    ],
    ["lan active yes", `${ACTIVE} "yes"`],
    ["lan on_change object", "on_change(): expected a function (change) => { ... }, got an object"],
    [
        "lan unknown option",
        'network.LAN: unknown option "phy_adr"; allowed: phy_type, phy_addr, mdc, mdio, power, ref_clk_mode, spi_host, sclk, mosi, miso, cs, int',
    ],
    ["lan option type", 'network.LAN: phy_addr must be 0..31, got "1"'],
    ["lan config unknown", "config(): mac is read-only"],
    ["lan status param", 'status(): unknown parameter "rssi"; allowed: "speed", "duplex"'],
]

for (const [name, message] of expectations)
    test(`misuse is refused: ${name}`, (t) => {
        t.is(value({ lines } as never, `${name}:`), message, lines.join("\n"))
    })

test("active() with a non-boolean changes nothing", (t) => {
    t.true(lines.includes("still inactive: false"))
})

test("misuse messages never echo the password", (t) => {
    t.false(lines.some((l) => l.includes("my-password") || l.includes("kkkkkkkk")))
})
