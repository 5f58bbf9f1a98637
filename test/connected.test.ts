import test, { type ExecutionContext } from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { events, runFile, runScript } from "./helpers/run"
import { tempDir } from "./helpers/cleanup"
import { twoNetworks } from "./helpers/worlds"

// "Connected is connected": the higher layers (DeviceScript's sockets and
// fetch) work the same over Wi-Fi and Ethernet, fail cleanly with no link,
// and resolve names through the DNS server the link was given.

let server: Server
let port = 0

test.before(async () => {
    server = createServer((req, res) => res.end(`page ${req.url}`))
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    port = (server.address() as AddressInfo).port
})

test.after.always(() => {
    server.close()
})

const zone = { "hub.test": "127.0.0.1", "far-away.test": "93.184.216.34" }
const both = (events: object[] = []) => ({
    board: "wt32_eth01",
    ethernet: { cable: "plugged", dhcp: { subnet: "10.20.0.0/24" } },
    accessPoints: [{ ssid: "my-network", security: "wpa2-psk", password: "my-password", position: [6, 2] }],
    dnsZone: zone,
    events,
})

/** The higher layer: the same file for every link. */
function scripts() {
    const dir = tempDir("camscript-parity-")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
        join(dir, "report.ts"),
        `import { fetch } from "@devicescript/net"
export async function report(path: string) {
    try {
        const r = await fetch(\`http://hub.test:${port}\${path}\`)
        console.log(\`\${r.status} \${await r.text()}\`)
    } catch (e) {
        console.log(\`failed: \${(e as Error).message}\`)
    }
}
`,
    )
    const bringUp = (name: string, up: string) => {
        const file = join(dir, `${name}.ts`)
        writeFileSync(
            file,
            `import { network, time } from "camscript"\nimport { report } from "./report"\n${up}\nawait report("/${name}")\n`,
        )
        return file
    }
    return {
        wifi: bringUp(
            "wifi",
            `const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)`,
        ),
        ethernet: bringUp("ethernet", `const lan = new network.LAN()\nawait lan.active(true)`),
        nothing: bringUp("nothing", `await time.sleep_ms(100)`),
    }
}

test("parity: the same fetch works over Wi-Fi and over Ethernet, and fails cleanly with no link", async (t) => {
    const s = scripts()
    const overWifi = await runFile(s.wifi, { world: both() })
    t.deepEqual(overWifi.lines, ["200 page /wifi"])
    t.true(events(overWifi, "net").some((e) => e.includes("via wifi (192.168.1.100)")))
    const overEthernet = await runFile(s.ethernet, { world: both() })
    t.deepEqual(overEthernet.lines, ["200 page /ethernet"])
    t.true(events(overEthernet, "net").some((e) => e.includes("via eth (10.20.0.100)")))
    const noLink = await runFile(s.nothing, { world: both() })
    t.deepEqual(noLink.lines, [
        `failed: socket tcp://hub.test:${port}: no network: no interface holds an IP address (Wi-Fi and Ethernet are down)`,
    ])
    t.true(noLink.simulatedMs < 2000, "it fails at once, not after a timeout")
})

test("DNS: an unknown name fails like a resolver; a non-loopback address is refused", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
import { fetch } from "@devicescript/net"
const lan = new network.LAN()
await lan.active(true)
for (const url of ["http://nowhere.test/", "http://far-away.test/"]) {
    try { await fetch(url) } catch (e) { console.log((e as Error).message) }
}
`,
        { world: both() },
    )
    t.deepEqual(run.lines, [
        "socket tcp://nowhere.test:80: getaddrinfo ENOTFOUND nowhere.test (DNS server 10.20.0.1)",
        "socket tcp://far-away.test:80: far-away.test is 93.184.216.34: the simulator reaches servers on this machine's loopback only (127.0.0.0/8)",
    ])
})

test("DNS: a static address without a DNS server cannot resolve names", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
import { fetch } from "@devicescript/net"
const lan = new network.LAN()
await lan.ifconfig(["10.20.0.9", "255.255.255.0", "10.20.0.1", "0.0.0.0"])
await lan.active(true)
try { await fetch("http://hub.test:${port}/") } catch (e) { console.log((e as Error).message) }
`,
        { world: both() },
    )
    t.deepEqual(run.lines, [
        `socket tcp://hub.test:${port}: cannot resolve hub.test: the eth interface has no DNS server`,
    ])
})

test("both links up: Ethernet carries traffic; when its cable is pulled, Wi-Fi takes over", async (t) => {
    const run = await runScript(
        `
import { network, time } from "camscript"
import { fetch } from "@devicescript/net"
const lan = new network.LAN()
const wlan = new network.WLAN(network.WLAN.IF_STA)
await lan.active(true)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
const a = await fetch("http://hub.test:${port}/one")
console.log(\`\${a.status} \${await a.text()}\`)
while (lan.isconnected()) await time.sleep_ms(100)
const b = await fetch("http://hub.test:${port}/two")
console.log(\`\${b.status} \${await b.text()} wifi=\${wlan.isconnected()}\`)
`,
        { world: both([{ at: "8s", action: "unplug-cable" }]) },
    )
    t.deepEqual(run.lines, ["200 page /one", "200 page /two wifi=true"])
    const net = events(run, "net")
    t.regex(net[0], /via eth/)
    t.regex(net[1], /via wifi/)
})

