import test from "ava"
import { pbkdf2Sync } from "node:crypto"
import { events, runScript } from "./helpers/run"

// The station API beyond the spec's example, through the bytecode.

test("scan(): records with ssid, bssid, channel, rssi, security; strongest first", async (t) => {
    const run = await runScript(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`\${n.ssid}|\${n.bssid}|\${n.channel}|\${n.rssi}|\${n.security}|\${n.hidden}\`)
console.log(\`WPA2=\${network.WLAN.SEC_WPA2} WPA3=\${network.WLAN.SEC_WPA3}\`)
`)
    t.deepEqual(run.lines, [
        "my-network|02:ca:00:00:00:01|6|-44|3|false",
        "neighbours-wifi|02:ca:00:00:00:02|11|-68|6|false",
        "WPA2=3 WPA3=6",
    ])
})

test("scan(): a hidden network is listed with hidden=true and no name, and connect() by name still works", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen "\${n.ssid}" hidden=\${n.hidden}\`)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`connected to \${wlan.config("ssid")}\`)
`,
        { world: "hidden-network" },
    )
    t.deepEqual(run.lines, ['seen "" hidden=true', "connected to my-network"])
})

test("RSSI falls with distance: scan at two camera positions", async (t) => {
    const source = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`\${n.ssid} \${n.rssi}\`)
`
    const near = await runScript(source, {
        world: { accessPoints: [{ ssid: "ap", security: "open", position: [2, 0] }] },
    })
    const far = await runScript(source, {
        world: { accessPoints: [{ ssid: "ap", security: "open", position: [50, 0] }] },
    })
    const rssi = (r: { lines: string[] }) => Number(r.lines[0].split(" ")[1])
    t.is(rssi(near), -29)
    t.is(rssi(far), -71)
})

