import * as ds from "@devicescript/core"
import * as L from "../limits"
import { Frame } from "../camera/frame"
import { checkKeys, describe } from "../network/credentials"
import { checkPem } from "../network/enterprise"
import { checkAttempts, checkHeaders, checkRetryDelay, checkUploadTimeout, checkUrl } from "./checks"
import { uploadLink } from "./link"
import { defaultRetryOn, reasonNumber, reasonText, reasonWord, reasonWords, tlsWord } from "./reasons"

// upload.post() and upload.put(): a captured frame as the body of one HTTP(S)
// request, sent by the driver from the camera's frame buffer (the VM holds
// the frame's handle only), with the retry policy the script chooses. Misuse
// throws at once; a failed upload is a value (`ok`, `reason`, `detail`).

/** One attempt's time limit when none is given: esp_http_client's own default (DEFAULT_TIMEOUT_MS, esp_http_client.c). */
export const DEFAULT_TIMEOUT_MS = 5000
/** Attempts when the script gives no retry policy: the first and two retries. */
export const DEFAULT_ATTEMPTS = 3
/** The wait before the first retry; it doubles after each (1 s, 2 s, 4 s, ...), up to UPLOAD_RETRY_DELAY_MAX_MS. */
export const DEFAULT_RETRY_DELAY_MS = 1000

/** The options of upload.post(url, frame, options). Every key is optional. */
export interface UploadOptions {
    /** extra request headers, e.g. { Authorization: "Bearer ..." } (values never printed) */
    headers?: { [name: string]: string }
    /** one attempt's limit, ms (connect, handshake, body, answer): 100..120000, default 5000 */
    timeout_ms?: number
    /** https: the CA(s) the server's certificate must chain to (PEM); required unless `insecure` */
    caCert?: string
    /** https: skip the server certificate check (anyone on the path can then read and change the upload) */
    insecure?: boolean
    /** what to do when an attempt fails */
    retry?: RetryPolicy
}

/** How an upload retries. */
export interface RetryPolicy {
    /** attempts in all, the first included: 1..10, default 3 (1: no retry) */
    attempts?: number
    /** the wait before the first retry, ms, doubling after each, at most 60000: default 1000 */
    delay_ms?: number
    /** the reasons retried: default ["no-link", "dns", "refused", "timeout", "server-error", "connection-lost"] */
    on?: string[]
}

/** What an upload came to: a value, never an exception (the script decides). */
export interface UploadResult {
    /** the server answered 2xx */
    ok: boolean
    /** the last attempt's HTTP status, 0 when no answer came */
    status: number
    /** "" when ok, else no-link, dns, refused, tls, timeout, server-error, rejected, frame-gone, connection-lost */
    reason: string
    /** what to do, in words ("" when ok) */
    detail: string
    /** for reason "tls": untrusted, name-mismatch, expired or handshake */
    tls: string
    /** the last attempt, from its send to its answer, ms */
    ms: number
    /** from the call to this result, retries and their waits included, ms */
    total_ms: number
    /** attempts made */
    attempts: number
    /** body bytes the last attempt wrote */
    sent: number
    /** the interface the last attempt used: "eth", "wifi" or "" (none) */
    via: string
}

// per call, never at module level (see reasons.ts)
function optionKeys(): string[] {
    return ["headers", "timeout_ms", "caCert", "insecure", "retry"]
}
function retryKeys(): string[] {
    return ["attempts", "delay_ms", "on"]
}

interface Checked {
    url: string
    host: string
    headers: string
    caCert: string
    insecure: boolean
    timeoutMs: number
    attempts: number
    delayMs: number
    on: string[]
}

