import { randomBytes } from "node:crypto"
import {
    chmodSync,
    closeSync,
    fsyncSync,
    lstatSync,
    mkdirSync,
    openSync,
    readdirSync,
    renameSync,
    rmSync,
    statSync,
    utimesSync,
    writeSync,
} from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { readRegularFile } from "../project/files"

// Downloaded firmware kept for the next flash, in the user's cache folder
// ($XDG_CACHE_HOME/camscript/firmware, else ~/.cache/camscript/firmware;
// %LOCALAPPDATA% on Windows): folders 0700, files 0600 (written to a
// private temporary name, then renamed, so a reader never sees half a file),
// at most MAX_CACHE_BYTES in all (the least recently used files go first).
// A cached file is checked again every time it is used, exactly as a fresh
// download is: the cache is a convenience, never trusted.

export const MAX_CACHE_BYTES = 64 << 20
/** the largest firmware file or manifest kept: a board's whole flash at most */
export const MAX_FIRMWARE_FILE_BYTES = 16 << 20

export function firmwareCacheDir(): string {
    const env = process.env
    const base =
        env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith("/")
            ? env.XDG_CACHE_HOME
            : process.platform === "win32" && env.LOCALAPPDATA
              ? env.LOCALAPPDATA
              : join(homedir(), ".cache")
    return join(base, "camscript", "firmware")
}

/** A file name for a cache entry: no folder parts, nothing hidden. */
function entryName(name: string): string {
    if (!/^[\w.+-]+$/.test(name) || name.startsWith(".")) throw new Error(`not a cache entry name: ${name}`)
    return name
}

function privateDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const st = lstatSync(dir)
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`)
    // an existing folder too: what is kept there came from the network for this user
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700)
}

/** The cached bytes of `name`, or undefined when absent or unreadable. */
export function readCached(name: string): Uint8Array | undefined {
    const file = join(firmwareCacheDir(), entryName(name))
    try {
        const data = readRegularFile(file, `the cached ${name}`, MAX_FIRMWARE_FILE_BYTES)
        const now = new Date()
        utimesSync(file, now, now) // recently used: evicted last
        return new Uint8Array(data)
    } catch {
        return undefined
    }
}

/** Keep `data` as `name` (0600, written whole then renamed), then trim the cache to its bound. */
export function writeCached(name: string, data: Uint8Array): string {
    const dir = firmwareCacheDir()
    privateDir(dir)
    const file = join(dir, entryName(name))
    const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.part`)
    const fd = openSync(temp, "wx", 0o600)
    try {
        let at = 0
        while (at < data.length) at += writeSync(fd, data, at, data.length - at)
        fsyncSync(fd)
    } catch (e) {
        closeSync(fd)
        rmSync(temp, { force: true })
        throw e
    }
    closeSync(fd)
    try {
        renameSync(temp, file)
    } catch (e) {
        rmSync(temp, { force: true })
        throw e
    }
    trimCache(dir, name)
    return file
}

/** Remove the least recently used files until the cache is within MAX_CACHE_BYTES; `keep` stays. */
function trimCache(dir: string, keep: string): void {
    const entries = readdirSync(dir)
        .map((n) => {
            try {
                const st = statSync(join(dir, n))
                return st.isFile() ? { n, size: st.size, used: st.mtimeMs } : undefined
            } catch {
                return undefined
            }
        })
        .filter((e): e is { n: string; size: number; used: number } => e !== undefined)
    let total = entries.reduce((s, e) => s + e.size, 0)
    for (const e of entries.sort((a, b) => a.used - b.used)) {
        if (total <= MAX_CACHE_BYTES) break
        if (e.n === keep) continue
        rmSync(join(dir, e.n), { force: true })
        total -= e.size
    }
}
