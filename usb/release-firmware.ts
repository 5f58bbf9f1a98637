import { createHash } from "node:crypto"
import type { BoardInfo } from "../project/boards"
import { readRegularFile } from "../project/files"
import { fromRoot } from "../project/paths"
import { download, DownloadError } from "./download"
import { MAX_FIRMWARE_FILE_BYTES, readCached, writeCached } from "./firmware-cache"
import { type Firmware, FirmwareError, FLASH_SECTOR, MAX_FLASH_BYTES } from "./firmware"

// `camscript flash` with no --firmware: camscript's own runtime for the board,
// from the GitHub release of the installed camscript version, in the
// repository package.json names (.github/workflows/firmware.yml attaches the
// images and their manifest on a version tag). Every file is checked against
// the release manifest (board, chip, offset, size, SHA-256) before it is kept
// or written. The manifest format is in docs/hardware.md, "Release manifest".

export const RELEASE_MANIFEST = "camscript-firmware.json"
const RELEASE_MANIFEST_FORMAT = 1
const MAX_RELEASE_MANIFEST_BYTES = 256 << 10
const RELEASE_DEADLINE_MS = 120_000

interface PackageInfo {
    version: string
    repository?: string | { url?: string }
}

function installedPackage(): PackageInfo {
    const text = readRegularFile(fromRoot("package.json"), "camscript's package.json", 1 << 20).toString("utf8")
    return JSON.parse(text) as PackageInfo
}

/** owner/name of the GitHub repository package.json names, or undefined. */
export function githubRepository(repository: PackageInfo["repository"]): string | undefined {
    const url = typeof repository === "string" ? repository : repository?.url
    if (!url) return undefined
    const m =
        /^(?:git\+)?(?:https?:\/\/|git@|ssh:\/\/git@)github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url) ??
        /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(url)
    return m ? `${m[1]}/${m[2]}` : undefined
}

/** Where releases are: CAMSCRIPT_RELEASES_URL (tests, mirrors), else the package's GitHub repository. */
export function releasesUrl(pkg: PackageInfo = installedPackage()): string {
    const override = process.env.CAMSCRIPT_RELEASES_URL
    if (override) return override.replace(/\/+$/, "")
    const repo = githubRepository(pkg.repository)
    if (!repo)
        throw new FirmwareError(
            `camscript's package.json names no GitHub repository ("repository"), so there is no release to download: ` +
                "use --firmware stock, or a folder built by firmware/build.sh",
        )
    return `https://github.com/${repo}/releases`
}

interface ReleaseFile {
    offset: number
    file: string
    size: number
    sha256: string
}

interface ReleaseManifest {
    version: string
    boards: Record<string, { chip: string; flash: ReleaseFile[] }>
}

/**
 * Check a parsed manifest's shape; every problem says what is allowed. The
 * format is the one firmware/build.sh --release-manifest writes for the
 * release workflow (firmware/README.md, "Release manifest"):
 * { format: 1, camscript, runtime, boards: [{ board, chip, files: [{ name, offset, size, sha256 }] }] }.
 */
function parseReleaseManifest(raw: unknown, where: string): ReleaseManifest {
    const fail = (what: string) => new FirmwareError(`${where}: ${what}`)
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
        throw fail("expected an object { format, camscript, runtime, boards }")
    const m = raw as Record<string, unknown>
    if (m.format !== RELEASE_MANIFEST_FORMAT)
        throw fail(
            `format ${JSON.stringify(m.format)} is not ${RELEASE_MANIFEST_FORMAT}: a newer camscript may read it`,
        )
    if (typeof m.camscript !== "string") throw fail("camscript must be the camscript version (a string)")
    if (!Array.isArray(m.boards)) throw fail("boards must be a list of { board, chip, files }")
    const boards: ReleaseManifest["boards"] = {}
    for (const [n, entry] of (m.boards as unknown[]).entries()) {
        const e = entry as Record<string, unknown>
        if (!e || typeof e !== "object") throw fail(`boards[${n}] must be { board, chip, files }`)
        if (typeof e.board !== "string" || !/^[a-z0-9_]+$/.test(e.board))
            throw fail(`boards[${n}].board must be a board id (a-z, 0-9, _)`)
        const id = e.board
        const at = `boards.${id}`
        if (Object.hasOwn(boards, id)) throw fail(`${at} is listed twice`)
        if (typeof e.chip !== "string") throw fail(`${at}.chip must be esp32 or esp32s3`)
        if (!Array.isArray(e.files) || e.files.length === 0) throw fail(`${at}.files must be a non-empty list`)
        let end = -1
        const flash = e.files.map((f: unknown, i: number) => {
            const fa = `${at}.files[${i}]`
            const r = f as Record<string, unknown>
            if (!r || typeof r !== "object") throw fail(`${fa} must be { name, offset, size, sha256 }`)
            const { offset, name, size, sha256 } = r
            if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset % FLASH_SECTOR !== 0)
                throw fail(`${fa}.offset must be a multiple of ${FLASH_SECTOR} bytes, got ${JSON.stringify(offset)}`)
            // a release asset name: no folders, nothing that could climb out of the cache
            if (typeof name !== "string" || !/^[\w][\w.+-]*$/.test(name))
                throw fail(
                    `${fa}.name must be a release asset name (letters, digits, . _ + -), got ${JSON.stringify(name)}`,
                )
            if (typeof size !== "number" || !Number.isInteger(size) || size <= 0 || size > MAX_FIRMWARE_FILE_BYTES)
                throw fail(`${fa}.size must be 1..${MAX_FIRMWARE_FILE_BYTES} bytes, got ${JSON.stringify(size)}`)
            if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256))
                throw fail(`${fa}.sha256 must be 64 lowercase hex digits`)
            if (offset < end) throw fail(`${fa} at ${offset} overlaps the file before it (which ends at ${end})`)
            if (offset + size > MAX_FLASH_BYTES) throw fail(`${fa} ends past 16 MB, the most an ESP32 maps`)
            end = offset + size
            return { offset, file: name, size, sha256 }
        })
        boards[id] = { chip: e.chip, flash }
    }
    return { version: m.camscript, boards }
}

