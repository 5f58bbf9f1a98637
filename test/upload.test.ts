import test from "ava"
import { readFileSync } from "node:fs"
import { decodeJpeg } from "../sim/camera/jpeg"
import { readFrameCode } from "../sim/camera/test-card"
import { DNS_ANSWER_MS, ETH_BYTES_PER_S, TLS_HANDSHAKE_CPU_MS, WIFI_BYTES_PER_S } from "../sim/net/upload-timing"
import { DEFAULT_SERVER_LATENCY_MS } from "../sim/world/servers"
import { everything, runFile, runScript, type ScriptRun, value } from "./helpers/run"
import { fromRoot } from "../project/paths"
import { sameBytes } from "./helpers/bytes"

// Uploads end to end: scripts compiled to bytecode call upload.post()/put()
// (src/upload) on the VM; the model driver (sim/drivers/http-upload.ts)
// sends the camera driver's frame buffer over real loopback HTTP(S) to the
// world's servers (sim/net/http-servers.ts), on the virtual clock. Expected
// times are computed here from the model's named figures; the bytes the
// servers kept are compared with the frames the camera delivered, and the
// frame number drawn in each JPEG is read back.

const CA = readFileSync("sim/worlds/pki/upload-ca.pem", "utf8")
const TOKEN = "Bearer s3cr3t-upload-token"
const RTT = DEFAULT_SERVER_LATENCY_MS

const AP = {
    ssid: "my-network",
    security: "wpa2-psk",
    password: "my-password",
    channel: 6,
    position: [6, 2],
    dhcp: { subnet: "192.168.1.0/24", gateway: "192.168.1.1", dns: ["192.168.1.1"] },
}

const tls = (name: string) => ({ certFile: `sim/worlds/pki/${name}.pem`, keyFile: `sim/worlds/pki/${name}.key` })

const SERVERS = [
    { name: "frames", url: "http://frames.camscript.test/in" },
    { name: "small", url: "http://small.camscript.test/in", maxBytes: 1000 },
    { name: "broken", url: "http://broken.camscript.test/in", behaviour: "500" },
    { name: "off", url: "http://off.camscript.test/in", behaviour: "down" },
    { name: "slow", url: "http://slow.camscript.test/in", behaviour: "slow", slowBy: "8s" },
    { name: "secure", url: "https://uploads.camscript.test/in", tls: tls("upload-server") },
    { name: "rogue", url: "https://uploads.camscript.test:8443/in", tls: tls("upload-rogue-server") },
    { name: "misnamed", url: "https://uploads.camscript.test:9443/in", tls: tls("upload-other-name") },
]

function world(servers: object[] = SERVERS, extra: object = {}) {
    return { board: "ai_thinker_esp32_cam", camera: { name: "porch" }, accessPoints: [AP], servers, ...extra }
}

const JOIN = `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
`

const CAMERA = `
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA" })
const frame = await cam.capture()
console.log(\`frame \${frame.sequence} \${frame.length}\`)
const CA = ${JSON.stringify(CA)}
async function report(name: string, r: any) {
    const head = \`\${r.ok} \${r.status} \${r.reason} \${r.tls} \${r.attempts}\`
    console.log(\`\${name} \${head} | \${r.ms} \${r.total_ms} \${r.sent} \${r.via}\`)
    console.log(\`\${name}-detail \${r.detail}\`)
}
`

const ONE = "retry: { attempts: 1 }"
const CASES = `
let r: any = null
r = await upload.post("http://frames.camscript.test/in?cam=porch&key=q7-secret", frame, { headers: { Authorization: "${TOKEN}", "X-Camera": "porch" } })
await report("post", r)
r = await upload.put("http://frames.camscript.test/in/latest.jpg", frame)
await report("put", r)
r = await upload.post("http://small.camscript.test/in", frame, { ${ONE} })
await report("too-large", r)
r = await upload.post("http://broken.camscript.test/in", frame)
await report("server-error", r)
r = await upload.post("http://off.camscript.test/in", frame, { ${ONE} })
await report("refused", r)
r = await upload.post("http://nowhere.camscript.test/in", frame, { ${ONE} })
await report("dns", r)
r = await upload.post("http://slow.camscript.test/in", frame, { ${ONE} })
await report("slow", r)
r = await upload.post("https://uploads.camscript.test/in", frame, { caCert: CA })
await report("https", r)
r = await upload.post("https://uploads.camscript.test:8443/in", frame, { caCert: CA })
await report("untrusted", r)
r = await upload.post("https://uploads.camscript.test:8443/in", frame, { insecure: true })
await report("insecure", r)
r = await upload.post("https://uploads.camscript.test:9443/in", frame, { caCert: CA })
await report("misnamed", r)
// the access point is switched off at 40 s: for BEACON_LOSS_MS the link still holds its address, but carries nothing
while (ds.millis() < 41000) await ds.sleep(100)
r = await upload.post("http://frames.camscript.test/in", frame, { timeout_ms: 2000, ${ONE} })
await report("silent-link", r)
await frame.release()
`

