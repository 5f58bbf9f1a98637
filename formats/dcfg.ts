// DeviceScript's board configuration blob ("DCFG"), which the runtime reads
// from its `dcfg` partition (0x9000 on devicescript-esp32, 8 KB): how the
// stock firmware learns a board's name, product id and pins. Written from
// the format's definition in microsoft/devicescript compiler/src/dcfg.ts
// (the dcfg_header_t / dcfg_entry_t structs quoted there, as
// runtime/jacdac-c reads them) and cli/src/binpatch.ts (how `devs flash`
// and devicescript-esp32's `ci-patch` put a board file into an image):
//
//   header (88 bytes): magic0 "DCFG" u32, magic1 u32, total_bytes u32,
//     num_entries u16, then bytes 16..23 a fingerprint of the settings, then
//     hash_jump[32] u16: the index of the first entry whose hash >> 11 is at
//     least i;
//   entries (24 bytes each, sorted by key hash): key (at most 15 bytes, NUL
//     padded to 16), hash u16 (FNV-1a of the key, its halves XORed),
//     type_size u16 (type in the low 2 bits: 0 u32, 1 i32, 2 string,
//     3 blob; size above), value u32 (the number, or the byte offset of a
//     string's or blob's data in the blob);
//   a final entry: key "" then FF;
//   the strings and blobs, each followed by a NUL, in the settings' order.
//
// A board file becomes settings as `jsonToDcfg` flattens it: nested keys
// joined with ".", the i-th array element as the character 0x80 + i, "0x"
// and "0o" strings as numbers, "hex:" strings as blobs, booleans as 0/1,
// keys starting with "$" or "#" left out, and a top-level "services" list
// put at the root.

const DCFG_MAGIC0 = 0x47464344 // "DCFG"
const DCFG_MAGIC1 = 0xcab49b0a
const DCFG_KEY_MAX = 15
const HASH_JUMP_ENTRIES = 32
const HASH_SHIFT = 11
const HEADER_BYTES = 24 + 2 * HASH_JUMP_ENTRIES
const ENTRY_BYTES = DCFG_KEY_MAX + 1 + 2 + 2 + 4
const TYPE_U32 = 0
const TYPE_I32 = 1
const TYPE_STRING = 2
const TYPE_BLOB = 3
const SIZE_LIMIT = 1 << 14

type DcfgValue = number | string | Uint8Array
type DcfgSettings = Map<string, DcfgValue>

export class DcfgError extends Error {}

function fnv1a(data: Uint8Array): number {
    let h = 0x811c9dc5
    for (const b of data) h = Math.imul(h ^ b, 0x1000193)
    return h >>> 0
}

/** keys are byte strings: one character, one byte (array indices are 0x80 + i) */
const keyBytes = (key: string) => Uint8Array.from(key, (c) => c.charCodeAt(0) & 0xff)
const keyHash = (key: Uint8Array) => {
    const h = fnv1a(key)
    return (h >>> 16) ^ (h & 0xffff)
}

function intFromText(text: string): number | undefined {
    const s = text.replace(/_/g, "")
    const sign = s.startsWith("-") ? -1 : 1
    const body = s.replace(/^[-+]/, "")
    if (/^0x[0-9a-f]+$/i.test(body)) return sign * parseInt(body.slice(2), 16)
    if (/^0o[0-7]+$/i.test(body)) return sign * parseInt(body.slice(2), 8)
    return undefined
}

/** The settings a board file (already parsed) gives, in jsonToDcfg's order. */
export function boardSettings(board: Record<string, unknown>): DcfgSettings {
    const out: DcfgSettings = new Map()
    const visit = (value: unknown, key: string): void => {
        if (typeof value === "boolean") value = value ? 1 : 0
        if (typeof value === "string") {
            const n = intFromText(value)
            if (n !== undefined) out.set(key, n)
            else if (/^hex:[0-9a-f ]+$/.test(value)) out.set(key, Buffer.from(value.slice(4).replace(/ /g, ""), "hex"))
            else out.set(key, value)
        } else if (typeof value === "number") {
            if ((value | 0) !== value && value >>> 0 !== value)
                throw new DcfgError(`${printable(key)} is ${value}: a board setting is a 32-bit integer`)
            out.set(key, value)
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => {
                if (v !== null && v !== undefined) visit(v, key + String.fromCharCode(0x80 + i))
            })
        } else if (typeof value === "object" && value !== null) {
            for (const [sub, v] of Object.entries(value)) {
                if (sub.startsWith("$") || sub.startsWith("#")) continue
                let suffix = key === "" && sub === "services" ? "" : sub
                if (suffix && key && key.charCodeAt(key.length - 1) < 0x80) suffix = "." + suffix
                visit(v, key + suffix)
            }
        } else {
            throw new DcfgError(`${printable(key)} is ${String(value)}: not a number, string, list or object`)
        }
    }
    visit(board, "")
    return out
}

