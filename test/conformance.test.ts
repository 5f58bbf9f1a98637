import test, { type ExecutionContext } from "ava"
import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { campus, EAP_PASSWORD, enterpriseAttempt, PASSWORD_CAMPUS, peap, pki } from "./helpers/campus"
import { everything, runScript, type RunScriptOptions, type ScriptRun, value } from "./helpers/run"
import { decodeJpeg } from "../sim/camera/jpeg"
import { readFrameCode } from "../sim/camera/test-card"
import { phone, wired } from "./helpers/worlds"
import { DHCP_REUSE_SHARE, SCAN_DWELL_MS } from "../sim/radio/timing"
import { sameBytes } from "./helpers/bytes"

// One conformance suite, two implementations of the driver contracts: the
// simulator's model drivers (sim/drivers/) and the firmware's C drivers
// (firmware/main/, in WebAssembly against a simulated ESP-IDF). Each
// scenario runs the same script in the same world against both, and what
// the script sees must be the same: its output (statuses, reasons,
// addresses), and the order of link states and reasons the driver reported.
//
// Every difference found was fixed on the side that was wrong, except what
// ESP-IDF cannot tell the firmware; those are asserted as such below
// (firmware/README.md, "In the simulator", lists them all).

interface Seen {
    lines: string[]
    /** "State reason=X" per link event of `source`, repeats (an RSSI change) merged */
    links: string[]
}

function seen(run: ScriptRun, source: string): Seen {
    const links: string[] = []
    for (const e of run.timeline) {
        if (e.source !== source || !/^[A-Z]/.test(e.event)) continue
        const reason = /reason=(\w+)/.exec(e.detail)?.[1]
        const link = reason ? `${e.event} reason=${reason}` : e.event
        if (links[links.length - 1] !== link) links.push(link)
    }
    return { lines: run.lines, links }
}

async function both(
    t: ExecutionContext,
    source: string,
    options: RunScriptOptions,
    linkSource = "wifi",
): Promise<{ model: ScriptRun; firmware: ScriptRun }> {
    const model = await runScript(source, { ...options, driver: "model" })
    const firmware = await runScript(source, { ...options, driver: "firmware" })
    t.is(model.outcome, "finished", model.error)
    t.is(firmware.outcome, "finished", firmware.error)
    const m = seen(model, linkSource)
    const f = seen(firmware, linkSource)
    t.deepEqual(f.lines, m.lines, "the script printed something else")
    t.deepEqual(f.links, m.links, "the link states or reasons differ")
    return { model, firmware }
}

const watch = (ssid: string, key: string, seconds: number) => `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect(${JSON.stringify(ssid)}, ${JSON.stringify(key)})
for (let i = 0; i < ${seconds}; i++) {
    await time.sleep_ms(1000)
    console.log(\`t=\${i + 1} status=\${wlan.status()} connected=\${wlan.isconnected()} \${wlan.ifconfig().join(",")}\`)
}
console.log(\`reason: \${wlan.reason()}\`)
`

const stationScenarios: [string, string, number][] = [
    ["default", "my-network", 8],
    ["wrong-password", "my-network", 20],
    ["no-network", "my-network", 10],
    ["out-of-range", "my-network", 10],
    ["no-dhcp", "my-network", 20],
    ["weak-signal", "my-network", 12],
    ["password-changed", "my-network", 30],
    ["walk-away", "my-network", 50],
    ["hidden-network", "hidden-net", 8],
]

for (const [world, ssid, seconds] of stationScenarios) {
    test(`station, world ${world}: the model and the C drivers show the script the same`, async (t) => {
        await both(t, watch(ssid, "my-password", seconds), { world, timeout: "5m" })
    })
}

test("station: the one-minute AP power cycle looks the same through both drivers", async (t) => {
    const { model } = await both(t, watch("my-network", "my-password", 60), { world: "ap-power-cycle", timeout: "5m" })
    // the scenario does what it says: up, BeaconTimeout, up again
    const links = seen(model, "wifi").links
    t.true(links.includes("Idle reason=BeaconTimeout"), links.join("\n"))
    t.is(links[links.length - 1], "GotAddress")
})

test("station: scan() lists the same networks through both drivers", async (t) => {
    await both(
        t,
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.rssi} \${n.channel} \${n.security} \${n.hidden}\`)
`,
        { world: "campus" },
    )
})

test("station: scan() reports each security the same through both drivers", async (t) => {
    const securities = ["open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise", "wpa3-enterprise"]
    const { model } = await both(
        t,
        `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
for (const n of await wlan.scan()) console.log(\`seen \${n.ssid} \${n.security}\`)
`,
        {
            world: {
                accessPoints: securities.map((security, i) => ({
                    ssid: `net-${security}`,
                    security,
                    password: security.endsWith("psk") || security.endsWith("sae") ? "password-1" : undefined,
                    position: [5 + i, 0],
                    ...(security.endsWith("enterprise")
                        ? { loginServer: { caCertFile: pki("ca.pem"), domain: "r.test", methods: ["PEAP"], users: [] } }
                        : {}),
                })),
            },
        },
    )
    t.is(model.lines.length, securities.length, model.lines.join("\n"))
})

// ---- enterprise (802.1X) outcomes

const enterpriseScenarios: [string, string, object][] = [
    ["PEAP accepted", peap(), campus()],
    [
        "TTLS/PAP accepted",
        `{ eap: "TTLS", phase2: "PAP", username: "camera-01", password: "${EAP_PASSWORD}", caCert: CA }`,
        campus(),
    ],
    [
        "TLS accepted",
        `{ eap: "TLS", identity: "camera-01", clientCert: CLIENT_CERT, clientKey: CLIENT_KEY, caCert: CA }`,
        campus(),
    ],
    ["wrong password", peap("wrong horse"), campus()],
    ["login server down", peap(), campus("wpa2-enterprise", { down: [{ from: 0 }] })],
    ["login server back after 8 s", peap(), campus("wpa2-enterprise", { down: [{ from: 0, until: "8s" }] })],
    ["insecure", `{ eap: "PEAP", username: "camera-01", password: "${EAP_PASSWORD}", insecure: true }`, campus()],
    ["WPA3-Enterprise", peap(), campus("wpa3-enterprise")],
    ["enterprise login for a password network", peap(), PASSWORD_CAMPUS],
]