let casesRun: Promise<ScriptRun> | undefined
const cases = () =>
    (casesRun ??= runScript(JOIN + CAMERA + CASES, {
        world: world(SERVERS, { events: [{ at: "40s", action: "power-off", accessPoint: "my-network" }] }),
        timeout: "60s",
    }))

/** One result line: ok status reason tls attempts | ms total sent via. */
function result(run: ScriptRun, name: string) {
    const line = value(run, `${name} `)
    const m = /^(true|false) (\d+) (\S*) ?(\S*) (\d+) \| (\d+) (\d+) (\d+) (\S*)$/.exec(line ?? "")
    if (!m) throw new Error(`no result line for ${name} in ${JSON.stringify(run.lines)}`)
    return {
        ok: m[1] === "true",
        status: Number(m[2]),
        reason: m[3],
        tls: m[4],
        attempts: Number(m[5]),
        ms: Number(m[6]),
        total: Number(m[7]),
        sent: Number(m[8]),
        via: m[9],
    }
}

function frameLength(run: ScriptRun): number {
    return Number((value(run, "frame") ?? "").split(" ")[1])
}

/** Simulated ms of the body over Wi-Fi (the model's rate, computed here from the figure). */
const wifiBody = (bytes: number) => Math.ceil((bytes * 1000) / WIFI_BYTES_PER_S)

test("post: the frame's JPEG reaches the server byte for byte, as image/jpeg with the script's headers, in the modelled time", async (t) => {
    const run = await cases()
    t.is(run.error, undefined)
    const r = result(run, "post")
    const length = frameLength(run)
    t.deepEqual([r.ok, r.status, r.reason, r.attempts, r.sent, r.via], [true, 201, "", 1, length, "wifi"])
    // DNS, the TCP handshake, the body and its last byte's half round trip, the answer's half
    t.is(r.ms, DNS_ANSWER_MS + RTT + RTT / 2 + wifiBody(length) + RTT / 2)
    const got = run.uploads.filter((u) => u.server === "frames")
    t.is(got.length, 2)
    const [post] = got
    t.deepEqual(
        [post.method, post.path, post.camera, post.via, post.status, post.kept],
        ["POST", "/in?cam=porch&key=q7-secret", "porch", "wifi", 201, true],
    )
    t.is(post.headers["content-type"], "image/jpeg")
    t.is(post.headers["content-length"], String(length))
    t.is(post.headers.authorization, TOKEN)
    t.is(post.headers["x-camera"], "porch")
    t.is(post.headers.host, "frames.camscript.test")
    // the bytes the camera delivered, and the frame number drawn in them
    const frame = run.frames[0]
    sameBytes(t, post.body, frame.bytes)
    t.is(readFrameCode(decodeJpeg(post.body))?.sequence, frame.sequence)
    t.is(Number((value(run, "frame") ?? "").split(" ")[0]), frame.sequence)
})

test("put: the same frame with PUT to its path", async (t) => {
    const run = await cases()
    const r = result(run, "put")
    t.deepEqual([r.ok, r.status], [true, 201])
    const put = run.uploads.filter((u) => u.server === "frames")[1]
    t.deepEqual([put.method, put.path], ["PUT", "/in/latest.jpg"])
    sameBytes(t, put.body, run.frames[0].bytes)
})

