import { createHash } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

// Stand-in runtime firmware for the flashing tests, in ESP-IDF's real
// formats (written here from esp_app_format.h, esp_image_format.c and
// gen_esp32part.py, independently of formats/): images with a header, one
// segment of incompressible bytes, the checksum byte ending a 16-byte block
// and the appended SHA-256; applications start with an esp_app_desc_t; a
// partition table with its MD5 entry. Laid out as ESP-IDF's build lays them
// out, with its flasher_args.json.

export const CHIP_IDS = { esp32: 0, esp32s3: 9 } as const

function noise(length: number, seed: number): Uint8Array {
    const out = new Uint8Array(length)
    let x = seed >>> 0 || 1
    for (let i = 0; i < length; i++) {
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        out[i] = x & 0xff
    }
    return out
}

export interface ImageOptions {
    /** write an esp_app_desc_t at the start of the segment */
    app?: { version: string; project: string }
    /** esp_image_flash_size_t: 2 = 4 MB (the default), 3 = 8 MB */
    flashSizeCode?: number
    /** 0 = no SHA-256 appended */
    hashAppended?: 0 | 1
}

function text(into: Uint8Array, at: number, s: string, max: number) {
    into.set(Buffer.from(s, "latin1").subarray(0, max - 1), at)
}

/** A whole ESP image of about `length` bytes (at least 64 + 256). */
export function espImage(chipId: number, length: number, seed: number, options: ImageOptions = {}): Uint8Array {
    const segment = Math.max(256, Math.floor((length - 24 - 8 - 16 - 32) / 4) * 4)
    const data = noise(segment, seed)
    if (options.app) {
        data.fill(0, 0, 256)
        new DataView(data.buffer).setUint32(0, 0xabcd5432, true)
        text(data, 16, options.app.version, 32)
        text(data, 48, options.app.project, 32)
        text(data, 64, "12:00:00", 16)
        text(data, 80, "Jan  1 2024", 16)
        text(data, 112, "v5.0.2", 32)
    }
    const hashed = options.hashAppended ?? 1
    const unpadded = 24 + 8 + segment
    const checksumAt = ((unpadded + 1 + 15) & ~15) - 1
    const out = new Uint8Array(checksumAt + 1 + (hashed ? 32 : 0))
    const view = new DataView(out.buffer)
    out.set([0xe9, 1, 2, ((options.flashSizeCode ?? 2) << 4) | 0x0])
    view.setUint32(4, 0x40080000, true)
    out[8] = 0xee
    view.setUint16(12, chipId, true)
    out[23] = hashed
    view.setUint32(24, options.app ? 0x3f400020 : 0x3fff0000, true)
    view.setUint32(28, segment, true)
    out.set(data, 32)
    let sum = 0xef
    for (const b of data) sum ^= b
    out[checksumAt] = sum
    if (hashed)
        out.set(
            createHash("sha256")
                .update(out.subarray(0, checksumAt + 1))
                .digest(),
            checksumAt + 1,
        )
    return out
}

export interface TablePartition {
    label: string
    type: number
    subtype: number
    offset: number
    size: number
}

/** ESP-IDF's default single-app layout for a 4 MB flash. */
export const SINGLE_APP: TablePartition[] = [
    { label: "nvs", type: 1, subtype: 2, offset: 0x9000, size: 0x6000 },
    { label: "phy_init", type: 1, subtype: 1, offset: 0xf000, size: 0x1000 },
    { label: "factory", type: 0, subtype: 0, offset: 0x10000, size: 0x100000 },
]

/** devicescript-esp32's boards/partitions.csv (v2.16.1). */
const DEVICESCRIPT_LAYOUT: TablePartition[] = [
    { label: "dcfg", type: 0x8a, subtype: 0x00, offset: 0x9000, size: 0x2000 },
    { label: "nvs", type: 1, subtype: 2, offset: 0xb000, size: 0x4000 },
    { label: "phy_init", type: 1, subtype: 1, offset: 0xf000, size: 0x1000 },
    { label: "factory", type: 0, subtype: 0, offset: 0x10000, size: 1728 * 1024 },
    { label: "fstor", type: 0x8a, subtype: 0x01, offset: 0x1c0000, size: 256 * 1024 },
]