function printable(key: string): string {
    return key.replace(/[\x80-\xff]/g, (c) => `[${c.charCodeAt(0) - 0x80}]`)
}

function encode(settings: DcfgSettings, withFingerprint: boolean): Uint8Array {
    const n = settings.size
    let dataAt = HEADER_BYTES + (n + 1) * ENTRY_BYTES
    const data: Uint8Array[] = []
    const entries: { hash: number; bytes: Uint8Array }[] = []
    for (const [key, value] of settings) {
        const kb = keyBytes(key)
        if (kb.length > DCFG_KEY_MAX)
            throw new DcfgError(
                `the board setting "${printable(key)}" has a ${kb.length}-character key; DeviceScript's board configuration allows ${DCFG_KEY_MAX}`,
            )
        let type: number
        let size = 0
        let word: number
        if (typeof value === "number") {
            type = (value | 0) === value ? TYPE_I32 : TYPE_U32
            word = value >>> 0
        } else {
            const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value
            type = typeof value === "string" ? TYPE_STRING : TYPE_BLOB
            size = bytes.length
            if (size >= SIZE_LIMIT)
                throw new DcfgError(`the board setting "${printable(key)}" is ${size} bytes; at most ${SIZE_LIMIT - 1}`)
            word = dataAt
            const withNul = new Uint8Array(size + 1)
            withNul.set(bytes)
            data.push(withNul)
            dataAt += withNul.length
        }
        const e = new Uint8Array(ENTRY_BYTES)
        const view = new DataView(e.buffer)
        e.set(kb)
        const hash = keyHash(kb)
        view.setUint16(16, hash, true)
        view.setUint16(18, type | (size << 2), true)
        view.setUint32(20, word, true)
        entries.push({ hash, bytes: e })
    }
    // stable: equal hashes keep the settings' order
    entries.sort((a, b) => a.hash - b.hash)
    const final = new Uint8Array(ENTRY_BYTES).fill(0xff)
    final[0] = 0
    entries.push({ hash: 0xffff, bytes: final })

    const out = new Uint8Array(dataAt)
    const view = new DataView(out.buffer)
    view.setUint32(0, DCFG_MAGIC0, true)
    view.setUint32(4, DCFG_MAGIC1, true)
    view.setUint32(8, dataAt, true)
    view.setUint16(12, n, true)
    for (let i = 0; i < HASH_JUMP_ENTRIES; i++)
        view.setUint16(
            24 + 2 * i,
            entries.findIndex((e) => e.hash >> HASH_SHIFT >= i),
            true,
        )
    entries.forEach((e, i) => out.set(e.bytes, HEADER_BYTES + i * ENTRY_BYTES))
    let at = HEADER_BYTES + entries.length * ENTRY_BYTES
    for (const d of data) {
        out.set(d, at)
        at += d.length
    }
    if (withFingerprint) {
        // what the runtime compares to notice a changed configuration: the
        // settings without "@" keys, encoded without a fingerprint; (1, 0) for none
        const kept: DcfgSettings = new Map([...settings].filter(([k]) => !k.startsWith("@")))
        if (kept.size === 0) {
            view.setUint32(16, 1, true)
            view.setUint32(20, 0, true)
        } else {
            const plain = encode(kept, false)
            view.setUint32(16, fnv1a(plain), true)
            view.setUint32(20, fnv1a(plain.subarray(4)), true)
        }
    }
    return out
}

/** The configuration blob for `settings`; throws DcfgError naming a setting it cannot hold. */
export function encodeDcfg(settings: DcfgSettings): Uint8Array {
    return encode(settings, true)
}

/** The blob's total size when `data` starts with a configuration blob, else undefined. */
export function dcfgSize(data: Uint8Array): number | undefined {
    if (data.length < 12) return undefined
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    if (view.getUint32(0, true) !== DCFG_MAGIC0 || view.getUint32(4, true) !== DCFG_MAGIC1) return undefined
    return view.getUint32(8, true)
}
