import test from "ava"
import { readFrameNumber, runSource } from "../testing/index"
import { framePeriodMs } from "../sim/camera/timing"
import { frameSizeIndex } from "../src/camera/sizes"
import { STREAM_BOUNDARY } from "../sim/drivers/camera-server"
import { CAMERA_WORLD, SERVE, serveRun, streamParts } from "./helpers/serve"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { runScript, value } from "./helpers/run"

// The camera's server seen from outside: a script compiled to bytecode
// serves (src/camera/server.ts over services/camera-server.md), the model
// driver answers real HTTP on a loopback port in a realtime run, and this
// test is the client. Frame numbers are read back from the JPEGs' test card,
// not from the headers the driver writes.

test.serial(
    "a stream client gets frames in order at the fps asked; a second one gets 503 with Retry-After",
    async (t) => {
        const { run, result } = await serveRun(SERVE(`{ fps: 5 }`), async (base) => {
            const first = await fetch(`${base}/stream`)
            const type = first.headers.get("content-type")
            const second = await fetch(`${base}/stream`)
            const refused = {
                status: second.status,
                retry: second.headers.get("retry-after"),
                text: await second.text(),
            }
            const parts = await streamParts(first, 6)
            return { type, refused, parts }
        })
        t.is(run.outcome, "finished", run.error)
        t.is(result.type, `multipart/x-mixed-replace; boundary=${STREAM_BOUNDARY}`)
        t.deepEqual(result.refused, {
            status: 503,
            retry: "5",
            text: "this camera serves 1 stream client at a time; try again in 5 s\n",
        })
        const numbers = result.parts.map((p) => readFrameNumber(p))
        t.true(numbers.every((n) => n !== undefined))
        const seqs = numbers.map((n) => n!.sequence)
        const times = numbers.map((n) => n!.timeMs)
        // strictly increasing: in order, never a frame twice
        for (let i = 1; i < seqs.length; i++) t.true(seqs[i] > seqs[i - 1], `${seqs}`)
        // 5 fps over a sensor of 20 ms a frame (QQVGA): frames about 200 ms of exposure apart, never closer
        const period = framePeriodMs("OV2640", frameSizeIndex("QQVGA"))
        for (let i = 1; i < times.length; i++) t.true(times[i] - times[i - 1] >= 200 - period, `${times}`)
        // the run's record agrees with what arrived
        const stream = run.served.find((r) => r.kind === "stream" && r.status === 200)!
        t.deepEqual(stream.sequences.slice(0, seqs.length), seqs)
        t.is(run.served.filter((r) => r.kind === "stream" && r.status === 503).length, 1)
        t.true(run.lines.includes("client stream refused 503"))
        t.true(run.lines.includes("client stream opened 200"))
    },
)

const MISUSE = `
import { camera } from "camscript"
const cam = new camera.Camera()
async function tryIt(label: string, f: () => Promise<any>) {
    try {
        await f()
        console.log(\`\${label}: ok\`)
    } catch (e) {
        console.log(\`\${label}: \${(e as Error).message}\`)
    }
}
await tryIt("before init", async () => {
    await cam.serve()
})
await cam.init({ framesize: "QQVGA", fb_count: 1 })
await tryIt("one buffer", async () => {
    await cam.serve()
})
await cam.init({ framesize: "QQVGA", fb_count: 2 })
await tryIt("port 0", async () => {
    await cam.serve({ port: 0 })
})
await tryIt("port 65536", async () => {
    await cam.serve({ port: 65536 })
})
await tryIt("fps 31", async () => {
    await cam.serve({ fps: 31 })
})
await tryIt("fps 0", async () => {
    await cam.serve({ fps: 0 })
})
await tryIt("clients 4", async () => {
    await cam.serve({ stream_clients: 4 })
})
await tryIt("path", async () => {
    await cam.serve({ stream: "stream" })
})
await tryIt("path space", async () => {
    await cam.serve({ snapshot: "/a b" })
})
await tryIt("both off", async () => {
    await cam.serve({ stream: false, snapshot: false })
})
await tryIt("same", async () => {
    await cam.serve({ stream: "/x", snapshot: "/x" })
})
await tryIt("user alone", async () => {
    await cam.serve({ user: "me" })
})
await tryIt("user colon", async () => {
    await cam.serve({ user: "a:b", password: "pw" })
})
await tryIt("password", async () => {
    await cam.serve({ password: "secret\\u00e9pass" })
})
await tryIt("unknown", async () => {
    await cam.serve({ prot: 80 } as any)
})
const server = await cam.serve()
console.log(\`defaults: \${server.status()} \${server.status("port")} \${server.status("stream")} \${server.status("snapshot")} \${server.status("fps")} \${server.status("clients")} [\${server.status("reason")}]\`)
await tryIt("status key", async () => {
    server.status("bogus")
})
await tryIt("on_client", async () => {
    server.on_client(5 as any)
})
await tryIt("on_change", async () => {
    server.on_change("x" as any)
})
// one buffer is the server's: the script may hold one of two
const f = await cam.capture()
await tryIt("second frame", async () => {
    await cam.capture()
})
await f.release()
await tryIt("fb_count 1", async () => {
    await cam.config({ fb_count: 1 })
})
await server.stop()
console.log(\`stopped: \${server.status()} \${server.status("reason")}\`)
const g1 = await cam.capture()
const g2 = await cam.capture()
console.log(\`after stop: two held \${cam.status("held")}\`)
await g1.release()
await g2.release()
await tryIt("all held", async () => {
    const a = await cam.capture()
    const b = await cam.capture()
    try {
        await cam.serve()
    } finally {
        await a.release()
        await b.release()
    }
})
`