test("a body over the server's maxBytes: rejected with 413, not retried, nothing kept, the detail says to shrink the frame", async (t) => {
    const run = await cases()
    const r = result(run, "too-large")
    t.deepEqual([r.ok, r.status, r.reason, r.attempts], [false, 413, "rejected", 1])
    t.regex(value(run, "too-large-detail") ?? "", /413: the frame is larger than it accepts; lower the quality/)
    const got = run.uploads.filter((u) => u.server === "small")
    t.deepEqual(
        got.map((u) => [u.status, u.kept, u.body.length]),
        [[413, false, 0]],
    )
})

test("a server answering 500: server-error, retried by the default policy 3 times, 1 s then 2 s apart", async (t) => {
    const run = await cases()
    const r = result(run, "server-error")
    t.deepEqual([r.ok, r.status, r.reason, r.attempts], [false, 500, "server-error", 3])
    const broken = run.uploads.filter((u) => u.server === "broken")
    t.is(broken.length, 3)
    t.true(broken.every((u) => !u.kept))
    // each attempt's body arrived one attempt's time plus the wait after the one before
    const gaps = [broken[1].atMs - broken[0].atMs, broken[2].atMs - broken[1].atMs]
    const attempt = r.ms
    for (const [i, gap] of gaps.entries()) {
        const wait = 1000 * 2 ** i
        t.true(gap >= attempt + wait && gap <= attempt + wait + 100, `gap ${i}: ${gap} ms`)
    }
    t.true(r.total >= 3 * attempt + 3000 && r.total <= 3 * attempt + 3200, `total ${r.total}`)
})

