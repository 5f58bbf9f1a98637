import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs"

// Reading a world file (and the PEM files it names) safely: only regular
// files, at most MAX_WORLD_FILE_BYTES, strict UTF-8, and JSON without
// duplicate keys. A FIFO, a device such as /dev/zero or a folder is refused
// at once instead of hanging or reading forever. Every problem says where.

/** World files and the certificate files they name: at most 4 MB each. */
export const MAX_WORLD_FILE_BYTES = 4 * 1024 * 1024

function kind(st: Stats): string {
    if (st.isDirectory()) return "a folder"
    if (st.isFIFO()) return "a FIFO (named pipe)"
    if (st.isCharacterDevice()) return "a character device"
    if (st.isBlockDevice()) return "a block device"
    if (st.isSocket()) return "a socket"
    return "not a regular file"
}

/**
 * The bytes of `file`, which must be a regular file of at most `limit`
 * bytes. Throws an Error whose message says what is wrong, naming the file
 * as `what` ("the world file"), with the system error code for a missing
 * or unreadable file.
 */
export function readRegularFile(file: string, what: string, limit = MAX_WORLD_FILE_BYTES): Buffer {
    let fd: number
    try {
        // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever
        fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
    } catch (e) {
        throw new Error(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? e})`)
    }
    try {
        const st = fstatSync(fd)
        if (!st.isFile()) throw new Error(`${what} is ${kind(st)}, not a regular file`)
        if (st.size > limit) throw new Error(`${what} is ${st.size} bytes; the limit is ${limit} bytes (4 MB)`)
        // read one byte more than the limit: a file that grows meanwhile is caught too
        const buf = Buffer.alloc(limit + 1)
        let got = 0
        for (;;) {
            const n = readSync(fd, buf, got, buf.length - got, null)
            if (n === 0) break
            got += n
            if (got > limit) throw new Error(`${what} is more than ${limit} bytes; the limit is 4 MB`)
        }
        return buf.subarray(0, got)
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code) throw new Error(`cannot read ${what} (${code})`)
        throw e
    } finally {
        closeSync(fd)
    }
}

/** Line (1-based) and column (1-based, in bytes) of byte `offset`. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
    let line = 1
    let start = 0
    for (let i = 0; i < offset; i++)
        if (bytes[i] === 0x0a) {
            line++
            start = i + 1
        }
    return { line, column: offset - start + 1 }
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when all of it is valid. */
export function invalidUtf8Offset(b: Uint8Array): number {
    let i = 0
    while (i < b.length) {
        const c = b[i]
        if (c < 0x80) {
            i++
            continue
        }
        let need: number
        let min: number
        if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80]
        else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800]
        else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000]
        else return i // a continuation byte on its own, an overlong lead (C0, C1) or F5..FF
        let cp = c & (0x3f >> need)
        for (let k = 1; k <= need; k++) {
            const cc = b[i + k]
            if (cc === undefined || (cc & 0xc0) !== 0x80) return i
            cp = (cp << 6) | (cc & 0x3f)
        }
        // overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8
        if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i
        i += need + 1
    }
    return -1
}

/** The text of UTF-8 `bytes`; throws naming the line and column of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array): string {
    const bad = invalidUtf8Offset(bytes)
    if (bad >= 0) {
        const p = position(bytes, bad)
        throw new Error(
            `not valid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, "0")} at line ${p.line}, column ${p.column} (byte offset ${bad}); save the file as UTF-8`,
        )
    }
    return new TextDecoder("utf-8").decode(bytes)
}

type Frame = { kind: "object"; keys: Map<string, number>; key?: string } | { kind: "array"; index: number }

function pathOf(stack: Frame[]): string {
    let out = ""
    for (const f of stack.slice(0, -1)) {
        if (f.kind === "array") out += `[${f.index}]`
        else if (f.key !== undefined)
            out += /^[A-Za-z_$][\w$]*$/.test(f.key) ? `.${f.key}` : `[${JSON.stringify(f.key)}]`
    }
    return out.replace(/^\./, "") || "(top level)"
}

/**
 * Keys that appear twice in one object of `text` (which must already be
 * valid JSON): JSON.parse silently keeps the last, so a world would run with
 * a value its author may not have meant. Each problem names the object,
 * the key and both lines.
 */
export function duplicateKeys(text: string): string[] {
    const problems: string[] = []
    const stack: Frame[] = []
    let line = 1
    let expectKey = false
    for (let i = 0; i < text.length; i++) {
        const ch = text[i]
        if (ch === "\n") line++
        else if (ch === "{") {
            stack.push({ kind: "object", keys: new Map() })
            expectKey = true
        } else if (ch === "[") {
            stack.push({ kind: "array", index: 0 })
            expectKey = false
        } else if (ch === "}" || ch === "]") {
            stack.pop()
            expectKey = false
        } else if (ch === ",") {
            const top = stack[stack.length - 1]
            if (top?.kind === "array") top.index++
            expectKey = top?.kind === "object"
        } else if (ch === '"') {
            let j = i + 1
            while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1
            const top = stack[stack.length - 1]
            if (expectKey && top?.kind === "object") {
                const key = JSON.parse(text.slice(i, j + 1)) as string
                const first = top.keys.get(key)
                if (first !== undefined)
                    problems.push(
                        `${pathOf(stack)}: key ${JSON.stringify(key)} appears twice (lines ${first} and ${line}); JSON keeps only the last, so remove one`,
                    )
                else top.keys.set(key, line)
                top.key = key
                expectKey = false
            }
            i = j
        }
    }
    return problems
}
