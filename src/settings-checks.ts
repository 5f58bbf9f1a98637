// The rules a setting's key and value must keep, checked before anything is
// sent to the board: by the script's `settings` (src/settings.ts, in the VM)
// and by the host for secrets it provisions (project/secrets.ts, in Node).
// Messages name the key (keys are not secret) but never the value.

import * as L from "./limits"
import { byteLength, describe, quote } from "./network/credentials"

/** Keys the library keeps for itself (fast reconnect's memory is "camscript.wl"). */
export const RESERVED_KEY_PREFIX = "camscript."

const KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

/** The allowed keys, in words, for messages. */
export const KEY_RULE = `${L.SETTING_KEY_MIN_CHARS}..${L.SETTING_KEY_MAX_CHARS} characters of letters, digits, '_', '-' and '.'`

/** The largest value (bytes of its JSON text) a key of `keyChars` characters can hold. */
export function maxValueBytes(keyChars: number): number {
    return L.SETTING_PACKET_BYTES - keyChars
}

/** Throws unless `key` is a settings key a script may use (`what` names the call). */
export function checkSettingKey(key: any, what: string, library = false) {
    if (typeof key !== "string") throw new Error(`${what}: the key must be a string of ${KEY_RULE}, got ${typeof key}`)
    const k = key as string
    if (k.length < L.SETTING_KEY_MIN_CHARS || k.length > L.SETTING_KEY_MAX_CHARS)
        throw new Error(
            `${what}: the key ${describe(k)} is ${k.length} characters; a key is ${KEY_RULE} (the runtime's settings store)`,
        )
    for (let i = 0; i < k.length; ++i)
        if (KEY_CHARS.indexOf(k[i]) < 0)
            throw new Error(`${what}: the key ${describe(k)} has ${describe(k[i])} at ${i}; a key is ${KEY_RULE}`)
    if (!library && k.indexOf(RESERVED_KEY_PREFIX) === 0)
        throw new Error(
            `${what}: keys starting "${RESERVED_KEY_PREFIX}" are camscript's own; a key is ${KEY_RULE}, any other`,
        )
}

function checkJson(v: any, what: string, depth: number) {
    const t = typeof v
    if (t === "string" || t === "boolean") return
    if (t === "number") {
        if (isNaN(v) || v === Infinity || v === -Infinity)
            throw new Error(`${what}: ${v} has no JSON form; store a finite number`)
        return
    }
    if (t === "object" && v !== null) {
        if (depth > 8) throw new Error(`${what}: the value nests deeper than 8 levels`)
        if (Array.isArray(v)) {
            for (const e of v as any[]) checkJson(e, what, depth + 1)
            return
        }
        for (const k of Object.keys(v)) checkJson(v[k], what, depth + 1)
        return
    }
    if (v === null) throw new Error(`${what}: null is not a value to store; use settings.delete(key)`)
    throw new Error(`${what}: a value is a string, number, boolean, or an array or object of those; got ${describe(v)}`)
}

/**
 * JSON text of a checked value. Not JSON.stringify: the VM's writes each
 * UTF-8 byte of a non-ASCII character as "\u00XX", which its JSON.parse
 * does not turn back into the character; quote() keeps the UTF-8 as it is,
 * the same in the VM and in Node, so "é" stored by a script or by the host
 * reads back as "é".
 */
export function jsonText(v: any): string {
    if (typeof v === "string") return quote(v)
    if (typeof v === "number" || typeof v === "boolean") return `${v}`
    if (Array.isArray(v)) return `[${(v as any[]).map((e) => jsonText(e)).join(",")}]`
    return `{${Object.keys(v)
        .map((k) => `${quote(k)}:${jsonText(v[k])}`)
        .join(",")}}`
}

/** Throws unless the JSON text `text` fits one packet beside `key`. */
export function checkSettingText(text: string, key: string, what: string) {
    const bytes = byteLength(text)
    const most = maxValueBytes(key.length)
    if (bytes > most)
        throw new Error(
            `${what}: the value of "${key}" is ${bytes} bytes as JSON; with a key of ${key.length} characters the most is ${most} (${L.SETTING_PACKET_BYTES} minus the key: one Jacdac packet)`,
        )
}

/**
 * The bytes stored for `value` under `key`: its JSON text. Throws when the
 * value has no JSON form or does not fit one packet beside its key.
 */
export function encodeSetting(key: string, value: any, what: string): string {
    if (value === undefined) throw new Error(`${what}: no value given; use settings.delete(key) to remove one`)
    checkJson(value, what, 0)
    const text = jsonText(value)
    checkSettingText(text, key, what)
    return text
}
