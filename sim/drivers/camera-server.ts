import { createHash, timingSafeEqual } from "node:crypto"
import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { Contract } from "../contract"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { ServedFrame, SimCamera } from "./camera"
import { ContractServer } from "./contract-server"

// The simulator's implementation of services/camera-server.md: the
// camera's HTTP server as the firmware runs it over ESP-IDF's httpd, fed
// from the sensor model's buffers (SimCamera.latestFrame: one buffer of the
// server's own, GRAB_LATEST, encoded once per frame however many clients
// it goes to). Requests come from the host when the run was given a
// listening HTTP server (`camscript sim --serve PORT`, a test's port): the
// camera's server, whatever port the script serves on, is that host port.
//
// The rules it models, from ESP-IDF's components/esp_http_server as of
// v5.0.5 (the pinned runtime's ESP-IDF):
// - a handler is matched on the URL's path without its query (httpd_uri.c,
//   httpd_uri(): httpd_find_uri_handler on field_data[UF_PATH]); an unknown
//   path gets 404, a method no handler of that path takes 405;
// - the MJPEG stream is the chunked response Arduino's CameraWebServer
//   sends (multipart/x-mixed-replace, one part per frame); httpd_resp_send_chunk
//   blocks until the socket takes the bytes, so a slow client gets fewer
//   frames, never a queue of old ones: here a frame is sent only once the
//   socket drained the one before, and it is always the newest.

const SERVER_CONTRACT_VERSION = 1
/** The part boundary of the stream (any token that cannot occur in a JPEG part's headers). */
export const STREAM_BOUNDARY = "camscript-frame"
/** While frames flow, a status event (with frames_sent) at most this often. */
const STATUS_EVERY_MS = 1000

/**
 * The host port listens before the run starts (a clash is found before the
 * compile); a request that comes while the script compiles or the board
 * starts gets 503 with Retry-After instead of hanging unanswered until the
 * camera's server is attached (a browser would spin, a test wait forever).
 */
export function answerStarting(server: Server) {
    server.on("request", starting)
}

/** The camera's own server takes the host's requests from here on (the firmware's, sim/firmware/esp-http-server.ts). */
export function stopAnsweringStarting(server: Server) {
    server.removeListener("request", starting)
}

function starting(_req: IncomingMessage, res: ServerResponse) {
    res.writeHead(503, { "Retry-After": "1", "Content-Type": "text/plain; charset=utf-8" })
    res.end("the simulated camera is starting: its server is not up yet\n")
}

/** What the camera served one client (camscript/testing, the timeline). */
export interface ServedRequest {
    camera: string
    kind: "stream" | "snapshot" | "other"
    path: string
    /** the HTTP status answered: 200, 401, 404, 405, 503 */
    status: number
    /** the client's address as the host saw it */
    address: string
    /** simulated ms the request arrived */
    atMs: number
    /** simulated ms the response ended (a stream: when the client left or the run ended) */
    endedAtMs: number
    /** the sequence numbers of the frames sent, in order (a snapshot: one) */
    sequences: number[]
}

interface Config {
    port: number
    maxFps: number
    streamClients: number
    retryAfterS: number
    streamPath: string
    snapshotPath: string
}

interface StreamClient {
    record: ServedRequest
    res: ServerResponse
    timer?: unknown
    lastSequence: number
}

export class SimCameraServer extends ContractServer {
    private readonly S = this.members("State")
    private readonly R = this.members("Reason")
    private readonly Kind = this.members("ClientKind")
    private readonly Ev = this.members("ClientEvent")
    private state: number
    private reason: number
    private config?: Config
    /** set_password; never logged */
    private user = ""
    private password = ""
    private streams: StreamClient[] = []
    private framesSent = 0
    private snapshotsSent = 0
    private statusAtMs = 0
    private detach = () => {}
    /** requests answered while no host server is attached never happen; those with one, recorded */
    private readonly pendingSnapshots = new Set<ServerResponse>()

