import { existsSync, statSync } from "node:fs"
import { basename, join, relative, resolve } from "node:path"
import type { ArchId } from "../project/boards"
import { readRegularFile } from "../project/files"
import { type AppDescription, EspImageError, parseEspImage, readImageHeader } from "../formats/esp-image"
import {
    looksLikePartitionTable,
    type Partition,
    PARTITION_TABLE_OFFSET,
    PARTITION_TYPE_APP,
    PartitionTableError,
    parsePartitionTable,
} from "../formats/partition-table"
import { dcfgSize } from "../formats/dcfg"

// The runtime firmware to flash, and every check made on it before a port is
// touched. It comes from a folder with ESP-IDF's flasher_args.json ("flash_files"
// maps offsets to images), firmware/build.sh's manifest.json ("flash": a list
// of { offset, file }), one combined image (esptool merge_bin, as the stock
// DeviceScript files are), or a download (usb/stock-firmware.ts,
// usb/release-firmware.ts). Every file goes through the one bounded
// regular-file reader (project/files.ts).

export class FirmwareError extends Error {}

export interface FlashRegion {
    offset: number
    data: Uint8Array
    /** where it came from, for messages */
    name: string
}

export interface Firmware {
    regions: FlashRegion[]
    source: string
}

/** What the checks found: the flash the firmware is built for and the applications in it. */
interface FirmwareCheck {
    flashBytes: number
    apps: (AppDescription & { offset: number })[]
}

const CHIP_NAMES: Record<ArchId, string> = { esp32: "ESP32", esp32s3: "ESP32-S3" }
const BOOTLOADER_OFFSET: Record<ArchId, number> = { esp32: 0x1000, esp32s3: 0x0 }
export const FLASH_SECTOR = 4096
/** ESP-IDF's own ceiling: the bootloader maps at most 16 MB (SIXTEEN_MB in esp_image_format.c) */
export const MAX_FLASH_BYTES = 16 << 20
/** flasher_args.json or manifest.json: a few hundred bytes from a build */
const MAX_MANIFEST_BYTES = 64 << 10
/** the first bytes of a DeviceScript program image (DEVS_MAGIC0, "DevS", in devs_bytecode.h) */
const DEVS_MAGIC = [0x44, 0x65, 0x76, 0x53]

export function chipName(arch: ArchId): string {
    return CHIP_NAMES[arch]
}

const hex = (n: number) => `0x${n.toString(16)}`
const shownPath = (p: string) => relative(process.cwd(), p) || p

function readFile(file: string, what: string, limit: number): Uint8Array {
    try {
        return new Uint8Array(readRegularFile(file, what, limit))
    } catch (e) {
        throw new FirmwareError((e as Error).message)
    }
}

function parseOffset(key: unknown, where: string): number {
    const n =
        typeof key === "number"
            ? key
            : typeof key !== "string"
              ? NaN
              : /^0x[0-9a-f]+$/i.test(key)
                ? parseInt(key, 16)
                : /^\d+$/.test(key)
                  ? Number(key)
                  : NaN
    if (!Number.isSafeInteger(n) || n < 0)
        throw new FirmwareError(`${where}: ${JSON.stringify(key)} is not a flash offset (e.g. "0x10000" or 65536)`)
    return n
}

/** A file named by a manifest: a plain name or a path inside the manifest's folder, never outside it. */
function manifestFile(dir: string, name: unknown, where: string): string {
    if (typeof name !== "string" || name === "")
        throw new FirmwareError(`${where}: ${JSON.stringify(name)} is not a file name`)
    const full = resolve(dir, name)
    const rel = relative(dir, full)
    if (rel.startsWith("..") || resolve(rel) === rel)
        throw new FirmwareError(`${where}: ${name} is outside the manifest's folder: only files inside it are flashed`)
    return full
}