for (const [name, options, world] of enterpriseScenarios) {
    test(`enterprise, ${name}: the model and the C drivers show the script the same`, async (t) => {
        await both(t, enterpriseAttempt(options), { world, timeout: "1m" })
    })
}

// ---- Ethernet: cable and DHCP faults, PHY wiring

const lanWatch = (seconds: number, options = "") => `
import { network, time } from "camscript"
const lan = new network.LAN(${options})
// unsubscribed at the end: a registered handler keeps a run going
const off = lan.on_change((c) => console.log(\`change \${c.state} \${c.status}\`))
try {
    await lan.active(true)
} catch (e) {
    console.log(\`active: \${(e as Error).message}\`)
}
for (let i = 0; i < ${seconds}; i++) {
    await time.sleep_ms(1000)
    console.log(\`t=\${i + 1} \${lan.isconnected()} \${lan.status()} \${lan.status("speed")} \${lan.status("duplex")} \${lan.ifconfig().join(",")} \${lan.reason()}\`)
}
off()
`

const ethernetScenarios: [string, string, object][] = [
    ["cable plugged", lanWatch(5), wired()],
    ["no cable", lanWatch(6), wired({ cable: "unplugged" })],
    [
        "unplugged at 10 s, replugged at 20 s",
        lanWatch(30),
        wired({}, [
            { at: "10s", action: "unplug-cable" },
            { at: "20s", action: "plug-cable" },
        ]),
    ],
    [
        "DHCP server down until 30 s",
        lanWatch(40),
        wired({ dhcp: { subnet: "10.20.0.0/24", enabled: false } }, [{ at: "30s", action: "ethernet-dhcp-on" }]),
    ],
    ["10 Mbit/s half duplex", lanWatch(4), wired({ speedMbps: 10, duplex: "half" })],
    ["W5500 over SPI", lanWatch(4), wired({}, [], "esp32_cam_w5500")],
    ["Olimex ESP32-POE", lanWatch(4), wired({}, [], "olimex_esp32_poe")],
    ["a wrong PHY address", lanWatch(2, "{ phy_addr: 3 }"), wired()],
]

for (const [name, source, world] of ethernetScenarios) {
    test(`Ethernet, ${name}: the model and the C drivers show the script the same`, async (t) => {
        await both(t, source, { world, timeout: "2m" }, "eth")
    })
}

test("Ethernet: a static address, and on_change, the same through both drivers", async (t) => {
    await both(
        t,
        `
import { network } from "camscript"
const lan = new network.LAN()
const off = lan.on_change((c) => console.log(\`change \${c.iface} \${c.state} \${c.status}\`))
await lan.ifconfig(["10.20.0.9", "255.255.255.0", "10.20.0.1", "10.20.0.1"])
await lan.active(true)
console.log(\`ip \${lan.ifconfig().join(",")}\`)
off()
`,
        { world: wired() },
        "eth",
    )
})

test("station: a static address, and on_change, the same through both drivers", async (t) => {
    await both(
        t,
        `
import { network, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
const off = wlan.on_change((c) => console.log(\`change \${c.iface} \${c.state} \${c.status}\`))
await wlan.active(true)
await wlan.ifconfig(["192.168.1.50", "255.255.255.0", "192.168.1.1", "192.168.1.1"])
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
console.log(\`ip \${wlan.ifconfig().join(",")}\`)
await wlan.ifconfig("dhcp")
// the static address holds until the DHCP exchange replaces it
while (wlan.ifconfig()[0] === "192.168.1.50") await time.sleep_ms(50)
await wlan.wait_connected(10000)
console.log(\`dhcp \${wlan.ifconfig().join(",")}\`)
off()
`,
        { world: "default" },
    )
})

// What ESP-IDF 5.x cannot tell the firmware: the authenticator ends every
// refused 802.1X login the same way (EAP-Failure, deauthentication 23), and
// the supplicant never reveals the TLS alert it sent. The model knows why;
// the C reports its documented default, EapCredentialsRejected (status 202).
const eapRefusals: [string, string, object, string][] = [
    [
        "a server certificate not signed by the caCert",
        `{ eap: "PEAP", username: "camera-01", password: "${EAP_PASSWORD}", caCert: ROGUE_CA }`,
        campus(),
        "status 203: the login server's certificate is not signed by the caCert given: this may be a rogue access point",
    ],
    [
        "a server certificate for another domain",
        peap(EAP_PASSWORD).replace('"campus.test"', '"evil.test"'),
        campus(),
        "status 203: the login server's certificate is for another domain than serverDomain",
    ],
    [
        "an EAP method the server refuses",
        peap(),
        campus("wpa2-enterprise", { methods: ["TTLS"] }),
        "status 203: the login server does not accept this EAP method",
    ],
]

for (const [name, options, world, modelSays] of eapRefusals) {
    test(`enterprise, ${name}: known difference, the C can only say the credentials were rejected`, async (t) => {
        const model = await runScript(enterpriseAttempt(options), { world, driver: "model" })
        const firmware = await runScript(enterpriseAttempt(options), { world, driver: "firmware" })
        t.deepEqual(model.lines, [modelSays])
        t.deepEqual(firmware.lines, ["status 202: the login server rejected the credentials"])
    })
}

// ---- the access point