async function check(what: string, url: any, frame: any, options: any): Promise<Checked> {
    const u = checkUrl(url, `${what}: url`)
    if (!(frame instanceof Frame))
        throw new Error(`${what}: expected a frame from cam.capture() as the second argument, got ${describe(frame)}`)
    const o = options === undefined ? {} : options
    if (typeof o !== "object" || o === null || Array.isArray(o))
        throw new Error(`${what}: expected an object of options (${optionKeys().join(", ")}), got ${describe(o)}`)
    checkKeys(what, o, optionKeys())
    const c: Checked = {
        url: url,
        host: u.host,
        headers: "",
        caCert: "",
        insecure: false,
        timeoutMs: DEFAULT_TIMEOUT_MS,
        attempts: DEFAULT_ATTEMPTS,
        delayMs: DEFAULT_RETRY_DELAY_MS,
        on: defaultRetryOn(),
    }
    if (o.headers !== undefined) c.headers = checkHeaders(o.headers, `${what}: headers`)
    if (o.timeout_ms !== undefined) {
        checkUploadTimeout(o.timeout_ms, `${what}: timeout_ms`)
        c.timeoutMs = o.timeout_ms
    }
    if (o.retry !== undefined) {
        const r = o.retry
        if (typeof r !== "object" || r === null || Array.isArray(r))
            throw new Error(`${what}: retry must be an object (${retryKeys().join(", ")}), got ${describe(r)}`)
        checkKeys(`${what}: retry`, r, retryKeys())
        if (r.attempts !== undefined) {
            checkAttempts(r.attempts, `${what}: retry.attempts`)
            c.attempts = r.attempts
        }
        if (r.delay_ms !== undefined) {
            checkRetryDelay(r.delay_ms, `${what}: retry.delay_ms`)
            c.delayMs = r.delay_ms
        }
        if (r.on !== undefined) {
            if (!Array.isArray(r.on))
                throw new Error(`${what}: retry.on must be a list of reasons, got ${describe(r.on)}`)
            for (const w of r.on as any[])
                if (typeof w !== "string" || reasonNumber(w) < 0)
                    throw new Error(
                        `${what}: retry.on: unknown reason ${describe(w)}; reasons: ${reasonWords().slice(1).join(", ")}`,
                    )
            c.on = r.on
        }
    }
    if (o.insecure !== undefined && typeof o.insecure !== "boolean")
        throw new Error(`${what}: insecure must be true or false, got ${describe(o.insecure)}`)
    const insecure = o.insecure === true
    if (!u.https) {
        if (o.caCert !== undefined || o.insecure !== undefined)
            throw new Error(
                `${what}: caCert and insecure are for https URLs; an http URL is sent in the clear, checked by no one`,
            )
    } else if (insecure) {
        if (o.caCert !== undefined)
            throw new Error(`${what}: caCert cannot be checked with insecure: true; drop one or the other`)
        c.insecure = true
    } else {
        if (o.caCert === undefined)
            throw new Error(
                `${what}: an https URL needs caCert, the CA certificate (PEM) that signed the server's certificate: without it anyone on the path could pose as the server and receive the frames and the headers. To send without checking the server, pass insecure: true (not recommended)`,
            )
        await checkPem("caCert", o.caCert, ["CERTIFICATE"], L.CA_CERT_MAX_BYTES, what)
        c.caCert = o.caCert
    }
    if (frame.released())
        throw new Error(`${what}: the frame was released (or the camera restarted); upload a frame before release()`)
    return c
}

/** The wait before retry `n` (1 for the first retry): delay_ms doubling, at most UPLOAD_RETRY_DELAY_MAX_MS. */
export function retryDelayMs(first: number, n: number): number {
    let d = first
    for (let i = 1; i < n && d < L.UPLOAD_RETRY_DELAY_MAX_MS; i++) d = d * 2
    return Math.min(d, L.UPLOAD_RETRY_DELAY_MAX_MS)
}

async function send(what: string, method: number, url: any, frame: any, options: any): Promise<UploadResult> {
    const c = await check(what, url, frame, options)
    const link = uploadLink(what)
    const f = frame as Frame
    const start = ds.millis()
    let n = 0
    while (true) {
        n++
        const a = await link.attempt(
            {
                url: c.url,
                headers: c.headers,
                caCert: c.caCert,
                insecure: c.insecure,
                method: method,
                index: f.index,
                sequence: f.sequence,
                timeoutMs: c.timeoutMs,
            },
            what,
        )
        // no answer at all: the driver is gone (restarting); counted as a timeout
        const reason = a ? a.reason : ds.CamHttpUploadReason.Timeout
        const status = a ? a.status : 0
        const tls = a ? a.tls : 0
        const word = reasonWord(reason)
        const last = reason === ds.CamHttpUploadReason.None || n >= c.attempts || c.on.indexOf(word) < 0 || f.released()
        if (last)
            return {
                ok: reason === ds.CamHttpUploadReason.None,
                status: status,
                reason: word,
                detail: reasonText(reason, tls, status, c.host, c.timeoutMs),
                tls: tlsWord(tls),
                ms: a ? a.elapsedMs : c.timeoutMs,
                total_ms: ds.millis() - start,
                attempts: n,
                sent: a ? a.sentBytes : 0,
                via: a ? (["", "wifi", "eth"][a.via] ?? "") : "",
            }
        await ds.sleep(retryDelayMs(c.delayMs, n))
    }
}

/**
 * `await upload.post(url, frame, options?)`: the frame's JPEG as the body
 * of an HTTP(S) POST (Content-Type: image/jpeg), over whichever interface
 * holds an address (Ethernet first). Resolves with an UploadResult once the
 * server answered or the retry policy gave up; keep the frame until then
 * (release it after). Misuse (a bad URL, unknown option, header or reason,
 * an https URL without caCert or insecure, a released frame) throws at once.
 */
async function post(url: string, frame: Frame, options?: UploadOptions): Promise<UploadResult> {
    return await send("upload.post()", ds.CamHttpUploadMethod.Post, url, frame, options)
}

/** `await upload.put(url, frame, options?)`: as post(), with PUT (a fixed name per camera: the latest frame). */
async function put(url: string, frame: Frame, options?: UploadOptions): Promise<UploadResult> {
    return await send("upload.put()", ds.CamHttpUploadMethod.Put, url, frame, options)
}

/** `import { upload } from "camscript"`. */
export const upload = {
    post: post,
    put: put,
    /** every reason an UploadResult may carry (a new list each call: none is kept in the heap) */
    reasons: (): string[] => reasonWords().slice(1),
    /** the reasons the default policy retries (a new list each call) */
    retry_on: defaultRetryOn,
    DEFAULT_TIMEOUT_MS: DEFAULT_TIMEOUT_MS,
    DEFAULT_ATTEMPTS: DEFAULT_ATTEMPTS,
    DEFAULT_RETRY_DELAY_MS: DEFAULT_RETRY_DELAY_MS,
}
