import test, { type ExecutionContext } from "ava"
import { connect, type Socket } from "node:net"
import { readFrameNumber } from "../testing/index"
import { STREAM_BOUNDARY } from "../sim/drivers/camera-server"
import type { DriverKind } from "../sim/firmware/drivers"
import { SERVE, serveRun, streamParts } from "./helpers/serve"
import { runScript } from "./helpers/run"

// The camera's server through both drivers: the model
// (sim/drivers/camera-server.ts) and the firmware's C
// (firmware/main/cam_camera_server.c, its httpd task and stream task inside
// the WebAssembly module over the simulated esp_http_server,
// sim/firmware/esp-http-server.ts). Real HTTP on a loopback port in a
// realtime run, this test the client; what each client gets must be the
// same: the statuses, the headers that matter, the bodies' text, the frames
// in order, and what the script heard (on_client).

interface Answer {
    status: number
    type: string | null
    retry: string | null
    auth: string | null
    text?: string
}

async function answer(res: Response, body = true): Promise<Answer> {
    return {
        status: res.status,
        type: res.headers.get("content-type"),
        retry: res.headers.get("retry-after"),
        auth: res.headers.get("www-authenticate"),
        text: body ? await res.text() : undefined,
    }
}

/**
 * One client of each kind, in turn: a snapshot, a stream (4 of its frames),
 * a second stream while it is open, a path not served. `afterSnapshot` runs
 * between the snapshot and the stream.
 */
async function oneClientOfEach(base: string, afterSnapshot: () => void = () => {}) {
    const snapshot = await fetch(`${base}/capture`)
    const snap = {
        ...(await answer(snapshot, false)),
        frame: readFrameNumber(Buffer.from(await snapshot.arrayBuffer())),
    }
    afterSnapshot()
    const first = await fetch(`${base}/stream`)
    const stream = await answer(first, false)
    const second = await answer(await fetch(`${base}/stream`))
    const parts = await streamParts(first, 4)
    const missing = await answer(await fetch(`${base}/nothing-here`))
    return { snap, stream, second, missing, frames: parts.map((p) => readFrameNumber(p)?.sequence) }
}

async function both<T>(
    t: ExecutionContext,
    source: string,
    clients: (base: string) => Promise<T>,
): Promise<Record<DriverKind, { result: T; lines: string[] }>> {
    const out = {} as Record<DriverKind, { result: T; lines: string[] }>
    const byHttpd = (timeline: { source: string; detail: string }[]) =>
        timeline.filter((e) => e.source === "server" && e.detail.endsWith("(esp_http_server)")).length
    // the model tells the script before its answer goes out, the C after (its main loop
    // sends the `served` event): the C's run ends once its script has heard as many
    // clients as the model's did (or 5 s later, for the comparison below to fail)
    let modelHeard = 0
    for (const driver of ["model", "firmware"] as const) {
        let heard = 0
        const { run, result } = await serveRun(
            source,
            async (base) => {
                const r = await clients(base)
                await new Promise((resolve) => setTimeout(resolve, 300))
                for (let waited = 0; driver === "firmware" && heard < modelHeard && waited < 5000; waited += 50)
                    await new Promise((resolve) => setTimeout(resolve, 50))
                return r
            },
            30_000,
            { driver, onLine: (text) => (heard += text.startsWith("client ") ? 1 : 0) },
        )
        if (driver === "model") modelHeard = heard
        t.is(run.outcome, "finished", `${driver}: ${run.error}`)
        // under --driver firmware the C answered (its httpd), not the model
        if (driver === "firmware") t.true(byHttpd(run.timeline) > 0, "the C's httpd answered nothing")
        else t.is(byHttpd(run.timeline), 0)
        t.true(run.served.length > 0)
        out[driver] = { result, lines: run.lines }
    }
    return out
}

