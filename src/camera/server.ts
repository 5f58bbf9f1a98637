import * as ds from "@devicescript/core"
import { checkContractVersion, complete, DRIVER_ANSWER_MS } from "../network/link"
import { checkKeys, describe } from "../network/credentials"
import { formatIp } from "../network/address"
import { _holdWhileRegistered } from "../pending"
import {
    checkServeFps,
    checkServePassword,
    checkServePath,
    checkServePort,
    checkServeUser,
    checkStreamClients,
} from "./server-checks"

// The camera's HTTP server: policy for services/camera-server.md. The
// bytecode checks the options, decides the defaults and the concurrency
// rule, and reads the driver's status and served events; the driver (httpd
// on the chip, sim/drivers/camera-server.ts in the simulator) sends frames
// straight from the camera's buffers, never through the VM.

/** The major version of services/camera-server.md this module drives. */
export const SERVER_CONTRACT_VERSION = 1

/** Defaults: Arduino's CameraWebServer paths, ESPHome's frame rate and its one stream client. */
export const DEFAULT_SERVE_PORT = 80
export const DEFAULT_STREAM_PATH = "/stream"
export const DEFAULT_SNAPSHOT_PATH = "/capture"
export const DEFAULT_SERVE_FPS = 10
export const DEFAULT_STREAM_CLIENTS = 1
export const DEFAULT_SERVE_USER = "camera"
/** What a stream client beyond the rule is told: 503, and to come back after this many seconds. */
export const SERVE_RETRY_AFTER_S = 5

// The words and keys are built per call, never at module level: the image
// runs every module's top level, so a table here would take heap from every
// script, camera or not (test/camera-heap.test.ts).
function stateWord(state: number): string {
    return ["off", "serving", "paused", "failed"][state]
}
function reasonWord(reason: number): string {
    return ["", "port-in-use", "out-of-memory", "camera-not-ready", "stopped"][reason]
}
function kindWord(kind: number): string {
    return ["stream", "snapshot", "other"][kind]
}
function eventWord(event: number): string {
    return ["opened", "closed", "refused", "unauthorized", "not-found"][event]
}
function serveKeys(): string[] {
    return ["port", "stream", "snapshot", "fps", "stream_clients", "user", "password"]
}

/** serve() options; every key is optional. */
export interface ServeOptions {
    /** TCP port, 1..65535 (default 80) */
    port?: number
    /** the MJPEG stream's path (default "/stream"); false: no stream */
    stream?: string | boolean
    /** the snapshot's path (default "/capture"); false: no snapshots */
    snapshot?: string | boolean
    /** the stream's frame rate cap, 1..30 a second (default 10) */
    fps?: number
    /** stream clients served at once, 1..3 (default 1); one more gets 503 with Retry-After */
    stream_clients?: number
    /** HTTP Basic user name (default "camera"), only with a password */
    user?: string
    /** HTTP Basic password; none: anyone who reaches the port sees the camera */
    password?: string
}

/** Given to on_change handlers. */
export interface ServerChange {
    state: string
    reason: string
    detail: string
}

/** Given to on_client handlers: one request or stream, as the driver served it. */
export interface ServedClient {
    /** "stream", "snapshot", or "other" (a path not served, a method not allowed) */
    kind: string
    /** "opened", "closed", "refused" (503), "unauthorized" (401), "not-found" (404) */
    event: string
    /** the HTTP status answered */
    status: number
    /** the client's IPv4 address */
    address: string
}

function reasonText(reason: number): string {
    switch (reason) {
        case ds.CamCameraServerReason.PortInUse:
            return "another server of the firmware holds this port: serve() on another one"
        case ds.CamCameraServerReason.OutOfMemory:
            return "the server's task or sockets did not fit in memory: stop other sockets, or restart the board"
        case ds.CamCameraServerReason.CameraNotReady:
            return "the camera is not ready (failed or restarting): clients get 503 until it is; see cam.status()"
        case ds.CamCameraServerReason.StoppedByRequest:
            return "stop() was called: serve() again"
    }
    return ""
}

/**
 * The server's state, one per board, shared by every Camera object.
 * @devsWhenUsed (its methods enter the image only when called: none for a script that never serves)
 */
class ServerLink {
    readonly driver: ds.CamCameraServer
    readonly changed: ds.Emitter<ServerChange> = ds.emitter<ServerChange>()
    readonly clients: ds.Emitter<ServedClient> = ds.emitter<ServedClient>()
    state: number = ds.CamCameraServerState.Off
    reason = 0
    port = 0
    streamClients = 0
    framesSent = 0
    snapshotsSent = 0
    statusCount = 0
    /** what the last serve() sent */
    config: ServeConfig = null
    private checked = false
    /** holds a simulated run while serving (a board keeps serving after the top level returns) */
    private release: () => void = null

