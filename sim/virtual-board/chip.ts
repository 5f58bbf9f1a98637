import type { ArchId } from "../../project/boards"

// What the virtual board shows of its chip to a flasher: the register values
// esptool reads to tell the chip apart and describe it (addresses from
// Espressif's esptool / esptool-js targets), where the bootloader lives, and
// how large the flash is.

export interface ChipProfile {
    name: "ESP32" | "ESP32-S3"
    /** chip id in the image header */
    imageChipId: number
    bootloaderOffset: number
    /** the application partition of the default partition table */
    appOffset: number
    flashSize: number
    /** the ROM's status field is 4 bytes on the ESP32, 2 on later chips (and the stub) */
    romStatusBytes: 2 | 4
    /** GET_SECURITY_INFO chip id; undefined where the ROM lacks the command (ESP32) */
    securityChipId?: number
    /** register -> value at reset */
    registers: Map<number, number>
    spiRegBase: number
    spiW0Offset: number
}

// the UART divider that makes esptool compute a 40 MHz crystal at 115200 baud
const CLKDIV_40MHZ = Math.round(40e6 / 115200)

export function chipFor(arch: ArchId): ChipProfile {
    if (arch === "esp32s3")
        return {
            name: "ESP32-S3",
            imageChipId: 9,
            bootloaderOffset: 0x0,
            appOffset: 0x10000,
            flashSize: 8 << 20,
            romStatusBytes: 2,
            securityChipId: 9,
            registers: new Map([
                [0x60000014, CLKDIV_40MHZ],
                [0x60007044, 0x00c4_3e12], // MAC efuse words (a fixed, locally made-up MAC)
                [0x60007048, 0x0000_240a],
            ]),
            spiRegBase: 0x60002000,
            spiW0Offset: 0x58,
        }
    return {
        name: "ESP32",
        imageChipId: 0,
        bootloaderOffset: 0x1000,
        appOffset: 0x10000,
        flashSize: 4 << 20,
        romStatusBytes: 4,
        registers: new Map([
            [0x40001000, 0x00f01d83], // chip detection magic
            [0x3ff40014, CLKDIV_40MHZ],
            [0x3ff5a004, 0x0ac4_3e12], // MAC efuse words
            [0x3ff5a008, 0x0000_0024],
        ]),
        spiRegBase: 0x3ff42000,
        spiW0Offset: 0x80,
    }
}

/** JEDEC id the flash answers RDID with: a Winbond part whose capacity byte gives the size. */
export function flashJedecId(size: number): number {
    const capacity = Math.log2(size) // 4 MiB -> 0x16
    return 0xef | (0x40 << 8) | (capacity << 16)
}