const hostWatch = (settings: string, seconds: number) => `
import { network, time } from "camscript"
const ap = new network.WLAN(network.WLAN.IF_AP)
const off = ap.on_change((c) => console.log(\`change \${c.state} \${c.status} \${c.connected}\`))
await ap.config(${settings})
await ap.active(true)
for (let i = 0; i < ${seconds}; i++) {
    await time.sleep_ms(1000)
    console.log(\`t=\${i + 1} \${ap.isconnected()} \${ap.config("channel")} \${ap.status("stations").map((s) => \`\${s.mac} \${s.ip}\`).join(",")}\`)
}
off()
`

const accessPointScenarios: [string, string, object][] = [
    [
        "a phone joins",
        hostWatch(`{ ssid: "cam-setup", key: "setup-1234" }`, 6),
        { accessPoints: [], clients: [phone("phone", "setup-1234", "2s")] },
    ],
    [
        "a phone with the wrong password",
        hostWatch(`{ ssid: "cam-setup", key: "setup-1234" }`, 10),
        { accessPoints: [], clients: [phone("wrong-phone", "nope-nope-1", "2s")] },
    ],
    [
        "max_clients 2, three phones, one leaves",
        hostWatch(`{ ssid: "cam-setup", key: "setup-1234", max_clients: 2 }`, 30),
        {
            accessPoints: [],
            clients: [
                phone("a", "setup-1234", "2s", { mac: "02:c1:00:00:00:0a" }),
                phone("b", "setup-1234", "3s", { mac: "02:c1:00:00:00:0b" }),
                phone("c", "setup-1234", "4s", { mac: "02:c1:00:00:00:0c" }),
                phone("d", "setup-1234", "5s", { mac: "02:c1:00:00:00:0d", leaveAt: "15s" }),
            ],
        },
    ],
    [
        "an open network",
        hostWatch(`{ ssid: "cam-setup", security: network.WLAN.SEC_OPEN }`, 6),
        { accessPoints: [], clients: [phone("phone", undefined, "2s")] },
    ],
]

for (const [name, source, world] of accessPointScenarios) {
    test(`access point, ${name}: the model and the C drivers show the script the same`, async (t) => {
        await both(t, source, { world, timeout: "1m" }, "ap")
    })
}

test("access point, a phone brought and taken by world events: both drivers follow client-join and client-leave", async (t) => {
    // the phone's own time is after the run: only the events bring it (at 2.5 s) and take it (at 6.5 s)
    const { model } = await both(
        t,
        hostWatch(`{ ssid: "cam-setup", key: "setup-1234" }`, 9),
        {
            world: {
                accessPoints: [],
                clients: [phone("phone", "setup-1234", "60s")],
                events: [
                    { at: "2500ms", action: "client-join", client: "phone" },
                    { at: "6500ms", action: "client-leave", client: "phone" },
                ],
            },
            timeout: "1m",
        },
        "ap",
    )
    // t=k prints k s after the AP came up (about 1 s in): listed from t=2 (joined at 2.5 s + 70 ms
    // handshake + 50 ms DHCP) to t=5, gone from t=6 (left at 6.5 s)
    const listed = model.lines.filter((l) => l.startsWith("t=")).map((l) => l.includes("02:c1:"))
    t.deepEqual(listed, [false, true, true, true, true, false, false, false, false], model.lines.join("\n"))
})

test("station and access point at once: the AP follows the station's channel through both drivers", async (t) => {
    await both(
        t,
        `
import { network, time } from "camscript"
const sta = new network.WLAN(network.WLAN.IF_STA)
const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "cam-setup", key: "setup-1234", channel: 11 })
await ap.active(true)
console.log(\`before: \${ap.config("channel")}\`)
await sta.active(true)
await sta.connect("my-network", "my-password")
await sta.wait_connected(10000)
await time.sleep_ms(5000)
console.log(\`after: \${ap.config("channel")} \${ap.reason()} \${ap.status("stations").map((s) => s.ip).join(",")}\`)
`,
        {
            world: {
                accessPoints: [
                    { ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] },
                ],
                clients: [phone("phone", "setup-1234", "1s")],
            },
        },
        "ap",
    )
})

test("the setup-network example through both drivers", async (t) => {
    await both(t, readFileSync(fromRoot("examples/setup-network.ts"), "utf8"), { world: "setup-network" }, "ap")
})

test("uploads through both drivers: over the station the firmware's C brings up, taken, refused and retried alike", async (t) => {
    const { model, firmware } = await both(
        t,
        `
import { network, camera, upload, time } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(10000)
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA" })
const frame = await cam.capture()
let r = await upload.post("http://frames.camscript.test/in", frame)
console.log(\`taken: \${r.ok} \${r.status} \${r.via} \${r.ms} ms\`)
r = await upload.post("http://off.camscript.test/in", frame, { retry: { attempts: 2, delay_ms: 500 } })
console.log(\`off: \${r.reason} \${r.attempts} \${r.ms} ms\`)
await frame.release()
`,
        {
            world: {
                accessPoints: [
                    { ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] },
                ],
                servers: [
                    { name: "frames", url: "http://frames.camscript.test/in" },
                    { name: "off", url: "http://off.camscript.test/in", behaviour: "down" },
                ],
            },
        },
    )
    t.regex(model.lines[0], /^taken: true 201 wifi \d+ ms$/)
    t.regex(model.lines[1], /^off: refused 2 \d+ ms$/)
    // each run's server kept that run's frame (the test card draws the time, which the two runs reach apart)
    for (const run of [model, firmware]) {
        t.deepEqual(
            run.uploads.map((u) => [u.server, u.status]),
            [["frames", 201]],
        )
        sameBytes(t, run.uploads[0].body, run.frames[0].bytes)
    }
})