test("isconnected(), status(), ifconfig(), config() and status('rssi') once up", async (t) => {
    const run = await runScript(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
console.log(\`before: active=\${wlan.active()} status=\${wlan.status()} connected=\${wlan.isconnected()}\`)
await wlan.active(true)
console.log(\`mac \${wlan.config("mac")}\`)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`status \${wlan.status()} rssi \${wlan.status("rssi")} channel \${wlan.config("channel")} ssid \${wlan.config("ssid")}\`)
console.log(\`ifconfig \${wlan.ifconfig().join(" ")}\`)
await wlan.disconnect()
console.log(\`after disconnect: \${wlan.isconnected()} \${wlan.status()}\`)
await wlan.active(false)
console.log(\`after active(false): \${wlan.active()} \${wlan.status()}\`)
`)
    t.deepEqual(run.lines, [
        "before: active=false status=1000 connected=false",
        "mac 24:0a:c4:00:c4:3e",
        "status 1010 rssi -44 channel 6 ssid my-network",
        "ifconfig 192.168.1.100 255.255.255.0 192.168.1.1 192.168.1.1",
        "after disconnect: false 1000",
        "after active(false): false 1000",
    ])
})

test("ifconfig(static) before connect() is used for the link (micropython #5492)", async (t) => {
    const run = await runScript(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.ifconfig(["192.168.1.50", "255.255.255.0", "192.168.1.1", "9.9.9.9"])
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`ifconfig \${wlan.ifconfig().join(" ")}\`)
`)
    t.deepEqual(run.lines, ["ifconfig 192.168.1.50 255.255.255.0 192.168.1.1 9.9.9.9"])
    t.false(
        events(run, "world").some((e) => e.startsWith("dhcp-lease")),
        "no DHCP exchange with a static address",
    )
})

test("ifconfig(static) after connect() takes effect at once; ifconfig('dhcp') goes back to a lease", async (t) => {
    const run = await runScript(`
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`dhcp \${wlan.ifconfig()[0]}\`)
await wlan.ifconfig(["192.168.1.77", "255.255.255.0", "192.168.1.1", "192.168.1.1"])
await time.sleep_ms(100)
console.log(\`static \${wlan.ifconfig()[0]} \${wlan.isconnected()}\`)
await wlan.ifconfig("dhcp")
await time.sleep_ms(1000)
console.log(\`dhcp again \${wlan.ifconfig()[0]} \${wlan.isconnected()}\`)
`)
    t.deepEqual(run.lines, ["dhcp 192.168.1.100", "static 192.168.1.77 true", "dhcp again 192.168.1.100 true"])
})

test("hostname: config({hostname}) is sent with the DHCP request (micropython #12817)", async (t) => {
    const run = await runScript(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.config({ hostname: "porch-cam" })
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`hostname \${wlan.config("hostname")}\`)
`)
    t.deepEqual(run.lines, ["hostname porch-cam"])
    t.true(events(run).includes("dhcp-hostname porch-cam"), events(run).join("\n"))
})

test("wait_connected() rejects with a LinkTimeoutError carrying status and reason", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
try {
    await wlan.wait_connected(10000)
} catch (e) {
    if (e instanceof network.LinkTimeoutError) {
        console.log(\`timeout status=\${e.status} reason=\${e.reason} after=\${e.timeout_ms}\`)
        console.log(\`message \${e.message}\`)
    }
}
`,
        { world: "wrong-password" },
    )
    t.deepEqual(run.lines, [
        "timeout status=202 reason=the access point rejected the password after=10000",
        "message Wi-Fi did not come up in 10000 ms: status 202, the access point rejected the password",
    ])
    t.true(run.simulatedMs >= 10_000 && run.simulatedMs < 12_000)
})

test("on_change(): the script is told of each step, in order, without polling", async (t) => {
    const run = await runScript(`
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const off = wlan.on_change((c) => console.log(\`change \${c.state} status=\${c.status} connected=\${c.connected}\`))
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
await time.sleep_ms(10)
off()
`)
    t.deepEqual(run.lines, [
        "change idle status=1000 connected=false",
        "change scanning status=1001 connected=false",
        "change associating status=1001 connected=false",
        "change obtaining-address status=1001 connected=false",
        "change got-address status=1010 connected=true",
    ])
})

test("a second connect() while connecting replaces the attempt (micropython #17661)", async (t) => {
    const run = await runScript(`
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("nobody-has-this", "my-password")
await time.sleep_ms(500)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`connected to \${wlan.config("ssid")} status \${wlan.status()}\`)
`)
    t.deepEqual(run.lines, ["connected to my-network status 1010"])
    // replaced, not queued: the first scan is cancelled (no NoApFound, no retry of it), the second joins
    t.deepEqual(events(run), [
        "Idle",
        "Scanning",
        "Scanning",
        "Associating ap=my-network (02:ca:00:00:00:01, ch 6) rssi=-44 dBm",
        "ObtainingAddress ap=my-network (02:ca:00:00:00:01, ch 6) rssi=-44 dBm",
        "dhcp-hostname camscript",
        "GotAddress ap=my-network (02:ca:00:00:00:01, ch 6) rssi=-44 dBm ip=192.168.1.100",
    ])
})

test("connect() with a bssid joins that access point only", async (t) => {
    const twoAps = {
        accessPoints: [
            { name: "near", ssid: "mesh", security: "open", position: [3, 0], bssid: "02:00:00:00:00:0a" },
            { name: "far", ssid: "mesh", security: "open", position: [30, 0], bssid: "02:00:00:00:00:0b" },
        ],
    }
    const run = await runScript(
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("mesh", undefined, { bssid: "02:00:00:00:00:0b" })
await wlan.wait_connected(10000)
console.log(\`rssi \${wlan.status("rssi")}\`)
`,
        { world: twoAps },
    )
    t.deepEqual(run.lines, ["rssi -64"])
    t.true(events(run).some((e) => e.includes("02:00:00:00:00:0b")))
})

test("a 64-hex-digit key (the raw WPA2 PSK) is accepted", async (t) => {
    // PBKDF2-SHA1("my-password", "my-network", 4096, 32)
    const psk = pbkdf2Sync("my-password", "my-network", 4096, 32, "sha1").toString("hex")
    const run = await runScript(`
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "${psk}")
await wlan.wait_connected(10000)
console.log("up")
`)
    t.deepEqual(run.lines, ["up"])
})

test("time: ticks_ms, ticks_diff and sleep_ms follow the virtual clock", async (t) => {
    const run = await runScript(`
import { time } from "camscript"
const a = time.ticks_ms()
await time.sleep_ms(2500)
console.log(\`slept \${time.ticks_diff(time.ticks_ms(), a)}\`)
`)
    t.deepEqual(run.lines, ["slept 2500"])
    // the clock the script read is the run's: it advanced by the sleep (wall
    // time is left to npm run bench; a loaded machine must not fail this)
    t.true(run.simulatedMs >= 2500, `${run.simulatedMs} ms simulated`)
})

test("two WLAN(IF_STA) objects share one interface, as on the chip", async (t) => {
    const run = await runScript(`
import { network } from "camscript"
const a = new network.WLAN(network.WLAN.IF_STA)
const b = new network.WLAN(network.WLAN.IF_STA)
await a.active(true)
console.log(\`b active \${b.active()}\`)
`)
    t.deepEqual(run.lines, ["b active true"])
})

test("network.WLAN, network.LAN and network.LinkTimeoutError name types as well as classes, in both entries", async (t) => {
    const full = await runScript(
        `
import { network } from "camscript"
async function up(wlan: network.WLAN, lan: network.LAN): Promise<boolean> {
    await wlan.active(true)
    await lan.active(true)
    return wlan.active() && lan.active()
}
const none: network.LinkTimeoutError = null
console.log(await up(new network.WLAN(network.WLAN.IF_STA), new network.LAN()), none === null)
`,
        { world: "ethernet" },
    )
    t.is(full.exitCode, 0, full.error)
    t.deepEqual(full.lines, ["true true"])
    const station = await runScript(`
import { network } from "camscript/src/station"
const wlan: network.WLAN = new network.WLAN(network.WLAN.IF_STA)
console.log(wlan.active())
`)
    t.is(station.exitCode, 0, station.error)
    t.deepEqual(station.lines, ["false"])
})
