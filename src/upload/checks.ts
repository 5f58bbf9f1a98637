// Checks of what upload.post()/put() are given, against src/limits.ts.
// Pure functions with no DeviceScript import: compiled into the image, and
// also run under Node by the limits table (limits/script-limits.ts). Each
// takes the value first and `what` second and throws an Error saying what
// was wrong and what is allowed. Header values are never echoed: they may
// hold a token.

import * as L from "../limits"
import { byteLength, describe, isDnsLabel } from "../network/credentials"
import { checkWhole } from "../network/ranges"

/** A URL taken apart: what the driver and the messages need. */
export interface UploadUrl {
    https: boolean
    host: string
    port: number
}

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

/** Headers the driver writes itself: a script's own would contradict the body it sends. */
export function driverHeaders(): string[] {
    return ["host", "content-length", "content-type", "transfer-encoding", "connection"]
}

function isIpv4(s: string): boolean {
    const parts = s.split(".")
    if (parts.length !== 4) return false
    for (const p of parts) {
        if (p.length < 1 || p.length > 3) return false
        for (let i = 0; i < p.length; ++i) if ("0123456789".indexOf(p[i]) < 0) return false
        if (parseInt(p) > L.IPV4_PART_MAX) return false
    }
    return true
}

/**
 * `http://host[:port]/path?query` or `https://...`: at most URL_MAX_BYTES
 * bytes; the host a DNS name (labels of letters, digits and '-') or an
 * IPv4 address; no user:password@ (send an Authorization header); no
 * spaces or control characters; no fragment.
 */
export function checkUrl(v: any, what: string): UploadUrl {
    const shape = `an "http://" or "https://" URL of at most ${L.URL_MAX_BYTES} bytes`
    if (typeof v !== "string") throw new Error(`${what} must be ${shape}, got ${describe(v)}`)
    const url = v as string
    const n = byteLength(url)
    if (n > L.URL_MAX_BYTES) throw new Error(`${what} is ${n} bytes; it must be ${shape}`)
    let https = false
    let rest = ""
    if (url.indexOf("https://") === 0) {
        https = true
        rest = url.slice(8)
    } else if (url.indexOf("http://") === 0) rest = url.slice(7)
    else throw new Error(`${what} must be ${shape}, got ${describe(url)}`)
    for (let i = 0; i < url.length; ++i) {
        const c = url.charCodeAt(i)
        if (c <= 32 || c === 127)
            throw new Error(`${what} holds a space or control character at ${i}; percent-encode it (%20)`)
    }
    if (url.indexOf("#") >= 0) throw new Error(`${what} has a fragment (#...), which is never sent; remove it`)
    let end = rest.length
    for (const sep of ["/", "?"]) {
        const k = rest.indexOf(sep)
        if (k >= 0 && k < end) end = k
    }
    const authority = rest.slice(0, end)
    if (authority.indexOf("@") >= 0)
        throw new Error(`${what}: user:password@ in a URL is not sent; give an Authorization header instead`)
    let host = authority
    let port = https ? 443 : 80
    const colon = authority.indexOf(":")
    if (colon >= 0) {
        host = authority.slice(0, colon)
        const digits = authority.slice(colon + 1)
        let ok = digits.length >= 1 && digits.length <= 5
        for (let i = 0; ok && i < digits.length; ++i) ok = "0123456789".indexOf(digits[i]) >= 0
        port = ok ? parseInt(digits) : 0
        if (!ok || port < 1 || port > 65535)
            throw new Error(`${what}: the port must be 1..65535, got ${describe(digits)}`)
    }
    if (!host) throw new Error(`${what} has no host name`)
    let named = byteLength(host) <= L.DOMAIN_MAX_CHARS
    if (!isIpv4(host)) for (const label of host.split(".")) named = named && isDnsLabel(label, L.DOMAIN_LABEL_MAX_CHARS)
    if (!named)
        throw new Error(
            `${what}: host ${describe(host)} is neither an IPv4 address nor a DNS name (labels of letters, digits and '-')`,
        )
    return { https: https, host: host.toLowerCase(), port: port }
}

/**
 * `headers: { "Authorization": "Bearer ...", ... }`: at most
 * HEADERS_MAX_COUNT, names RFC 9110 tokens, values printable ASCII or tab,
 * all lines together at most HEADERS_MAX_BYTES. Returns the lines as sent.
 */
export function checkHeaders(v: any, what: string): string {
    if (typeof v !== "object" || v === null || Array.isArray(v))
        throw new Error(`${what} must be an object of header names and string values, got ${describe(v)}`)
    const names = Object.keys(v)
    if (names.length > L.HEADERS_MAX_COUNT)
        throw new Error(`${what}: ${names.length} headers; at most ${L.HEADERS_MAX_COUNT} are sent`)
    let text = ""
    for (const name of names) {
        let ok = name.length >= 1 && name.length <= L.HEADER_NAME_MAX_CHARS
        for (let i = 0; ok && i < name.length; ++i) ok = TOKEN_CHARS.indexOf(name[i]) >= 0
        if (!ok)
            throw new Error(
                `${what}: header name ${describe(name)} is not allowed: 1..${L.HEADER_NAME_MAX_CHARS} letters, digits or !#$%&'*+-.^_\`|~`,
            )
        if (driverHeaders().indexOf(name.toLowerCase()) >= 0)
            throw new Error(
                `${what}: ${name} is written by the driver (Host, Content-Type: image/jpeg, Content-Length); leave it out`,
            )
        const value = v[name]
        if (typeof value !== "string")
            throw new Error(`${what}: the value of ${name} must be a string, got ${typeof value}`)
        const s = value as string
        for (let i = 0; i < s.length; ++i) {
            const c = s.charCodeAt(i)
            // the value itself is never shown: it may be a token
            if (c !== 9 && (c < 32 || c > 126))
                throw new Error(
                    `${what}: the value of ${name} holds a character that is not printable ASCII at ${i} (a line break would end the header)`,
                )
        }
        text += `${name}: ${s}\r\n`
    }
    const n = byteLength(text)
    if (n > L.HEADERS_MAX_BYTES)
        throw new Error(
            `${what}: the headers take ${n} bytes as "Name: value" lines; at most ${L.HEADERS_MAX_BYTES} are sent`,
        )
    return text
}

/** One attempt's time limit, ms. */
export function checkUploadTimeout(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.UPLOAD_TIMEOUT_MIN_MS,
        L.UPLOAD_TIMEOUT_MAX_MS,
        `${L.UPLOAD_TIMEOUT_MIN_MS}..${L.UPLOAD_TIMEOUT_MAX_MS} ms`,
    )
}

/** How many attempts, the first included. */
export function checkAttempts(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.UPLOAD_ATTEMPTS_MIN,
        L.UPLOAD_ATTEMPTS_MAX,
        `${L.UPLOAD_ATTEMPTS_MIN}..${L.UPLOAD_ATTEMPTS_MAX}`,
    )
}

/** The first retry's wait, ms. */
export function checkRetryDelay(v: any, what: string) {
    checkWhole(v, what, 0, L.UPLOAD_RETRY_DELAY_MAX_MS, `0..${L.UPLOAD_RETRY_DELAY_MAX_MS} ms`)
}
