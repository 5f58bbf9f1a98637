import { isIPv4, connect as tcpConnect, type Socket } from "node:net"
import { checkServerIdentity, connect as tlsConnect } from "node:tls"
import type { Contract } from "../contract"
import { ContractServer } from "./contract-server"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { isLoopback, type Route } from "../net/sockets"
import type { WorldServer, WorldServers } from "../net/http-servers"
import { DNS_ANSWER_MS, TLS_HANDSHAKE_CPU_MS, transferMs } from "../net/upload-timing"
import { DEFAULT_SERVER_LATENCY_MS } from "../world/servers"
import { trackRealIo } from "../realio"
import { withoutQuery } from "../net/url-text"
import { CA_CERT_MAX_BYTES, HEADERS_MAX_BYTES, URL_MAX_BYTES } from "../../src/limits"
import { formatIpv4, parseIpv4 } from "../world/ipv4"

// The simulator's implementation of services/http-upload.md: what the C
// driver does with esp_http_client, over real sockets to the world's
// servers on loopback. One attempt per `send`; the policy (retries, what a
// reason means) is the bytecode's.
//
// Virtual and real time meet this way: while bytes really move (connect,
// TLS handshake, request and answer on loopback), the virtual clock stands
// still (trackRealIo: the session waits for real I/O before it moves time);
// the time a camera would wait (round trips, the body at the link's rate,
// the handshake's arithmetic, a slow server's answer) is then spent on the
// virtual clock, step by step, against the attempt's deadline. So a server
// keeps a frame at the simulated time its last byte would have arrived, and
// `elapsed_ms` is simulated time, whatever the host's speed.

const UPLOAD_CONTRACT_VERSION = 1
/** esp_http_client's User-Agent (DEFAULT_HTTP_USER_AGENT, esp_http_client.c). */
const USER_AGENT = "ESP32 HTTP Client/1.0"
/** Real time a loopback step may take before the driver calls the server unreachable (a stuck test server). */
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

/** A frame's bytes in the camera driver's buffer, by handle (sim/drivers/camera.ts). */
export type FrameSource = (index: number, sequence: number) => Uint8Array | undefined

interface Parts {
    request: number
    url: Buffer
    headers: Buffer
    caCert: Buffer
    /** a part announced longer than the driver holds: the send is refused, saying which */
    oversize?: string
}

/**
 * The most bytes of each part the driver holds, as the C driver's fixed
 * buffers will: the bytecode's limits (src/limits.ts), so a request the
 * bytecode allowed always fits and anything else is refused, not allocated.
 */
const PART_MAX_BYTES: Record<string, number> = {
    url: URL_MAX_BYTES,
    headers: HEADERS_MAX_BYTES,
    caCert: CA_CERT_MAX_BYTES,
}

/** How an attempt ended. */
interface Outcome {
    reason: string
    status: number
    tls: string
    sent: number
    via: string
}

class Failure extends Error {
    constructor(
        readonly reason: string,
        message: string,
        readonly tls = "None",
    ) {
        super(message)
    }
}

export class SimHttpUpload extends ContractServer {
    private parts: Parts = { request: 0, url: Buffer.alloc(0), headers: Buffer.alloc(0), caCert: Buffer.alloc(0) }
    private busy = false

    constructor(
        contract: Contract,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly routes: () => Route[],
        private readonly dnsZone: Map<string, number>,
        private readonly servers: WorldServers,
        private readonly frames: FrameSource,
        private readonly camera: string,
        /** whether packets get through on the route's link now (a link can hold its address while they do not) */
        private readonly carrying: (route: Route) => boolean = () => true,
    ) {
        super(contract, UPLOAD_CONTRACT_VERSION)
        this.command("set_part", ({ request, part, offset, total, data }) => {
            const r = request as number
            if (r !== this.parts.request)
                this.parts = { request: r, url: Buffer.alloc(0), headers: Buffer.alloc(0), caCert: Buffer.alloc(0) }
            const key = this.contract.enumName("Part", part as number)
            const field =
                key === "Url" ? "url" : key === "Headers" ? "headers" : key === "CaCert" ? "caCert" : undefined
            if (!field) return
            if ((total as number) > PART_MAX_BYTES[field]) {
                this.parts.oversize = `${key} of ${total} bytes; the driver holds at most ${PART_MAX_BYTES[field]}`
                return
            }
            let buf = this.parts[field]
            if (buf.length !== (total as number)) buf = Buffer.alloc(total as number)
            Buffer.from(data as Uint8Array).copy(buf, offset as number)
            this.parts[field] = buf
        })
        this.command("send", ({ request, index, method, sequence, timeout_ms: timeoutMs, insecure }) => {
            const r = request as number
            if (this.busy)
                return this.answer(r, 0, 0, 0, { reason: "Rejected", status: 0, tls: "None", sent: 0, via: "" })
            const parts = r === this.parts.request ? this.parts : undefined
            if (parts?.oversize) {
                this.timeline.add("upload", "failed", `rejected by the driver: ${parts.oversize}`)
                return this.answer(r, 0, 0, 0, { reason: "Rejected", status: 0, tls: "None", sent: 0, via: "" })
            }
            this.busy = true
            const start = this.clock.now()
            void this.attempt(
                parts,
                index as number,
                sequence as number,
                this.contract.enumName("Method", method as number),
                timeoutMs as number,
                Boolean(insecure),
            )
                .catch((e: unknown) => ({
                    reason: "ConnectionLost",
                    status: 0,
                    tls: "None",
                    sent: 0,
                    via: "",
                    error: e,
                }))
                .then((o) => {
                    this.busy = false
                    this.answer(r, this.clock.now() - start, o.sent, o.status, o)
                })
        })
    }

