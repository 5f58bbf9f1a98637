import { UploadConnection, UploadFailure, type UploadWorld } from "../net/upload-connection"
import { withoutQuery } from "../net/url-text"
import { ESP } from "./esp-types"

// ESP-IDF's esp_http_client (v5.0.5: components/esp_http_client/
// esp_http_client.c, commit 03d7a3807bee) for the firmware's C under
// `--driver firmware`, over the same connection to the world's servers the
// model upload driver makes (sim/net/upload-connection.ts): the C stand-in
// (firmware/host/sim/esp_http_client_sim.c) calls these through imports,
// and its blocking calls suspend the calling FreeRTOS task (tasks.ts) until
// the promise returned here answers, on the virtual clock.
//
// What each call answers, from v5.0.5:
// - esp_http_client_open: ESP_OK, or ESP_ERR_HTTP_CONNECT for every failure
//   to connect (esp_http_client_connect: "Connection failed, sock < 0"),
//   after which esp_http_client_get_errno reads the socket's errno
//   (esp_transport_get_errno) and the HTTP_EVENT_ERROR handler the esp-tls
//   error handle (esp_tls_get_and_clear_last_error: last_error, the mbedTLS
//   code, the certificate verification flags).
// - esp_http_client_write: the bytes written, or what esp_transport_write
//   returned (<= 0) on a failure.
// - esp_http_client_fetch_headers: the content length (0 without one),
//   -ESP_ERR_HTTP_EAGAIN when the read timed out
//   (ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT), ESP_FAIL otherwise; the status
//   code reads -1 until a status line was parsed.
// Each blocking call waits up to the client's timeout_ms from its start
// (esp_transport_connect / _write / _read take client->timeout_ms).

/** esp_http_client.h's error codes (ESP_ERR_HTTP_BASE 0x7000). */
const ESP_ERR_HTTP_CONNECT = 0x7002
const ESP_ERR_HTTP_EAGAIN = 0x7007
/** esp_tls_errors.h (v5.0.5): esp-tls's last_error values used here. */
const ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME = 0x8001
const ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST = 0x8004
const ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT = 0x8006
const ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED = 0x801a
/**
 * mbedTLS's x509.h certificate verification flags (mbedtls_ssl_get_verify_result,
 * which esp_tls_mbedtls.c records as ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS).
 */
const MBEDTLS_X509_BADCERT_EXPIRED = 0x01
const MBEDTLS_X509_BADCERT_CN_MISMATCH = 0x04
const MBEDTLS_X509_BADCERT_NOT_TRUSTED = 0x08
/** mbedTLS's MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, the handshake's error when the flags are set. */
const MBEDTLS_ERR_X509_CERT_VERIFY_FAILED = -0x2700

/** The socket errors the C stand-in maps to its errno.h (firmware/host/sim/sim.h SIM_ERRNO_*). */
const SIM_ERRNO = { NONE: 0, CONNREFUSED: 1, TIMEDOUT: 2, CONNRESET: 3, HOSTUNREACH: 4 }

/** esp_http_client_method_t's names, by value. */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

/** esp-tls's last error of a connection (esp_tls_last_error_t). */
export interface TlsLastError {
    lastError: number
    mbedtlsCode: number
    flags: number
}

interface Client {
    url?: URL
    urlText: string
    method: string
    timeoutMs: number
    ca: string
    /** verify the chain against `ca` (cert_pem given) */
    verify: boolean
    userAgent: string
    /** esp_http_client_set_header: a key set again replaces its value (http_header_set) */
    headers: [string, string][]
    connection?: UploadConnection
    errno: number
    tls: TlsLastError
    status: number
    writeLength: number
    body: Buffer[]
    startedAt: number
}

export class EspHttpClient {
    private readonly clients = new Map<number, Client>()
    private next = 1

    constructor(private readonly world: UploadWorld) {}

    init(urlText: string, method: number, timeoutMs: number, ca: string, checks: number, userAgent: string): number {
        let url: URL | undefined
        try {
            url = new URL(urlText)
        } catch {
            return 0 // esp_http_client_init: "Error parse url"
        }
        const id = this.next++
        this.clients.set(id, {
            url,
            urlText,
            method: METHODS[method] ?? "GET",
            timeoutMs,
            ca,
            verify: (checks & 1) !== 0,
            userAgent,
            headers: [],
            errno: SIM_ERRNO.NONE,
            tls: { lastError: 0, mbedtlsCode: 0, flags: 0 },
            status: -1,
            writeLength: 0,
            body: [],
            startedAt: this.world.clock.now(),
        })
        return id
    }

    setHeader(id: number, key: string, value: string) {
        const c = this.clients.get(id)
        if (!c) return
        const at = c.headers.findIndex(([k]) => k.toLowerCase() === key.toLowerCase())
        if (at >= 0) c.headers[at] = [c.headers[at][0], value]
        else c.headers.push([key, value])
    }

    setTimeout(id: number, ms: number) {
        const c = this.clients.get(id)
        if (c) c.timeoutMs = ms
    }

    errno(id: number): number {
        return this.clients.get(id)?.errno ?? SIM_ERRNO.NONE
    }

    tlsError(id: number): TlsLastError {
        const c = this.clients.get(id)
        const e = c ? { ...c.tls } : { lastError: 0, mbedtlsCode: 0, flags: 0 }
        // esp_tls_get_and_clear_last_error clears what it read
        if (c) c.tls = { lastError: 0, mbedtlsCode: 0, flags: 0 }
        return e
    }

    status(id: number): number {
        return this.clients.get(id)?.status ?? -1
    }

