// Checks on what connect() is given, before anything reaches the driver.
// Messages never include the key itself. The limits are src/limits.ts's.

import * as L from "../limits"

/** UTF-8 length of a string, as the radio counts it. */
export function byteLength(s: string): number {
    return Buffer.from(s).length
}

/**
 * A string in double quotes, escaped as JSON would. Not JSON.stringify: the
 * VM's escapes each UTF-8 byte of a non-ASCII character ("é" would read
 * "\u00c3\u00a9"); test/limits-bytecode.test.ts compares the two.
 */
export function quote(s: string): string {
    let out = '"'
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i)
        if (c === 34 || c === 92) out += "\\" + s[i]
        else if (c < 32) out += "\\u00" + "0123456789abcdef"[c >> 4] + "0123456789abcdef"[c & 15]
        else out += s[i]
    }
    return out + '"'
}

/** A value for an error message: short, and never a whole long string. */
export function describe(v: any): string {
    if (typeof v === "function") return "a function"
    if (typeof v === "string") {
        const s = v as string
        return s.length > 40 ? `a string of ${s.length} characters` : quote(s)
    }
    if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object"
    // JSON would print NaN and Infinity as null
    if (typeof v === "number") return `${v}`
    return JSON.stringify(v)
}

/** Throws naming the first key of `options` not in `allowed`, and listing those. */
export function checkKeys(what: string, options: any, allowed: string[]) {
    for (const k of Object.keys(options))
        if (allowed.indexOf(k) < 0)
            throw new Error(`${what}: unknown option ${describe(k)}; allowed: ${allowed.join(", ")}`)
}

/**
 * 1..32 bytes of UTF-8. NUL ends a name in the driver's C strings (the
 * radio would look for a shorter name), and a lone UTF-16 surrogate has no
 * UTF-8 form (it would become a replacement character), so both are refused.
 */
export function checkSsid(ssid: any, what: string) {
    const allowed = `${L.SSID_MIN_BYTES}..${L.SSID_MAX_BYTES} bytes`
    if (typeof ssid !== "string")
        throw new Error(`${what}: the network name (ssid) must be a string of ${allowed}, got ${typeof ssid}`)
    const s = ssid as string
    // length first: a long string must not cost a per-character loop (a
    // UTF-16 unit is at least one byte of UTF-8, so more units are too many bytes)
    if (s.length > L.SSID_MAX_BYTES)
        throw new Error(`${what}: the network name (ssid) must be ${allowed}, got ${byteLength(s)}`)
    const n = byteLength(s)
    if (n < L.SSID_MIN_BYTES || n > L.SSID_MAX_BYTES)
        throw new Error(`${what}: the network name (ssid) must be ${allowed}, got ${n}`)
    if (s.indexOf("\0") >= 0)
        throw new Error(`${what}: the network name (ssid) holds a NUL character, which would cut it short on the radio`)
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i)
        if (c >= 0xd800 && c <= 0xdfff) {
            const pair =
                c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff
            if (!pair)
                throw new Error(
                    `${what}: the network name (ssid) holds a lone UTF-16 surrogate at position ${i}, which has no UTF-8 form`,
                )
            i++
        }
    }
}

function isHex(s: string): boolean {
    for (let i = 0; i < s.length; ++i) if ("0123456789abcdefABCDEF".indexOf(s[i]) < 0) return false
    return true
}

/**
 * A WPA2/WPA3 passphrase is 8..63 printable ASCII characters, or the raw key
 * as exactly 64 hex digits. `undefined`, `null` or "" mean an open network.
 */
export function checkKey(key: any, what: string) {
    if (key === undefined || key === null || key === "") return
    const allowed = `${L.KEY_MIN_CHARS}..${L.KEY_MAX_CHARS} characters (or ${L.KEY_HEX_DIGITS} hex digits)`
    if (typeof key !== "string")
        throw new Error(`${what}: the password (key) must be a string of ${allowed}, got ${typeof key}`)
    const s = key as string
    // length first: a long string must not cost a per-character loop
    if (s.length > L.KEY_HEX_DIGITS) throw new Error(`${what}: the password (key) must be ${allowed}, got ${s.length}`)
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i)
        if (c < L.KEY_FIRST_CHAR_CODE || c > L.KEY_LAST_CHAR_CODE)
            throw new Error(
                `${what}: the password (key) may only hold printable ASCII characters (a character at position ${i} is not)`,
            )
    }
    if (s.length === L.KEY_HEX_DIGITS) {
        if (!isHex(s))
            throw new Error(
                `${what}: a ${L.KEY_HEX_DIGITS}-character password (key) must be hex digits (a raw WPA2 key); a passphrase is ${L.KEY_MIN_CHARS}..${L.KEY_MAX_CHARS} characters`,
            )
        return
    }
    if (s.length < L.KEY_MIN_CHARS || s.length > L.KEY_MAX_CHARS)
        throw new Error(`${what}: the password (key) must be ${allowed}, got ${s.length}`)
}

/**
 * A DNS label (RFC 1123): 1..`max` letters, digits or '-', not starting or
 * ending with '-'. A hostname is one; a domain name is labels joined by dots.
 */
export function isDnsLabel(s: string, max: number): boolean {
    let ok = s.length >= 1 && s.length <= max && s[0] !== "-" && s[s.length - 1] !== "-"
    for (let i = 0; ok && i < s.length; ++i)
        ok = "abcdefghijklmnopqrstuvwxyz0123456789-".indexOf(s[i].toLowerCase()) >= 0
    return ok
}

/** DHCP hostname: 1..32 of letters, digits and '-', not starting or ending with '-'. */
export function checkHostname(name: any, what: string) {
    const allowed = `${L.HOSTNAME_MIN_CHARS}..${L.HOSTNAME_MAX_CHARS} letters, digits or '-', not starting or ending with '-'`
    if (typeof name !== "string") throw new Error(`${what}: hostname must be a string of ${allowed}`)
    if (!isDnsLabel(name as string, L.HOSTNAME_MAX_CHARS))
        throw new Error(`${what}: hostname ${describe(name)} is not allowed: use ${allowed}`)
}

/** `active(on)`: a boolean, so that active("no") cannot switch an interface on. */
export function checkActiveArgument(on: any) {
    if (typeof on !== "boolean") throw new Error(`active(): expected true or false, got ${describe(on)}`)
}