    constructor() {
        this.driver = new ds.CamCameraServer()
        const self = this
        // field counts of the `status` and `served` events (services/camera-server.md)
        this.driver.status.subscribe((v) => {
            if (complete(v, 6)) self.onStatus(v)
        })
        this.driver.served.subscribe((v) => {
            if (complete(v, 4)) self.onServed(v)
        })
    }

    change(): ServerChange {
        return { state: stateWord(this.state), reason: reasonWord(this.reason), detail: reasonText(this.reason) }
    }

    private onStatus(v: any[]) {
        // field order: frames_sent, snapshots_sent, port, state, reason, stream_clients
        this.framesSent = v[0]
        this.snapshotsSent = v[1]
        this.port = v[2]
        const changed = v[3] !== this.state || v[4] !== this.reason
        this.state = v[3]
        this.reason = v[4]
        this.streamClients = v[5]
        this.statusCount++
        this.hold(this.state === ds.CamCameraServerState.Serving || this.state === ds.CamCameraServerState.Paused)
        if (changed) this.changed.emit(this.change())
    }

    private onServed(v: any[]) {
        // field order: address, status_code, kind, what
        this.clients.emit({
            kind: kindWord(v[2]) ?? `kind-${v[2]}`,
            event: eventWord(v[3]) ?? `event-${v[3]}`,
            status: v[1],
            address: formatIp(v[0]),
        })
    }

    private hold(on: boolean) {
        if (on && !this.release) this.release = _holdWhileRegistered(() => {})
        if (!on && this.release) {
            this.release()
            this.release = null
        }
    }

    /** Once: the driver must speak this module's contract version. */
    async checkDriver(what: string) {
        if (this.checked) return
        await checkContractVersion(
            this.driver.contractVersion,
            SERVER_CONTRACT_VERSION,
            "camera server",
            `${what}: no camscript camera server answered in ${DRIVER_ANSWER_MS} ms: the board's firmware lacks it; flash the camscript firmware (camscript flash)`,
        )
        this.checked = true
    }

    /** Wait on status events until one newer than `since` says Serving, Paused, Failed or (wantOff) Off. */
    async settled(since: number, what: string, wantOff: boolean) {
        const start = ds.millis()
        while (
            this.statusCount <= since ||
            (wantOff ? this.state !== ds.CamCameraServerState.Off : this.state === ds.CamCameraServerState.Off)
        ) {
            const left = DRIVER_ANSWER_MS - (ds.millis() - start)
            if (left <= 0) throw new Error(`${what}: the camera server did not answer in ${DRIVER_ANSWER_MS} ms`)
            await ds.wait(this.changed, left)
        }
    }

    /** Serving or paused: one frame buffer is the server's. */
    on(): boolean {
        return this.state === ds.CamCameraServerState.Serving || this.state === ds.CamCameraServerState.Paused
    }
}

let link: ServerLink = null

/** The board's one camera server, created on first use. */
export function serverLink(): ServerLink {
    if (!link) link = new ServerLink()
    return link
}

/** The buffers the server holds for itself while on (0 or 1): the script may hold fb_count minus this. */
export function serverBuffers(): number {
    return link && link.on() ? 1 : 0
}

/** What serve() checked, ready to send. */
export interface ServeConfig {
    port: number
    stream: string
    snapshot: string
    fps: number
    streamClients: number
    user: string
    password: string
}

/** A path option: absent or true is the default, false is "" (not served), else a checked path. */
function pathOption(v: any, fallback: string, what: string): string {
    if (v === undefined || v === true) return fallback
    if (v === false) return ""
    checkServePath(v, what)
    return v
}

