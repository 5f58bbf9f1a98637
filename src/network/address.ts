// Parsing and printing of IPv4 and MAC addresses. Misuse throws at once with
// what was wrong and what is allowed.

import * as L from "../limits"
import { describe } from "./credentials"

const HEX = "0123456789abcdef"

function fail(what: string, value: any, allowed: string): never {
    throw new Error(`${what}: ${describe(value)} is not ${allowed}`)
}

function decimalByte(part: string): number {
    if (part.length < 1 || part.length > 3) return -1
    let v = 0
    for (let i = 0; i < part.length; ++i) {
        const c = part.charCodeAt(i) - 48
        if (c < 0 || c > 9) return -1
        v = v * 10 + c
    }
    return v > L.IPV4_PART_MAX ? -1 : v
}

// The driver contract carries an IPv4 address a.b.c.d as the number
// a * 2^24 + b * 2^16 + c * 2^8 + d (a u32).

/** "192.168.1.10" -> its u32, or throws naming `what`. */
export function parseIp(value: any, what: string): number {
    const allowed = `an IPv4 address (four numbers 0..${L.IPV4_PART_MAX} joined by dots, like 192.168.1.10)`
    if (typeof value !== "string") fail(what, value, allowed)
    // length first: split walks every character
    if ((value as string).length > 15) fail(what, value, allowed)
    const parts = (value as string).split(".")
    if (parts.length !== 4) fail(what, value, allowed)
    let ip = 0
    for (let i = 0; i < 4; ++i) {
        const b = decimalByte(parts[i])
        if (b < 0) fail(what, value, allowed)
        ip = ip * 256 + b
    }
    return ip
}

/** Like parseIp, and the ones of the mask must be contiguous (255.255.255.0, not 255.0.255.0). */
export function parseNetmask(value: any, what: string): number {
    const mask = parseIp(value, what)
    let seenZero = false
    for (let bit = 31; bit >= 0; --bit) {
        const one = Math.floor(mask / Math.pow(2, bit)) - 2 * Math.floor(mask / Math.pow(2, bit + 1))
        if (one === 0) seenZero = true
        else if (seenZero) fail(what, value, "a netmask (contiguous ones, like 255.255.255.0)")
    }
    return mask
}

/** The byte of `ip` that is `shift` bits up (24 for a in a.b.c.d). */
function ipByte(ip: number, shift: number): number {
    // floor arithmetic, not % or >>: DeviceScript does those in 32-bit
    // signed integers, and an address above 128.0.0.0 is past 2^31
    const high = Math.floor(ip / Math.pow(2, shift + 8))
    return Math.floor(ip / Math.pow(2, shift)) - high * 256
}

export function formatIp(ip: number): string {
    // DeviceScript reads a u32 event field as a signed 32-bit number
    if (ip < 0) ip += 4294967296
    return `${ipByte(ip, 24)}.${ipByte(ip, 16)}.${ipByte(ip, 8)}.${ipByte(ip, 0)}`
}

export function formatMac(mac: Buffer): string {
    let s = ""
    for (let i = 0; i < mac.length; ++i) {
        if (i) s += ":"
        s += HEX[mac[i] >> 4] + HEX[mac[i] & 15]
    }
    return s
}

/** "aa:bb:cc:dd:ee:ff" (or with dashes, or a 6-byte Buffer) -> 6 bytes. */
export function parseMac(value: any, what: string): Buffer {
    const allowed = "a MAC address (six hex bytes like aa:bb:cc:dd:ee:ff)"
    if (value instanceof Buffer) {
        if ((value as Buffer).length !== L.MAC_BYTES) fail(what, formatMac(value as Buffer), allowed)
        return value as Buffer
    }
    if (typeof value !== "string") fail(what, value, allowed)
    const s = (value as string).toLowerCase()
    // two hex digits a byte, and a separator between bytes
    if (s.length !== 3 * L.MAC_BYTES - 1) fail(what, value, allowed)
    const out = Buffer.alloc(L.MAC_BYTES)
    for (let i = 0; i < L.MAC_BYTES; ++i) {
        const hi = HEX.indexOf(s[i * 3])
        const lo = HEX.indexOf(s[i * 3 + 1])
        const sep = i < L.MAC_BYTES - 1 ? s[i * 3 + 2] : ":"
        if (hi < 0 || lo < 0 || (sep !== ":" && sep !== "-")) fail(what, value, allowed)
        out[i] = hi * 16 + lo
    }
    return out
}

export function isZero(buf: Buffer): boolean {
    for (let i = 0; i < buf.length; ++i) if (buf[i]) return false
    return true
}
