import test from "ava"
import { readFrameNumber } from "../testing/index"
import { framePeriodMs } from "../sim/camera/timing"
import { frameSizeIndex } from "../src/camera/sizes"
import { STREAM_BOUNDARY } from "../sim/drivers/camera-server"
import { serveRun } from "./helpers/serve"

// The camera's server seen from outside: a script compiled to bytecode
// serves (src/camera/server.ts over services/camera-server.md), the model
// driver answers real HTTP on a loopback port in a realtime run, and this
// test is the client. Frame numbers are read back from the JPEGs' test card,
// not from the headers the driver writes.

const SERVE = (options: string) => `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve(${options})
server.on_client((c) => console.log(\`client \${c.kind} \${c.event} \${c.status}\`))
console.log("ready")
`

/** The JPEG parts of a multipart/x-mixed-replace body, read until `count` arrived. */
async function streamParts(res: Response, count: number): Promise<Buffer[]> {
    const reader = res.body!.getReader()
    let buf = Buffer.alloc(0)
    const parts: Buffer[] = []
    while (parts.length < count) {
        const { value, done } = await reader.read()
        if (done) break
        buf = Buffer.concat([buf, Buffer.from(value)])
        for (;;) {
            const end = buf.indexOf("\r\n\r\n")
            if (end < 0) break
            const head = buf.subarray(0, end).toString("latin1")
            const length = Number(/Content-Length: (\d+)/i.exec(head)?.[1])
            if (!head.includes(`--${STREAM_BOUNDARY}`) || !(length > 0)) throw new Error(`not a part: ${head}`)
            if (buf.length < end + 4 + length + 2) break
            parts.push(buf.subarray(end + 4, end + 4 + length))
            buf = buf.subarray(end + 4 + length + 2)
        }
    }
    await reader.cancel()
    return parts
}

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
