import type { Contract } from "../contract"
import { ContractServer } from "./contract-server"
import type { Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { Route } from "../net/sockets"
import type { WorldServers } from "../net/http-servers"
import { ESP_HTTP_CLIENT_USER_AGENT, UploadConnection, UploadFailure, type UploadWorld } from "../net/upload-connection"
import { withoutQuery } from "../net/url-text"
import { CA_CERT_MAX_BYTES, HEADERS_MAX_BYTES, URL_MAX_BYTES } from "../../src/limits"

// The simulator's implementation of services/http-upload.md: what the C
// driver does with esp_http_client, over real sockets to the world's
// servers on loopback (sim/net/upload-connection.ts, the same connection
// the C's simulated esp_http_client makes under `--driver firmware`). One
// attempt per `send`; the policy (retries, what a reason means) is the
// bytecode's. Times are simulated (see upload-connection.ts), so
// `elapsed_ms` is simulated time, whatever the host's speed.

const UPLOAD_CONTRACT_VERSION = 1
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

export class SimHttpUpload extends ContractServer {
    private parts: Parts = { request: 0, url: Buffer.alloc(0), headers: Buffer.alloc(0), caCert: Buffer.alloc(0) }
    private busy = false
    private readonly world: UploadWorld

    constructor(
        contract: Contract,
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly routes: () => Route[],
        dnsZone: Map<string, number>,
        servers: WorldServers,
        private readonly frames: FrameSource,
        camera: string,
        /** whether packets get through on the route's link now (a link can hold its address while they do not) */
        carrying: (route: Route) => boolean = () => true,
    ) {
        super(contract, UPLOAD_CONTRACT_VERSION)
        this.world = { clock, timeline, servers, dnsZone, camera, routes, carrying }
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
        let connection: UploadConnection | undefined
        let sent = 0
        try {
            const u = new URL(url)
            connection = new UploadConnection(this.world, route, u)
            await connection.open(deadline, { insecure, ca: parts?.caCert.toString("latin1") ?? "" })
            await connection.body(body.length, deadline)
            // the script's own User-Agent replaces esp_http_client's
            const ownAgent = /^user-agent:/im.test(parts?.headers.toString("latin1") ?? "")
            const head =
                `${method.toUpperCase()} ${u.pathname}${u.search} HTTP/1.1\r\n` +
                `Host: ${u.host}\r\n${ownAgent ? "" : `User-Agent: ${ESP_HTTP_CLIENT_USER_AGENT}\r\n`}` +
                `Content-Type: image/jpeg\r\nContent-Length: ${body.length}\r\nConnection: close\r\n`
            const status = await connection.answer(
                Buffer.concat([Buffer.from(head), parts?.headers ?? Buffer.alloc(0), Buffer.from("\r\n"), body]),
                deadline,
                () => (sent = body.length),
            )
            const reason = status >= 200 && status < 300 ? "None" : status >= 500 ? "ServerError" : "Rejected"
            this.timeline.add(
                "upload",
                reason === "None" ? "done" : "failed",
                `${status} in ${this.clock.now() - (deadline - timeoutMs)} ms`,
            )
            return { reason, status, tls: "None", sent, via }
        } catch (e) {
            const f = e instanceof UploadFailure ? e : new UploadFailure("ConnectionLost", (e as Error).message)
            this.timeline.add("upload", "failed", `${f.reason}${f.tls !== "None" ? ` (${f.tls})` : ""}: ${f.message}`)
            return fail(f.reason, f.tls, sent)
        } finally {
            connection?.close()
        }
    }
}
