import type { UploadWorld } from "../net/upload-connection"
import { EspHttpClient } from "./esp-http-client"
import { ESP } from "./esp-types"
import type { FirmwareTasks } from "./tasks"
import type { EspHttpServer } from "./esp-http-server"

// The module's esp_http_client imports (firmware/host/sim/sim.h, "esp_http_client"):
// strings come out of the module's memory, the blocking calls hand their
// operation to the current task (tasks.ts), which the C then suspends.
// Without an upload world (a board with no upload driver) every client
// fails to initialise.

export function firmwareHttpImports(
    world: UploadWorld | undefined,
    tasks: FirmwareTasks,
    text: (ptr: number, length: number) => string,
    body: (address: number, length: number) => Uint8Array | undefined,
    view: () => DataView,
): Record<string, unknown> {
    const client = world ? new EspHttpClient(world) : undefined
    return {
        http_init: (
            url: number,
            urlLength: number,
            method: number,
            timeoutMs: number,
            cert: number,
            certLength: number,
            checks: number,
            agent: number,
            agentLength: number,
        ) =>
            client?.init(
                text(url, urlLength),
                method,
                timeoutMs,
                cert ? text(cert, certLength) : "",
                checks,
                text(agent, agentLength),
            ) ?? 0,
        http_set_header: (id: number, key: number, keyLength: number, value: number, valueLength: number) =>
            client?.setHeader(id, text(key, keyLength), text(value, valueLength)),
        http_set_timeout: (id: number, ms: number) => client?.setTimeout(id, ms),
        http_open: (id: number, writeLength: number) =>
            tasks.await(client ? client.open(id, writeLength) : Promise.resolve(ESP.ERR_INVALID_ARG)),
        http_write: (id: number, address: number, length: number) =>
            tasks.await(client ? client.write(id, body(address >>> 0, length), length) : Promise.resolve(-1)),
        http_fetch_headers: (id: number) => tasks.await(client ? client.fetchHeaders(id) : Promise.resolve(ESP.FAIL)),
        http_status: (id: number) => client?.status(id) ?? -1,
        http_errno: (id: number) => client?.errno(id) ?? 0,
        http_tls_error: (id: number, codeOut: number, flagsOut: number) => {
            const e = client?.tlsError(id) ?? { lastError: 0, mbedtlsCode: 0, flags: 0 }
            const v = view()
            if (codeOut) v.setInt32(codeOut, e.mbedtlsCode, true)
            if (flagsOut) v.setInt32(flagsOut, e.flags, true)
            return e.lastError
        },
        http_close: (id: number) => client?.close(id),
        http_cleanup: (id: number) => client?.cleanup(id),
    }
}

/** The module's esp_http_server imports (firmware/host/sim/sim.h, "esp_http_server"). */
export function firmwareHttpdImports(
    httpd: EspHttpServer | undefined,
    tasks: FirmwareTasks,
    text: (ptr: number, length: number) => string,
    body: (address: number, length: number) => Uint8Array | undefined,
    bytes: (ptr: number, length: number) => Uint8Array,
): Record<string, unknown> {
    return {
        httpd_start: (port: number, maxSessions: number) => httpd?.start(port, maxSessions) ?? 0,
        httpd_stop: (id: number) => httpd?.stop(id),
        httpd_wait: (id: number) => tasks.await(httpd ? httpd.wait(id) : Promise.resolve(-1)),
        httpd_request: (id: number, fd: number, uri: number, capacity: number) => {
            const r = httpd?.takeRequest(id, fd) ?? { method: 0, uri: "/" }
            const b = Buffer.from(r.uri, "utf8").subarray(0, Math.max(0, capacity - 1))
            const out = bytes(uri, capacity)
            out.fill(0)
            out.set(b)
            return r.method
        },
        httpd_header: (id: number, fd: number, name: number, nameLength: number, value: number, capacity: number) => {
            const v = httpd?.header(id, fd, text(name, nameLength))
            if (v === undefined) return -1
            const b = Buffer.from(v, "latin1")
            if (value && capacity) bytes(value, capacity).set(b.subarray(0, capacity))
            return b.length
        },
        httpd_send: (id: number, fd: number, address: number, length: number) =>
            tasks.await(httpd ? httpd.send(id, fd, body(address >>> 0, length)) : Promise.resolve(-1)),
        httpd_done: (id: number, fd: number) => httpd?.done(id, fd),
        httpd_close: (id: number, fd: number) => httpd?.close(id, fd),
        httpd_trigger_close: (id: number, fd: number) => (httpd?.triggerClose(id, fd) ? 1 : 0),
        httpd_next_close: (id: number) => httpd?.nextClose(id) ?? 0,
        httpd_next_open: (id: number) => httpd?.nextOpen(id) ?? 0,
    }
}
