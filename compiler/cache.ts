import { createHash, randomBytes } from "node:crypto"
import {
    chmodSync,
    closeSync,
    mkdirSync,
    openSync,
    readdirSync,
    readFileSync,
    renameSync,
    rmSync,
    statSync,
    utimesSync,
    writeFileSync,
    writeSync,
} from "node:fs"
import { join } from "node:path"
import { stateDir } from "../project/state"

// The build cache: compiled images by content hash. An image's debug info
// holds the script's source text, passwords included, so the cache is
// private to its user (folders 0700, files 0600), bounded (least recently
// used entries go first), never holds half-written entries (each is written
// in a temporary folder and renamed into place; temporaries of dead
// processes are removed), and checks every entry against the hashes it was
// written with before trusting it.

/** Default bound on the cache's size; CAMSCRIPT_CACHE_MAX_MB overrides it. */
const DEFAULT_CACHE_MAX_MB = 64
/** A lock older than this is taken to be left by a crashed build. */
const STALE_LOCK_MS = 5 * 60_000
const MANIFEST = "manifest.json"

export interface CachedBuild {
    image: Uint8Array
    dbgJson: string
    /** the entry's folder */
    dir: string
}

interface Manifest {
    format: 2
    image: string
    dbg: string
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex")

// timers captured before a simulation fakes them (a test worker may compile
// while another run holds the virtual clock)
const realSetTimeout = globalThis.setTimeout
const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms))

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0)
        return true
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM"
    }
}

export function cacheDir(): string {
    return process.env.CAMSCRIPT_CACHE_DIR || stateDir("build")
}

function cacheMaxBytes(): number {
    const mb = Number(process.env.CAMSCRIPT_CACHE_MAX_MB)
    return (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_CACHE_MAX_MB) * 1024 * 1024
}

export class BuildCache {
    private opened = false

    constructor(readonly dir = cacheDir()) {}

    /** Create the folder private to its user, and clear what crashed builds left. */
    private open() {
        if (this.opened) return
        mkdirSync(this.dir, { recursive: true, mode: 0o700 })
        chmodSync(this.dir, 0o700)
        this.opened = true
        for (const name of readdirSync(this.dir)) {
            const m = /\.(tmp|lock)-?(\d+)?/.exec(name)
            if (!m) continue
            const path = join(this.dir, name)
            const pid = m[1] === "tmp" ? Number(m[2]) : this.lockOwner(path)
            if (pid !== undefined && pidAlive(pid) && Date.now() - this.mtime(path) < STALE_LOCK_MS) continue
            rmSync(path, { recursive: true, force: true })
        }
    }

    private mtime(path: string): number {
        try {
            return statSync(path).mtimeMs
        } catch {
            return 0
        }
    }

    private lockOwner(path: string): number | undefined {
        try {
            const pid = Number(readFileSync(path, "utf8"))
            return Number.isInteger(pid) && pid > 0 ? pid : undefined
        } catch {
            return undefined
        }
    }

    /** A valid entry, or undefined (an entry that fails its checks is removed, to be rebuilt). */
    get(key: string): CachedBuild | undefined {
        this.open()
        const dir = join(this.dir, key)
        let manifest: Manifest
        try {
            manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Manifest
        } catch {
            // missing (never built, or a build that died before its manifest) or unreadable
            rmSync(dir, { recursive: true, force: true })
            return undefined
        }
        try {
            const image = new Uint8Array(readFileSync(join(dir, "image.devs")))
            const dbgJson = readFileSync(join(dir, "image-dbg.json"), "utf8")
            if (manifest.format !== 2 || sha256(image) !== manifest.image || sha256(dbgJson) !== manifest.dbg)
                throw new Error("hash mismatch")
            const now = new Date()
            utimesSync(join(dir, MANIFEST), now, now) // least recently used goes first
            return { image, dbgJson, dir }
        } catch {
            rmSync(dir, { recursive: true, force: true })
            return undefined
        }
    }

    /** Store an entry atomically, then keep the cache within its bound. */
    put(key: string, build: { image: Uint8Array; dbgJson: string }): string {
        try {
            return this.store(key, build)
        } catch (e) {
            // the folder went away under the build (an older `camscript clean` removed all of
            // it, or a user did): made again once, not a reason to give the cache up
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
            this.opened = false
            return this.store(key, build)
        }
    }

    private store(key: string, build: { image: Uint8Array; dbgJson: string }): string {
        this.open()
        const dir = join(this.dir, key)
        const tmp = join(this.dir, `${key}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`)
        try {
            mkdirSync(tmp, { mode: 0o700 })
            writeFileSync(join(tmp, "image.devs"), build.image, { mode: 0o600 })
            writeFileSync(join(tmp, "image-dbg.json"), build.dbgJson, { mode: 0o600 })
            const manifest: Manifest = { format: 2, image: sha256(build.image), dbg: sha256(build.dbgJson) }
            // written last: an entry without it is incomplete
            writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest), { mode: 0o600 })
            rmSync(dir, { recursive: true, force: true })
            renameSync(tmp, dir)
        } finally {
            rmSync(tmp, { recursive: true, force: true })
        }
        this.prune(cacheMaxBytes(), key)
        return dir
    }

    /**
     * Hold the right to build `key`: one build per content across processes;
     * the others wait for it and then find the entry.
     */
    async lock(key: string): Promise<() => void> {
        this.open()
        const path = join(this.dir, `${key}.lock`)
        for (;;) {
            try {
                const fd = openSync(path, "wx", 0o600)
                writeSync(fd, String(process.pid))
                closeSync(fd)
                return () => rmSync(path, { force: true })
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
            }
            const owner = this.lockOwner(path)
            const stale = Date.now() - this.mtime(path) > STALE_LOCK_MS
            if (stale || (owner !== undefined && owner !== process.pid && !pidAlive(owner))) {
                rmSync(path, { force: true })
                continue
            }
            await sleep(50)
        }
    }

    /** Entries, least recently used first, with their sizes. */
    entries(): { key: string; bytes: number; usedMs: number }[] {
        this.open()
        const out = []
        for (const name of readdirSync(this.dir)) {
            if (name.includes(".")) continue
            const dir = join(this.dir, name)
            let bytes = 0
            try {
                for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size
            } catch {
                continue
            }
            out.push({ key: name, bytes, usedMs: this.mtime(join(dir, MANIFEST)) })
        }
        return out.sort((a, b) => a.usedMs - b.usedMs)
    }

    /** Remove least recently used entries until the cache fits `maxBytes` (never `keep`). */
    prune(maxBytes: number, keep?: string) {
        const all = this.entries()
        let total = all.reduce((n, e) => n + e.bytes, 0)
        for (const e of all) {
            if (total <= maxBytes) break
            if (e.key === keep) continue
            rmSync(join(this.dir, e.key), { recursive: true, force: true })
            total -= e.bytes
        }
    }

    /**
     * Empty the cache; returns how many entries and bytes were removed. The
     * locks and half-written entries of builds running now stay (open()
     * clears those of dead processes): a `clean` during a compile must not
     * break the compile.
     */
    clean(): { entries: number; bytes: number } {
        const all = this.entries()
        const bytes = all.reduce((n, e) => n + e.bytes, 0)
        for (const e of all) rmSync(join(this.dir, e.key), { recursive: true, force: true })
        return { entries: all.length, bytes }
    }
}