// ---- "Connected is connected", after a new connect() (issue 23, item 1)
//
// From the moment connect() is called nothing about an earlier link counts:
// isconnected() false, status() STAT_CONNECTING, ifconfig() without an
// address and config("ssid") the network asked for, until the new attempt
// succeeds or fails. Each scenario runs with the model driver and with the C
// driver (in WebAssembly) and must print the same, and what is expected.

const STAT_CONNECTING = 1001
const STAT_GOT_IP = 1010
const STAT_WRONG_PASSWORD = 202
const STAT_NO_AP_FOUND = 201

/** The script's lines with the model driver, after checking the C driver prints the same. */
async function bothDrivers(
    t: ExecutionContext,
    source: string,
    options: { world?: object; then?: string[] } = {},
): Promise<string[]> {
    const runs = []
    for (const driver of ["model", "firmware"] as const) {
        const run = await runScript(source, { world: options.world ?? twoNetworks, then: options.then, driver })
        t.is(run.outcome, "finished", `${driver}: ${run.error}`)
        runs.push(run)
    }
    t.deepEqual(runs[1].lines, runs[0].lines, "the C driver showed the script something else")
    return runs[0].lines
}

const joinHome = `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("home", "home-pass")
await wlan.wait_connected(10000)
const show = (what: string) =>
    console.log(\`\${what}: \${wlan.isconnected()} \${wlan.status()} \${wlan.config("ssid")} \${wlan.ifconfig()[0]}\`)
let seen: number[] = []
show("joined")
`

/** Polls as the seed's script does; records every status seen on the way. */
const pollUntilSettled = (ms: number) => `
seen = []
for (let waited = 0; waited < ${ms} && !wlan.isconnected(); waited += 50) {
    const s = wlan.status()
    if (seen.indexOf(s) < 0) seen.push(s)
    await time.sleep_ms(50)
}
console.log(\`on the way: \${seen.join(",")}\`)
show("settled")
`

test("connect() to another network while connected: not connected from the call until the new link is up", async (t) => {
    const lines = await bothDrivers(
        t,
        `${joinHome}
await wlan.connect("office", "office-pass")
show("at once")
await time.sleep_ms(1)
show("1 ms later")
${pollUntilSettled(15000)}`,
    )
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `at once: false ${STAT_CONNECTING} office 0.0.0.0`,
        `1 ms later: false ${STAT_CONNECTING} office 0.0.0.0`,
        `on the way: ${STAT_CONNECTING}`,
        `settled: true ${STAT_GOT_IP} office 10.9.0.100`,
    ])
})

test("connect() to the same network with a wrong password: ends as the wrong password, never GOT_IP from the old link", async (t) => {
    const lines = await bothDrivers(
        t,
        `${joinHome}
await wlan.connect("home", "not-the-password")
show("at once")
${pollUntilSettled(8000)}`,
    )
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `at once: false ${STAT_CONNECTING} home 0.0.0.0`,
        `on the way: ${STAT_CONNECTING},${STAT_WRONG_PASSWORD}`,
        `settled: false ${STAT_WRONG_PASSWORD} home 0.0.0.0`,
    ])
})

test("connect() to the same network with the same password: a new attempt (not connected until it is up again)", async (t) => {
    const lines = await bothDrivers(
        t,
        `${joinHome}
await wlan.connect("home", "home-pass")
show("at once")
${pollUntilSettled(15000)}`,
    )
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `at once: false ${STAT_CONNECTING} home 0.0.0.0`,
        `on the way: ${STAT_CONNECTING}`,
        // fast reconnect: the same access point, the same address asked for again
        `settled: true ${STAT_GOT_IP} home 192.168.1.100`,
    ])
})

