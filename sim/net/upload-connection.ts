import { isIPv4, connect as tcpConnect, type Socket } from "node:net"
import { checkServerIdentity, connect as tlsConnect } from "node:tls"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { isLoopback, type Route } from "./sockets"
import type { WorldServer, WorldServers } from "./http-servers"
import { DNS_ANSWER_MS, TLS_HANDSHAKE_CPU_MS, transferMs } from "./upload-timing"
import { DEFAULT_SERVER_LATENCY_MS } from "../world/servers"
import { trackRealIo } from "../realio"
import { formatIpv4, parseIpv4 } from "../world/ipv4"

// One HTTP(S) connection from the camera to a world server, step by step:
// what both upload drivers send over, the model driver
// (sim/drivers/http-upload.ts, one attempt per `send`) and the simulated
// esp_http_client that the C driver calls under `--driver firmware`
// (sim/firmware/esp-http-client.ts, one step per esp_http_client call).
//
// Virtual and real time meet this way: while bytes really move (connect,
// TLS handshake, request and answer on loopback), the virtual clock stands
// still (trackRealIo: the session waits for real I/O before it moves time);
// the time a camera would wait (round trips, the body at the link's rate,
// the handshake's arithmetic, a slow server's answer) is then spent on the
// virtual clock, step by step, against a deadline. So a server keeps a
// frame at the simulated time its last byte would have arrived, and the
// time taken is simulated time, whatever the host's speed.

/** esp_http_client's User-Agent (DEFAULT_HTTP_USER_AGENT, esp_http_client.c at v5.0.5). */
export const ESP_HTTP_CLIENT_USER_AGENT = "ESP32 HTTP Client/1.0"
/** Real time a loopback step may take before the server is called unreachable (a stuck test server). */
const REAL_STEP_MS = 10_000

/** Node's TLS verification errors, by what they mean for the contract's TlsProblem. */
const UNTRUSTED = new Set([
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_UNTRUSTED",
    "CERT_SIGNATURE_FAILURE",
])
const EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"])

/** Why a step failed: the contract's Reason and TlsProblem names (services/http-upload.md). */
export class UploadFailure extends Error {
    constructor(
        readonly reason: string,
        message: string,
        readonly tls = "None",
    ) {
        super(message)
    }
}

/** What a connection reaches: the world's servers and names, the board's links. */
export interface UploadWorld {
    clock: Clock
    timeline: Timeline
    servers: WorldServers
    dnsZone: Map<string, number>
    /** the camera's name, kept with what a server receives */
    camera: string
    /** interfaces holding an address, preferred first */
    routes(): Route[]
    /** whether packets get through on the route's link now (a link can hold its address while they do not) */
    carrying(route: Route): boolean
}

/** How the server's certificate is checked (esp_http_client_config_t's cert_pem and name check). */
export interface TlsChecks {
    /** no check at all (the script's `insecure`) */
    insecure: boolean
    /** the CAs the chain must reach, PEM */
    ca: string
}

/** Wait `ms` of simulated time, or until the deadline (then a Timeout). */
function waitUntil(clock: Clock, ms: number, deadline: number): Promise<void> {
    const now = clock.now()
    const until = Math.min(now + ms, deadline)
    return new Promise((resolve, reject) =>
        clock.setTimeout(
            () =>
                until >= deadline && now + ms > deadline ? reject(new UploadFailure("Timeout", "deadline")) : resolve(),
            until - now,
        ),
    )
}

export class UploadConnection {
    private socket?: Socket
    private server?: WorldServer
    private filed?: { server: WorldServer; port: number }
    private latency = DEFAULT_SERVER_LATENCY_MS
    readonly https: boolean
    readonly host: string
    readonly port: number

    constructor(
        private readonly w: UploadWorld,
        readonly route: Route,
        readonly url: URL,
    ) {
        this.https = url.protocol === "https:"
        this.host = url.hostname.toLowerCase()
        this.port = url.port ? Number(url.port) : this.https ? 443 : 80
    }

    private wait(ms: number, deadline: number) {
        return waitUntil(this.w.clock, ms, deadline)
    }

    private holds(): boolean {
        return this.w.routes().some((r) => r.iface === this.route.iface && r.ip === this.route.ip)
    }

    /**
     * The route still holds its address and carries packets. One that holds
     * its address but carries nothing (an access point switched off, before
     * the station's beacon loss; a pulled cable, before the PHY poll) loses
     * every segment: TCP retransmits until the deadline, which ends the step
     * as a timeout, or as connection-lost if the interface has lost its
     * address by then.
     */
    async stillUp(deadline: number) {
        const iface = this.route.iface
        if (!this.holds()) throw new UploadFailure("ConnectionLost", `the ${iface} link went down during the upload`)
        if (this.w.carrying(this.route)) return
        try {
            await this.wait(deadline - this.w.clock.now() + 1, deadline)
        } catch {
            if (!this.holds())
                throw new UploadFailure("ConnectionLost", `the ${iface} link went down during the upload`)
            throw new UploadFailure("Timeout", `no packet got through on ${iface}: the link carried nothing`)
        }
    }

