import { appendFileSync, statSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { DestinationError, ensurePrivateDir, writePrivateFile } from "../../project/destinations"
import type { ReceivedUpload } from "./http-servers"

// `camscript sim --out DIR`: what the world's servers received. Each frame a
// server kept (answered 2xx) becomes a JPEG named by its simulated arrival
// time, camera and server (000033012-porch-frames.jpg, sorting in arrival
// order), and every request, kept or not, a line of DIR/uploads.jsonl: time,
// camera, server, method, path, status, bytes, interface, file. Header
// names are listed, never their values (a token). The folder is 0700 and
// the files 0600, as project/destinations.ts keeps what may be private.

/** The index of a run's uploads in the --out folder. */
export const UPLOAD_INDEX = "uploads.jsonl"

/** Throws a DestinationError unless `dir` is a folder or can be made one (its parent exists). */
export function checkUploadDir(dir: string, what: string): void {
    const path = resolve(dir)
    try {
        if (!statSync(path).isDirectory()) throw new DestinationError(`${what}: ${path} is not a folder`)
        return
    } catch (e) {
        if (e instanceof DestinationError) throw e
        if ((e as NodeJS.ErrnoException).code !== "ENOENT")
            throw new DestinationError(`${what}: ${path} cannot be read (${(e as NodeJS.ErrnoException).code})`)
    }
    try {
        if (!statSync(dirname(path)).isDirectory()) throw new Error()
    } catch {
        throw new DestinationError(`${what}: the folder ${dirname(path)} does not exist (create it first)`)
    }
}

/** The file name of a kept upload. */
export function uploadFileName(u: Pick<ReceivedUpload, "atMs" | "camera" | "server">): string {
    return `${String(Math.round(u.atMs)).padStart(9, "0")}-${u.camera}-${u.server}.jpg`
}

/** A sink for the session's onUpload that writes into `dir` (made 0700 if missing). */
export function uploadWriter(dir: string): (u: ReceivedUpload) => void {
    ensurePrivateDir(dir)
    const index = join(dir, UPLOAD_INDEX)
    writePrivateFile(index, "")
    const names = new Set<string>()
    return (u) => {
        let file: string | undefined
        if (u.kept) {
            file = uploadFileName(u)
            // two uploads in one millisecond: the second gets a suffix
            for (let n = 2; names.has(file); n++) file = uploadFileName(u).replace(/\.jpg$/, `-${n}.jpg`)
            names.add(file)
            writePrivateFile(join(dir, file), u.body)
        }
        const line = {
            atMs: u.atMs,
            camera: u.camera,
            server: u.server,
            method: u.method,
            path: u.path,
            status: u.status,
            bytes: Number(u.headers["content-length"] ?? u.body.length),
            via: u.via,
            headers: Object.keys(u.headers),
            file,
        }
        appendFileSync(index, `${JSON.stringify(line)}\n`)
    }
}
