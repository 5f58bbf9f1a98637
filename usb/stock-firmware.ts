import type { ArchId, BoardInfo } from "../project/boards"
import { readRegularFile } from "../project/files"
import { boardSettings, dcfgSize, DcfgError, encodeDcfg } from "../formats/dcfg"
import { PARTITION_TABLE_OFFSET, parsePartitionTable } from "../formats/partition-table"
import { download, DownloadError } from "./download"
import { MAX_FIRMWARE_FILE_BYTES, readCached, writeCached } from "./firmware-cache"
import { checkFirmware, type Firmware, FirmwareError } from "./firmware"

// `camscript flash --firmware stock`: DeviceScript's own ESP32 runtime, as
// `devs flash esp32` installs it (microsoft/devicescript cli/src/flash.ts,
// fetchFW): the chip's "bare" image from devicescript-esp32's GitHub release,
// named devicescript-<arch>-<board>-<0xOFFSET>.bin and written at that offset
// (a merged bootloader + partition table + application, esptool merge_bin),
// with the board's configuration put in at 0x9000 (cli/src/binpatch.ts,
// patchBinFile: over the bare board's own configuration, padded to its
// length, or into erased flash). Unlike `devs flash`, the release is pinned
// (not "latest"): the runtime's image rule is what our compiler's images are
// checked against, so it must not move under us.

/** devicescript-esp32's last tag; its runtime (DeviceScript 2.16.0) accepts image versions 2.7..2.16. */
export const STOCK_RELEASE = {
    repository: "microsoft/devicescript-esp32",
    tag: "v2.16.1",
    /** esp_app_desc_t.project_name: devicescript-esp32's CMake project() */
    projectName: "espjd",
} as const

/** The release's file for each chip: the "bare" board, configured for ours at 0x9000. */
const STOCK_FILES: Record<ArchId, { board: string; offset: number }> = {
    esp32: { board: "esp32_bare", offset: 0x1000 },
    esp32s3: { board: "esp32s3_bare", offset: 0x0 },
}

/** devicescript-esp32 boards/<chip>/arch.json dcfgOffset, and the `dcfg` partition's size in boards/partitions.csv */
export const DCFG_OFFSET = 0x9000
const DCFG_PARTITION = { label: "dcfg", type: 0x8a, subtype: 0x00 }

const STOCK_DEADLINE_MS = 120_000

/** CAMSCRIPT_STOCK_RELEASES_URL (tests, mirrors), else devicescript-esp32's GitHub releases. */
function stockReleasesUrl(): string {
    return (
        process.env.CAMSCRIPT_STOCK_RELEASES_URL?.replace(/\/+$/, "") ||
        `https://github.com/${STOCK_RELEASE.repository}/releases`
    )
}

export function stockFileName(arch: ArchId): string {
    const f = STOCK_FILES[arch]
    return `devicescript-${arch}-${f.board}-0x${f.offset.toString(16)}.bin`
}

function stockFileUrl(arch: ArchId, base = stockReleasesUrl()): string {
    return `${base.replace(/\/+$/, "")}/download/${STOCK_RELEASE.tag}/${stockFileName(arch)}`
}

const hex = (n: number) => `0x${n.toString(16)}`

/**
 * The checks on the release file before it is kept or written: a merged
 * image for the chip whose bootloader, partition table and application are
 * whole (checksum, appended SHA-256), whose application is devicescript-esp32
 * at the pinned release (esp_app_desc_t's project name and version), and
 * whose partition table has the `dcfg` partition at 0x9000.
 */
function checkStockImage(data: Uint8Array, arch: ArchId, name: string): { dcfgBytes: number } {
    const offset = STOCK_FILES[arch].offset
    const check = checkFirmware({ regions: [{ offset, data, name }], source: name }, arch)
    const app = check.apps.find((a) => a.offset === 0x10000) ?? check.apps[0]
    if (!app)
        throw new FirmwareError(
            `${name}: no application image with an esp_app_desc_t: not DeviceScript's ESP32 runtime`,
        )
    if (app.projectName !== STOCK_RELEASE.projectName)
        throw new FirmwareError(
            `${name}: the application is "${app.projectName}", not devicescript-esp32's "${STOCK_RELEASE.projectName}": refused`,
        )
    const version = /^v?(\d+\.\d+\.\d+)/.exec(app.version)?.[1]
    if (version !== STOCK_RELEASE.tag.slice(1))
        throw new FirmwareError(
            `${name}: the application says it is version "${app.version}", but the pinned release is ${STOCK_RELEASE.tag}: refused`,
        )
    const table = parsePartitionTable(data.subarray(PARTITION_TABLE_OFFSET - offset))
    const dcfg = table.find(
        (p) =>
            p.label === DCFG_PARTITION.label && p.type === DCFG_PARTITION.type && p.subtype === DCFG_PARTITION.subtype,
    )
    if (!dcfg || dcfg.offset !== DCFG_OFFSET)
        throw new FirmwareError(
            `${name}: its partition table has no "dcfg" partition at ${hex(DCFG_OFFSET)}: the board configuration has nowhere to go`,
        )
    return { dcfgBytes: dcfg.size }
}