interface ReleaseOptions {
    log?: (line: string) => void
    deadlineMs?: number
    /** where releases are (default releasesUrl()) */
    baseUrl?: string
}

function noRelease(version: string, board: BoardInfo, detail: string): FirmwareError {
    return new FirmwareError(
        `${detail}\nThere is no camscript firmware release v${version} for ${board.id} yet. Either:\n` +
            `  camscript flash --board ${board.id} --firmware stock   DeviceScript's own runtime (Wi-Fi station only, no camera)\n` +
            `  firmware/build.sh ${board.id}, then camscript flash --board ${board.id} --firmware firmware/dist/${board.id}`,
    )
}

/** The release's images for `board`, each checked against the manifest. */
export async function releaseFirmware(board: BoardInfo, options: ReleaseOptions = {}): Promise<Firmware> {
    const pkg = installedPackage()
    const base = options.baseUrl?.replace(/\/+$/, "") ?? releasesUrl(pkg)
    const tag = `v${pkg.version}`
    const log = options.log ?? (() => {})
    const deadlineMs = options.deadlineMs ?? RELEASE_DEADLINE_MS
    const manifestUrl = `${base}/download/${tag}/${RELEASE_MANIFEST}`
    log(`downloading ${manifestUrl}`)
    let text: Uint8Array
    try {
        text = await download(manifestUrl, {
            maxBytes: MAX_RELEASE_MANIFEST_BYTES,
            deadlineMs,
            what: `the firmware manifest of camscript ${tag}`,
        })
    } catch (e) {
        if (e instanceof DownloadError && e.failure === "missing") throw noRelease(pkg.version, board, e.message)
        if (e instanceof DownloadError) throw new FirmwareError(e.message)
        throw e
    }
    let raw: unknown
    try {
        raw = JSON.parse(Buffer.from(text).toString("utf8"))
    } catch (e) {
        throw new FirmwareError(
            `${manifestUrl}: not valid JSON (${(e as Error).message}): a damaged download or not a manifest`,
        )
    }
    const manifest = parseReleaseManifest(raw, manifestUrl)
    if (manifest.version !== pkg.version)
        throw new FirmwareError(
            `${manifestUrl}: the manifest is for camscript ${manifest.version}, but this is camscript ${pkg.version}: refused`,
        )
    const entry = manifest.boards[board.id]
    if (!entry)
        throw noRelease(
            pkg.version,
            board,
            `${manifestUrl} has firmware for ${Object.keys(manifest.boards).join(", ") || "no board"}, not ${board.id}`,
        )
    if (entry.chip !== board.archId)
        throw new FirmwareError(
            `${manifestUrl}: boards.${board.id}.chip is ${entry.chip}, but ${board.id} has an ${board.archId}: refused`,
        )
    const regions = []
    for (const f of entry.flash) {
        // content-addressed: a file is found again only by the hash the manifest gives
        const cacheName = `release-${f.sha256}.bin`
        let data = readCached(cacheName)
        if (data && (data.length !== f.size || sha256(data) !== f.sha256)) data = undefined
        if (data) log(`using the cached ${f.file}`)
        else {
            const url = `${base}/download/${tag}/${f.file}`
            log(`downloading ${url}`)
            try {
                data = await download(url, { maxBytes: f.size, deadlineMs, what: `${f.file} of camscript ${tag}` })
            } catch (e) {
                if (e instanceof DownloadError && e.failure === "too-big")
                    throw new FirmwareError(`${e.message}: the manifest says ${f.size} bytes; refused`)
                if (e instanceof DownloadError) throw new FirmwareError(e.message)
                throw e
            }
            if (data.length !== f.size)
                throw new FirmwareError(
                    `${f.file}: ${data.length} bytes arrived but the manifest says ${f.size}: the file is truncated or not the release's; nothing was kept`,
                )
            const got = sha256(data)
            if (got !== f.sha256)
                throw new FirmwareError(
                    `${f.file}: its SHA-256 is ${got} but the manifest says ${f.sha256}: the download is damaged or not the release's; nothing was kept`,
                )
            writeCached(cacheName, data)
        }
        regions.push({ offset: f.offset, data, name: f.file })
    }
    return { regions, source: `camscript ${tag} firmware for ${board.id} (${base})` }
}

function sha256(data: Uint8Array): string {
    return createHash("sha256").update(data).digest("hex")
}