    /** esp_http_client_open: DNS, connect, TLS (the request head goes with the body here). */
    async open(id: number, writeLength: number): Promise<number> {
        const c = this.clients.get(id)
        if (!c || !c.url) return ESP.ERR_INVALID_ARG
        const w = this.world
        c.writeLength = writeLength
        c.startedAt = w.clock.now()
        const route = w.routes()[0]
        w.timeline.add(
            "upload",
            "send",
            `${writeLength} B ${c.method} ${withoutQuery(c.urlText)} via ${route?.iface ?? "none"} (esp_http_client)`,
        )
        if (!route) {
            // lwIP finds no netif for the address: connect fails with EHOSTUNREACH
            c.errno = SIM_ERRNO.HOSTUNREACH
            c.tls = { lastError: ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST, mbedtlsCode: 0, flags: 0 }
            this.failed(new UploadFailure("NoLink", "no interface holds an address"))
            return ESP_ERR_HTTP_CONNECT
        }
        const connection = new UploadConnection(w, route, c.url)
        c.connection = connection
        try {
            await connection.open(w.clock.now() + c.timeoutMs, { insecure: !c.verify, ca: c.ca })
            return ESP.OK
        } catch (e) {
            const f = this.failed(e)
            this.recordOpenFailure(c, f)
            connection.close()
            c.connection = undefined
            return ESP_ERR_HTTP_CONNECT
        }
    }

    /** esp_http_client_write: `length` body bytes, at the link's rate. */
    async write(id: number, bytes: Uint8Array | undefined, length: number): Promise<number> {
        const c = this.clients.get(id)
        if (!c?.connection || !bytes) return ESP.FAIL
        try {
            await c.connection.body(length, this.world.clock.now() + c.timeoutMs)
            c.body.push(Buffer.from(bytes))
            return length
        } catch (e) {
            this.failed(e)
            c.errno = e instanceof UploadFailure && e.reason === "Timeout" ? SIM_ERRNO.TIMEDOUT : SIM_ERRNO.CONNRESET
            return -1
        }
    }

    /** esp_http_client_fetch_headers: the request goes out, the status line comes back. */
    async fetchHeaders(id: number): Promise<number> {
        const c = this.clients.get(id)
        if (!c?.connection || !c.url) return ESP.FAIL
        const w = this.world
        const body = Buffer.concat(c.body)
        const u = c.url
        // the head as esp_http_client writes it: its own User-Agent unless one was set, the set headers
        const own = c.headers.some(([k]) => k.toLowerCase() === "user-agent")
        const lines = [
            `${c.method} ${u.pathname}${u.search} HTTP/1.1`,
            `Host: ${u.host}`,
            ...(own ? [] : [`User-Agent: ${c.userAgent}`]),
            ...c.headers.map(([k, v]) => `${k}: ${v}`),
            `Content-Length: ${c.writeLength}`,
            "Connection: close",
        ]
        try {
            const status = await c.connection.answer(
                Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]),
                w.clock.now() + c.timeoutMs,
            )
            c.status = status
            w.timeline.add(
                "upload",
                status >= 200 && status < 300 ? "done" : "failed",
                `${status} in ${w.clock.now() - c.startedAt} ms`,
            )
            return 0
        } catch (e) {
            const f = this.failed(e)
            if (f.reason === "Timeout") {
                c.errno = SIM_ERRNO.TIMEDOUT
                return -ESP_ERR_HTTP_EAGAIN
            }
            c.errno = SIM_ERRNO.CONNRESET
            return ESP.FAIL
        }
    }

    close(id: number) {
        const c = this.clients.get(id)
        c?.connection?.close()
        if (c) c.connection = undefined
    }

    cleanup(id: number) {
        this.close(id)
        this.clients.delete(id)
    }

    private failed(e: unknown): UploadFailure {
        const f = e instanceof UploadFailure ? e : new UploadFailure("ConnectionLost", (e as Error).message)
        this.world.timeline.add(
            "upload",
            "failed",
            `${f.reason}${f.tls !== "None" ? ` (${f.tls})` : ""}: ${f.message} (esp_http_client)`,
        )
        return f
    }

    /** What a failed connect leaves for esp_http_client_get_errno and the esp-tls error handle. */
    private recordOpenFailure(c: Client, f: UploadFailure) {
        const none = { lastError: 0, mbedtlsCode: 0, flags: 0 }
        switch (f.reason) {
            case "Refused":
                c.errno = SIM_ERRNO.CONNREFUSED
                c.tls = { ...none, lastError: ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST }
                return
            case "Timeout":
                c.errno = SIM_ERRNO.TIMEDOUT
                c.tls = { ...none, lastError: ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT }
                return
            case "Dns":
                // esp_tls.c resolve_host_name: getaddrinfo failed; no socket, no errno
                c.errno = SIM_ERRNO.NONE
                c.tls = { ...none, lastError: ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME }
                return
            case "Tls": {
                c.errno = SIM_ERRNO.NONE
                const flags =
                    f.tls === "Untrusted"
                        ? MBEDTLS_X509_BADCERT_NOT_TRUSTED
                        : f.tls === "NameMismatch"
                          ? MBEDTLS_X509_BADCERT_CN_MISMATCH
                          : f.tls === "Expired"
                            ? MBEDTLS_X509_BADCERT_EXPIRED
                            : 0
                c.tls = {
                    lastError: ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED,
                    // any other failed handshake: its mbedTLS code is not modelled (the driver reads the flags)
                    mbedtlsCode: flags ? MBEDTLS_ERR_X509_CERT_VERIFY_FAILED : 0,
                    flags,
                }
                return
            }
            default:
                c.errno = SIM_ERRNO.CONNRESET
                c.tls = { ...none, lastError: ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST }
        }
    }
}
