import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { type ServedRequest, stopAnsweringStarting } from "../drivers/camera-server"

// ESP-IDF's esp_http_server (v5.0.5) for the firmware's C under
// `--driver firmware`: the sessions and their requests. httpd's task, the
// URI matching and the responses are C (firmware/host/sim/
// esp_http_server_sim.c), which writes its responses' bytes here as they
// are (status line, headers, body; the stream's head and parts), onto the
// host's connections when `sim --serve` listens: each connection the host
// server accepts is a session. As the model's server, whatever port the
// script serves on, the host port reaches it.
//
// What the camera served (camscript/testing, --report) is read from what
// the C sent: the status line, and each X-Frame-Sequence header.

interface Session {
    fd: number
    socket: Socket
    /** requests waiting for httpd's task (a client may pipeline) */
    requests: IncomingMessage[]
    /** the request httpd's task is answering */
    current?: IncomingMessage
    record?: ServedRequest
}

interface Instance {
    id: number
    port: number
    /** httpd_config_t.max_open_sockets */
    maxSessions: number
    /**
     * connections waiting for a session: with every session taken (and
     * lru_purge_enable false) httpd stops selecting its listening socket
     * (httpd_main.c v5.0.5, httpd_server: the listen fd is set only while
     * httpd_is_sess_available), so a new client waits in the backlog until
     * a session closes
     */
    backlog: { socket: Socket; requests: IncomingMessage[] }[]
    sessions: Map<number, Session>
    /** sessions with a request for httpd's task, in arrival order */
    ready: number[]
    closing: number[]
    stopped: boolean
    wake?: (answer: number) => void
}

/** The serve command's paths (services/camera-server.md), for what a request was. */
export interface ServedPaths {
    stream: string
    snapshot: string
}

export class EspHttpServer {
    private readonly instances = new Map<number, Instance>()
    private next = 1
    private nextFd = 54 // lwIP's sockets are numbered from LWIP_SOCKET_OFFSET
    private readonly bySocket = new Map<Socket, Session>()
    private detach = () => {}
    paths: ServedPaths = { stream: "", snapshot: "" }

    constructor(
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly camera: string,
        private readonly onServed?: (r: ServedRequest) => void,
    ) {}

    /** Take the host's requests from `server` (already listening). */
    attach(server: Server) {
        stopAnsweringStarting(server)
        const listener = (req: IncomingMessage, res: ServerResponse) => this.request(req, res)
        server.on("request", listener)
        this.detach = () => server.off("request", listener)
    }

    /** The run is over: every connection is closed. */
    shutdown() {
        this.detach()
        for (const i of this.instances.values()) {
            i.stopped = true
            for (const s of [...i.sessions.values()]) this.end(i, s)
            for (const b of i.backlog) b.socket.destroy()
        }
    }

    private running(): Instance | undefined {
        for (const i of this.instances.values()) if (!i.stopped) return i
        return undefined
    }

    private request(req: IncomingMessage, _res: ServerResponse | undefined) {
        const i = this.running()
        // nothing listens on the camera's port: the connection is reset (as the model's)
        if (!i) return req.socket.destroy()
        let s = this.bySocket.get(req.socket)
        if (!s && i.sessions.size >= i.maxSessions) {
            const waiting = i.backlog.find((b) => b.socket === req.socket)
            if (waiting) waiting.requests.push(req)
            else {
                const entry = { socket: req.socket, requests: [req] }
                i.backlog.push(entry)
                req.socket.once("close", () => (i.backlog = i.backlog.filter((b) => b !== entry)))
            }
            return
        }
        if (!s) {
            s = { fd: this.nextFd++, socket: req.socket, requests: [] }
            const session = s
            this.bySocket.set(req.socket, s)
            i.sessions.set(s.fd, s)
            req.socket.once("close", () => {
                if (!i.sessions.has(session.fd)) return
                // the client went: httpd's task closes the session (close_fn)
                i.closing.push(session.fd)
                this.wake(i)
            })
        }
        s.requests.push(req)
        if (!s.current && !i.ready.includes(s.fd)) i.ready.push(s.fd)
        this.wake(i)
    }

    private wake(i: Instance) {
        if (!i.wake) return // httpd's task is busy: it asks again when it waits
        const answer = this.answer(i)
        if (answer === undefined) return
        const w = i.wake
        i.wake = undefined
        w(answer)
    }

    private answer(i: Instance): number | undefined {
        if (i.stopped) return -1
        if (i.closing.length) return 0
        while (i.ready.length) {
            const fd = i.ready.shift()!
            const s = i.sessions.get(fd)
            if (s && s.requests.length) return fd
        }
        return undefined
    }

    // --- the imports' side ----------------------------------------------------

    start(port: number, maxSessions: number): number {
        for (const i of this.instances.values()) if (!i.stopped && i.port === port) return 0
        const id = this.next++
        this.instances.set(id, {
            id,
            port,
            maxSessions: Math.max(1, maxSessions),
            backlog: [],
            sessions: new Map(),
            ready: [],
            closing: [],
            stopped: false,
        })
        return id
    }

