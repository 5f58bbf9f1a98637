import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

// Stand-in runtime firmware for the flashing tests: real ESP image headers
// (magic 0xE9, the chip id at bytes 12..13) over incompressible bytes, laid
// out as ESP-IDF's build lays them out, with its flasher_args.json.

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

export function espImage(chipId: number, length: number, seed: number): Uint8Array {
    const data = noise(length, seed)
    data.set([0xe9, 3, 2, 0x20, 0, 0, 0x08, 0x40, 0xee, 0, 0, 0], 0)
    data[12] = chipId & 0xff
    data[13] = chipId >> 8
    return data
}

export interface FirmwareFolder {
    dir: string
    regions: { offset: number; data: Uint8Array }[]
}

/** bootloader, partition table and a runtime app of `appBytes` for the chip, in `dir`. */
export function writeFirmwareFolder(dir: string, chip: keyof typeof CHIP_IDS, appBytes: number): FirmwareFolder {
    mkdirSync(dir, { recursive: true })
    const bootAt = chip === "esp32" ? 0x1000 : 0x0
    const table = new Uint8Array(0xc00).fill(0xff)
    table.set([0xaa, 0x50], 0)
    const parts = [
        { file: "bootloader.bin", offset: bootAt, data: espImage(CHIP_IDS[chip], 0x6000, 1) },
        { file: "partition-table.bin", offset: 0x8000, data: table },
        { file: "camscript.bin", offset: 0x10000, data: espImage(CHIP_IDS[chip], appBytes, 2) },
    ]
    for (const p of parts) writeFileSync(join(dir, p.file), p.data)
    const flash_files = Object.fromEntries(parts.map((p) => [`0x${p.offset.toString(16)}`, p.file]))
    writeFileSync(
        join(dir, "flasher_args.json"),
        JSON.stringify({ flash_files, extra_esptool_args: { chip } }, null, 4),
    )
    return { dir, regions: parts.map((p) => ({ offset: p.offset, data: p.data })) }
}