test.serial(
    "serve(): misuse throws at once with what is allowed; the defaults; one buffer is the server's",
    async (t) => {
        const run = await runScript(MISUSE, { world: CAMERA_WORLD, timeout: "30s" })
        t.is(run.outcome, "finished", run.error)
        const said = (label: string) => value(run, `${label}:`)
        t.is(
            said("before init"),
            "serve(): the camera is off: await cam.init() first (it serves frames from the camera's buffers)",
        )
        t.is(
            said("one buffer"),
            "serve(): the camera has 1 frame buffer and serving needs one of its own besides the script's: init({ fb_count: 2 }) (a board without PSRAM has room for one only, and cannot serve)",
        )
        t.regex(said("port 0")!, /^serve\(\): port must be a TCP port 1\.\.65535, got 0/)
        t.regex(said("port 65536")!, /^serve\(\): port must be a TCP port 1\.\.65535, got 65536/)
        t.regex(said("fps 31")!, /^serve\(\): fps must be an integer 1\.\.30 \(frames a second\), got 31/)
        t.regex(said("fps 0")!, /^serve\(\): fps must be an integer 1\.\.30/)
        t.regex(said("clients 4")!, /^serve\(\): stream_clients must be an integer 1\.\.3, got 4/)
        t.regex(said("path")!, /^serve\(\): stream must be a path of 1\.\.64 characters starting with "\/"/)
        t.regex(said("path space")!, /^serve\(\): snapshot must be a path/)
        t.is(said("both off"), "serve(): stream and snapshot are both false: serve at least one of them")
        t.is(said("same"), 'serve(): stream and snapshot must be different paths, both are "/x"')
        t.is(said("user alone"), "serve(): user is for HTTP Basic with a password; give password too (or neither)")
        t.regex(said("user colon")!, /^serve\(\): user must be 1\.\.32 printable ASCII characters without ":"/)
        // the password is never quoted back
        t.is(said("password"), "serve(): password must be 1..64 printable ASCII characters; it holds another character")
        t.false(run.lines.some((l) => l.includes("secret")))
        t.regex(
            said("unknown")!,
            /^serve\(\): unknown option "prot"; allowed: port, stream, snapshot, fps, stream_clients, user, password/,
        )
        t.is(said("defaults"), "serving 80 /stream /capture 10 0 []")
        t.is(
            said("status key"),
            'status(): unknown parameter "bogus"; allowed: "reason", "detail", "port", "stream", "snapshot", "fps", "clients", "frames", "snapshots"',
        )
        t.is(said("on_client"), "on_client(): expected a function (client) => { ... }, got 5")
        t.is(said("on_change"), 'on_change(): expected a function (change) => { ... }, got "x"')
        t.regex(
            said("second frame")!,
            /^capture\(\): 1 of the 2 frame buffers are the script's while the camera serves/,
        )
        t.regex(said("fb_count 1")!, /^config\(\): fb_count must be 2 or more while the camera serves/)
        t.is(said("stopped"), "off stopped")
        t.is(said("after stop"), "two held 2")
        t.is(
            said("all held"),
            "serve(): all 2 frame buffers are held by frames not released, and serving needs one: await frame.release() on one first",
        )
    },
)

