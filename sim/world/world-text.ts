import { readRegularFile as readFile } from "../../project/files"

// Reading a world file (and the PEM files it names) safely: only regular
// files, at most MAX_WORLD_FILE_BYTES, strict UTF-8, and JSON without
// duplicate keys. A FIFO, a device such as /dev/zero or a folder is refused
// at once instead of hanging or reading forever. Every problem says where.

/** World files and the certificate files they name: at most 4 MB each. */
export const MAX_WORLD_FILE_BYTES = 4 * 1024 * 1024

/** A world file or a file it names: a regular file of at most MAX_WORLD_FILE_BYTES (project/files.ts). */
export function readRegularFile(file: string, what: string, limit = MAX_WORLD_FILE_BYTES): Buffer {
    return readFile(file, what, limit)
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
