import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs"

// Reading a file a user names (a world, a certificate, a script, a flash
// file) safely: only regular files, up to a limit. A FIFO, a device such as
// /dev/zero or a folder is refused at once instead of hanging or reading
// forever, and every message says what the file is and what is allowed.

const mb = (bytes: number) => `${+(bytes / (1024 * 1024)).toFixed(2)} MB`

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
export function readRegularFile(file: string, what: string, limit: number): Buffer {
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
        if (st.size > limit) throw new Error(`${what} is ${st.size} bytes; the limit is ${limit} bytes (${mb(limit)})`)
        // room for one byte more than the file's size, growing up to one byte
        // past the limit: a file that grows meanwhile is caught too. Sized by
        // the file, not the limit: zero-filling a buffer of the limit (16 MB
        // for a world file) on every read was most of a small file's cost
        let buf = Buffer.allocUnsafe(st.size + 1)
        let got = 0
        for (;;) {
            if (got === buf.length) {
                const grown = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2))
                buf.copy(grown, 0, 0, got)
                buf = grown
            }
            const n = readSync(fd, buf, got, buf.length - got, null)
            if (n === 0) break
            got += n
            if (got > limit) throw new Error(`${what} is more than ${limit} bytes; the limit is ${mb(limit)}`)
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
