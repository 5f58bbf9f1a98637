import * as ds from "@devicescript/core"

// The one table from the contract's reasons (services/http-upload.md) to
// the words a script reads in an upload's result and the sentence that says
// what to do; and which of them the default retry policy retries. Drivers
// map their vendor codes (esp_err_t, mbedTLS verify flags, lwIP errors) onto
// the contract's Reason; nothing here knows them.

// The lists are built per call, never at module level: the image runs every
// module's top level, so a table here would take heap from every script,
// uploading or not.

/** By the contract's Reason number. */
export function reasonWords(): string[] {
    return [
        "",
        "no-link",
        "dns",
        "refused",
        "tls",
        "timeout",
        "server-error",
        "rejected",
        "frame-gone",
        "connection-lost",
    ]
}

/**
 * What the default policy retries: failures that may pass (a link coming
 * back, a server restarting or busy). Not retried by default: `tls` (the
 * certificate will not change by itself), `rejected` (4xx: the same request
 * gets the same answer) and `frame-gone` (nothing left to send).
 */
export function defaultRetryOn(): string[] {
    return ["no-link", "dns", "refused", "timeout", "server-error", "connection-lost"]
}

export function reasonWord(reason: number): string {
    return reasonWords()[reason] ?? `reason-${reason}`
}

export function tlsWord(problem: number): string {
    return ["", "untrusted", "name-mismatch", "expired", "handshake"][problem] ?? `tls-${problem}`
}

/** The reason number of a word, -1 when it is none. */
export function reasonNumber(word: string): number {
    const words = reasonWords()
    for (let i = 1; i < words.length; i++) if (words[i] === word) return i
    return -1
}

/** A sentence a person can act on, for a failed attempt ("" when it went through). */
export function reasonText(reason: number, tls: number, status: number, host: string, timeoutMs: number): string {
    switch (reason) {
        case ds.CamHttpUploadReason.None:
            return ""
        case ds.CamHttpUploadReason.NoLink:
            return "no interface holds an address (Wi-Fi and Ethernet are down or still connecting): wait for the link (on_change, isconnected()) and upload again; keep the frame meanwhile"
        case ds.CamHttpUploadReason.Dns:
            return `the name ${host} did not resolve: check the URL's host, and that the network's DNS server knows it (an IP address in the URL needs no DNS)`
        case ds.CamHttpUploadReason.Refused:
            return `nothing accepts connections at ${host}'s port: the server is down or restarting, or the URL's port is wrong; retry later`
        case ds.CamHttpUploadReason.Tls:
            if (tls === ds.CamHttpUploadTlsProblem.Untrusted)
                return `the certificate of ${host} does not chain to the caCert given: pass the CA that signed the server's certificate (not the server's own certificate, unless it is self-signed)`
            if (tls === ds.CamHttpUploadTlsProblem.NameMismatch)
                return `the certificate the server sent is not for ${host}: use the name the certificate is for in the URL`
            if (tls === ds.CamHttpUploadTlsProblem.Expired)
                return `the server's certificate is expired or not yet valid (the board's clock must be set for this check): renew it on the server`
            return `the TLS handshake with ${host} failed (a server that does not speak TLS at this port, or no cipher in common)`
        case ds.CamHttpUploadReason.Timeout:
            return `no answer within ${timeoutMs} ms: the server or the link is slow; retry, or give a longer timeout_ms`
        case ds.CamHttpUploadReason.ServerError:
            return `the server answered ${status} (a fault on its side): retry later`
        case ds.CamHttpUploadReason.Rejected:
            if (status === 413)
                return "the server answered 413: the frame is larger than it accepts; lower the quality or the frame size"
            if (status === 401 || status === 403)
                return `the server answered ${status}: the request's credentials (headers) were refused; check the token`
            if (status === 0) return "the driver was still sending another upload: await each upload before the next"
            return `the server answered ${status}: it refused this request as sent (check the URL, the method and the headers); the same request will get the same answer`
        case ds.CamHttpUploadReason.FrameGone:
            return "the frame was released, or the camera restarted, before it was sent: keep the frame until its upload has finished"
        case ds.CamHttpUploadReason.ConnectionLost:
            return "the connection broke before the answer (the link went down, or the server closed it): retry; the server may or may not have kept the frame"
    }
    return `reason ${reason}`
}