test("a server that is down: refused after the TCP handshake's round trip", async (t) => {
    const run = await cases()
    const r = result(run, "refused")
    t.deepEqual([r.ok, r.status, r.reason, r.attempts, r.sent], [false, 0, "refused", 1, 0])
    t.is(r.ms, DNS_ANSWER_MS + RTT)
    t.is(run.uploads.filter((u) => u.server === "off").length, 0)
    t.regex(value(run, "refused-detail") ?? "", /nothing accepts connections at off\.camscript\.test's port/)
})

test("a name the world's DNS does not know: dns, after one DNS answer", async (t) => {
    const run = await cases()
    const r = result(run, "dns")
    t.deepEqual([r.ok, r.reason, r.ms], [false, "dns", DNS_ANSWER_MS])
    t.regex(value(run, "dns-detail") ?? "", /the name nowhere\.camscript\.test did not resolve/)
})

test("a slow server past the timeout: timeout at 5000 ms (esp_http_client's default), yet the server kept the frame", async (t) => {
    const run = await cases()
    const r = result(run, "slow")
    t.deepEqual([r.ok, r.status, r.reason, r.ms], [false, 0, "timeout", 5000])
    // the body had arrived: a real server keeps it although the camera never hears back
    const got = run.uploads.filter((u) => u.server === "slow")
    t.deepEqual(
        got.map((u) => [u.kept, u.body.length]),
        [[true, frameLength(run)]],
    )
})

test("https: a server whose certificate chains to the script's caCert takes the frame, after two more round trips and the handshake", async (t) => {
    const run = await cases()
    const r = result(run, "https")
    const length = frameLength(run)
    t.deepEqual([r.ok, r.status, r.reason], [true, 201, ""])
    t.is(r.ms, DNS_ANSWER_MS + RTT + 2 * RTT + TLS_HANDSHAKE_CPU_MS + RTT / 2 + wifiBody(length) + RTT / 2)
    const got = run.uploads.filter((u) => u.server === "secure")
    t.is(got.length, 1)
    sameBytes(t, got[0].body, run.frames[0].bytes)
})

test("https: a certificate from another CA is refused (tls, untrusted) before any byte of the frame; insecure: true sends it", async (t) => {
    const run = await cases()
    const r = result(run, "untrusted")
    t.deepEqual([r.ok, r.reason, r.tls, r.attempts, r.sent], [false, "tls", "untrusted", 1, 0])
    t.regex(value(run, "untrusted-detail") ?? "", /does not chain to the caCert given/)
    const i = result(run, "insecure")
    t.deepEqual([i.ok, i.status], [true, 201])
    // one request reached the rogue server: the insecure one
    t.is(run.uploads.filter((u) => u.server === "rogue").length, 1)
})

test("https: a certificate for another name is refused (tls, name-mismatch)", async (t) => {
    const run = await cases()
    const r = result(run, "misnamed")
    t.deepEqual([r.ok, r.reason, r.tls], [false, "tls", "name-mismatch"])
    t.is(run.uploads.filter((u) => u.server === "misnamed").length, 0)
})

test("an access point gone quiet: the link still holds its address, nothing gets through, the attempt times out", async (t) => {
    const run = await cases()
    const r = result(run, "silent-link")
    t.deepEqual([r.ok, r.reason, r.ms, r.via, r.sent], [false, "timeout", 2000, "wifi", 0])
    // the station had not noticed yet (beacons missed for 6 s, at 46 s): its address still held
    t.true(run.simulatedMs < 46000, `ended at ${run.simulatedMs}`)
    t.false(run.timeline.some((e) => e.source === "wifi" && e.event === "Idle" && e.atMs > 40000))
    t.false(run.uploads.some((u) => u.atMs > 40000))
})

test("the token in a header or a URL's query never reaches the output, the timeline or errors", async (t) => {
    const run = await cases()
    t.false(everything(run).includes("s3cr3t"))
    t.false(everything(run).includes("q7-secret"))
    // the timeline tells each upload by server, size and status
    t.true(
        run.timeline.some(
            (e) =>
                e.source === "upload" && e.event === "received" && /^frames POST \/in\?… \d+ B -> 201$/.test(e.detail),
        ),
    )
})

const MISUSE = `
import { camera, upload } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA" })
const frame = await cam.capture()
async function tryIt(name: string, f: () => Promise<any>) {
    try {
        const r = await f()
        console.log(\`\${name} returned \${r.ok} \${r.reason} \${r.attempts} \${r.total_ms}\`)
    } catch (e) {
        console.log(\`\${name} threw \${(e as Error).message}\`)
    }
}
await tryIt("no-ca", async () => await upload.post("https://uploads.camscript.test/in", frame))
await tryIt("ca-on-http", async () => await upload.post("http://frames.camscript.test/in", frame, { insecure: true }))
await tryIt("both", async () => await upload.post("https://uploads.camscript.test/in", frame, { insecure: true, caCert: "x" }))
await tryIt("bad-ca", async () => await upload.post("https://uploads.camscript.test/in", frame, { caCert: "not a pem" }))
await tryIt("scheme", async () => await upload.post("ftp://frames.camscript.test/in", frame))
await tryIt("option", async () => await upload.post("http://frames.camscript.test/in", frame, { timeout: 5 } as any))
await tryIt("reason", async () => await upload.post("http://frames.camscript.test/in", frame, { retry: { on: ["flaky"] } }))
await tryIt("not-frame", async () => await upload.post("http://frames.camscript.test/in", 42 as any))
await tryIt("content-type", async () => await upload.post("http://frames.camscript.test/in", frame, { headers: { "Content-Type": "image/png" } }))
await tryIt("no-link", async () => await upload.post("http://frames.camscript.test/in", frame))
await tryIt("no-link-once", async () => await upload.post("http://frames.camscript.test/in", frame, { retry: { attempts: 1 } }))
await tryIt("no-link-policy", async () => await upload.post("http://frames.camscript.test/in", frame, { retry: { attempts: 4, delay_ms: 250, on: ["no-link"] } }))
await tryIt("not-retried", async () => await upload.post("http://frames.camscript.test/in", frame, { retry: { attempts: 4, on: ["dns"] } }))
await frame.release()
await tryIt("released", async () => await upload.post("http://frames.camscript.test/in", frame))
`

let misuseRun: Promise<ScriptRun> | undefined
const misuse = () =>
    (misuseRun ??= runScript(MISUSE, { world: world([SERVERS[0]], { accessPoints: [] }), timeout: "60s" }))

test("misuse throws at once, saying what is allowed: https without caCert, caCert or insecure on http, both, a bad PEM, a bad URL, an unknown option, reason or header, not a frame, a released frame", async (t) => {
    const run = await misuse()
    t.is(run.error, undefined)
    t.regex(value(run, "no-ca") ?? "", /^threw upload\.post\(\): an https URL needs caCert, .* pass insecure: true/)
    t.regex(value(run, "ca-on-http") ?? "", /^threw upload\.post\(\): caCert and insecure are for https URLs/)
    t.regex(value(run, "both") ?? "", /^threw upload\.post\(\): caCert cannot be checked with insecure: true/)
    t.regex(value(run, "bad-ca") ?? "", /^threw upload\.post\(\): caCert is not PEM/)
    t.regex(
        value(run, "scheme") ?? "",
        /^threw upload\.post\(\): url must be an "http:\/\/" or "https:\/\/" URL of at most 512 bytes/,
    )
    t.regex(
        value(run, "option") ?? "",
        /^threw upload\.post\(\): unknown option "timeout"; allowed: headers, timeout_ms, caCert, insecure, retry/,
    )
    t.regex(
        value(run, "reason") ?? "",
        /^threw upload\.post\(\): retry\.on: unknown reason "flaky"; reasons: no-link, dns, refused, tls/,
    )
    t.regex(value(run, "not-frame") ?? "", /^threw upload\.post\(\): expected a frame from cam\.capture\(\)/)
    t.regex(value(run, "content-type") ?? "", /^threw upload\.post\(\): headers: Content-Type is written by the driver/)
    t.regex(value(run, "released") ?? "", /^threw upload\.post\(\): the frame was released/)
})

test("no link: no-link at once, retried by the default policy (3 attempts, 1 s and 2 s apart), or as the script's policy says", async (t) => {
    const run = await misuse()
    const parse = (name: string) => {
        const m = /^returned (\w+) (\S+) (\d+) (\d+)$/.exec(value(run, name) ?? "")
        if (!m) throw new Error(`${name}: ${value(run, name)}`)
        return { ok: m[1], reason: m[2], attempts: Number(m[3]), total: Number(m[4]) }
    }
    const d = parse("no-link")
    t.deepEqual([d.ok, d.reason, d.attempts], ["false", "no-link", 3])
    t.true(d.total >= 3000 && d.total < 3200, `default policy: ${d.total} ms`)
    const once = parse("no-link-once")
    t.deepEqual([once.reason, once.attempts], ["no-link", 1])
    t.true(once.total < 200, `one attempt: ${once.total} ms`)
    // 250 + 500 + 1000 ms of waits between 4 attempts
    const p = parse("no-link-policy")
    t.deepEqual([p.reason, p.attempts], ["no-link", 4])
    t.true(p.total >= 1750 && p.total < 2000, `the script's policy: ${p.total} ms`)
    // a reason the policy does not name is not retried
    const n = parse("not-retried")
    t.deepEqual([n.reason, n.attempts], ["no-link", 1])
    t.is(run.uploads.length, 0)
})

const BOTH = `
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
console.log(\`frame \${frame.sequence} \${frame.length}\`)
async function report(name: string, r: any) {
    const head = \`\${r.ok} \${r.status} [\${r.reason}] \${r.attempts}\`
    console.log(\`\${name} \${head} \${r.ms} \${r.via}\`)
}
let r = await upload.post("http://frames.camscript.test/in", frame)
await report("both-up", r)
// a slow server still thinking when the cable is pulled at 20 s: the answer never comes back
while (ds.millis() < 14000) await ds.sleep(500)
r = await upload.post("http://slow.camscript.test/in", frame, { timeout_ms: 15000, retry: { attempts: 1 } })
await report("cable-pulled", r)
// the next upload goes over Wi-Fi
while (ds.millis() < 25000) await ds.sleep(500)
r = await upload.post("http://frames.camscript.test/in", frame)
await report("wifi-only", r)
// the server is down from 30 s to 33 s: the policy rides it out
while (ds.millis() < 30000) await ds.sleep(100)
r = await upload.post("http://flaky.camscript.test/in", frame, { retry: { attempts: 5, delay_ms: 1000 } })
await report("outage", r)
await frame.release()
`

test("Ethernet first while it holds an address, connection-lost when the cable comes out mid-answer, Wi-Fi after; a server outage ridden out by the retry policy, the frame kept once", async (t) => {
    const run = await runScript(BOTH, {
        world: {
            board: "esp32_cam_w5500",
            camera: { name: "gate" },
            accessPoints: [AP],
            ethernet: { cable: "plugged", dhcp: { subnet: "10.20.0.0/24", gateway: "10.20.0.1", dns: ["10.20.0.1"] } },
            servers: [
                { name: "frames", url: "http://frames.camscript.test/in" },
                { name: "flaky", url: "http://flaky.camscript.test/in", down: [{ from: "30s", until: "33s" }] },
                { name: "slow", url: "http://slow.camscript.test/in", behaviour: "slow", slowBy: "8s" },
            ],
            events: [{ at: "20s", action: "unplug-cable" }],
        },
        timeout: "60s",
    })
    t.is(run.error, undefined)
    const length = Number((value(run, "frame") ?? "").split(" ")[1])
    const line = (name: string) => (value(run, name) ?? "").split(" ")
    const eth = line("both-up")
    t.deepEqual([eth[0], eth[1], eth[2], eth[3], eth[5]], ["true", "201", "[]", "1", "eth"], `${eth}`)
    // the body at the Ethernet rate
    t.is(Number(eth[4]), DNS_ANSWER_MS + RTT + RTT / 2 + Math.ceil((length * 1000) / ETH_BYTES_PER_S) + RTT / 2)
    // the body went out over Ethernet (the server kept it); the answer was due after the cable came out
    const pulled = line("cable-pulled")
    t.deepEqual([pulled[0], pulled[2], pulled[5]], ["false", "[connection-lost]", "eth"], `${pulled}`)
    const slow = run.uploads.filter((u) => u.server === "slow")
    t.deepEqual(
        slow.map((u) => [u.via, u.kept]),
        [["eth", true]],
    )
    const wifi = line("wifi-only")
    t.deepEqual([wifi[0], wifi[1], wifi[5]], ["true", "201", "wifi"], `${wifi}`)
    const frames = run.uploads.filter((u) => u.server === "frames")
    t.deepEqual(
        frames.map((u) => u.via),
        ["eth", "wifi"],
    )
    // attempts at ~30.0 s and ~31.0 s are refused (1 s wait), the third after a 2 s wait is past 33 s
    const outage = line("outage")
    t.deepEqual([outage[0], outage[1], outage[3]], ["true", "201", "3"], `${outage}`)
    const flaky = run.uploads.filter((u) => u.server === "flaky")
    t.is(flaky.length, 1)
    t.true(flaky[0].atMs >= 33000 && flaky[0].atMs < 33300, `kept at ${flaky[0].atMs}`)
    sameBytes(t, flaky[0].body, run.frames[0].bytes)
})

test("examples/timelapse-upload.ts: a frame a minute rides out a router reboot and a server outage; the server keeps each captured frame once, in order", async (t) => {
    const run = await runFile(fromRoot("examples/timelapse-upload.ts"), { world: "timelapse-upload", timeout: "11m" })
    // the timelapse runs forever: the run ends at its time limit
    t.is(run.outcome, "timeout", run.error)
    t.is(run.frames.length, 11)
    const kept = run.uploads.filter((u) => u.kept)
    t.deepEqual(
        kept.map((u) => u.path),
        run.frames.map((f) => `/timelapse/${f.sequence}.jpg`),
    )
    kept.forEach((u, i) => {
        sameBytes(t, u.body, run.frames[i].bytes)
        t.is(readFrameCode(decodeJpeg(u.body))?.sequence, run.frames[i].sequence)
        t.is(u.method, "PUT")
    })
    // the first frame waited for the first join and the frame of 3 min for the router (no link),
    // those of 6, 7 and 8 min for the server (refused)
    const waited = run.lines.filter((l) => / waits /.test(l))
    t.deepEqual(
        waited.map((l) => /\): (\S+)$/.exec(l)![1]),
        ["no-link", "no-link", "refused", "refused", "refused"],
    )
    // each went out with the next minute's frame, oldest first; nothing was given up
    t.false(run.lines.some((l) => /given up/.test(l)))
    const at = (i: number) => kept[i].atMs
    t.true(at(3) > 4 * 60_000 && at(3) < at(4), `3-min frame kept at ${at(3)}`)
    for (const i of [6, 7, 8]) t.true(at(i) > 9 * 60_000, `${i}-min frame kept at ${at(i)}`)
})
