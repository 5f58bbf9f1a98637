import { createHash } from "node:crypto"

// ESP-IDF's application image format, written from its sources (ESP-IDF
// v5.0.2, the version devicescript-esp32's CI builds with):
// components/bootloader_support/include/esp_app_format.h (the 24-byte
// esp_image_header_t and the 8-byte segment headers),
// components/bootloader_support/src/esp_image_format.c (process_checksum:
// the image is padded so that the checksum byte ends a 16-byte block, the
// checksum is 0xEF XOR every byte of segment data; verify_simple_hash: when
// hash_appended is 1, a SHA-256 of everything up to and including the
// checksum byte follows; verify_segment_header: segment lengths are a
// multiple of 4 and under 16 MB; at most 16 segments) and
// components/esp_app_format/include/esp_app_desc.h (esp_app_desc_t, 256
// bytes, magic 0xABCD5432, at the start of the first segment's data, where
// esp_ota_get_partition_description reads it).

const ESP_IMAGE_MAGIC = 0xe9
const ESP_IMAGE_HEADER_BYTES = 24
const SEGMENT_HEADER_BYTES = 8
const MAX_SEGMENTS = 16
const SIXTEEN_MB = 0x1000000
const CHECKSUM_SEED = 0xef
const SHA256_BYTES = 32
const APP_DESC_MAGIC = 0xabcd5432
const APP_DESC_BYTES = 256

/** Chips camscript boards use, by the image header's chip id (esp_chip_id_t). */
const IMAGE_CHIP_IDS: Record<number, string> = { 0: "ESP32", 2: "ESP32-S2", 5: "ESP32-C3", 9: "ESP32-S3" }

/** esp_image_flash_size_t: the flash size the image was built for, 1 MB << n. */
const FLASH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128].map((mb) => mb << 20)

interface EspImageHeader {
    segments: number
    chipId: number
    chipName: string
    /** the flash size the image was built for (spi_size), undefined for a value ESP-IDF does not define */
    flashBytes: number | undefined
    hashAppended: boolean
}

/** The header of an image at the start of `data`, or undefined when it is not an ESP image. */
export function readImageHeader(data: Uint8Array): EspImageHeader | undefined {
    if (data.length < ESP_IMAGE_HEADER_BYTES || data[0] !== ESP_IMAGE_MAGIC) return undefined
    const chipId = data[12] | (data[13] << 8)
    return {
        segments: data[1],
        chipId,
        chipName: IMAGE_CHIP_IDS[chipId] ?? `chip id ${chipId}`,
        flashBytes: FLASH_SIZES[data[3] >> 4],
        hashAppended: data[23] === 1,
    }
}

/** esp_app_desc_t's text fields (the application's own description of itself). */
export interface AppDescription {
    version: string
    projectName: string
    idfVersion: string
    /** hex of app_elf_sha256 */
    elfSha256: string
}

interface EspImage extends EspImageHeader {
    /** bytes the image covers, checksum and appended SHA-256 included */
    length: number
    /** the appended SHA-256 (hex), when hashAppended */
    sha256?: string
    /** present when the first segment starts with esp_app_desc_t (applications, not the bootloader) */
    app?: AppDescription
}

/** An image the bootloader would refuse; the message says where and why. */
export class EspImageError extends Error {}

const u32 = (d: Uint8Array, at: number) => (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0

function cString(d: Uint8Array, at: number, max: number): string {
    let end = at
    while (end < at + max && d[end] !== 0) end++
    return Buffer.from(d.subarray(at, end)).toString("latin1")
}

/**
 * Walk the image at the start of `data` as ESP-IDF's bootloader does: header,
 * every segment within the data, the checksum byte, the appended SHA-256.
 * Throws EspImageError naming what is wrong (a truncated file ends inside a
 * segment or before its hash; a damaged one fails the checksum or the hash).
 */
export function parseEspImage(data: Uint8Array): EspImage {
    const header = readImageHeader(data)
    if (!header)
        throw new EspImageError(
            data.length === 0
                ? "it is empty"
                : `it has no ESP image header (first byte 0x${(data[0] ?? 0).toString(16).padStart(2, "0")}, an image starts with 0xe9)`,
        )
    if (header.segments === 0 || header.segments > MAX_SEGMENTS)
        throw new EspImageError(`its header names ${header.segments} segments (an image has 1 to ${MAX_SEGMENTS})`)
    let at = ESP_IMAGE_HEADER_BYTES
    let checksum = CHECKSUM_SEED
    let app: AppDescription | undefined
    for (let i = 0; i < header.segments; i++) {
        if (at + SEGMENT_HEADER_BYTES > data.length)
            throw new EspImageError(`it ends inside the header of segment ${i} (at byte ${at}): the file is truncated`)
        const length = u32(data, at + 4)
        if (length % 4 !== 0 || length >= SIXTEEN_MB)
            throw new EspImageError(`segment ${i} has length ${length} (a multiple of 4 under 16 MB is allowed)`)
        const start = at + SEGMENT_HEADER_BYTES
        if (start + length > data.length)
            throw new EspImageError(
                `segment ${i} needs ${length} bytes from byte ${start} but the file ends at ${data.length}: the file is truncated`,
            )
        for (let j = start; j < start + length; j++) checksum ^= data[j]
        if (i === 0 && length >= APP_DESC_BYTES && u32(data, start) === APP_DESC_MAGIC)
            app = {
                version: cString(data, start + 16, 32),
                projectName: cString(data, start + 48, 32),
                idfVersion: cString(data, start + 112, 32),
                elfSha256: Buffer.from(data.subarray(start + 144, start + 176)).toString("hex"),
            }
        at = start + length
    }
    // the checksum byte ends the 16-byte block the image pads into
    const checksumAt = ((at + 1 + 15) & ~15) - 1
    if (checksumAt >= data.length)
        throw new EspImageError(`it ends before its checksum byte (at ${checksumAt}): the file is truncated`)
    if (data[checksumAt] !== checksum)
        throw new EspImageError(
            `its checksum byte is 0x${data[checksumAt].toString(16)} but its segments give 0x${checksum.toString(16)}: the file is damaged`,
        )
    let length = checksumAt + 1
    let sha256: string | undefined
    if (header.hashAppended) {
        if (length + SHA256_BYTES > data.length)
            throw new EspImageError(`it ends before its appended SHA-256 (at ${length}): the file is truncated`)
        const stored = Buffer.from(data.subarray(length, length + SHA256_BYTES)).toString("hex")
        const computed = createHash("sha256").update(data.subarray(0, length)).digest("hex")
        if (stored !== computed)
            throw new EspImageError(
                `its SHA-256 is ${computed.slice(0, 16)}… but the image says ${stored.slice(0, 16)}…: the file is damaged`,
            )
        sha256 = stored
        length += SHA256_BYTES
    }
    return { ...header, length, sha256, app }
}
