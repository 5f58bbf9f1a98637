import { existsSync, readFileSync, statSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import type { ArchId } from "../project/boards"
import { fromRoot } from "../project/paths"
import { readImageHeader } from "../formats/esp-image"

// The runtime firmware to flash: a folder with ESP-IDF's flasher_args.json
// (what `idf.py build` writes: "flash_files" maps offsets to images) or a
// manifest.json of the same shape, or one combined image (esptool merge_bin,
// such as the stock DeviceScript ESP32 firmware file).

export class FirmwareError extends Error {}

interface FlashRegion {
    offset: number
    data: Uint8Array
    /** where it came from, for messages */
    name: string
}

export interface Firmware {
    regions: FlashRegion[]
    source: string
}

const CHIP_NAMES: Record<ArchId, string> = { esp32: "ESP32", esp32s3: "ESP32-S3" }
const BOOTLOADER_OFFSET: Record<ArchId, number> = { esp32: 0x1000, esp32s3: 0x0 }

export function chipName(arch: ArchId): string {
    return CHIP_NAMES[arch]
}

/** The default: the firmware build's output for this chip. */
function defaultFirmwareDir(arch: ArchId): string {
    return fromRoot("firmware/build", arch)
}

function parseOffset(key: string, file: string): number {
    const n = /^0x[0-9a-f]+$/i.test(key) ? parseInt(key, 16) : /^\d+$/.test(key) ? Number(key) : NaN
    if (!Number.isSafeInteger(n)) throw new FirmwareError(`${file}: "${key}" is not a flash offset (e.g. "0x10000")`)
    return n
}

export function loadFirmware(input: string | undefined, arch: ArchId): Firmware {
    const path = resolve(input ?? defaultFirmwareDir(arch))
    const shown = relative(process.cwd(), path) || path
    if (!existsSync(path))
        throw new FirmwareError(
            input === undefined
                ? `no runtime firmware for ${chipName(arch)} at ${shown}: build it (firmware/README.md) or name images with --firmware <folder or file>`
                : `${shown}: no such file or folder`,
        )
    if (statSync(path).isFile()) {
        const data = new Uint8Array(readFileSync(path))
        // a merged image starts at 0 (padding up to the bootloader) or at the bootloader itself
        const bootAt = BOOTLOADER_OFFSET[arch]
        const offset = data[0] !== 0xe9 && readImageHeader(data.subarray(bootAt)) ? 0 : bootAt
        return { regions: [{ offset, data, name: shown }], source: shown }
    }
    const manifest = ["flasher_args.json", "manifest.json"].map((n) => join(path, n)).find((f) => existsSync(f))
    if (!manifest)
        throw new FirmwareError(
            `${shown}: no flasher_args.json or manifest.json saying which image goes at which offset`,
        )
    let json: { flash_files?: Record<string, string> }
    try {
        json = JSON.parse(readFileSync(manifest, "utf8"))
    } catch (e) {
        throw new FirmwareError(`${relative(process.cwd(), manifest)}: not valid JSON: ${(e as Error).message}`)
    }
    const files = json.flash_files
    if (!files || typeof files !== "object" || Object.keys(files).length === 0)
        throw new FirmwareError(
            `${relative(process.cwd(), manifest)}: needs "flash_files": { "0x1000": "bootloader.bin", ... }`,
        )
    const regions = Object.entries(files)
        .map(([key, file]) => {
            const offset = parseOffset(key, manifest)
            const full = resolve(path, file)
            if (!existsSync(full)) throw new FirmwareError(`${relative(process.cwd(), manifest)}: ${file} is missing`)
            return { offset, data: new Uint8Array(readFileSync(full)), name: file }
        })
        .sort((a, b) => a.offset - b.offset)
    for (let i = 1; i < regions.length; i++) {
        const prev = regions[i - 1]
        if (prev.offset + prev.data.length > regions[i].offset)
            throw new FirmwareError(`${relative(process.cwd(), manifest)}: ${prev.name} overlaps ${regions[i].name}`)
    }
    return { regions, source: shown }
}

/** Refuse images built for another chip, before anything is written. */
export function checkChip(firmware: Firmware, arch: ArchId): void {
    const want = CHIP_NAMES[arch]
    for (const r of firmware.regions) {
        // an image at its start, or (merged file) the bootloader inside it
        const inner = r.offset === 0 && r.data[0] !== 0xe9 ? r.data.subarray(BOOTLOADER_OFFSET[arch]) : r.data
        const header = readImageHeader(inner)
        if (header && header.chipName !== want)
            throw new FirmwareError(
                `${r.name} is built for ${header.chipName}, but the board has an ${want}: nothing was written. ` +
                    `Use the firmware built for ${want}, or check --board`,
            )
    }
}
