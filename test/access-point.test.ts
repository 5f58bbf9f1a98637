import test from "ava"
import { fromRoot } from "../project/paths"
import { events, runFile, runScript, value } from "./helpers/run"
import { phone } from "./helpers/worlds"

// WLAN(IF_AP) through the bytecode: the camera hosts a network, simulated
// phones join it (or are refused), secure defaults hold.

const hosting = (clients: object[], extra: object = {}) => ({ accessPoints: [], clients, ...extra })

const host = (settings: string, body = "") => `
import { network, time } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config(${settings})
await ap.active(true)
${body}
`

test("setup network example: the camera hosts it, a phone joins, its address is printed", async (t) => {
    const run = await runFile(fromRoot("examples/setup-network.ts"), { world: "setup-network" })
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "hosting camscript-setup at 192.168.4.1",
        "phone joined: 02:c1:00:00:00:02 got 192.168.4.2 (-35 dBm)",
    ])
})

test("a phone with the wrong password is refused and never listed", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", key: "setup-1234" }`,
            `await time.sleep_ms(20000)
console.log(\`stations \${ap.status("stations").length} connected \${ap.isconnected()}\`)`,
        ),
        { world: hosting([phone("wrong-phone", "nope-nope-1", "2s")]) },
    )
    t.deepEqual(run.lines, ["stations 0 connected false"])
    t.true(
        events(run, "ap").includes("client-refused wrong-phone (02:c1:00:00:00:01): wrong password"),
        events(run, "ap").join("\n"),
    )
})

test("max_clients holds: the third phone waits until one leaves", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", key: "setup-1234", max_clients: 2 }`,
            `for (let i = 0; i < 4; i++) {
    await time.sleep_ms(10000)
    console.log(\`t=\${(i + 1) * 10} \${ap.status("stations").map((s) => s.ip).join(",")}\`)
}`,
        ),
        {
            world: hosting([
                phone("a", "setup-1234", "2s", { leaveAt: "25s" }),
                phone("b", "setup-1234", "3s"),
                phone("c", "setup-1234", "4s"),
            ]),
        },
    )
    t.deepEqual(run.lines, [
        "t=10 192.168.4.2,192.168.4.3",
        "t=20 192.168.4.2,192.168.4.3",
        "t=30 192.168.4.3,192.168.4.4",
        "t=40 192.168.4.3,192.168.4.4",
    ])
    t.true(events(run, "ap").some((e) => e.startsWith("client-refused c: the network is full (max_clients 2)")))
})

test("ifconfig() on the access point moves its DHCP subnet", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "cam-setup", key: "setup-1234" })
await ap.ifconfig(["10.1.1.1", "255.255.255.0", "10.1.1.1", "10.1.1.1"])
await ap.active(true)
await ap.wait_connected(30000)
console.log(\`\${ap.ifconfig()[0]} \${ap.status("stations")[0].ip}\`)
`,
        { world: hosting([phone("p", "setup-1234", "2s")]) },
    )
    t.deepEqual(run.lines, ["10.1.1.1 10.1.1.2"])
})

test("on_change tells the script of joins and leaves", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", key: "setup-1234" }`,
            `const off = ap.on_change((c) => console.log(\`change connected=\${c.connected} stations=\${ap.status("stations").length}\`))
await time.sleep_ms(15000)
off()`,
        ),
        { world: hosting([phone("p", "setup-1234", "2s", { leaveAt: "10s" })]) },
    )
    t.deepEqual(run.lines, ["change connected=true stations=1", "change connected=false stations=0"])
})

test("an open network only when asked for explicitly, and phones join it without a password", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", security: network.WLAN.SEC_OPEN }`,
            `await ap.wait_connected(20000)\nconsole.log(\`security \${ap.config("security")} \${ap.isconnected()}\`)`,
        ),
        { world: hosting([phone("p", undefined, "2s")]) },
    )
    t.deepEqual(run.lines, ["security 0 true"])
})

test("a hidden network is still joined by phones that know its name", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", key: "setup-1234", hidden: true }`,
            `await ap.wait_connected(20000)\nconsole.log("joined")`,
        ),
        {
            world: hosting([phone("p", "setup-1234", "2s")]),
        },
    )
    t.deepEqual(run.lines, ["joined"])
    t.true(events(run, "ap").some((e) => e.includes("ssid=cam-setup (hidden)")))
})

test("station and access point at once: the AP follows the station's channel and says so", async (t) => {
    const run = await runScript(
        `
import { network } from "camscript"
const sta = new network.WLAN(network.WLAN.IF_STA)
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "cam-setup", key: "setup-1234", channel: 11 })
await ap.active(true)
console.log(\`before: \${ap.config("channel")}\`)
await sta.active(true)
await sta.connect("my-network", "my-password")
await sta.wait_connected(10000)
console.log(\`after: \${ap.config("channel")} \${ap.reason()}\`)
`,
        {
            world: {
                accessPoints: [
                    { ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] },
                ],
            },
        },
    )
    t.deepEqual(run.lines, [
        "before: 11",
        "after: 6 the access point runs on the station's channel 6, not the configured 11: one radio, one channel",
    ])
    t.true(events(run, "ap").includes("channel-follows-station configured 11, running on 6"))
})