    constructor(
        contract: Contract,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly camera: SimCamera,
        private readonly name: string,
        /** the host's view of the server (sim --serve): "http://127.0.0.1:8080" */
        private readonly hostUrl?: string,
        private readonly onServed?: (r: ServedRequest) => void,
    ) {
        super(contract, SERVER_CONTRACT_VERSION)
        this.state = this.S.Off
        this.reason = this.R.None
        this.command("set_password", ({ user, password }) => {
            this.user = user as string
            this.password = password as string
        })
        this.command("serve", (f) =>
            this.serve({
                port: f.port as number,
                maxFps: f.max_fps as number,
                streamClients: f.stream_clients as number,
                retryAfterS: f.retry_after_s as number,
                streamPath: f.stream_path as string,
                snapshotPath: f.snapshot_path as string,
            }),
        )
        this.command("stop", () => this.stop(this.R.StoppedByRequest))
        camera.onStateChange(() => this.cameraChanged())
    }

    /** Take the host's requests from `server` (already listening). */
    attach(server: Server) {
        // from here on the camera's server answers (before: answerStarting's 503)
        server.removeListener("request", starting)
        const listener = (req: IncomingMessage, res: ServerResponse) => this.request(req, res)
        server.on("request", listener)
        this.detach = () => server.off("request", listener)
    }

    /** The run is over: every client is closed (the host server can then close). */
    shutdown() {
        this.detach()
        for (const c of [...this.streams]) this.endStream(c)
        for (const res of this.pendingSnapshots) res.destroy()
        this.pendingSnapshots.clear()
    }

    private sendStatus() {
        this.statusAtMs = this.clock.now()
        this.event("status", [
            this.framesSent,
            this.snapshotsSent,
            this.config?.port ?? 0,
            this.state,
            this.reason,
            this.streams.length,
        ])
    }

    private setState(state: number, reason: number) {
        const changed = state !== this.state || reason !== this.reason
        this.state = state
        this.reason = reason
        if (changed) {
            const c = this.config
            const parts: string[] = []
            if (reason !== this.R.None) parts.push(`reason=${this.contract.enumName("Reason", reason)}`)
            if (state === this.S.Serving && c)
                parts.push(
                    `port ${c.port}${c.streamPath ? ` stream ${c.streamPath}` : ""}${c.snapshotPath ? ` snapshot ${c.snapshotPath}` : ""}, ${c.maxFps} fps, ${c.streamClients} stream client(s)${this.password ? ", password" : ""}${this.hostUrl ? `; host: ${this.hostUrl}` : ""}`,
                )
            this.timeline.add("server", this.contract.enumName("State", state), parts.join(" "))
        }
        this.sendStatus()
    }

    private serve(c: Config) {
        // a restart with new settings closes the clients of the old ones (httpd_stop, httpd_start)
        for (const s of [...this.streams]) this.endStream(s)
        this.config = c
        this.framesSent = 0
        this.snapshotsSent = 0
        this.camera.reserveServerBuffer(true)
        this.state = -1
        this.setState(
            this.camera.ready() ? this.S.Serving : this.S.Paused,
            this.camera.ready() ? this.R.None : this.R.CameraNotReady,
        )
    }

    private stop(reason: number) {
        for (const s of [...this.streams]) this.endStream(s)
        this.camera.reserveServerBuffer(false)
        this.setState(this.S.Off, reason)
    }

    private cameraChanged() {
        if (this.state !== this.S.Serving && this.state !== this.S.Paused) return
        if (this.camera.ready()) {
            this.camera.reserveServerBuffer(true)
            return this.setState(this.S.Serving, this.R.None)
        }
        // the camera's buffers are gone with its stop: stream clients end as httpd's handler does when fb_get fails
        for (const s of [...this.streams]) this.endStream(s)
        this.setState(this.S.Paused, this.R.CameraNotReady)
    }

    private served(kind: number, what: number, status: number, address: string) {
        const ip = address.split(".").map(Number)
        const word =
            ip.length === 4 && ip.every((b) => b >= 0 && b <= 255)
                ? ((ip[0] * 256 + ip[1]) * 256 + ip[2]) * 256 + ip[3]
                : 0
        this.event("served", [word, status, kind, what])
    }

