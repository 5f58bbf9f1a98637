import {
    accessSync,
    chmodSync,
    closeSync,
    constants,
    fchmodSync,
    mkdirSync,
    openSync,
    readdirSync,
    statSync,
    writeSync,
} from "node:fs"
import { dirname, join, resolve } from "node:path"

// Files camscript writes for the user (`--report`, `--flash`, `build -o`,
// .camscript/hardware/). Two rules:
// - a destination is checked before the work that fills it (a run of hours
//   must not end in a stack trace because the folder is missing, the name is
//   a folder, or it is /dev/full): checkDestination;
// - a file that can hold a secret (an image and its debug info hold the
//   script's strings, passwords included; the simulated flash holds the
//   deployed program) is written 0600, in folders camscript creates 0700,
//   and an existing file or folder of ours is chmod-ed to that too: the mode
//   an old file had is not kept.

/** A destination that cannot be written: told to the user as a usage error (exit 2). */
export class DestinationError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "DestinationError"
    }
}

/**
 * Throws a DestinationError unless `path` can be written as a regular file:
 * its folder exists and is writable, and it is missing or a regular file
 * (a folder, a device such as /dev/full, a FIFO or a socket are refused).
 * `what` names it in the message ("--report run.html").
 */
export function checkDestination(path: string, what: string): void {
    const file = resolve(path)
    const dir = dirname(file)
    let dirStat
    try {
        dirStat = statSync(dir)
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        throw new DestinationError(
            code === "ENOENT"
                ? `${what}: the folder ${dir} does not exist (create it first)`
                : code === "ENOTDIR"
                  ? `${what}: ${dir} is not a folder (a file is on the path)`
                  : `${what}: the folder ${dir} cannot be read (${code})`,
        )
    }
    if (!dirStat.isDirectory()) throw new DestinationError(`${what}: ${dir} is not a folder`)
    let st
    try {
        st = statSync(file)
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code !== "ENOENT") throw new DestinationError(`${what}: cannot be written (${code})`)
    }
    if (st?.isDirectory()) throw new DestinationError(`${what}: is a folder; give a file name`)
    if (st && !st.isFile())
        throw new DestinationError(`${what}: is not a regular file (a device, a FIFO or a socket); give a file name`)
    try {
        accessSync(st ? file : dir, constants.W_OK)
    } catch {
        throw new DestinationError(
            st ? `${what}: the file is not writable` : `${what}: the folder ${dir} is not writable`,
        )
    }
}

/**
 * A folder of camscript's own for files that can hold secrets: created 0700
 * (with its missing parents), made 0700 if it exists, and the files already
 * in it (copies an older camscript wrote 0644) made 0600.
 */
export function ensurePrivateDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
    for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600)
}

/**
 * Writes a file that can hold a secret: 0600 whether it is new or not (an
 * existing file's wider mode is not kept), written in place so a link the
 * user made keeps pointing where it did.
 */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
    const fd = openSync(path, "w", 0o600)
    try {
        fchmodSync(fd, 0o600)
        const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data
        let done = 0
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done)
    } finally {
        closeSync(fd)
    }
}

/** What a failed write says: the errno's meaning, not Node's stack. */
export function writeProblem(e: unknown): string {
    const err = e as NodeJS.ErrnoException
    const known: Record<string, string> = {
        ENOSPC: "no space left on the device",
        EACCES: "permission denied",
        EPERM: "permission denied",
        EISDIR: "is a folder",
        ENOENT: "its folder does not exist",
        ENOTDIR: "a file is on the path",
        EROFS: "the file system is read-only",
        EDQUOT: "over the disk quota",
        EIO: "an I/O error",
    }
    return (err.code && known[err.code]) ?? err.message
}