export function partitionTable(parts: TablePartition[]): Uint8Array {
    const entries = new Uint8Array(parts.length * 32)
    const view = new DataView(entries.buffer)
    parts.forEach((p, i) => {
        entries.set([0xaa, 0x50, p.type, p.subtype], i * 32)
        view.setUint32(i * 32 + 4, p.offset, true)
        view.setUint32(i * 32 + 8, p.size, true)
        text(entries, i * 32 + 12, p.label, 16)
    })
    const out = new Uint8Array(0xc00).fill(0xff)
    out.set(entries)
    const md5 = new Uint8Array(32).fill(0xff)
    md5.set([0xeb, 0xeb])
    md5.set(createHash("md5").update(entries).digest(), 16)
    out.set(md5, entries.length)
    return out
}

export interface FirmwareFolder {
    dir: string
    regions: { offset: number; data: Uint8Array }[]
}

/** bootloader, partition table and a runtime app of `appBytes` for the chip, in `dir`. */
export function writeFirmwareFolder(dir: string, chip: keyof typeof CHIP_IDS, appBytes: number): FirmwareFolder {
    mkdirSync(dir, { recursive: true })
    const bootAt = chip === "esp32" ? 0x1000 : 0x0
    const parts = [
        { file: "bootloader.bin", offset: bootAt, data: espImage(CHIP_IDS[chip], 0x6000, 1) },
        { file: "partition-table.bin", offset: 0x8000, data: partitionTable(SINGLE_APP) },
        {
            file: "camscript.bin",
            offset: 0x10000,
            data: espImage(CHIP_IDS[chip], appBytes, 2, { app: { version: "v0.1.0", project: "camscript" } }),
        },
    ]
    for (const p of parts) writeFileSync(join(dir, p.file), p.data)
    const flash_files = Object.fromEntries(parts.map((p) => [`0x${p.offset.toString(16)}`, p.file]))
    writeFileSync(
        join(dir, "flasher_args.json"),
        JSON.stringify({ flash_files, extra_esptool_args: { chip } }, null, 4),
    )
    return { dir, regions: parts.map((p) => ({ offset: p.offset, data: p.data })) }
}

/**
 * A stand-in for devicescript-esp32's release file for the chip: esptool
 * merge_bin from the bootloader's offset (0x1000 on the ESP32, 0 on the
 * ESP32-S3), 0xFF between the parts, its bare board's configuration `dcfg`
 * at 0x9000, the application at 0x10000.
 */
export function stockReleaseImage(
    chip: keyof typeof CHIP_IDS,
    dcfg: Uint8Array,
    options: { version?: string; project?: string; appBytes?: number } = {},
): Uint8Array {
    const base = chip === "esp32" ? 0x1000 : 0x0
    // built for 2 MB: devicescript-esp32 sets no flash size, so ESP-IDF's default
    // (ESPTOOLPY_FLASHSIZE_2MB) holds, and its partitions end exactly there
    const app = espImage(CHIP_IDS[chip], options.appBytes ?? 40_000, 7, {
        app: { version: options.version ?? "v2.16.1", project: options.project ?? "espjd" },
        flashSizeCode: 1,
    })
    const out = new Uint8Array(0x10000 - base + app.length).fill(0xff)
    out.set(espImage(CHIP_IDS[chip], 0x5000, 5, { flashSizeCode: 1 }), 0)
    out.set(partitionTable(DEVICESCRIPT_LAYOUT), 0x8000 - base)
    out.set(dcfg, 0x9000 - base)
    out.set(app, 0x10000 - base)
    return out
}
