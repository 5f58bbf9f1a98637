// Checks on what connect() is given, before anything reaches the driver.
// Messages never include the key itself.

/** UTF-8 length of a string, as the radio counts it. */
export function byteLength(s: string): number {
    return Buffer.from(s).length
}

/** A value for an error message: short, and never a whole long string. */
export function describe(v: any): string {
    if (typeof v === "function") return "a function"
    if (typeof v === "string" && (v as string).length > 40) return `a string of ${(v as string).length} characters`
    if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object"
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
    if (typeof ssid !== "string")
        throw new Error(`${what}: the network name (ssid) must be a string of 1..32 bytes, got ${typeof ssid}`)
    const s = ssid as string
    // length first: a long string must not cost a per-character loop
    if (s.length > 32) throw new Error(`${what}: the network name (ssid) must be 1..32 bytes, got ${byteLength(s)}`)
    const n = byteLength(s)
    if (n < 1 || n > 32) throw new Error(`${what}: the network name (ssid) must be 1..32 bytes, got ${n}`)
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
    if (typeof key !== "string") throw new Error(`${what}: the password (key) must be a string, got ${typeof key}`)
    const s = key as string
    // length first: a long string must not cost a per-character loop
    if (s.length > 64)
        throw new Error(`${what}: the password (key) must be 8..63 characters (or 64 hex digits), got ${s.length}`)
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i)
        if (c < 32 || c > 126)
            throw new Error(
                `${what}: the password (key) may only hold printable ASCII characters (a character at position ${i} is not)`,
            )
    }
    if (s.length === 64) {
        if (!isHex(s)) throw new Error(`${what}: a 64-character password (key) must be hex digits (a raw WPA2 key)`)
        return
    }
    if (s.length < 8 || s.length > 63)
        throw new Error(`${what}: the password (key) must be 8..63 characters (or 64 hex digits), got ${s.length}`)
}

/** DHCP hostname: 1..32 of letters, digits and '-', not starting or ending with '-'. */
export function checkHostname(name: any, what: string) {
    const allowed = "1..32 letters, digits or '-', not starting or ending with '-'"
    if (typeof name !== "string") throw new Error(`${what}: hostname must be a string of ${allowed}`)
    const s = name as string
    let ok = s.length >= 1 && s.length <= 32 && s[0] !== "-" && s[s.length - 1] !== "-"
    for (let i = 0; ok && i < s.length; ++i) {
        const c = s[i].toLowerCase()
        ok = "abcdefghijklmnopqrstuvwxyz0123456789-".indexOf(c) >= 0
    }
    if (!ok) throw new Error(`${what}: hostname ${describe(s)} is not allowed: use ${allowed}`)
}

/** `active(on)`: a boolean, so that active("no") cannot switch an interface on. */
export function checkActiveArgument(on: any) {
    if (typeof on !== "boolean") throw new Error(`active(): expected true or false, got ${describe(on)}`)
}