    stop(id: number) {
        const i = this.instances.get(id)
        if (!i) return
        i.stopped = true
        this.wake(i)
        // nothing listens on the port any more: the waiting connections are reset
        for (const b of i.backlog) b.socket.destroy()
        i.backlog = []
        this.instances.delete(id)
    }

    wait(id: number): Promise<number> {
        const i = this.instances.get(id)
        if (!i) return Promise.resolve(-1)
        const now = this.answer(i)
        if (now !== undefined) return Promise.resolve(now)
        return new Promise((resolve) => (i.wake = resolve))
    }

    /** The session's next request: its method (http_parser's numbers) and URI. */
    takeRequest(id: number, fd: number): { method: number; uri: string } {
        const s = this.instances.get(id)?.sessions.get(fd)
        const req = s?.requests.shift()
        if (!s || !req) return { method: 0, uri: "/" }
        s.current = req
        const uri = req.url ?? "/"
        const path = uri.split("?")[0]
        const kind =
            this.paths.stream && path === this.paths.stream
                ? "stream"
                : this.paths.snapshot && path === this.paths.snapshot
                  ? "snapshot"
                  : "other"
        s.record = {
            camera: this.camera,
            kind,
            path,
            status: 0,
            address: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
            atMs: this.clock.now(),
            endedAtMs: 0,
            sequences: [],
        }
        return { method: METHODS[req.method ?? ""] ?? 0, uri }
    }

    header(id: number, fd: number, name: string): string | undefined {
        const v = this.instances.get(id)?.sessions.get(fd)?.current?.headers[name.toLowerCase()]
        return Array.isArray(v) ? v.join(", ") : v
    }

    send(id: number, fd: number, bytes: Uint8Array | undefined): Promise<number> {
        const s = this.instances.get(id)?.sessions.get(fd) ?? this.orphan(fd)
        if (!s || !bytes || s.socket.destroyed) return Promise.resolve(-1)
        const r = s.record
        if (r) {
            const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 512))).toString("latin1")
            const status = /^HTTP\/1\.1 (\d{3})/.exec(text)
            if (status && !r.status) r.status = Number(status[1])
            const sequence = /\r\nX-Frame-Sequence: (\d+)\r\n/.exec(text)
            if (sequence) r.sequences.push(Number(sequence[1]))
        }
        return new Promise((resolve) => {
            s.socket.write(Buffer.from(bytes), (err) => resolve(err ? -1 : bytes.length))
        })
    }

    /** A session httpd closed already (the stream task may still hold its fd). */
    private orphan(_fd: number): Session | undefined {
        return undefined
    }

    done(id: number, fd: number) {
        const i = this.instances.get(id)
        const s = i?.sessions.get(fd)
        if (!i || !s) return
        const r = s.record
        // a stream handed to the stream task goes on; anything else is answered
        if (r && !(r.kind === "stream" && r.status === 200 && s.current?.method === "GET")) this.finish(s)
        s.current = undefined
        if (s.requests.length) {
            i.ready.push(fd)
            this.wake(i)
        }
    }

    close(id: number, fd: number) {
        const i = this.instances.get(id) ?? [...this.instances.values()].find((x) => x.sessions.has(fd))
        const s = i?.sessions.get(fd)
        if (!i || !s) return
        this.end(i, s)
    }

    private end(i: Instance, s: Session) {
        i.sessions.delete(s.fd)
        this.bySocket.delete(s.socket)
        i.closing = i.closing.filter((fd) => fd !== s.fd)
        if (s.record && !s.record.endedAtMs) this.finish(s)
        s.socket.end()
        s.socket.destroy()
        // a session is free: httpd accepts the next waiting connection
        const next = i.stopped ? undefined : i.backlog.shift()
        if (next) for (const req of next.requests) this.request(req, undefined)
    }

    private finish(s: Session) {
        const r = s.record
        if (!r) return
        s.record = undefined
        r.endedAtMs = this.clock.now()
        this.timeline.add("server", `${r.kind} ${r.status}`, `${r.path} from ${r.address} (esp_http_server)`)
        this.onServed?.(r)
    }

    triggerClose(id: number, fd: number): boolean {
        const i = this.instances.get(id)
        if (!i || !i.sessions.has(fd)) return false
        if (!i.closing.includes(fd)) i.closing.push(fd)
        this.wake(i)
        return true
    }

    nextClose(id: number): number {
        const i = this.instances.get(id)
        return i?.closing.shift() ?? 0
    }

    nextOpen(id: number): number {
        const i = this.instances.get(id)
        const first = i ? [...i.sessions.keys()][0] : undefined
        return first ?? 0
    }
}

/** http_parser's method numbers (http_parser.h HTTP_METHOD_MAP). */
const METHODS: Record<string, number> = { DELETE: 0, GET: 1, HEAD: 2, POST: 3, PUT: 4, CONNECT: 5, OPTIONS: 6 }