// The camera: the model driver (sim/drivers/camera.ts) against the C
// (firmware/main/cam_camera.c over sim/firmware/esp-camera.ts, esp32-camera
// modelled). Both expose the same sensor, so the frames must be the same:
// sequence numbers, exposure times relative to the call, sizes, discards,
// and each JPEG's drawn frame number. Times are printed relative to the
// call: the C sees each command a pass (about 2 ms) after the model does,
// which shifts every time by that much and changes no frame.

const CAMERA_WORLD = (events: object[] = []) => ({
    board: "ai_thinker_esp32_cam",
    camera: { position: [0, 0], name: "porch" },
    accessPoints: [],
    events,
})

const CAMERA_CAPTURES = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
const ok = await cam.init({ framesize: "QVGA", fb_count: FB })
console.log(\`init \${ok} \${cam.status()} \${cam.config("framesize")} fb\${cam.config("fb_count")}\`)
let last = -1
for (let i = 0; i < 4; i++) {
    const t = ds.millis()
    const f = await cam.capture({ mode: i === 3 ? "latest" : "fresh" })
    const head = \`frame \${i} exposed \${f.time - t} answered \${ds.millis() - t} gap \${last < 0 ? 0 : f.sequence - last}\`
    console.log(head + \` \${f.width}x\${f.height} disc \${f.discarded} idx \${f.index} \${f.format}\`)
    last = f.sequence
    await f.release()
    await ds.sleep(250 + i * 90)
}
const held = [await cam.capture()]
try {
    for (let i = 0; i < 4; i++) held.push(await cam.capture())
} catch (e) {
    console.log(\`full after \${held.length}: \${(e as Error).message}\`)
}
for (const f of held) await f.release()
await cam.init({ framesize: "VGA" })
const v = await cam.capture()
console.log(\`resized \${v.width}x\${v.height} gap \${v.sequence - last}\`)
await v.release()
`

async function bothCameras(t: ExecutionContext, source: string, events: object[] = []) {
    const options: RunScriptOptions = { world: CAMERA_WORLD(events), timeout: "60s" }
    const model = await runScript(source, { ...options, driver: "model" })
    const firmware = await runScript(source, { ...options, driver: "firmware" })
    t.is(model.outcome, "finished", model.error)
    t.is(firmware.outcome, "finished", firmware.error)
    t.deepEqual(firmware.lines, model.lines, "the script printed something else")
    const frames = (r: ScriptRun) => r.frames.map((f) => `#${f.sequence} ${f.width}x${f.height} q${f.quality}`)
    t.deepEqual(frames(firmware), frames(model), "the frames differ")
    // each JPEG carries the frame number it was drawn with
    for (const f of firmware.frames) t.is(readFrameCode(decodeJpeg(f.bytes))?.sequence, f.sequence)
    return { model, firmware }
}

for (const fb of [1, 2, 3])
    test(`camera, ${fb} buffer(s): fresh and latest captures, a full set of held buffers, a new size, the same through both drivers`, async (t) => {
        const { model } = await bothCameras(t, CAMERA_CAPTURES.replace("FB", String(fb)))
        t.is(value(model, "init"), `true ready QVGA fb${fb}`)
        t.regex(value(model, "resized") ?? "", /^640x480 gap \d+$/)
        t.regex(model.lines.join("\n"), new RegExp(`full after ${fb}: `))
    })

test("camera, sensor settings on the running sensor (quality, brightness, mirror, manual exposure) and the flash, the same through both drivers", async (t) => {
    const { firmware } = await bothCameras(
        t,
        `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA", fb_count: 1 })
await cam.config({ quality: 5, brightness: 2, hmirror: true, auto_exposure: false, exposure: 600 })
const a = await cam.capture({ flash: true })
console.log(\`a \${a.width}x\${a.height} \${cam.config("quality")} \${cam.config("hmirror")}\`)
await a.release()
await cam.config({ quality: 40 })
const b = await cam.capture()
console.log(\`b \${b.width}x\${b.height} \${cam.config("quality")}\`)
await b.release()
`,
    )
    t.deepEqual(
        firmware.frames.map((f) => f.quality),
        [5, 40],
    )
})

const CAMERA_FAULT = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
const stop = cam.on_change((c) => console.log(\`change \${c.state} \${c.reason}\`))
const ok = await cam.init({ framesize: "QVGA" })
console.log(\`init \${ok} \${cam.status()} \${cam.status("reason")}\`)
await ds.sleep(3000)
const t = ds.millis()
try {
    const f = await cam.capture()
    console.log(\`captured \${f.width}x\${f.height}\`)
    await f.release()
} catch (e) {
    // to 10 ms: the C sees the command a pass later than the model
    console.log(\`error \${(e as camera.CameraError).reason} after \${Math.floor((ds.millis() - t) / 10) * 10}\`)
}
const again = await cam.init({ fb_count: 1, framesize: "HVGA" })
console.log(\`again \${again} \${cam.status()} \${cam.status("reason")}\`)
stop()
`

const cameraFaults: [string, number][] = [
    ["camera-disconnect", 0],
    ["camera-no-psram", 0],
    ["camera-sensor-stop", 2000],
]
for (const [action, at] of cameraFaults)
    test(`camera, ${action}: the same state, reason and capture outcome through both drivers`, async (t) => {
        await bothCameras(t, CAMERA_FAULT, [{ at, action }])
    })

test("camera, camera-brownout: what the C cannot tell, asserted as such (the model says brownout at once; the C sees a sensor that stopped)", async (t) => {
    const options: RunScriptOptions = { world: CAMERA_WORLD([{ at: 2000, action: "camera-brownout" }]), timeout: "60s" }
    const model = await runScript(CAMERA_FAULT, { ...options, driver: "model" })
    const firmware = await runScript(CAMERA_FAULT, { ...options, driver: "firmware" })
    t.is(model.outcome, "finished", model.error)
    t.is(firmware.outcome, "finished", firmware.error)
    // esp32-camera has no brownout signal: on the chip the brownout detector
    // resets the whole board (ESP-IDF's default), and a sensor that lost its
    // registers simply stops sending frames; the C reports that at the next
    // capture, after esp_camera_fb_get's 4 s
    t.true(model.lines.includes("change failed brownout"), model.lines.join("\n"))
    t.true(model.lines.includes("error brownout after 0"), model.lines.join("\n"))
    t.true(firmware.lines.includes("change failed sensor-not-responding"), firmware.lines.join("\n"))
    t.true(firmware.lines.includes("error sensor-not-responding after 4000"), firmware.lines.join("\n"))
    // both recover with a new init()
    for (const run of [model, firmware]) t.is(value(run, "again"), "true ready")
})

// Uploads: the model driver (sim/drivers/http-upload.ts) against the C
// (firmware/main/cam_http_upload.c on its own FreeRTOS task, over the
// simulated esp_http_client, sim/firmware/esp-http-client.ts). Every outcome
// the contract names, with the attempt's time the script sees (`ms`): both
// reach the same servers over the same connection code, so the simulated
// time of each step must agree to the millisecond. Not `total_ms`: it also
// counts the bus round trips of the parts, which the firmware board serves
// at its next main-loop pass (sim/firmware/board.ts), a millisecond or three
// later in all. Nor the byte count: the test card draws the time, so the two
// runs' frames differ in length; `whole` says all of it went.
const UPLOAD_TLS = (name: string) => ({
    certFile: `sim/worlds/pki/${name}.pem`,
    keyFile: `sim/worlds/pki/${name}.key`,
})
const UPLOAD_CA = readFileSync(fromRoot("sim/worlds/pki/upload-ca.pem"), "utf8")

test("uploads, every outcome through both drivers: no link, taken (POST with headers, PUT), too large, 500 retried, refused, DNS, slow, https trusted, untrusted, insecure, misnamed, a link gone silent", async (t) => {
    const { model, firmware } = await both(
        t,
        `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA" })
const frame = await cam.capture()
const CA = ${JSON.stringify(UPLOAD_CA)}
async function report(name: string, r: any) {
    const head = \`\${r.ok} \${r.status} \${r.reason} \${r.tls} \${r.attempts}\`
    console.log(\`\${name} \${head} | \${r.ms} \${r.sent === frame.length ? "whole" : r.sent} \${r.via}\`)
}
let r: any = await upload.post("http://frames.camscript.test/in", frame, { retry: { attempts: 1 } })
await report("no-link", r)
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
r = await upload.post("http://frames.camscript.test/in?cam=porch", frame, { headers: { Authorization: "Bearer t0ken", "X-Camera": "porch" } })
await report("post", r)
r = await upload.put("http://frames.camscript.test/in/latest.jpg", frame)
await report("put", r)
r = await upload.post("http://small.camscript.test/in", frame, { retry: { attempts: 1 } })
await report("too-large", r)
r = await upload.post("http://broken.camscript.test/in", frame, { retry: { attempts: 3, delay_ms: 200 } })
await report("server-error", r)
r = await upload.post("http://off.camscript.test/in", frame, { retry: { attempts: 1 } })
await report("refused", r)
r = await upload.post("http://nowhere.camscript.test/in", frame, { retry: { attempts: 1 } })
await report("dns", r)
r = await upload.post("http://slow.camscript.test/in", frame, { retry: { attempts: 1 } })
await report("slow", r)
r = await upload.post("https://uploads.camscript.test/in", frame, { caCert: CA })
await report("https", r)
r = await upload.post("https://uploads.camscript.test:8443/in", frame, { caCert: CA, retry: { attempts: 1 } })
await report("untrusted", r)
r = await upload.post("https://uploads.camscript.test:8443/in", frame, { insecure: true })
await report("insecure", r)
r = await upload.post("https://uploads.camscript.test:9443/in", frame, { caCert: CA, retry: { attempts: 1 } })
await report("misnamed", r)
r = await upload.post("https://nowhere.camscript.test/in", frame, { caCert: CA, retry: { attempts: 1 } })
await report("https-dns", r)
while (ds.millis() < 41000) await ds.sleep(100)
r = await upload.post("http://frames.camscript.test/in", frame, { timeout_ms: 2000, retry: { attempts: 1 } })
await report("silent-link", r)
await frame.release()
`,
        {
            world: {
                board: "ai_thinker_esp32_cam",
                camera: { name: "porch" },
                accessPoints: [
                    {
                        ssid: "my-network",
                        security: "wpa2-psk",
                        password: "my-password",
                        channel: 6,
                        position: [6, 2],
                        dhcp: { subnet: "192.168.1.0/24", gateway: "192.168.1.1", dns: ["192.168.1.1"] },
                    },
                ],
                servers: [
                    { name: "frames", url: "http://frames.camscript.test/in" },
                    { name: "small", url: "http://small.camscript.test/in", maxBytes: 1000 },
                    { name: "broken", url: "http://broken.camscript.test/in", behaviour: "500" },
                    { name: "off", url: "http://off.camscript.test/in", behaviour: "down" },
                    { name: "slow", url: "http://slow.camscript.test/in", behaviour: "slow", slowBy: "8s" },
                    { name: "secure", url: "https://uploads.camscript.test/in", tls: UPLOAD_TLS("upload-server") },
                    {
                        name: "rogue",
                        url: "https://uploads.camscript.test:8443/in",
                        tls: UPLOAD_TLS("upload-rogue-server"),
                    },
                    {
                        name: "misnamed",
                        url: "https://uploads.camscript.test:9443/in",
                        tls: UPLOAD_TLS("upload-other-name"),
                    },
                ],
                events: [{ at: "40s", action: "power-off", accessPoint: "my-network" }],
            },
            timeout: "60s",
        },
    )
    const at = (run: ScriptRun, name: string) => run.lines.find((l) => l.startsWith(`${name} `)) ?? ""
    // what each line must say, checked on the model (the firmware's equal it, above)
    const expected: [string, RegExp][] = [
        ["no-link", /^no-link false 0 no-link  1 \| 0 0 $/],
        ["post", /^post true 201   1 \| \d+ whole wifi$/],
        ["put", /^put true 201   1 /],
        ["too-large", /^too-large false 413 rejected  1 /],
        ["server-error", /^server-error false 500 server-error  3 /],
        ["refused", /^refused false 0 refused  1 /],
        ["dns", /^dns false 0 dns  1 /],
        ["slow", /^slow false 0 timeout  1 \| 5000 whole wifi$/],
        ["https", /^https true 201   1 \| 400 whole wifi$/],
        ["untrusted", /^untrusted false 0 tls untrusted 1 \| \d+ 0 wifi$/],
        ["insecure", /^insecure true 201   1 /],
        ["misnamed", /^misnamed false 0 tls name-mismatch 1 /],
        ["https-dns", /^https-dns false 0 dns  1 \| 10 0 wifi$/],
        ["silent-link", /^silent-link false 0 timeout  1 \| 2000 0 wifi$/],
    ]
    for (const [name, re] of expected) t.regex(at(model, name), re)
    // the firmware run's uploads went through the C and the simulated esp_http_client, not the model driver
    const byClient = (run: ScriptRun) =>
        run.timeline.filter((e) => e.source === "upload" && e.detail.endsWith("(esp_http_client)")).length
    t.true(byClient(firmware) >= 14, `${byClient(firmware)} steps of esp_http_client`)
    t.is(byClient(model), 0)
    // the token reached the server (checked below) and nothing else: not the output, the timeline or an error
    for (const run of [model, firmware]) t.false(everything(run).includes("t0ken"))
    // the servers kept the same requests: which, the method and path, and the headers the script gave
    const kept = (run: ScriptRun) =>
        run.uploads.map((u) => [
            u.server,
            u.method,
            u.path,
            u.status,
            u.headers["authorization"] ?? "",
            u.headers["user-agent"],
        ])
    t.deepEqual(kept(firmware), kept(model))
    t.true(kept(model).length >= 5, JSON.stringify(kept(model)))
})

test("uploads over Ethernet and Wi-Fi through both drivers: Ethernet first, connection-lost when the cable comes out mid-answer, Wi-Fi after, a server outage ridden out", async (t) => {
    const { model, firmware } = await both(
        t,
        `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const lan = new network.LAN()
await lan.active(true)
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected() || !lan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA" })
const frame = await cam.capture()
async function report(name: string, r: any) {
    const head = \`\${r.ok} \${r.status} [\${r.reason}] \${r.attempts}\`
    console.log(\`\${name} \${head} \${r.ms} \${r.via}\`)
}
let r = await upload.post("http://frames.camscript.test/in", frame)
await report("both-up", r)
while (ds.millis() < 14000) await ds.sleep(500)
r = await upload.post("http://slow.camscript.test/in", frame, { timeout_ms: 15000, retry: { attempts: 1 } })
await report("cable-pulled", r)
while (ds.millis() < 25000) await ds.sleep(500)
r = await upload.post("http://frames.camscript.test/in", frame)
await report("wifi-only", r)
while (ds.millis() < 30000) await ds.sleep(100)
r = await upload.post("http://flaky.camscript.test/in", frame, { retry: { attempts: 5, delay_ms: 1000 } })
await report("outage", r)
await frame.release()
`,
        {
            world: {
                board: "esp32_cam_w5500",
                camera: { name: "gate" },
                accessPoints: [
                    { ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] },
                ],
                ethernet: {
                    cable: "plugged",
                    dhcp: { subnet: "10.20.0.0/24", gateway: "10.20.0.1", dns: ["10.20.0.1"] },
                },
                servers: [
                    { name: "frames", url: "http://frames.camscript.test/in" },
                    { name: "flaky", url: "http://flaky.camscript.test/in", down: [{ from: "30s", until: "33s" }] },
                    { name: "slow", url: "http://slow.camscript.test/in", behaviour: "slow", slowBy: "8s" },
                ],
                events: [{ at: "20s", action: "unplug-cable" }],
            },
            timeout: "60s",
        },
        "eth",
    )
    t.regex(model.lines[0], /^both-up true 201 \[\] 1 \d+ eth$/)
    t.regex(model.lines[1], /^cable-pulled false 0 \[connection-lost\] 1 \d+ eth$/)
    t.regex(model.lines[2], /^wifi-only true 201 \[\] 1 \d+ wifi$/)
    t.regex(model.lines[3], /^outage true 201 \[\] 3 \d+ wifi$/)
    const via = (run: ScriptRun) => run.uploads.map((u) => [u.server, u.via, u.status])
    t.deepEqual(via(firmware), via(model))
})

test("uploads through both drivers: an https upload the first thing the script does (its CA in chunks) is taken, as each after it", async (t) => {
    const { model, firmware } = await both(
        t,
        `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA" })
const frame = await cam.capture()
for (let i = 1; i <= 3; i++) {
    const r = await upload.post("https://uploads.camscript.test/in", frame, { caCert: ${JSON.stringify(UPLOAD_CA)} })
    console.log(\`\${i} \${r.ok} \${r.status} \${r.reason} \${r.attempts} \${r.ms}\`)
}
await frame.release()
`,
        {
            world: {
                board: "ai_thinker_esp32_cam",
                accessPoints: [
                    { ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] },
                ],
                servers: [
                    { name: "secure", url: "https://uploads.camscript.test/in", tls: UPLOAD_TLS("upload-server") },
                ],
            },
        },
    )
    // the bus repeated the first request's last CA chunk to the C, which took it for a chunk out of place
    t.deepEqual(
        model.lines.map((l) => l.split(" ").slice(0, 5).join(" ")),
        ["1 true 201  1", "2 true 201  1", "3 true 201  1"],
    )
    t.is(firmware.uploads.length, 3)
})

// ---- deep sleep: machine.deepsleep through both drivers. Under the model
// drivers the session powers the board down; under --driver firmware the C
// power driver (cam_board_power.c) calls esp_deep_sleep_start() and the
// simulator boots a fresh instance of the C at wake-up with only its RTC
// memory kept (sim/firmware/board.ts). The script must see the same: the
// reset cause and wake reason each boot, what it kept in settings (fast
// reconnect's memory among it), and the sleeps at the same times.

interface Sleeps {
    lines: string[]
    /** "deep-sleep" / "wake" with the time since the run's previous such entry */
    sleeps: string[]
}

function sleeps(run: ScriptRun): Sleeps {
    const out: string[] = []
    let last = 0
    for (const e of run.timeline)
        if (e.source === "sim" && (e.event === "deep-sleep" || e.event === "wake")) {
            out.push(`${e.event} +${e.atMs - last}`)
            last = e.atMs
        }
    return { lines: run.lines, sleeps: out }
}

/**
 * Both drivers, the same outcome and output (`same` removes what is not the
 * drivers' to decide); the sleeps' lengths equal (their starts may differ by
 * the C's pass).
 */
async function bothSleeping(
    t: ExecutionContext,
    source: string,
    options: RunScriptOptions,
    outcome: ScriptRun["outcome"] = "finished",
    same = (line: string) => line,
) {
    const model = await runScript(source, { ...options, driver: "model" })
    const firmware = await runScript(source, { ...options, driver: "firmware" })
    t.is(model.outcome, outcome, model.error)
    t.is(firmware.outcome, outcome, firmware.error)
    t.deepEqual(firmware.lines.map(same), model.lines.map(same), "the script printed something else")
    const asleep = (r: ScriptRun) => sleeps(r).sleeps.filter((s) => s.startsWith("wake"))
    t.deepEqual(asleep(firmware), asleep(model), "the sleeps lasted differently")
    return { model, firmware }
}

const SLEEP_CYCLE = (sleepsWanted: number, ms: number) => `
import { network, time, machine, settings } from "camscript"
let runs = 0
runs++
const boot = ((await settings.get("boots")) as number) ?? 0
await settings.set("boots", boot + 1)
console.log(\`boot \${boot}: cause \${await machine.reset_cause()} wake \${await machine.wake_reason()} runs \${runs}\`)
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
console.log(\`boot \${boot}: \${wlan.isconnected()} \${wlan.status()}\`)
const t0 = time.ticks_ms()
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
const took = time.ticks_ms() - t0
const cold = ((await settings.get("cold")) as number) ?? took
if (boot === 0) await settings.set("cold", took)
// fast reconnect's memory (AP, channel, lease) kept in flash over the sleep: one channel probed, not thirteen
console.log(\`boot \${boot}: up \${wlan.ifconfig()[0]} \${boot === 0 ? "cold" : took * 2 < cold ? "fast" : "slow"}\`)
if (boot < ${sleepsWanted}) await machine.deepsleep(${ms})
console.log("not reached after a deep sleep")
`

test("deep sleep, a timer wake twice: reset cause, wake reason, settings kept and variables lost, the same through both drivers", async (t) => {
    const { model } = await bothSleeping(t, SLEEP_CYCLE(2, 60_000), { timeout: "10m" })
    t.deepEqual(model.lines, [
        "boot 0: cause 1 wake 0 runs 1",
        "boot 0: false 1000",
        "boot 0: up 192.168.1.100 cold",
        "boot 1: cause 4 wake 4 runs 1",
        "boot 1: false 1000",
        "boot 1: up 192.168.1.100 fast",
        "boot 2: cause 4 wake 4 runs 1",
        "boot 2: false 1000",
        "boot 2: up 192.168.1.100 fast",
        "not reached after a deep sleep",
    ])
    t.deepEqual(
        sleeps(model).sleeps.filter((s) => s.startsWith("wake")),
        ["wake +60000", "wake +60000"],
    )
})

test("deep sleep: fast reconnect kept over a sleep, through both drivers; known difference: the C asks DHCP afresh (the model's INIT-REBOOT is one round trip)", async (t) => {
    const { model, firmware } = await bothSleeping(t, SLEEP_CYCLE(1, 10_000), { timeout: "5m" })
    // both went straight to the remembered access point: one channel's dwell, no full scan
    const scanToAssociate = (r: ScriptRun) => {
        const wifi = r.timeline.filter((e) => e.source === "wifi")
        const wake = r.timeline.find((e) => e.source === "sim" && e.event === "wake")!.atMs
        const scan = wifi.find((e) => e.event === "Scanning" && e.atMs > wake)!
        const assoc = wifi.find((e) => e.event === "Associating" && e.atMs > scan.atMs)!
        return assoc.atMs - scan.atMs
    }
    t.true(scanToAssociate(model) <= SCAN_DWELL_MS + 5, `model ${scanToAssociate(model)} ms`)
    t.true(scanToAssociate(firmware) <= SCAN_DWELL_MS + 5, `firmware ${scanToAssociate(firmware)} ms`)
    // the lease: the model asks for the remembered address again (REQUEST/ACK, half the exchange);
    // the C's esp_netif starts DHCP from DISCOVER (ESP-IDF restores a last IP only with
    // CONFIG_LWIP_DHCP_RESTORE_LAST_IP, from its own NVS, not from the contract)
    const obtaining = (r: ScriptRun) => {
        const wake = r.timeline.find((e) => e.source === "sim" && e.event === "wake")!.atMs
        const wifi = r.timeline.filter((e) => e.source === "wifi" && e.atMs > wake)
        return wifi.find((e) => e.event === "GotAddress")!.atMs - wifi.find((e) => e.event === "ObtainingAddress")!.atMs
    }
    const DHCP_MS = 300 // the default world's DHCP delay
    t.is(obtaining(model), DHCP_MS * DHCP_REUSE_SHARE)
    t.true(Math.abs(obtaining(firmware) - DHCP_MS) <= 2, `firmware ${obtaining(firmware)} ms`)
})

test("deep sleep: examples/snap-and-sleep.ts in its world, three wake-ups, the same output and the same snapshots on the server through both drivers", async (t) => {
    const { model, firmware } = await bothSleeping(
        t,
        readFileSync(fromRoot("examples/snap-and-sleep.ts"), "utf8"),
        { world: fromRoot("sim/worlds/snap-and-sleep.json"), timeout: "25m" },
        "timeout",
        // an upload's time includes real bytes on loopback, stepped in SOCKET_STEP_MS (not the drivers')
        (l) => l.replace(/ in \d+ ms$/, ""),
    )
    t.deepEqual(
        model.lines.map((l) => l.replace(/ in \d+ ms$/, "")),
        [
            "first start",
            "snapshot 1 uploaded",
            "woke for snapshot 2",
            "snapshot 2 uploaded",
            "woke for snapshot 3",
            "snapshot 3 uploaded",
        ],
    )
    for (const run of [model, firmware])
        t.deepEqual(
            run.uploads.map((u) => [u.camera, u.method, u.path, u.status]),
            [1, 2, 3].map((n) => ["porch", "PUT", `/porch/${n}.jpg`, 201]),
        )
    // the uploads are the frames each boot captured, and both cameras counted the same frames
    const sequences = (r: ScriptRun) => r.frames.map((f) => `#${f.sequence} ${f.width}x${f.height}`)
    t.deepEqual(sequences(firmware), sequences(model))
    // each boot counts frames from 0 again (the C's count is in RAM), and the test card draws that number
    t.is(new Set(sequences(model)).size, 1, sequences(model).join(" "))
    for (const run of [model, firmware])
        for (const f of run.frames) t.is(readFrameCode(decodeJpeg(f.bytes))?.sequence, f.sequence)
    for (const run of [model, firmware]) run.uploads.forEach((u, i) => sameBytes(t, u.body, run.frames[i].bytes))
})

/** Boots twice: `body` runs each boot (the interface brought up, `seconds` watched), then one deep sleep of 5 s. */
const sleepOnce = (body: string) => `
import { machine, settings, time } from "camscript"
import { network } from "camscript"
const boot = ((await settings.get("boots")) as number) ?? 0
await settings.set("boots", boot + 1)
console.log(\`boot \${boot}: cause \${await machine.reset_cause()}\`)
${body}
if (boot === 0) await machine.deepsleep(5000)
`

test("deep sleep with Ethernet (Olimex ESP32-POE: the PHY's power pin resets with the chip): the link ends, and comes back after the wake-up, the same through both drivers", async (t) => {
    const source = sleepOnce(`
const lan = new network.LAN()
console.log(\`boot \${boot}: before \${lan.isconnected()} \${lan.status()}\`)
await lan.active(true)
for (let i = 0; i < 3; i++) {
    await time.sleep_ms(1000)
    console.log(\`boot \${boot}: t=\${i + 1} \${lan.isconnected()} \${lan.status()} \${lan.ifconfig()[0]}\`)
}
`)
    const { model, firmware } = await bothSleeping(t, source, {
        world: wired({}, [], "olimex_esp32_poe"),
        timeout: "1m",
    })
    t.deepEqual(seen(firmware, "eth").links, seen(model, "eth").links, "the link states differ")
    // the band ends at the sleep and starts again after the wake-up
    t.is(seen(model, "eth").links.filter((l) => l === "Stopped").length, 1, seen(model, "eth").links.join(" "))
    t.is(value(model, "boot 1: t=3"), "true 5 10.20.0.100")
})

test("deep sleep with the camera's access point: its phone is dropped, and joins again once the woken program starts the access point, the same through both drivers", async (t) => {
    const source = sleepOnce(`
const ap = new network.WLAN(network.WLAN.IF_AP)
console.log(\`boot \${boot}: before \${ap.isconnected()}\`)
await ap.config({ ssid: "cam-setup", key: "setup-1234" })
await ap.active(true)
for (let i = 0; i < 8; i++) await time.sleep_ms(1000)
console.log(\`boot \${boot}: \${ap.isconnected()} \${ap.status("stations").map((s) => \`\${s.mac} \${s.ip}\`).join(",")}\`)
`)
    const world = { accessPoints: [], clients: [phone("phone", "setup-1234", "2s")] }
    const { model, firmware } = await bothSleeping(t, source, { world, timeout: "1m" })
    t.deepEqual(seen(firmware, "ap").links, seen(model, "ap").links, "the access point's states differ")
    t.regex(value(model, "boot 1:") ?? "", /^cause 4$/)
    t.regex(model.lines[model.lines.length - 1], /^boot 1: true 02:\S+ 192\.168\.4\.\d+$/)
    // the phone leaves as the board goes down (under the C, as esp_wifi_stop() stops the soft-AP
    // just before the sleep) and joins again after the wake-up
    for (const r of [model, firmware]) {
        const wake = r.timeline.find((e) => e.source === "sim" && e.event === "wake")!.atMs
        const phoneSteps = r.timeline
            .filter((e) => e.source === "ap" && e.event.startsWith("client-"))
            .map((e) => `${e.event} ${e.atMs < wake ? "before" : "after"} the wake-up`)
        t.deepEqual(phoneSteps, [
            "client-joined before the wake-up",
            "client-left before the wake-up",
            "client-joined after the wake-up",
        ])
    }
})