test.serial(
    "serving through both drivers: a snapshot, the stream's frames in order, a second stream client's 503, a path not served",
    async (t) => {
        const seen = await both(t, SERVE("{ fps: 5 }"), (base) => oneClientOfEach(base))
        const m = seen.model.result
        const f = seen.firmware.result
        t.log(JSON.stringify(m), JSON.stringify(f))
        for (const r of [m, f]) {
            t.is(r.snap.status, 200)
            t.is(r.snap.type, "image/jpeg")
            t.true(r.snap.frame !== undefined)
            t.is(r.stream.status, 200)
            t.is(r.stream.type, `multipart/x-mixed-replace; boundary=${STREAM_BOUNDARY}`)
            // in order, never one twice
            for (let i = 1; i < r.frames.length; i++) t.true(r.frames[i]! > r.frames[i - 1]!, `${r.frames}`)
            t.is(r.frames.length, 4)
        }
        t.deepEqual(f.second, m.second)
        t.deepEqual(f.missing, m.missing)
        t.deepEqual(seen.firmware.lines, seen.model.lines)
    },
)

test.serial(
    "serving with a password through both drivers: 401 without it or with a wrong one, the snapshot with it",
    async (t) => {
        const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`
        const seen = await both(t, SERVE(`{ user: "admin", password: "s3cret-pass" }`), async (base) => {
            const none = await answer(await fetch(`${base}/capture`))
            const wrong = await answer(
                await fetch(`${base}/capture`, { headers: { Authorization: basic("admin:nope") } }),
            )
            const right = await fetch(`${base}/capture`, { headers: { Authorization: basic("admin:s3cret-pass") } })
            return {
                none,
                wrong,
                right: { ...(await answer(right, false)), bytes: (await right.arrayBuffer()).byteLength > 0 },
            }
        })
        t.deepEqual(seen.firmware.result, seen.model.result)
        t.is(seen.model.result.none.status, 401)
        t.is(seen.model.result.right.status, 200)
        t.deepEqual(seen.firmware.lines, seen.model.lines)
    },
)

test("serve, serve again with other settings, stop: the same states through both drivers (the C's stop waits for its stream task)", async (t) => {
    const source = `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve()
function say(label: string) {
    const state = \`\${server.status()} \${server.status("reason")} \${server.status("port")}\`
    const paths = \`\${server.status("stream")} \${server.status("snapshot")}\`
    console.log(\`\${label} \${state} \${paths} \${server.status("fps")} \${server.status("clients")}\`)
}
say("serving")
await cam.serve({ port: 8080, fps: 3, stream: "/live", snapshot: false })
say("again")
const f = await cam.capture()
try {
    await cam.capture()
    console.log("second: ok")
} catch (e) {
    console.log(\`second: \${(e as Error).message}\`)
}
await f.release()
await server.stop()
say("stopped")
const g1 = await cam.capture()
const g2 = await cam.capture()
console.log(\`after stop: two held \${cam.status("held")}\`)
await g1.release()
await g2.release()
`
    const world = { board: "ai_thinker_esp32_cam", camera: { position: [0, 0], name: "porch" }, accessPoints: [] }
    const model = await runScript(source, { world, timeout: "30s", driver: "model" })
    const firmware = await runScript(source, { world, timeout: "30s", driver: "firmware" })
    t.is(model.outcome, "finished", model.error)
    t.is(firmware.outcome, "finished", firmware.error)
    t.deepEqual(firmware.lines, model.lines)
    t.is(model.lines[0], "serving serving  80 /stream /capture 10 0")
    t.true(model.lines.includes("stopped off stopped 8080 /live  3 0"), model.lines.join("\n"))
})

test("the server follows the camera through both drivers: paused with camera-not-ready when the sensor stops (the camera finds out on its next frame), serving again once the camera is re-initialised", async (t) => {
    const source = `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve()
server.on_change((c) => console.log(\`change \${c.state} \${c.reason}\`))
while (ds.millis() < 3000) await ds.sleep(100)
console.log(\`at 3 s: \${server.status()} \${server.status("reason")} camera \${cam.status()}\`)
await cam.init({ framesize: "QQVGA", fb_count: 2 })
while (ds.millis() < 5000) await ds.sleep(100)
console.log(\`at 5 s: \${server.status()} \${server.status("reason")} camera \${cam.status()}\`)
`
    const world = {
        board: "ai_thinker_esp32_cam",
        camera: { position: [0, 0], name: "porch" },
        accessPoints: [],
        events: [{ at: 2000, action: "camera-sensor-stop" }],
    }
    const model = await runScript(source, { world, timeout: "8s", driver: "model" })
    const firmware = await runScript(source, { world, timeout: "8s", driver: "firmware" })
    // a serving program runs on after its last line: each run ends at its time limit
    t.is(model.outcome, "timeout", model.error)
    t.is(firmware.outcome, "timeout", firmware.error)
    t.deepEqual(firmware.lines, model.lines)
    t.deepEqual(model.lines.slice(1, 3), ["change paused camera-not-ready", "change serving "], model.lines.join("\n"))
})

// One ESP-IDF rule only the C's simulated httpd models (the model's server
// has no session limit): HTTPD_DEFAULT_CONFIG()'s max_open_sockets is 7, and
// with lru_purge_enable false httpd stops selecting its listening socket
// while every session is taken (httpd_main.c v5.0.5, httpd_server), so an
// eighth client waits, unanswered, until a session closes.
test.serial(
    "under --driver firmware an eighth connection waits for one of the seven sessions (max_open_sockets) and is answered once one closes",
    async (t) => {
        const ask = (base: string) =>
            new Promise<{ socket: Socket; answered: Promise<string> }>((resolve, reject) => {
                const u = new URL(base)
                const socket = connect(Number(u.port), u.hostname, () => {
                    socket.write("GET /capture HTTP/1.1\r\nHost: camera\r\n\r\n")
                    let text = ""
                    const answered = new Promise<string>((done) =>
                        socket.on("data", (b: Buffer) => {
                            text += b.toString("latin1")
                            if (text.includes("\r\n\r\n")) done(text.split("\r\n")[0])
                        }),
                    )
                    resolve({ socket, answered })
                })
                socket.on("error", reject)
            })
        const { run, result } = await serveRun(
            SERVE("{ fps: 5 }"),
            async (base) => {
                const seven = []
                for (let i = 0; i < 7; i++) seven.push(await ask(base))
                const statuses = await Promise.all(seven.map((s) => s.answered))
                const eighth = await ask(base)
                const early = await Promise.race([
                    eighth.answered,
                    new Promise<string>((r) => setTimeout(() => r("waiting"), 800)),
                ])
                seven[0].socket.destroy()
                const late = await eighth.answered
                for (const s of [...seven, eighth]) s.socket.destroy()
                await new Promise((r) => setTimeout(r, 300))
                return { statuses, early, late }
            },
            30_000,
            { driver: "firmware" },
        )
        t.is(run.outcome, "finished", run.error)
        t.deepEqual(result.statuses, Array(7).fill("HTTP/1.1 200 OK"))
        t.is(result.early, "waiting")
        t.is(result.late, "HTTP/1.1 200 OK")
    },
)

test.serial(
    "a 2.5 s stall of the host (past the VM's 2 s device expiry) loses none of the script's on_client events",
    async (t) => {
        // without the VM's stall guard (sim/vm/vm-clock.ts) the VM dropped the
        // drivers' device during the stall and, once it was back, every event
        // after the snapshot's: the script heard 'ready' and one client
        const { run } = await serveRun(
            SERVE("{ fps: 5 }"),
            async (base) => {
                // the test's thread is the simulator's: the busy wait stalls the host
                await oneClientOfEach(base, () => {
                    for (const end = Date.now() + 2500; Date.now() < end;);
                })
                await new Promise((resolve) => setTimeout(resolve, 300))
            },
            30_000,
            { driver: "model" },
        )
        t.is(run.outcome, "finished", run.error)
        t.deepEqual(run.lines, [
            "ready",
            "client snapshot opened 200",
            "client stream opened 200",
            "client stream refused 503",
            "client other not-found 404",
            "client stream closed 200",
        ])
    },
)
