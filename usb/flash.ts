import { createHash } from "node:crypto"
import { ESPLoader, Transport } from "esptool-js"
import type { ArchId } from "../project/boards"
import { HardwareError } from "./errors"
import { EsptoolSerialPort } from "./esptool-port"
import { checkFirmware, chipName, type Firmware } from "./firmware"
import { listSerialPorts } from "./ports"

// `camscript flash`: the runtime firmware written with esptool-js (Espressif's
// flasher) through EsptoolSerialPort: reset into download mode (DTR/RTS where
// the board has auto-reset), chip check, flasher stub, compressed writes,
// MD5 of every region, then leave the loader so the board boots the runtime.

const FLASH_BAUD = 921600
/** reset, sync and the flasher stub: esptool-js's own 7 attempts fit well inside */
const CONNECT_DEADLINE_MS = 60_000
/** no progress for this long while writing: the board stopped answering (its ROM or stub died, the adapter stayed) */
const STALL_DEADLINE_MS = 15_000
/** esptool's ERASE_REGION_TIMEOUT_PER_MB: how long a region's erase may take */
const ERASE_MS_PER_MB = 30_000
/** leaving the loader: the chip may reset before it answers */
const LEAVE_DEADLINE_MS = 5_000

/** A wait that outlived its deadline: says which step and what to do. */
class Deadline extends Error {}

function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Deadline(message)), ms)
    })
    return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

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
    /** deadlines (tests shorten them) */
    connectMs?: number
    stallMs?: number
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
    // every check on the images, before the port is opened
    checkFirmware(firmware, arch)
    const connectMs = options.connectMs ?? CONNECT_DEADLINE_MS
    // a region may be erased before its first block is acknowledged: as long as
    // esptool allows for that (ERASE_REGION_TIMEOUT_PER_MB, 30 s per MB)
    const largest = Math.max(...firmware.regions.map((r) => r.data.length))
    const stallMs = options.stallMs ?? Math.max(STALL_DEADLINE_MS, Math.ceil((largest / (1 << 20)) * ERASE_MS_PER_MB))
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
            await within(
                Promise.race([loader.main("default_reset"), port.whenLost]),
                connectMs,
                `the board on ${path} did not finish connecting within ${connectMs / 1000} s (reset, sync, flasher stub): nothing was written`,
            )
        } catch (e) {
            if (port.lost) throw vanished(path, "before anything was written")
            if (e instanceof Deadline)
                throw new HardwareError(
                    `${e.message}.\nUnplug the board and plug it in again, put it in download mode (hold IO0 to GND, press reset) and run \`camscript flash\` again.`,
                )
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
        // a board that stops answering while the adapter stays shows no error, only silence
        let lastProgress = Date.now()
        let percent = 0
        let stallTimer: NodeJS.Timeout | undefined
        const stalled = new Promise<never>((_, fail) => {
            stallTimer = setInterval(
                () => {
                    if (Date.now() - lastProgress < stallMs) return
                    fail(
                        new Deadline(
                            `the board on ${path} stopped answering while ${firmware.regions[region]?.name ?? "the firmware"} was being written (${percent}%, nothing for ${stallMs / 1000} s)`,
                        ),
                    )
                },
                Math.min(1000, stallMs / 4),
            )
        })
        stalled.catch(() => {})
        const writing = loader.writeFlash({
            fileArray: firmware.regions.map((r) => ({ data: r.data, address: r.offset })),
            flashMode: "keep",
            flashFreq: "keep",
            flashSize: "keep",
            eraseAll: false,
            compress: true,
            reportProgress: (index, written, size) => {
                region = index
                lastProgress = Date.now()
                percent = Math.floor((written / Math.max(1, size)) * 100)
                options.onProgress?.({ region: index, regions: firmware.regions.length, written, total: size })
            },
            calculateMD5Hash: (image) => createHash("md5").update(image).digest("hex"),
        })
        try {
            await Promise.race([writing, port.whenLost, stalled])
        } finally {
            clearInterval(stallTimer)
        }
        // leave the loader: "run user code" (FLASH_BEGIN 0 + FLASH_END reboot), then a
        // hard reset by RTS where the board has the circuit
        try {
            await within(
                (async () => {
                    await loader.flashBegin(0, 0)
                    await loader.flashFinish(true)
                })(),
                LEAVE_DEADLINE_MS,
                "leaving the loader",
            )
        } catch {
            // the chip may reset before it answers
        }
        if (port.modemLines) await within(loader.after("hard_reset"), LEAVE_DEADLINE_MS, "reset").catch(() => {})
        return { chip: found, bytes: total, ms: Date.now() - started, autoReset: port.modemLines }
    } catch (e) {
        if (e instanceof HardwareError) throw e
        const message = (e as Error).message ?? String(e)
        if (port.lost) throw vanished(path, `while writing ${firmware.regions[region]?.name ?? "the firmware"}`)
        if (e instanceof Deadline || /time ?out|timed out/i.test(message))
            throw new HardwareError(
                `${e instanceof Deadline ? message : `the board on ${path} stopped answering while ${firmware.regions[region]?.name ?? "the firmware"} was being written (${message})`}.\nIts flash may be partly written and it may not boot. Unplug it and plug it in again, put it in download mode and run \`camscript flash\` again.`,
            )
        if (/failed with status/i.test(message))
            throw new HardwareError(
                `the board on ${path} refused to write ${firmware.regions[region]?.name ?? "the firmware"} (${message}): ` +
                    "its flash is probably smaller than the firmware needs. Check --board, and the flash size of the module",
            )
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