/** Check serve()'s options (misuse throws at once, with what is allowed) and fill in the defaults. */
export function serveConfig(options: any): ServeConfig {
    const what = "serve()"
    if (options === undefined) options = {}
    if (typeof options !== "object" || options === null || Array.isArray(options))
        throw new Error(`${what}: expected an object of options (${serveKeys().join(", ")}), got ${describe(options)}`)
    checkKeys(what, options, serveKeys())
    const c: ServeConfig = {
        port: DEFAULT_SERVE_PORT,
        stream: DEFAULT_STREAM_PATH,
        snapshot: DEFAULT_SNAPSHOT_PATH,
        fps: DEFAULT_SERVE_FPS,
        streamClients: DEFAULT_STREAM_CLIENTS,
        user: "",
        password: "",
    }
    if (options.port !== undefined) {
        checkServePort(options.port, `${what}: port`)
        c.port = options.port
    }
    c.stream = pathOption(options.stream, DEFAULT_STREAM_PATH, `${what}: stream`)
    c.snapshot = pathOption(options.snapshot, DEFAULT_SNAPSHOT_PATH, `${what}: snapshot`)
    if (c.stream === "" && c.snapshot === "")
        throw new Error(`${what}: stream and snapshot are both false: serve at least one of them`)
    if (c.stream === c.snapshot)
        throw new Error(`${what}: stream and snapshot must be different paths, both are ${describe(c.stream)}`)
    if (options.fps !== undefined) {
        checkServeFps(options.fps, `${what}: fps`)
        c.fps = options.fps
    }
    if (options.stream_clients !== undefined) {
        checkStreamClients(options.stream_clients, `${what}: stream_clients`)
        c.streamClients = options.stream_clients
    }
    if (options.password !== undefined) {
        checkServePassword(options.password, `${what}: password`)
        c.password = options.password
        c.user = DEFAULT_SERVE_USER
    }
    if (options.user !== undefined) {
        if (options.password === undefined)
            throw new Error(`${what}: user is for HTTP Basic with a password; give password too (or neither)`)
        checkServeUser(options.user, `${what}: user`)
        c.user = options.user
    }
    return c
}

/**
 * The camera's HTTP server, from `await cam.serve({ ... })`: a live MJPEG
 * stream and JPEG snapshots on a port, while the script keeps running.
 * Reads are synchronous; a failure is a state with a reason.
 * @devsWhenUsed (its methods enter the image only when called: none for a script that never serves)
 */
export class CameraServer {
    private readonly link: ServerLink

    constructor() {
        this.link = serverLink()
    }

    /**
     * `status()`: "off", "serving", "paused" or "failed".
     * `status("reason")`: "" or port-in-use, out-of-memory, camera-not-ready,
     * stopped. `status("detail")`: what to do. `status("port")`,
     * `status("stream")` and `status("snapshot")` (the paths, "" when not
     * served), `status("fps")`, `status("clients")` (stream clients now),
     * `status("frames")` (stream frames sent), `status("snapshots")`.
     */
    status(param?: string): any {
        const l = this.link
        // every CameraServer reads the one server's last serve()
        const c = l.config
        if (param === undefined) return stateWord(l.state)
        if (param === "reason") return reasonWord(l.reason)
        if (param === "detail") return reasonText(l.reason)
        if (param === "port") return c.port
        if (param === "stream") return c.stream
        if (param === "snapshot") return c.snapshot
        if (param === "fps") return c.fps
        if (param === "clients") return l.streamClients
        if (param === "frames") return l.framesSent
        if (param === "snapshots") return l.snapshotsSent
        throw new Error(
            `status(): unknown parameter ${describe(param)}; allowed: "reason", "detail", "port", "stream", "snapshot", "fps", "clients", "frames", "snapshots"`,
        )
    }

    /** `handler({ state, reason, detail })` on every change; returns a function that stops it. */
    on_change(handler: (change: ServerChange) => void): () => void {
        if (typeof handler !== "function")
            throw new Error(`on_change(): expected a function (change) => { ... }, got ${describe(handler)}`)
        return _holdWhileRegistered(this.link.changed.subscribe(handler))
    }

    /** `handler({ kind, event, status, address })` for every client served or refused; returns a function that stops it. */
    on_client(handler: (client: ServedClient) => void): () => void {
        if (typeof handler !== "function")
            throw new Error(`on_client(): expected a function (client) => { ... }, got ${describe(handler)}`)
        return _holdWhileRegistered(this.link.clients.subscribe(handler))
    }

    /** Stop serving: every client is closed, the server's frame buffer is the script's again. */
    async stop(): Promise<void> {
        const l = this.link
        if (l.state === ds.CamCameraServerState.Off) return
        const since = l.statusCount
        await l.driver.stop()
        await l.settled(since, "stop()", true)
    }
}

/** Send a checked configuration and wait for the driver's answer. */
export async function startServing(c: ServeConfig): Promise<CameraServer> {
    const l = serverLink()
    await l.checkDriver("serve()")
    await l.driver.setPassword(c.user, c.password)
    const since = l.statusCount
    await l.driver.serve(c.port, c.fps, c.streamClients, SERVE_RETRY_AFTER_S, c.stream, c.snapshot)
    l.config = c
    await l.settled(since, "serve()", false)
    return new CameraServer()
}
