import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { createServer as createTcpServer } from "node:net"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { ServerConfig } from "../world/servers"
import { withoutQuery } from "./url-text"

// The world's HTTP(S) servers (`servers` in a world file), run for real on
// this machine's loopback while a simulation runs: each listens on a port
// the system chooses (127.0.0.1:0), speaks real HTTP/1.1 (and real TLS with
// its certificate for https), and keeps every request it received with the
// simulated time it arrived. The upload driver (sim/drivers/http-upload.ts)
// connects to them by the host and port the script's URL names; the
// simulated time a request takes (round trips, the body at the link's
// rate, a slow answer) is the driver's model, spent on the virtual clock.

/** What a world server received: one request, its body and the answer it gave. */
export interface ReceivedUpload {
    /** the world server's name */
    server: string
    /** the camera that sent it (the world's camera name) */
    camera: string
    method: string
    /** the path and query the request named */
    path: string
    /** request headers as received, names in lower case (the script's own and the driver's) */
    headers: Record<string, string>
    body: Uint8Array
    /** simulated ms when the whole body had arrived */
    atMs: number
    /** the status the server answered */
    status: number
    /** the server kept the body (it answered 2xx) */
    kept: boolean
    /** the interface the camera sent it over: "eth" or "wifi" */
    via: string
}

/** Statuses the servers answer. */
const CREATED = 201
const PAYLOAD_TOO_LARGE = 413
const INTERNAL_ERROR = 500

/** What the driver knows of a request in flight, so the server can file it. */
interface Sender {
    camera: string
    via: string
}

class WorldServer {
    server?: Server
    /** the loopback port it listens on */
    port = 0
    /** a port nothing listens on: where a down server's connections go (refused for real) */
    closedPort = 0
    /**
     * Who sends on each connection, by the camera side's loopback port (the
     * upload driver names itself once connected): the cameras of a fleet
     * upload to one server at the same time, one upload at a time each.
     */
    readonly senders = new Map<number, Sender>()

    constructor(
        readonly config: ServerConfig,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly receive: (u: ReceivedUpload) => void,
    ) {}

    async start() {
        const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res)
        const c = this.config
        this.server = c.tls
            ? createHttpsServer({ cert: c.tls.cert, key: c.tls.key }, handler)
            : createHttpServer(handler)
        this.port = await listen(this.server)
        // a port that was just free and is closed again: connecting there is refused by the system
        const probe = createTcpServer()
        this.closedPort = await listen(probe)
        await new Promise<void>((r) => probe.close(() => r()))
    }

    /** Down at `nowMs`: behaviour "down", or within one of its outages. */
    isDown(nowMs: number): boolean {
        const c = this.config
        return c.behaviour === "down" || c.down.some((d) => nowMs >= d.fromMs && nowMs < d.untilMs)
    }

    private handle(req: IncomingMessage, res: ServerResponse) {
        const chunks: Buffer[] = []
        let size = 0
        const limit = this.config.maxBytes
        req.on("data", (b: Buffer) => {
            size += b.length
            // over the limit: counted, not kept (a server does not buffer what it refuses)
            if (limit === undefined || size <= limit) chunks.push(b)
        })
        req.on("end", () => {
            const c = this.config
            const sender = this.senders.get(req.socket.remotePort ?? -1) ?? { camera: "", via: "" }
            const tooLarge = limit !== undefined && size > limit
            const status = tooLarge ? PAYLOAD_TOO_LARGE : c.behaviour === "500" ? INTERNAL_ERROR : CREATED
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : (v ?? "")
            const kept = status === CREATED
            this.receive({
                server: c.name,
                camera: sender.camera,
                method: req.method ?? "",
                path: req.url ?? "",
                headers,
                body: kept ? new Uint8Array(Buffer.concat(chunks)) : new Uint8Array(0),
                atMs: this.clock.now(),
                status,
                kept,
                via: sender.via,
            })
            // the timeline names the server and the size, never a header (it may hold a token)
            this.timeline.add(
                "upload",
                "received",
                `${c.name} ${req.method} ${withoutQuery(req.url ?? "")} ${size} B -> ${status}`,
            )
            res.writeHead(status, { "Content-Type": "text/plain", Connection: "close" })
            res.end(kept ? "stored\n" : tooLarge ? `at most ${limit} bytes\n` : "internal error\n")
        })
    }

    async close() {
        const s = this.server
        if (!s) return
        await new Promise<void>((r) => {
            s.close(() => r())
            s.closeAllConnections?.()
        })
    }
}

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }) {
    return new Promise<number>((resolve, reject) => {
        ;(server as unknown as Server).once("error", reject)
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))
    })
}

/** Every server of a world, for one run. */
export class WorldServers {
    readonly received: ReceivedUpload[] = []
    private readonly servers: WorldServer[]

    constructor(configs: ServerConfig[], clock: Clock, timeline: Timeline, onReceive?: (u: ReceivedUpload) => void) {
        const receive = (u: ReceivedUpload) => {
            this.received.push(u)
            onReceive?.(u)
        }
        this.servers = configs.map((c) => new WorldServer(c, clock, timeline, receive))
    }

    get any(): boolean {
        return this.servers.length > 0
    }

    async start() {
        for (const s of this.servers) await s.start()
    }

    /** The server answering at `host`:`port` (as the script's URL names them), if any. */
    find(host: string, port: number): WorldServer | undefined {
        return this.servers.find((s) => s.config.host === host && s.config.port === port)
    }

    /** Whether the world's DNS answers `host` (a server's name): with this machine's loopback. */
    answers(host: string): boolean {
        return this.servers.some((s) => s.config.host === host)
    }

    async close() {
        for (const s of this.servers) await s.close()
    }
}

export type { WorldServer }
