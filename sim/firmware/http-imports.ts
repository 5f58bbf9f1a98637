import type { UploadWorld } from "../net/upload-connection"
import { EspHttpClient } from "./esp-http-client"
import { ESP } from "./esp-types"
import type { FirmwareTasks } from "./tasks"

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