/** The board file as DeviceScript reads it: camscript's own section left out (the stock runtime has no use for it). */
export function stockBoardConfig(board: BoardInfo): Uint8Array {
    let json: Record<string, unknown>
    try {
        json = JSON.parse(readRegularFile(board.file, `the board file of ${board.id}`, 1 << 20).toString("utf8"))
    } catch (e) {
        throw new FirmwareError((e as Error).message)
    }
    // as the DeviceScript CLI sees a board: id from the file name, archId from the arch
    const { camscript: _ours, ...devicescript } = json
    void _ours
    devicescript.id = board.id
    devicescript.archId = board.archId
    try {
        return encodeDcfg(boardSettings(devicescript))
    } catch (e) {
        if (e instanceof DcfgError) throw new FirmwareError(`${board.id}: ${e.message}`)
        throw e
    }
}

/** `image` with `config` at 0x9000 (`binpatch`'s rule: over an existing configuration, padded to its length, or into erased bytes). */
export function patchBoardConfig(image: Uint8Array, arch: ArchId, config: Uint8Array, room: number): Uint8Array {
    const at = DCFG_OFFSET - STOCK_FILES[arch].offset
    const out = new Uint8Array(Math.max(image.length, at + config.length))
    out.fill(0xff)
    out.set(image)
    const existing = dcfgSize(out.subarray(at))
    let blob = config
    if (existing !== undefined) {
        if (existing > room)
            throw new FirmwareError(`the configuration already in the image claims ${existing} bytes: damaged`)
        blob = new Uint8Array(Math.max(config.length, existing))
        blob.set(config)
    } else {
        const head = out.subarray(at, at + 8)
        if (!head.every((b) => b === 0xff) && !head.every((b) => b === 0))
            throw new FirmwareError(`the image holds something else at ${hex(DCFG_OFFSET)}: not patched`)
    }
    if (blob.length > room)
        throw new FirmwareError(
            `the board configuration is ${blob.length} bytes; the dcfg partition holds ${room}: fewer pins or a shorter board file`,
        )
    out.set(blob, at)
    return out
}

interface StockOptions {
    log?: (line: string) => void
    deadlineMs?: number
    /** where releases are (default stockReleasesUrl()) */
    baseUrl?: string
}

/** The pinned stock release for the board's chip, from the cache or downloaded, checked, configured for the board. */
export async function stockFirmware(board: BoardInfo, options: StockOptions = {}): Promise<Firmware> {
    const arch = board.archId
    const name = stockFileName(arch)
    const cacheName = `stock-${STOCK_RELEASE.tag}-${name}`
    const log = options.log ?? (() => {})
    let data = readCached(cacheName)
    let room: number | undefined
    if (data) {
        try {
            room = checkStockImage(data, arch, name).dcfgBytes
            log(`using the cached ${name} (${STOCK_RELEASE.repository} ${STOCK_RELEASE.tag})`)
        } catch {
            data = undefined // damaged or replaced: fetched again
        }
    }
    if (!data || room === undefined) {
        const url = stockFileUrl(arch, options.baseUrl)
        log(`downloading ${url}`)
        try {
            data = await download(url, {
                maxBytes: MAX_FIRMWARE_FILE_BYTES,
                deadlineMs: options.deadlineMs ?? STOCK_DEADLINE_MS,
                what: `DeviceScript's stock runtime ${STOCK_RELEASE.tag} for ${arch}`,
            })
        } catch (e) {
            if (e instanceof DownloadError && e.failure === "missing")
                throw new FirmwareError(
                    `${e.message}\n${STOCK_RELEASE.repository} has no ${name} in ${STOCK_RELEASE.tag}. Download it by hand from a mirror and flash it with --firmware <file>`,
                )
            if (e instanceof DownloadError) throw new FirmwareError(e.message)
            throw e
        }
        room = checkStockImage(data, arch, name).dcfgBytes
        writeCached(cacheName, data)
    }
    const patched = patchBoardConfig(data, arch, stockBoardConfig(board), room)
    return {
        regions: [{ offset: STOCK_FILES[arch].offset, data: patched, name }],
        source: `${name} (DeviceScript's stock runtime, ${STOCK_RELEASE.repository} ${STOCK_RELEASE.tag}, configured for ${board.id})`,
    }
}