test("connect() during a pending connect(): only the newest attempt counts", async (t) => {
    const lines = await bothDrivers(
        t,
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const show = (what: string) =>
    console.log(\`\${what}: \${wlan.isconnected()} \${wlan.status()} \${wlan.config("ssid")} \${wlan.ifconfig()[0]}\`)
let seen: number[] = []
await wlan.active(true)
await wlan.connect("office", "office-pass")
await time.sleep_ms(200)
await wlan.connect("home", "not-the-password")
show("at once")
${pollUntilSettled(8000)}
await wlan.connect("office", "office-pass")
await time.sleep_ms(10)
await wlan.connect("home", "home-pass")
${pollUntilSettled(15000)}`,
    )
    t.deepEqual(lines, [
        `at once: false ${STAT_CONNECTING} home 0.0.0.0`,
        `on the way: ${STAT_CONNECTING},${STAT_WRONG_PASSWORD}`,
        `settled: false ${STAT_WRONG_PASSWORD} home 0.0.0.0`,
        `on the way: ${STAT_CONNECTING}`,
        `settled: true ${STAT_GOT_IP} home 192.168.1.100`,
    ])
})

// Across a program restart (a deploy restarts the program, not the radio)
// the driver still holds the previous program's link.

const nextProgram = (body: string) => `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const show = (what: string) =>
    console.log(\`\${what}: \${wlan.isconnected()} \${wlan.status()} \${wlan.config("ssid")} \${wlan.ifconfig()[0]}\`)
let seen: number[] = []
${body}
`

test("after a restart, active(true) adopts the held link; connect() elsewhere then fails as it should", async (t) => {
    const lines = await bothDrivers(t, joinHome, {
        then: [
            nextProgram(`
await wlan.active(true)
show("adopted")
await wlan.connect("nowhere", "whatever-1")
show("at once")
try {
    await wlan.wait_connected(20000)
    show("up")
} catch (e) {
    console.log(\`gave up with status \${wlan.status()}\`)
}`),
        ],
    })
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `adopted: true ${STAT_GOT_IP} home 192.168.1.100`,
        `at once: false ${STAT_CONNECTING} nowhere 0.0.0.0`,
        `gave up with status ${STAT_NO_AP_FOUND}`,
    ])
})

test("after a restart, a static address asked for before active(true) applies to the adopted link", async (t) => {
    const lines = await bothDrivers(t, joinHome, {
        then: [
            nextProgram(`
await wlan.ifconfig(["192.168.1.50", "255.255.255.0", "192.168.1.1", "192.168.1.1"])
await wlan.active(true)
show("after active")`),
        ],
    })
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `after active: true ${STAT_GOT_IP} home 192.168.1.50`,
    ])
})

test("after a restart, an attempt the previous program left under way is ended by active(true)", async (t) => {
    const lines = await bothDrivers(
        t,
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("home", "home-pass")
`,
        {
            then: [
                nextProgram(`
await wlan.active(true)
await time.sleep_ms(10000)
show("10 s after active")`),
            ],
        },
    )
    t.deepEqual(lines, ["10 s after active: false 1000  0.0.0.0"])
})

// The same rule for Ethernet and for the access point's settings.

const cable = {
    board: "wt32_eth01",
    ethernet: { cable: "plugged", dhcp: { subnet: "10.20.0.0/24" } },
    accessPoints: [],
}

test("LAN after a restart: active(true) adopts the link the driver holds, the same through both drivers", async (t) => {
    const program = (what: string) => `
import { network } from "camscript"
const lan = new network.LAN()
await lan.active(true)
console.log(\`${what}: \${lan.isconnected()} \${lan.status()} \${lan.ifconfig()[0]}\`)
`
    const lines = await bothDrivers(t, program("first"), { world: cable, then: [program("after the restart")] })
    t.deepEqual(lines, ["first: true 5 10.20.0.100", "after the restart: true 5 10.20.0.100"])
})

test("access point: new settings while a phone is joined: from config() on, nobody is joined to the new network", async (t) => {
    const lines = await bothDrivers(
        t,
        `
import { network, time } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
const show = (what: string) =>
    console.log(\`\${what}: \${ap.isconnected()} \${ap.config("ssid")} \${ap.status("stations").length}\`)
await ap.config({ ssid: "cam-setup", key: "setup-1234" })
await ap.active(true)
while (!ap.isconnected()) await time.sleep_ms(100)
show("joined")
await ap.config({ ssid: "cam-setup-2", key: "setup-5678" })
show("at once")
await time.sleep_ms(1)
show("1 ms later")
await time.sleep_ms(5000)
show("5 s later")
`,
        {
            world: {
                accessPoints: [],
                clients: [{ name: "phone", position: [2, 1], joins: "cam-setup", password: "setup-1234", at: "2s" }],
            },
        },
    )
    t.deepEqual(lines, [
        "joined: true cam-setup 1",
        "at once: false cam-setup-2 0",
        "1 ms later: false cam-setup-2 0",
        // the phone knows only the old network: it does not join the new one
        "5 s later: false cam-setup-2 0",
    ])
})

test("on_change hears the old link go at connect(), once, then the new attempt's steps", async (t) => {
    const lines = await bothDrivers(
        t,
        `${joinHome}
const off = wlan.on_change((c) => console.log(\`change \${c.state} \${c.status} \${c.connected} \${c.ssid} \${c.ip}\`))
await wlan.connect("office", "office-pass")
await wlan.wait_connected(10000)
off()`,
    )
    t.deepEqual(lines, [
        `joined: true ${STAT_GOT_IP} home 192.168.1.100`,
        `change scanning ${STAT_CONNECTING} false office 0.0.0.0`,
        `change associating ${STAT_CONNECTING} false office 0.0.0.0`,
        `change obtaining-address ${STAT_CONNECTING} false office 0.0.0.0`,
        `change got-address ${STAT_GOT_IP} true office 10.9.0.100`,
    ])
})