test.serial(
    "camscript/testing: runSource({ serve }) gives the test the server's URL and keeps what it served",
    async (t) => {
        const got: { status: number; sequence?: number; timeMs?: number }[] = []
        const run = await runSource(
            `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve({ port: 8081, snapshot: "/snap.jpg", stream: false })
server.on_client((c) => console.log(\`\${c.kind} \${c.event} \${c.status} \${c.address}\`))
`,
            {
                world: CAMERA_WORLD,
                timeout: "30s",
                serve: {
                    clients: async (url) => {
                        for (const path of ["/snap.jpg", "/snap.jpg?x=1", "/stream", "/", "POST /snap.jpg"]) {
                            const [method, p] = path.startsWith("POST ") ? ["POST", path.slice(5)] : ["GET", path]
                            const res = await fetch(`${url}${p}`, { method })
                            const body = Buffer.from(await res.arrayBuffer())
                            got.push({
                                status: res.status,
                                sequence: res.ok ? readFrameNumber(body)?.sequence : undefined,
                                timeMs: res.ok ? readFrameNumber(body)?.timeMs : undefined,
                            })
                        }
                    },
                },
            },
        )
        t.is(run.outcome, "finished", run.error)
        // the query is not part of the path (httpd matches up to '?'); a path not served is 404
        t.deepEqual(
            got.map((g) => g.status),
            [200, 200, 404, 404, 405],
        )
        t.deepEqual(
            run.served.map((r) => [r.kind, r.path, r.status, r.address]),
            [
                ["snapshot", "/snap.jpg", 200, "127.0.0.1"],
                ["snapshot", "/snap.jpg", 200, "127.0.0.1"],
                ["other", "/stream", 404, "127.0.0.1"],
                ["other", "/", 404, "127.0.0.1"],
                ["other", "/snap.jpg", 405, "127.0.0.1"],
            ],
        )
        // what the test received is what the camera says it sent, and a later snapshot is a later frame
        t.deepEqual(run.served[0].sequences, [got[0].sequence])
        t.deepEqual(run.served[1].sequences, [got[1].sequence])
        t.true(got[1].sequence! > got[0].sequence!)
        // fresh, as capture(): each snapshot's exposure started after its request arrived
        t.true(got[0].timeMs! >= run.served[0].atMs, `${got[0].timeMs} ${run.served[0].atMs}`)
        t.true(got[1].timeMs! >= run.served[1].atMs, `${got[1].timeMs} ${run.served[1].atMs}`)
        t.true(run.served.every((r) => r.endedAtMs >= r.atMs))
        // the script heard of each, through the contract's served events
        t.deepEqual(run.lines, [
            "snapshot opened 200 127.0.0.1",
            "snapshot opened 200 127.0.0.1",
            "other not-found 404 127.0.0.1",
            "other not-found 404 127.0.0.1",
            "other not-found 405 127.0.0.1",
        ])
    },
)

test.serial(
    "the server pauses while the camera is not ready and serves again after a restart; stop() turns it off",
    async (t) => {
        const run = await runScript(
            `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve()
const off = server.on_change((c) => console.log(\`change \${ds.millis() >= 2000 ? "late" : "early"} \${c.state} [\${c.reason}] \${c.detail}\`))
await ds.sleep(3000)
console.log(\`camera \${cam.status()} server \${server.status()} \${server.status("reason")}\`)
await cam.init()
console.log(\`restarted: camera \${cam.status()} server \${server.status()}\`)
await server.stop()
off()
`,
            { world: { ...CAMERA_WORLD, events: [{ at: "2s", action: "camera-brownout" }] }, timeout: "30s" },
        )
        t.is(run.outcome, "finished", run.error)
        t.deepEqual(
            run.lines.filter((l) => l.startsWith("change")),
            [
                "change late paused [camera-not-ready] the camera is not ready (failed or restarting): clients get 503 until it is; see cam.status()",
                "change late serving [] ",
                "change late off [stopped] stop() was called: serve() again",
            ],
        )
        t.true(run.lines.includes("camera failed server paused camera-not-ready"))
        t.true(run.lines.includes("restarted: camera ready server serving"), run.lines.join("\n"))
    },
)

test.serial(
    "the VM heap stays flat while the camera streams: frames go from the driver's buffer to the socket",
    async (t) => {
        // what a collection keeps is exact only right after it (between
        // collections the estimate drifts as buffers are freed): the kept
        // bytes are read at the first line after each collection (the used
        // bytes fell), and the stream runs until two collections are seen
        const kept: number[] = []
        let lastUsed = Infinity
        let gcHeap: (() => GcHeapStats) | undefined
        const { run, result } = await serveRun(
            `
import * as ds from "@devicescript/core"
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA", fb_count: 2 })
const server = await cam.serve({ fps: 30 })
console.log("ready")
for (;;) {
    await ds.sleep(50)
    console.log(\`frames \${server.status("frames")}\`)
}
`,
            async (base) => {
                const res = await fetch(`${base}/stream`)
                const reader = res.body!.getReader()
                let bytes = 0
                const start = Date.now()
                while (kept.length < 2 && Date.now() - start < 30_000) bytes += (await reader.read()).value?.length ?? 0
                await reader.cancel()
                return bytes
            },
            60_000,
            {
                onVmStarted: (vm) => (gcHeap = vm.gcHeap),
                onLine: (text) => {
                    if (!text.startsWith("frames ") || !gcHeap) return
                    const heap = gcHeap()
                    if (heap.usedBytes < lastUsed && lastUsed !== Infinity) kept.push(heap.keptBytes)
                    lastUsed = heap.usedBytes
                },
            },
        )
        t.is(run.outcome, "finished", run.error)
        const sent = run.served.find((r) => r.kind === "stream")!.sequences.length
        t.log(`${sent} frames, ${result} bytes streamed; kept after each collection: ${kept.join(", ")} B`)
        // QVGA frames are about 11 KB: one of them in the heap would show
        t.true(sent >= 30 && result > 30 * 5000, `${sent} frames, ${result} bytes`)
        // a leak climbs from one collection to the next (about 120 frames
        // apart: 5 B a frame is 600 B); what one keeps moves by about 150 B
        // either way
        t.true(kept.length >= 2, `${kept.length} collections seen`)
        t.true(kept[1] - kept[0] < 512, `kept ${kept.join(", ")} B`)
    },
)