    private answer(request: number, elapsedMs: number, sent: number, status: number, o: Outcome) {
        const via = o.via === "wifi" ? 1 : o.via === "eth" ? 2 : 0
        this.event("result", [
            request,
            status,
            Math.round(elapsedMs),
            sent,
            this.contract.enumValue("Reason", o.reason),
            this.contract.enumValue("TlsProblem", o.tls),
            via,
        ])
    }

    /** Wait `ms` of simulated time, or until the deadline (then a Timeout). */
    private wait(ms: number, deadline: number): Promise<void> {
        const now = this.clock.now()
        const until = Math.min(now + ms, deadline)
        return new Promise((resolve, reject) =>
            this.clock.setTimeout(
                () =>
                    until >= deadline && now + ms > deadline ? reject(new Failure("Timeout", "deadline")) : resolve(),
                until - now,
            ),
        )
    }

    private holds(route: Route): boolean {
        return this.routes().some((r) => r.iface === route.iface && r.ip === route.ip)
    }

    /**
     * The route the attempt started on still holds its address and carries
     * packets. One that holds its address but carries nothing (an access
     * point switched off, before the station's beacon loss; a pulled cable,
     * before the PHY poll) loses every segment: TCP retransmits until the
     * attempt's deadline, which ends it as a timeout, or as connection-lost
     * if the interface has lost its address by then.
     */
    private async stillUp(route: Route, deadline: number) {
        if (!this.holds(route))
            throw new Failure("ConnectionLost", `the ${route.iface} link went down during the upload`)
        if (this.carrying(route)) return
        try {
            await this.wait(deadline - this.clock.now() + 1, deadline)
        } catch (e) {
            if (!this.holds(route))
                throw new Failure("ConnectionLost", `the ${route.iface} link went down during the upload`)
            throw new Failure("Timeout", `no packet got through on ${route.iface}: the link carried nothing`)
        }
    }

