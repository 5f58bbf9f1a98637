import test from "ava"
import { readFrameNumber } from "../testing/index"
import { Browser } from "./helpers/chromium"
import { needs } from "./helpers/needs"
import { serveRun } from "./helpers/serve"

// The live view in a real browser: headless Chromium, driven over its
// DevTools protocol (test/helpers/chromium.ts), opens the simulated
// camera's snapshot and stream URLs while the script serves in real time.
// The frames are the bytes Chromium received, sent back to the test and
// read here: the test card's frame numbers must arrive in order and move.

const SCRIPT = `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
await cam.serve({ fps: 8 })
console.log("ready")
`

/** In the page: read `count` JPEG parts of the stream at `path` (fetch, so the test sees the exact bytes), as base64. */
const READ_STREAM = (path: string, count: number) => `(async () => {
    const res = await fetch(${JSON.stringify(path)})
    const type = res.headers.get("content-type")
    const boundary = "--" + /boundary=([^;]+)/.exec(type)[1]
    const reader = res.body.getReader()
    let buf = new Uint8Array(0)
    const parts = []
    const find = (b, s, from) => {
        outer: for (let i = from; i + s.length <= b.length; i++) {
            for (let j = 0; j < s.length; j++) if (b[i + j] !== s.charCodeAt(j)) continue outer
            return i
        }
        return -1
    }
    // a second client while this one is served
    const second = await fetch(${JSON.stringify(path)})
    const refused = { status: second.status, retryAfter: second.headers.get("retry-after") }
    while (parts.length < ${count}) {
        const { value, done } = await reader.read()
        if (done) break
        const joined = new Uint8Array(buf.length + value.length)
        joined.set(buf)
        joined.set(value, buf.length)
        buf = joined
        for (;;) {
            const start = find(buf, boundary, 0)
            const end = find(buf, "\\r\\n\\r\\n", Math.max(start, 0))
            if (start < 0 || end < 0) break
            const head = new TextDecoder().decode(buf.subarray(start, end))
            const length = Number(/Content-Length: (\\d+)/i.exec(head)[1])
            if (buf.length < end + 4 + length) break
            const jpeg = buf.subarray(end + 4, end + 4 + length)
            let s = ""
            for (const b of jpeg) s += String.fromCharCode(b)
            parts.push(btoa(s))
            buf = buf.subarray(end + 4 + length)
        }
    }
    await reader.cancel()
    return { type, refused, parts }
})()`

/** In the page: the <img> of the stream once it shows a picture, and a client while it does. */
const VIEW_STREAM = (path: string) => `(async () => {
    const img = document.createElement("img")
    document.body.appendChild(img)
    // the fetch before was cancelled: its slot frees once the server sees the socket close
    for (let i = 0; i < 50; i++) {
        img.src = ${JSON.stringify(path)} + "?view=" + i
        await new Promise((r) => setTimeout(r, 200))
        if (img.naturalWidth > 0) break
    }
    const second = await fetch(${JSON.stringify(path)})
    return { width: img.naturalWidth, height: img.naturalHeight, second: second.status }
})()`

const decode = (b64: string) => readFrameNumber(Buffer.from(b64, "base64"))

// through the model driver and through the firmware's C (its httpd and stream tasks in the WebAssembly module)
for (const driver of ["model", "firmware"] as const)
    needs("chromium", test.serial)(
        `Chromium shows the snapshot and the live stream; frames arrive in order with moving numbers; a second stream client gets 503 (--driver ${driver})`,
        async (t) => {
            const browser = Browser.launch()
            t.teardown(() => browser.close())
            const { run, result } = await serveRun(
                SCRIPT,
                async (base) => {
                    const page = await browser.newPage()
                    // the snapshot, as a person opens it: Chromium shows the JPEG as an image document
                    await page.goto(`${base}/capture`)
                    const shown = await page.evaluate<{ type: string; width: number }>(
                        `({ type: document.contentType, width: document.images[0].naturalWidth })`,
                    )
                    const snaps = await page.evaluate<string[]>(`(async () => {
                const out = []
                for (let i = 0; i < 2; i++) {
                    const b = new Uint8Array(await (await fetch("/capture")).arrayBuffer())
                    let s = ""
                    for (const x of b) s += String.fromCharCode(x)
                    out.push(btoa(s))
                    await new Promise((r) => setTimeout(r, 300))
                }
                return out
            })()`)
                    const stream = await page.evaluate<{ type: string; refused: object; parts: string[] }>(
                        READ_STREAM("/stream", 8),
                    )
                    const view = await page.evaluate<{ width: number; height: number; second: number }>(
                        VIEW_STREAM("/stream"),
                    )
                    return { shown, snaps, stream, view }
                },
                30_000,
                { driver },
            )
            t.is(run.outcome, "finished", run.error)
            t.deepEqual(result.shown, { type: "image/jpeg", width: 160 })
            // two snapshots 300 ms apart: two different frames, the later one later
            const [a, b] = result.snaps.map(decode)
            t.truthy(a && b)
            t.true(b!.sequence > a!.sequence && b!.timeMs >= a!.timeMs + 300 - 20, `${a?.sequence} ${b?.sequence}`)
            t.true(result.stream.type.startsWith("multipart/x-mixed-replace; boundary="))
            t.deepEqual(result.stream.refused, { status: 503, retryAfter: "5" })
            const numbers = result.stream.parts.map(decode)
            t.is(numbers.length, 8)
            t.true(numbers.every((n) => n !== undefined))
            const seqs = numbers.map((n) => n!.sequence)
            for (let i = 1; i < seqs.length; i++) t.true(seqs[i] > seqs[i - 1], `in order and moving: ${seqs}`)
            // the stream's frames come after the snapshots'
            t.true(seqs[0] > b!.sequence)
            // the person's view: the <img> shows the 160x120 stream, and meanwhile another client is refused
            t.deepEqual(result.view, { width: 160, height: 120, second: 503 })
            // what the camera says it served matches what Chromium received
            const streamed = run.served.find((r) => r.kind === "stream" && r.status === 200)!
            const steps = (n: number[]) => n.slice(1).map((x, i) => x - n[i])
            if (driver === "model") t.deepEqual(streamed.sequences.slice(0, 8), seqs)
            // the C numbers frames from the first it takes (cam_camera.c, sequence_of), the
            // simulated sensor draws its count from the camera's start: an offset, the same steps
            else t.deepEqual(steps(streamed.sequences.slice(0, 8)), steps(seqs))
            t.is(run.served.filter((r) => r.kind === "snapshot" && r.status === 200).length, 3)
        },
    )
