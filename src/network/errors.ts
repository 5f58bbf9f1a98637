/**
 * Thrown (as a rejection) by `wait_connected()` when the link did not come up
 * in time. `status` is what `status()` read at that moment; `reason` says why
 * in words.
 */
export class LinkTimeoutError extends Error {
    status: number
    reason: string
    timeout_ms: number
    constructor(iface: string, timeout_ms: number, status: number, reason: string) {
        super(`${iface} did not come up in ${timeout_ms} ms: status ${status}, ${reason}`)
        this.name = "LinkTimeoutError"
        this.status = status
        this.reason = reason
        this.timeout_ms = timeout_ms
    }
}
