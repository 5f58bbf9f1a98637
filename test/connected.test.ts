import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { events, runFile, runScript } from "./helpers/run"
import { tempDir } from "./helpers/cleanup"

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