    private record(req: IncomingMessage, kind: ServedRequest["kind"], path: string): ServedRequest {
        const address = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "")
        return {
            camera: this.name,
            kind,
            path,
            status: 0,
            address,
            atMs: this.clock.now(),
            endedAtMs: 0,
            sequences: [],
        }
    }

    private finish(r: ServedRequest) {
        r.endedAtMs = this.clock.now()
        this.onServed?.(r)
    }

    /** HTTP Basic, compared in constant time (hashes of equal length); true when no password is set. */
    private authorised(req: IncomingMessage): boolean {
        if (!this.password) return true
        const header = req.headers.authorization ?? ""
        const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
        const given = m ? Buffer.from(m[1], "base64").toString("utf8") : ""
        const digest = (s: string) => createHash("sha256").update(s).digest()
        return timingSafeEqual(digest(given), digest(`${this.user}:${this.password}`))
    }

    private refuse(res: ServerResponse, status: number, headers: Record<string, string>, text: string) {
        res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers })
        res.end(`${text}\n`)
    }

    private request(req: IncomingMessage, res: ServerResponse) {
        const c = this.config
        // not serving: nothing listens on the camera's port (the connection is reset)
        if (!c || (this.state !== this.S.Serving && this.state !== this.S.Paused)) {
            req.socket.destroy()
            return
        }
        const path = (req.url ?? "/").split("?")[0]
        const kind =
            c.streamPath && path === c.streamPath
                ? "stream"
                : c.snapshotPath && path === c.snapshotPath
                  ? "snapshot"
                  : "other"
        const r = this.record(req, kind, path)
        const answer = (status: number, what: number, headers: Record<string, string>, text: string) => {
            r.status = status
            this.refuse(res, status, headers, text)
            const kindCode =
                r.kind === "stream" ? this.Kind.Stream : r.kind === "snapshot" ? this.Kind.Snapshot : this.Kind.Other
            this.served(kindCode, what, status, r.address)
            this.timeline.add("server", `${r.kind} ${status}`, `${path} from ${r.address}`)
            this.finish(r)
        }
        if (kind === "other") return answer(404, this.Ev.NotFound, {}, `no such path on this camera`)
        if (req.method !== "GET" && req.method !== "HEAD") {
            r.kind = "other"
            return answer(405, this.Ev.NotFound, { Allow: "GET, HEAD" }, `${path}: GET or HEAD only`)
        }
        if (!this.authorised(req))
            return answer(
                401,
                this.Ev.Unauthorized,
                { "WWW-Authenticate": 'Basic realm="camscript camera", charset="UTF-8"' },
                "this camera needs its user name and password",
            )
        const retry = { "Retry-After": `${c.retryAfterS}` }
        if (this.state !== this.S.Serving)
            return answer(503, this.Ev.Refused, retry, "the camera is not ready; try again shortly")
        if (kind === "stream") {
            if (this.streams.length >= c.streamClients)
                return answer(
                    503,
                    this.Ev.Refused,
                    retry,
                    `this camera serves ${c.streamClients} stream client${c.streamClients === 1 ? "" : "s"} at a time; try again in ${c.retryAfterS} s`,
                )
            if (req.method === "HEAD") {
                // the stream's headers only: a HEAD takes no client's place
                r.status = 200
                res.writeHead(200, { "Content-Type": `multipart/x-mixed-replace; boundary=${STREAM_BOUNDARY}` })
                res.end()
                return this.finish(r)
            }
            return this.openStream(r, res)
        }
        this.snapshot(r, res, req.method === "HEAD")
    }

    /** A fresh frame: the first whose exposure starts after the request (the stale-frame rule of capture()). */
    private snapshot(r: ServedRequest, res: ServerResponse, head: boolean) {
        this.pendingSnapshots.add(res)
        const wait = () => {
            const now = this.clock.now()
            this.clock.setTimeout(deliver, Math.max(1, this.camera.freshFrameDoneAt(r.atMs) - now))
        }
        const deliver = () => {
            this.pendingSnapshots.delete(res)
            if (res.destroyed) return
            const f = this.state === this.S.Serving ? this.camera.latestFrame() : undefined
            // a timer of a realtime run may fire a little before the frame is done: never send one
            // whose exposure started before the request (wait for it instead)
            if (f && f.exposureStartMs < r.atMs) {
                this.pendingSnapshots.add(res)
                return wait()
            }
            if (!f) {
                r.status = 503
                this.refuse(res, 503, { "Retry-After": `${this.config?.retryAfterS ?? 5}` }, "the camera stopped")
                this.served(this.Kind.Snapshot, this.Ev.Refused, 503, r.address)
                return this.finish(r)
            }
            r.status = 200
            r.sequences.push(f.sequence)
            res.writeHead(200, {
                "Content-Type": "image/jpeg",
                "Content-Length": `${f.bytes.length}`,
                "Content-Disposition": "inline; filename=capture.jpg",
                "Cache-Control": "no-store",
                "Access-Control-Allow-Origin": "*",
                "X-Frame-Sequence": `${f.sequence}`,
            })
            res.end(head ? undefined : f.bytes)
            this.snapshotsSent++
            this.timeline.add("server", "snapshot 200", `#${f.sequence} ${f.bytes.length} B to ${r.address}`)
            this.served(this.Kind.Snapshot, this.Ev.Opened, 200, r.address)
            this.sendStatus()
            this.finish(r)
        }
        wait()
    }

    private openStream(r: ServedRequest, res: ServerResponse) {
        r.status = 200
        res.writeHead(200, {
            "Content-Type": `multipart/x-mixed-replace; boundary=${STREAM_BOUNDARY}`,
            "Cache-Control": "no-store",
            "Access-Control-Allow-Origin": "*",
        })
        const client: StreamClient = { record: r, res, lastSequence: -1 }
        this.streams.push(client)
        res.on("close", () => this.endStream(client))
        this.timeline.add("server", "stream 200", `${r.path} to ${r.address} (${this.streams.length} client(s))`)
        this.served(this.Kind.Stream, this.Ev.Opened, 200, r.address)
        this.sendStatus()
        this.sendFrame(client)
    }

    private endStream(client: StreamClient) {
        const i = this.streams.indexOf(client)
        if (i < 0) return
        this.streams.splice(i, 1)
        if (client.timer !== undefined) this.clock.clearTimeout(client.timer)
        if (!client.res.destroyed) client.res.destroy()
        const r = client.record
        this.timeline.add("server", "stream closed", `${r.address} after ${r.sequences.length} frame(s)`)
        this.served(this.Kind.Stream, this.Ev.Closed, 200, r.address)
        this.sendStatus()
        this.finish(r)
    }

    /** Send the newest frame if it is new, then come back after the frame interval (later when the socket is full). */
    private sendFrame(client: StreamClient) {
        client.timer = undefined
        if (!this.streams.includes(client) || !this.config) return
        const interval = 1000 / this.config.maxFps
        const res = client.res
        if (res.writableNeedDrain) {
            // httpd_resp_send_chunk blocks until the socket takes the bytes: this client gets fewer frames
            res.once("drain", () => this.sendFrame(client))
            return
        }
        // the interval runs from when this frame was taken, so the time to encode and write it
        // (host work in the simulator, the JPEG's send on the chip) is not added to it
        const now = this.clock.now()
        const f: ServedFrame | undefined = this.camera.latestFrame()
        let wait: number
        if (f && f.sequence !== client.lastSequence) {
            client.lastSequence = f.sequence
            client.record.sequences.push(f.sequence)
            res.write(
                `--${STREAM_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.bytes.length}\r\nX-Frame-Sequence: ${f.sequence}\r\nX-Timestamp: ${(f.exposureStartMs / 1000).toFixed(6)}\r\n\r\n`,
            )
            res.write(f.bytes)
            res.write("\r\n")
            this.framesSent++
            // frames_sent reaches the bytecode at most once a second (a status event per frame would crowd the bus)
            if (now - this.statusAtMs >= STATUS_EVERY_MS) this.sendStatus()
            wait = Math.max(1, now + interval - this.clock.now())
        } else {
            // no new frame yet: come back when the sensor finishes the next one
            wait = Math.max(1, this.camera.frameDoneAfter(now) - now)
        }
        client.timer = this.clock.setTimeout(() => this.sendFrame(client), wait)
    }
}