/** The images `input` names: a folder with flasher_args.json or manifest.json, or one merged image. */
export function loadFirmware(input: string, arch: ArchId): Firmware {
    const path = resolve(input)
    const shown = shownPath(path)
    if (!existsSync(path)) throw new FirmwareError(`${shown}: no such file or folder`)
    if (!statSync(path).isDirectory()) {
        const data = readFile(path, shown, MAX_FLASH_BYTES)
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
    const where = shownPath(manifest)
    let json: { flash_files?: unknown; flash?: unknown }
    try {
        json = JSON.parse(Buffer.from(readFile(manifest, where, MAX_MANIFEST_BYTES)).toString("utf8"))
    } catch (e) {
        if (e instanceof FirmwareError) throw e
        throw new FirmwareError(`${where}: not valid JSON: ${(e as Error).message}`)
    }
    // ESP-IDF's { "flash_files": { "0x1000": "bootloader/bootloader.bin" } } or build.sh's { "flash": [{ offset, file }] }
    let entries: [unknown, unknown][]
    if (json && typeof json === "object" && json.flash_files && typeof json.flash_files === "object")
        entries = Object.entries(json.flash_files)
    else if (json && typeof json === "object" && Array.isArray(json.flash))
        entries = (json.flash as { offset?: unknown; file?: unknown }[]).map((e) => [e?.offset, e?.file])
    else entries = []
    if (entries.length === 0)
        throw new FirmwareError(
            `${where}: needs "flash_files": { "0x1000": "bootloader.bin", ... } (ESP-IDF) or "flash": [{ "offset": 4096, "file": "bootloader.bin" }, ...] (firmware/build.sh)`,
        )
    const regions = entries.map(([key, file]) => {
        const offset = parseOffset(key, where)
        const full = manifestFile(path, file, where)
        if (!existsSync(full)) throw new FirmwareError(`${where}: ${String(file)} is missing`)
        return { offset, data: readFile(full, String(file), MAX_FLASH_BYTES), name: String(file) }
    })
    regions.sort((a, b) => a.offset - b.offset)
    refuseOverlaps(regions)
    return { regions, source: shown }
}

/** `regions` sorted by offset */
function refuseOverlaps(regions: FlashRegion[]): void {
    for (let i = 1; i < regions.length; i++) {
        const prev = regions[i - 1]
        if (prev.offset + prev.data.length > regions[i].offset)
            throw new FirmwareError(
                `${prev.name} overlaps ${regions[i].name}: it covers ${hex(prev.offset)}..${hex(prev.offset + prev.data.length)}, the next starts at ${hex(regions[i].offset)}`,
            )
    }
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

const ALLOWED =
    "allowed: an ESP-IDF image (bootloader or application, first byte 0xE9), a partition table (AA 50) at 0x8000, " +
    "a DeviceScript board configuration (DCFG), or one merged image from `esptool merge_bin`"

/** The bytes the regions put at [at, at + length), or undefined when no region covers `at`. */
function bytesAt(regions: FlashRegion[], at: number): { region: FlashRegion; data: Uint8Array } | undefined {
    for (const r of regions)
        if (at >= r.offset && at < r.offset + r.data.length) return { region: r, data: r.data.subarray(at - r.offset) }
    return undefined
}

/**
 * Every check made before a port is opened: no empty region, no DeviceScript
 * program given as firmware, sector-aligned offsets without overlaps, every
 * region something a board boots from, every ESP image whole (checksum and
 * appended SHA-256, as the bootloader checks them) and built for this chip,
 * every application within its partition, nothing past the end of the flash
 * the firmware is built for. Throws FirmwareError saying what was wrong and
 * what is allowed; "nothing was written" holds because nothing was opened.
 */
export function checkFirmware(firmware: Firmware, arch: ArchId): FirmwareCheck {
    const want = CHIP_NAMES[arch]
    const regions = [...firmware.regions].sort((a, b) => a.offset - b.offset)
    if (regions.length === 0) throw new FirmwareError(`${firmware.source}: no images to write`)
    for (const r of regions) {
        if (r.data.length === 0)
            throw new FirmwareError(`${r.name} is empty (0 bytes): nothing to write at ${hex(r.offset)}; ${ALLOWED}`)
        if (DEVS_MAGIC.every((b, i) => r.data[i] === b))
            throw new FirmwareError(
                `${r.name} is a DeviceScript program (a .devs image), not firmware: send it to a board running the runtime with \`camscript deploy ${basename(r.name)}\``,
            )
        if (r.offset % FLASH_SECTOR !== 0)
            throw new FirmwareError(
                `${r.name} goes at ${hex(r.offset)}, which is not on a ${FLASH_SECTOR}-byte flash sector: offsets are multiples of 0x1000`,
            )
    }
    refuseOverlaps(regions)
    // the plainest mistake first: firmware for the other chip
    checkChip(firmware, arch)

    // what a board boots: the bootloader at the chip's offset, the partition table at 0x8000, the partitions it names
    const bootAt = BOOTLOADER_OFFSET[arch]
    const images = new Map<number, ReturnType<typeof parseEspImage>>()
    const image = (at: number, what: string) => {
        const found = bytesAt(regions, at)!
        try {
            const img = parseEspImage(found.data)
            if (img.chipName !== want)
                throw new FirmwareError(
                    `${found.region.name} is built for ${img.chipName}, but the board has an ${want}: nothing was written. ` +
                        `Use the firmware built for ${want}, or check --board`,
                )
            images.set(at, img)
            return img
        } catch (e) {
            if (e instanceof EspImageError)
                throw new FirmwareError(`${found.region.name}: the ${what} at ${hex(at)} is refused: ${e.message}`)
            throw e
        }
    }
    const boot = bytesAt(regions, bootAt) ? image(bootAt, "bootloader") : undefined
    let partitions: Partition[] | undefined
    const table = bytesAt(regions, PARTITION_TABLE_OFFSET)
    if (table) {
        if (!looksLikePartitionTable(table.data))
            throw new FirmwareError(
                `${table.region.name}: what goes at ${hex(PARTITION_TABLE_OFFSET)} is not a partition table (it starts ${hexBytes(table.data)}, a table starts AA 50)`,
            )
        try {
            partitions = parsePartitionTable(table.data)
        } catch (e) {
            if (e instanceof PartitionTableError)
                throw new FirmwareError(`${table.region.name}: the partition table is refused: ${e.message}`)
            throw e
        }
    }
    for (const p of partitions ?? []) {
        const at = bytesAt(regions, p.offset)
        if (!at) continue
        if (p.type === PARTITION_TYPE_APP) {
            const img = image(p.offset, `application (partition "${p.label}")`)
            if (img.length > p.size)
                throw new FirmwareError(
                    `${at.region.name}: the application is ${img.length} bytes, but its partition "${p.label}" at ${hex(p.offset)} holds ${p.size}: it would not fit`,
                )
        }
    }
    // every region starts with something a board reads
    for (const r of regions) {
        const merged = r.offset < bootAt || (r.offset === bootAt && r.data.length > PARTITION_TABLE_OFFSET - bootAt)
        if (images.has(r.offset) || r.offset === PARTITION_TABLE_OFFSET || merged) continue
        if (dcfgSize(r.data) !== undefined) continue
        if (readImageHeader(r.data)) {
            // an application the table does not place (or no table given): checked as one
            const img = image(r.offset, "image")
            if (partitions && !partitions.some((p) => p.offset === r.offset && p.type === PARTITION_TYPE_APP))
                throw new FirmwareError(
                    `${r.name}: the partition table has no application partition at ${hex(r.offset)} (${partitions
                        .filter((p) => p.type === PARTITION_TYPE_APP)
                        .map((p) => `"${p.label}" at ${hex(p.offset)}`)
                        .join(", ")}): the board would never run it`,
                )
            void img
            continue
        }
        throw new FirmwareError(
            `${r.name} at ${hex(r.offset)} has no ESP image header (it starts ${hexBytes(r.data)}): refused. ${ALLOWED}`,
        )
    }
    if (bytesAt(regions, bootAt) && regions[0].offset < bootAt && !boot)
        throw new FirmwareError(`${regions[0].name}: no bootloader image at ${hex(bootAt)}`)

    // the flash the firmware is built for: the bootloader's header says it (esptool writes the same into the app)
    const declared = boot?.flashBytes ?? [...images.values()].find((i) => i.flashBytes)?.flashBytes
    const flashBytes = declared ?? MAX_FLASH_BYTES
    const built = declared
        ? `the ${flashBytes >> 20} MB flash the firmware is built for`
        : "16 MB, the most an ESP32 maps"
    for (const r of regions)
        if (r.offset + r.data.length > flashBytes)
            throw new FirmwareError(
                `${r.name} at ${hex(r.offset)} is ${r.data.length} bytes and ends at ${hex(r.offset + r.data.length)}, past the end of ${built} (${hex(flashBytes)}): refused`,
            )
    for (const p of partitions ?? [])
        if (p.offset + p.size > flashBytes)
            throw new FirmwareError(
                `the partition table puts "${p.label}" at ${hex(p.offset)}..${hex(p.offset + p.size)}, past the end of ${built}: refused`,
            )
    const apps = [...images.entries()].filter(([, i]) => i.app).map(([offset, i]) => ({ ...i.app!, offset }))
    return { flashBytes, apps }
}

function hexBytes(data: Uint8Array): string {
    return [...data.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(" ")
}
