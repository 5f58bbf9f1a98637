import { existsSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

// The image manifest firmware/build.sh writes next to the images in
// firmware/dist/<board-id>/manifest.json, and `camscript flash --firmware`
// reads: which file goes to which flash offset, for which chip.
//
//   { "board": "ai_thinker_esp32_cam", "chip": "esp32",
//     "flash": [ { "offset": 4096, "file": "bootloader.bin" },
//                { "offset": 32768, "file": "partition-table.bin" },
//                { "offset": 65536, "file": "app.bin" } ] }
//
// Offsets are bytes (JSON numbers), multiples of the 4 KiB flash sector, in
// increasing order; files are names in the manifest's folder.

const MANIFEST_CHIPS = ["esp32", "esp32s3"] as const
type ManifestChip = (typeof MANIFEST_CHIPS)[number]
const FLASH_SECTOR = 4096

interface FlashImage {
    offset: number
    file: string
    /** the file's full path */
    path: string
    size: number
}

export interface FirmwareManifest {
    board?: string
    chip: ManifestChip
    flash: FlashImage[]
}

class ManifestError extends Error {}

/** Read and check `dir`/manifest.json; every problem is named with what is allowed. */
export function readFirmwareManifest(dir: string): FirmwareManifest {
    const file = join(dir, "manifest.json")
    const where = `${file}:`
    let raw: unknown
    try {
        raw = JSON.parse(readFileSync(file, "utf8"))
    } catch (e) {
        throw new ManifestError(`${where} ${(e as Error).message}`)
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new ManifestError(`${where} expected an object { chip, flash: [...] }`)
    const m = raw as Record<string, unknown>
    for (const key of Object.keys(m))
        if (!["board", "chip", "flash"].includes(key))
            throw new ManifestError(`${where} unknown key "${key}" (allowed: board, chip, flash)`)
    if (!MANIFEST_CHIPS.includes(m.chip as ManifestChip))
        throw new ManifestError(`${where} chip ${JSON.stringify(m.chip)} is not one of ${MANIFEST_CHIPS.join(", ")}`)
    if (m.board !== undefined && typeof m.board !== "string")
        throw new ManifestError(`${where} board must be a string (a board id)`)
    if (!Array.isArray(m.flash) || m.flash.length === 0)
        throw new ManifestError(`${where} flash must be a non-empty list of { offset, file }`)
    const flash: FlashImage[] = []
    let end = -1
    m.flash.forEach((entry: unknown, i: number) => {
        const at = `${where} flash[${i}]`
        const e = entry as Record<string, unknown>
        if (typeof e !== "object" || e === null) throw new ManifestError(`${at} must be { offset, file }`)
        const { offset, file: name } = e
        if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0)
            throw new ManifestError(`${at}.offset must be a whole number of bytes >= 0, got ${JSON.stringify(offset)}`)
        if (offset % FLASH_SECTOR !== 0)
            throw new ManifestError(`${at}.offset ${offset} is not a multiple of the ${FLASH_SECTOR}-byte flash sector`)
        if (typeof name !== "string" || !/^[\w.-]+$/.test(name))
            throw new ManifestError(
                `${at}.file must be a file name in the manifest's folder, got ${JSON.stringify(name)}`,
            )
        const path = join(dir, name)
        if (!existsSync(path)) throw new ManifestError(`${at}.file ${name} does not exist in ${dir}`)
        const size = statSync(path).size
        if (size === 0) throw new ManifestError(`${at}.file ${name} is empty`)
        if (offset < end)
            throw new ManifestError(`${at}.offset ${offset} overlaps the image before it (which ends at ${end})`)
        end = offset + size
        flash.push({ offset, file: name, path, size })
    })
    return { board: m.board as string | undefined, chip: m.chip as ManifestChip, flash }
}