    /** DNS (a name goes to the interface's DNS server), the TCP handshake, and TLS over `https`. */
    async open(deadline: number, tls: TlsChecks) {
        const { host, port, https, route } = this
        let ip: number
        await this.stillUp(deadline)
        if (isIPv4(host)) ip = parseIpv4(host) ?? 0
        else {
            if (!route.dns) throw new UploadFailure("Dns", `the ${route.iface} interface has no DNS server`)
            await this.wait(DNS_ANSWER_MS, deadline)
            const zone = this.w.servers.answers(host) ? parseIpv4("127.0.0.1") : this.w.dnsZone.get(host)
            if (zone === undefined) throw new UploadFailure("Dns", `no DNS answer for ${host}`)
            ip = zone
        }
        const server = this.w.servers.find(host, port)
        this.server = server
        if (!server && !isLoopback(ip))
            throw new UploadFailure(
                "Refused",
                `${host} is ${formatIpv4(ip)}: the simulator reaches servers on this machine's loopback only`,
            )
        this.latency = server?.config.latencyMs ?? DEFAULT_SERVER_LATENCY_MS
        // the TCP handshake: one round trip
        await this.wait(this.latency, deadline)
        await this.stillUp(deadline)
        const down = server?.isDown(this.w.clock.now()) ?? false
        const realPort = server ? (down ? server.closedPort : server.port) : port
        const address = server ? "127.0.0.1" : formatIpv4(ip)
        this.socket = await trackRealIo(this.connect(address, realPort, tls))
        if (https) await this.wait(2 * this.latency + TLS_HANDSHAKE_CPU_MS, deadline)
    }

    /** `bytes` of body at the link's rate, and half a round trip for the last byte to arrive. */
    async body(bytes: number, deadline: number) {
        await this.wait(this.latency / 2 + transferMs(bytes, this.route.iface), deadline)
        await this.stillUp(deadline)
    }

    /**
     * The request (head and body) on the socket, its answer's status line,
     * and the answer's way back; `exchanged` is told when the server answered
     * (the body is then counted sent, even if the way back fails).
     */
    async answer(request: Buffer, deadline: number, exchanged?: (status: number) => void): Promise<number> {
        if (!this.socket) throw new UploadFailure("ConnectionLost", "not connected")
        // the server files the request under this camera, by the connection's own port
        // (a fleet's cameras upload to one server at the same time)
        if (this.server && this.socket.localPort !== undefined) {
            this.filed = { server: this.server, port: this.socket.localPort }
            this.server.senders.set(this.filed.port, { camera: this.w.camera, via: this.route.iface })
        }
        const status = await trackRealIo(this.exchange(this.socket, request))
        exchanged?.(status)
        // the answer's way back, and a slow server's thinking
        const slow = this.server?.config.behaviour === "slow" ? this.server.config.slowByMs : 0
        await this.wait(this.latency / 2 + slow, deadline)
        await this.stillUp(deadline)
        return status
    }

    close() {
        this.socket?.destroy()
        this.socket = undefined
        if (this.filed) this.filed.server.senders.delete(this.filed.port)
        this.filed = undefined
    }

    /** A real connection to the server on loopback; TLS checked against the script's CA alone. */
    private connect(address: string, port: number, tls: TlsChecks): Promise<Socket> {
        const { host, https } = this
        const { insecure, ca } = tls
        return new Promise((resolve, reject) => {
            const sock = https
                ? tlsConnect({
                      host: address,
                      port,
                      servername: isIPv4(host) ? undefined : host,
                      // the script's CA alone, never the host's store: as esp_http_client's cert_pem
                      ca: insecure ? undefined : ca,
                      rejectUnauthorized: !insecure,
                      // the name is checked against the URL's host, as mbedTLS's hostname check does
                      checkServerIdentity: (_name, cert) => (insecure ? undefined : checkServerIdentity(host, cert)),
                  })
                : tcpConnect({ host: address, port })
            const timer = setRealTimeout(() => {
                sock.destroy()
                reject(new UploadFailure("Timeout", "the server on loopback did not answer in real time"))
            }, REAL_STEP_MS)
            sock.once(https ? "secureConnect" : "connect", () => {
                clearRealTimeout(timer)
                resolve(sock)
            })
            sock.once("error", (err: NodeJS.ErrnoException) => {
                clearRealTimeout(timer)
                sock.destroy()
                const code = err.code ?? ""
                if (code === "ECONNREFUSED")
                    return reject(new UploadFailure("Refused", `connection refused (${host}:${this.port})`))
                if (https) {
                    const problem = UNTRUSTED.has(code)
                        ? "Untrusted"
                        : code === "ERR_TLS_CERT_ALTNAME_INVALID"
                          ? "NameMismatch"
                          : EXPIRED.has(code)
                            ? "Expired"
                            : "Handshake"
                    return reject(new UploadFailure("Tls", `${code || err.message}`, problem))
                }
                reject(new UploadFailure("ConnectionLost", code || err.message))
            })
        })
    }

    /** Write the request, read the answer's status line; the server closes after it. */
    private exchange(sock: Socket, request: Buffer): Promise<number> {
        return new Promise((resolve, reject) => {
            let text = ""
            const timer = setRealTimeout(() => {
                reject(new UploadFailure("Timeout", "the server on loopback did not answer in real time"))
            }, REAL_STEP_MS)
            const done = () => {
                clearRealTimeout(timer)
                const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
                if (m) resolve(Number(m[1]))
                else reject(new UploadFailure("ConnectionLost", "the server closed the connection without an answer"))
            }
            sock.on("data", (b: Buffer) => {
                text += b.toString("latin1")
                if (/^HTTP\/1\.[01] \d{3}/.test(text) && text.includes("\r\n\r\n")) done()
            })
            sock.once("close", done)
            sock.once("error", () => undefined)
            sock.write(request)
        })
    }
}

// real timers, captured before a run fakes the clock: a stuck loopback server must not hang a run
const setRealTimeout = setTimeout
const clearRealTimeout = clearTimeout
