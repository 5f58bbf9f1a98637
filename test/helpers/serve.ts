import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { loadBoard } from "../../project/boards"
import { compileScript } from "../../compiler/compile"
import { fromRoot } from "../../project/paths"
import { projectSettings } from "../../project/settings"
import { type RunOptions, type RunResult, runSimulation } from "../../sim/session"
import { STREAM_BOUNDARY, type ServedRequest } from "../../sim/drivers/camera-server"
import { parseWorld } from "../../sim/world/world"
import { scriptFile } from "./run"

// A script that serves, run in real time with its camera's server on a
// free loopback port (what `camscript sim --serve` does), while the test
// acts as the clients. The run ends when the clients are done.

export const CAMERA_WORLD = {
    board: "ai_thinker_esp32_cam",
    camera: { position: [0, 0], name: "porch" },
    accessPoints: [],
    events: [],
}

export interface ServedRun extends RunResult {
    lines: string[]
    served: ServedRequest[]
}

/** Listen on 127.0.0.1 (port 0: any free one). */
function listenLoopback(port = 0): Promise<Server> {
    const server = createServer()
    return new Promise((resolve, reject) => {
        server.once("error", reject)
        server.listen(port, "127.0.0.1", () => resolve(server))
    })
}

/**
 * Run `source` in real time, serving on a loopback port; `clients(base)`
 * is called with "http://127.0.0.1:PORT" once the script printed `ready`
 * (after its serve()), and the run ends when it resolves.
 */
export async function serveRun<T>(
    source: string,
    clients: (base: string) => Promise<T>,
    timeoutMs = 30_000,
    extra: Pick<RunOptions, "onVmStarted" | "driver"> & { onLine?: (text: string) => void } = {},
): Promise<{ run: ServedRun; result: T }> {
    const board = loadBoard("ai_thinker_esp32_cam")
    const script = await compileScript(scriptFile(source), {
        board,
        hostname: projectSettings(fromRoot()).network.hostname,
    })
    const server = await listenLoopback()
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const stop = new AbortController()
    const served: ServedRequest[] = []
    let result: T | undefined
    let failure: unknown
    let started = false
    try {
        const run = await runSimulation({
            script,
            world: parseWorld(CAMERA_WORLD, "(serve world)"),
            board,
            realtime: true,
            timeoutMs,
            signal: stop.signal,
            serve: { server, url: base },
            onServed: (r) => served.push(r),
            onVmStarted: extra.onVmStarted,
            driver: extra.driver,
            onOutput: (line) => {
                extra.onLine?.(line.text)
                if (line.text !== "ready" || started) return
                started = true
                clients(base).then(
                    (r) => {
                        result = r
                        stop.abort()
                    },
                    (e: unknown) => {
                        failure = e
                        stop.abort()
                    },
                )
            },
        })
        if (failure) throw failure
        if (!started)
            throw new Error(
                `the script never printed "ready": ${run.error ?? run.output.map((l) => l.text).join(" | ")}`,
            )
        return { run: { ...run, lines: run.output.map((l) => l.text), served }, result: result as T }
    } finally {
        server.closeAllConnections()
        await new Promise((r) => server.close(r))
        // the clients' ends close on the next turns: before any other run fakes the timers
        await new Promise((r) => setTimeout(r, 50))
    }
}

/** A script that starts the camera (QQVGA, two buffers), serves with `options` and prints each client. */
export const SERVE = (options: string) => `
import { camera } from "camscript"
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA", fb_count: 2 })
const server = await cam.serve(${options})
server.on_client((c) => console.log(\`client \${c.kind} \${c.event} \${c.status}\`))
console.log("ready")
`

/** The JPEG parts of a multipart/x-mixed-replace body, read until `count` arrived. */
export async function streamParts(res: Response, count: number): Promise<Buffer[]> {
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