    private async attempt(
        parts: Parts | undefined,
        index: number,
        sequence: number,
        method: string,
        timeoutMs: number,
        insecure: boolean,
    ): Promise<Outcome> {
        const deadline = this.clock.now() + timeoutMs
        const route = this.routes()[0]
        const via = route?.iface ?? ""
        const fail = (reason: string, tls = "None", sent = 0): Outcome => ({ reason, status: 0, tls, sent, via })
        const body = this.frames(index, sequence)
        const url = parts ? parts.url.toString("utf8") : ""
        if (!body) {
            this.timeline.add("upload", "frame-gone", `#${sequence} is not in buffer ${index}`)
            return fail("FrameGone")
        }
        this.timeline.add(
            "upload",
            "send",
            `#${sequence} ${body.length} B ${method.toUpperCase()} ${withoutQuery(url)} via ${via || "none"}`,
        )
        if (!route) {
            this.timeline.add("upload", "failed", "no-link: no interface holds an address")
            return fail("NoLink")
        }
        let socket: Socket | undefined
        let filed: { server: WorldServer; port: number } | undefined
        let sent = 0
        try {
            const u = new URL(url)
            const https = u.protocol === "https:"
            const host = u.hostname.toLowerCase()
            const port = u.port ? Number(u.port) : https ? 443 : 80
            // DNS: an address needs none; a name goes to the interface's DNS server
            let ip: number
            let server: WorldServer | undefined
            await this.stillUp(route, deadline)
            if (isIPv4(host)) ip = parseIpv4(host) ?? 0
            else {
                if (!route.dns) throw new Failure("Dns", `the ${route.iface} interface has no DNS server`)
                await this.wait(DNS_ANSWER_MS, deadline)
                const zone = this.servers.answers(host) ? parseIpv4("127.0.0.1") : this.dnsZone.get(host)
                if (zone === undefined) throw new Failure("Dns", `no DNS answer for ${host}`)
                ip = zone
            }
            server = this.servers.find(host, port)
            if (!server && !isLoopback(ip))
                throw new Failure(
                    "Refused",
                    `${host} is ${formatIpv4(ip)}: the simulator reaches servers on this machine's loopback only`,
                )
            const latency = server?.config.latencyMs ?? DEFAULT_SERVER_LATENCY_MS
            // the TCP handshake: one round trip
            await this.wait(latency, deadline)
            await this.stillUp(route, deadline)
            const down = server?.isDown(this.clock.now()) ?? false
            const realPort = server ? (down ? server.closedPort : server.port) : port
            const address = server ? "127.0.0.1" : formatIpv4(ip)
            socket = await trackRealIo(
                this.connect(address, realPort, https, host, insecure, parts?.caCert.toString("latin1") ?? ""),
            )
            if (https) await this.wait(2 * latency + TLS_HANDSHAKE_CPU_MS, deadline)
            // the body at the link's rate, and half a round trip for its last byte to arrive
            await this.wait(latency / 2 + transferMs(body.length, route.iface), deadline)
            await this.stillUp(route, deadline)
            // the server files the request under this camera, by the connection's own port
            if (server && socket.localPort !== undefined) {
                filed = { server, port: socket.localPort }
                server.senders.set(filed.port, { camera: this.camera, via: route.iface })
            }
            // the script's own User-Agent replaces esp_http_client's
            const ownAgent = /^user-agent:/im.test(parts?.headers.toString("latin1") ?? "")
            const head =
                `${method.toUpperCase()} ${u.pathname}${u.search} HTTP/1.1\r\n` +
                `Host: ${u.host}\r\n${ownAgent ? "" : `User-Agent: ${USER_AGENT}\r\n`}Content-Type: image/jpeg\r\n` +
                `Content-Length: ${body.length}\r\nConnection: close\r\n`
            const status = await trackRealIo(
                this.exchange(
                    socket,
                    Buffer.concat([Buffer.from(head), parts?.headers ?? Buffer.alloc(0), Buffer.from("\r\n"), body]),
                ),
            )
            sent = body.length
            // the answer's way back, and a slow server's thinking
            await this.wait(latency / 2 + (server?.config.behaviour === "slow" ? server.config.slowByMs : 0), deadline)
            await this.stillUp(route, deadline)
            const reason = status >= 200 && status < 300 ? "None" : status >= 500 ? "ServerError" : "Rejected"
            this.timeline.add(
                "upload",
                reason === "None" ? "done" : "failed",
                `${status} in ${this.clock.now() - (deadline - timeoutMs)} ms`,
            )
            return { reason, status, tls: "None", sent, via }
        } catch (e) {
            const f = e instanceof Failure ? e : new Failure("ConnectionLost", (e as Error).message)
            this.timeline.add("upload", "failed", `${f.reason}${f.tls !== "None" ? ` (${f.tls})` : ""}: ${f.message}`)
            return fail(f.reason, f.tls, sent)
        } finally {
            socket?.destroy()
            if (filed) filed.server.senders.delete(filed.port)
        }
    }

    /** A real connection to the server on loopback; TLS checked against the script's CA alone. */
    private connect(
        address: string,
        port: number,
        https: boolean,
        host: string,
        insecure: boolean,
        ca: string,
    ): Promise<Socket> {
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
                reject(new Failure("Timeout", "the server on loopback did not answer in real time"))
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
                    return reject(new Failure("Refused", `connection refused (${host}:${port})`))
                if (https) {
                    const problem = UNTRUSTED.has(code)
                        ? "Untrusted"
                        : code === "ERR_TLS_CERT_ALTNAME_INVALID"
                          ? "NameMismatch"
                          : EXPIRED.has(code)
                            ? "Expired"
                            : "Handshake"
                    return reject(new Failure("Tls", `${code || err.message}`, problem))
                }
                reject(new Failure("ConnectionLost", code || err.message))
            })
        })
    }

    /** Write the request, read the answer's status line; the server closes after it. */
    private exchange(sock: Socket, request: Buffer): Promise<number> {
        return new Promise((resolve, reject) => {
            let text = ""
            const timer = setRealTimeout(() => {
                reject(new Failure("Timeout", "the server on loopback did not answer in real time"))
            }, REAL_STEP_MS)
            const done = () => {
                clearRealTimeout(timer)
                const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
                if (m) resolve(Number(m[1]))
                else reject(new Failure("ConnectionLost", "the server closed the connection without an answer"))
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