const misuse = `
import { network } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
async function probe(name: string, f: () => Promise<void>) {
    try {
        await f()
        console.log(\`\${name}: no error\`)
    } catch (e) {
        console.log(\`\${name}: \${(e as Error).message}\`)
    }
}
await probe("no ssid", async () => { await ap.active(true) })
await ap.config({ ssid: "cam-setup" })
await probe("no key", async () => { await ap.active(true) })
await probe("wep", async () => { await ap.config({ security: network.WLAN.SEC_WEP }) })
await probe("wpa", async () => { await ap.config({ security: network.WLAN.SEC_WPA }) })
await probe("enterprise", async () => { await ap.config({ security: network.WLAN.SEC_WPA2_ENT }) })
await probe("short key", async () => { await ap.config({ key: "short" }) })
await probe("channel", async () => { await ap.config({ channel: 14 }) })
await probe("max_clients", async () => { await ap.config({ max_clients: 11 }) })
await probe("unknown", async () => { await ap.config({ colour: 1 } as any) })
await ap.config({ security: network.WLAN.SEC_OPEN, key: "setup-1234" })
await probe("open with key", async () => { await ap.active(true) })
await probe("key read", async () => { ap.config("key") })
await probe("connect", async () => { await ap.connect("x", "password1") })
await probe("scan", async () => { await ap.scan() })
await probe("dhcp", async () => { await ap.ifconfig("dhcp") })
`

test("secure defaults and misuse: clear errors that say what is allowed", async (t) => {
    const run = await runScript(misuse, { world: hosting([]) })
    const v = (k: string) => value(run, `${k}:`)
    t.is(v("no ssid"), "active(true): the access point needs a name first: await ap.config({ ssid, key })")
    t.is(
        v("no key"),
        "active(true): the access point needs a key of 8..63 characters, or security: WLAN.SEC_OPEN to run an open network deliberately",
    )
    t.regex(v("wep") ?? "", /WEP is broken .* and refused; use WLAN\.SEC_OPEN, SEC_WPA2, SEC_WPA3 or SEC_WPA2_WPA3/)
    t.regex(v("wpa") ?? "", /WPA \(TKIP\) is obsolete and refused/)
    t.regex(v("enterprise") ?? "", /an access point cannot host enterprise \(802\.1X\) logins/)
    t.regex(v("short key") ?? "", /must be 8\.\.63 characters \(or 64 hex digits\), got 5/)
    t.is(v("channel"), "config(): channel must be 1..13, got 14")
    t.is(v("max_clients"), "config(): max_clients must be 1..10, got 11")
    t.regex(
        v("unknown") ?? "",
        /unknown setting "colour" for IF_AP; settable: ssid, key, security, channel, hidden, max_clients/,
    )
    t.is(v("open with key"), "active(true): an open network (SEC_OPEN) takes no key; drop the key or use SEC_WPA2")
    t.is(v("key read"), "config('key'): the key is write-only")
    t.regex(v("connect") ?? "", /connect\(\) is for IF_STA; an access point hosts its own network/)
    t.regex(v("scan") ?? "", /scan\(\) is for IF_STA/)
    t.regex(v("dhcp") ?? "", /an access point has a static address/)
    t.false(
        run.lines.some((l) => l.includes("setup-1234")),
        "no key in any message",
    )
})

test("phones dropped by a restart of the access point (new settings) rejoin by themselves", async (t) => {
    const run = await runScript(
        host(
            `{ ssid: "cam-setup", key: "setup-1234", max_clients: 4 }`,
            `await ap.wait_connected(20000)
await ap.config({ max_clients: 2 })
await time.sleep_ms(10000)
console.log(\`stations \${ap.status("stations").length}\`)`,
        ),
        { world: hosting([phone("p", "setup-1234", "2s")]) },
    )
    t.deepEqual(run.lines, ["stations 1"])
    t.true(events(run, "ap").includes("client-left p (access point restarted)"))
})

test("phones: RSSI by the documented path loss (phone 15 dBm at 10 m: -55), the camera's antenna gain not applied", async (t) => {
    // docs/world-format.md#clients: the camera's antennaGainDbi is not applied to phones;
    // 15 - (40 + 30 log10 10) = -55 whatever the gain
    const body = `await ap.wait_connected(20000)
for (const s of ap.status("stations")) console.log(\`\${s.mac} \${s.rssi}\`)`
    for (const gain of [0, 10]) {
        const run = await runScript(host(`{ ssid: "cam-setup", key: "setup-1234" }`, body), {
            world: hosting([phone("p", "setup-1234", "1s", { position: [6, 8] })], {
                camera: { position: [0, 0], antennaGainDbi: gain },
            }),
        })
        t.deepEqual(run.lines, ["02:c1:00:00:00:01 -55"], `gain ${gain}`)
        t.true(
            events(run, "ap").some((e) =>
                e.startsWith("client-joined p 02:c1:00:00:00:01 ip=192.168.4.2 rssi=-55 dBm"),
            ),
        )
    }
})
