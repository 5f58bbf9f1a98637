import { createHash } from "node:crypto"
import { ESPLoader, Transport } from "esptool-js"
import type { ArchId } from "../project/boards"
import { HardwareError } from "./errors"
import { EsptoolSerialPort } from "./esptool-port"
import { checkChip, chipName, type Firmware } from "./firmware"
import { listSerialPorts } from "./ports"

// `camscript flash`: the runtime firmware written with esptool-js (Espressif's
// flasher) through EsptoolSerialPort: reset into download mode (DTR/RTS where
// the board has auto-reset), chip check, flasher stub, compressed writes,
// MD5 of every region, then leave the loader so the board boots the runtime.

const FLASH_BAUD = 921600

interface FlashProgress {
    region: number
    regions: number
    written: number
    total: number
}

export interface FlashOptions {
    onProgress?: (p: FlashProgress) => void
    /** esptool-js's own messages */
    onLog?: (line: string) => void
}

export interface FlashResult {
    chip: string
    bytes: number
    ms: number
    /** the board was reset by DTR/RTS (false: it has to be reset by hand) */
    autoReset: boolean
}

export async function flashFirmware(
    path: string,
    arch: ArchId,
    firmware: Firmware,
    options: FlashOptions = {},
): Promise<FlashResult> {
    checkChip(firmware, arch)
    const seen = listSerialPorts().find((p) => p.path === path)
    const port = new EsptoolSerialPort(path, { usbVendorId: seen?.vendorId, usbProductId: seen?.productId })
    const log = options.onLog ?? (() => {})
    const terminal = { clean() {}, writeLine: (s: string) => log(s), write: (s: string) => log(s) }
    // esptool-js's types describe a browser SerialPort; ours has every member it uses
    const transport = new Transport(port as unknown as ConstructorParameters<typeof Transport>[0], false)
    // its read loop traces to console.log whether tracing is on or not
    transport.trace = () => {}
    const loader = new ESPLoader({ transport, baudrate: FLASH_BAUD, romBaudrate: 115200, terminal })
    const started = Date.now()
    let region = 0
    try {
        try {
            await Promise.race([loader.main("default_reset"), port.whenLost])
        } catch (e) {
            if (port.lost) throw vanished(path, "before anything was written")
            if (!/failed to connect/i.test((e as Error).message ?? "")) throw e
            throw new HardwareError(
                `the board on ${path} did not enter download mode (its ROM loader never answered).\n` +
                    (port.modemLines
                        ? "Boards without an auto-reset circuit, such as most AI-Thinker ESP32-CAM carriers, need it by hand: "
                        : "This port cannot reset the board (no DTR/RTS), so do it by hand: ") +
                    "hold IO0 (BOOT) to GND, press and release reset, then run `camscript flash` again and release IO0 once it writes.",
            )
        }
        const found = loader.chip.CHIP_NAME
        if (found !== chipName(arch))
            throw new HardwareError(
                `the chip on ${path} is an ${found}, but this board has an ${chipName(arch)}: nothing was written. Check --board`,
            )
        const total = firmware.regions.reduce((n, r) => n + r.data.length, 0)
        const writing = loader.writeFlash({
            fileArray: firmware.regions.map((r) => ({ data: r.data, address: r.offset })),
            flashMode: "keep",
            flashFreq: "keep",
            flashSize: "keep",
            eraseAll: false,
            compress: true,
            reportProgress: (index, written, size) => {
                region = index
                options.onProgress?.({ region: index, regions: firmware.regions.length, written, total: size })
            },
            calculateMD5Hash: (image) => createHash("md5").update(image).digest("hex"),
        })
        await Promise.race([writing, port.whenLost])
        // leave the loader: "run user code" (FLASH_BEGIN 0 + FLASH_END reboot), then a
        // hard reset by RTS where the board has the circuit
        try {
            await loader.flashBegin(0, 0)
            await loader.flashFinish(true)
        } catch {
            // the chip may reset before it answers
        }
        if (port.modemLines) await loader.after("hard_reset").catch(() => {})
        return { chip: found, bytes: total, ms: Date.now() - started, autoReset: port.modemLines }
    } catch (e) {
        if (e instanceof HardwareError) throw e
        const message = (e as Error).message ?? String(e)
        if (port.lost) throw vanished(path, `while writing ${firmware.regions[region]?.name ?? "the firmware"}`)
        if (/md5/i.test(message))
            throw new HardwareError(
                `the flash on ${path} does not read back what was written (MD5 differs in ${firmware.regions[region]?.name}): ` +
                    "the board will not boot reliably. Run `camscript flash` again; if it repeats, the flash chip or the power supply (5 V, 500 mA) is suspect",
            )
        throw new HardwareError(`flashing ${path} failed: ${message}`)
    } finally {
        // esptool-js's disconnect waits on a read loop that a lost port never ends
        const settle = new Promise((r) => setTimeout(r, 1000).unref())
        await Promise.race([transport.disconnect().catch(() => {}), settle])
        await port.close().catch(() => {})
    }
}

function vanished(path: string, when: string): HardwareError {
    return new HardwareError(
        `the board on ${path} went away ${when}.\n` +
            "Its flash may be partly written and it may not boot. Reconnect it, put it in download mode and run `camscript flash` again.",
    )
}
