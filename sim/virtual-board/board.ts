import type { SerialPort } from "serialport"
import type { BoardInfo } from "../../project/boards"
import { runSimulation } from "../session"
import type { DevsVm } from "../vm/devs-vm"
import type { World } from "../world/world"
import { readImageHeader } from "../../formats/esp-image"
import { type ChipProfile, chipFor } from "./chip"
import { FlashChip } from "./flash-chip"
import { JdusbDevice } from "./jdusb-device"
import { RomLoader } from "./rom-loader"
import { PinnedRuntime } from "./pinned-runtime"
import { type RuntimeFirmware, runtimeFor } from "../../project/runtime"

// A camera board on a serial line, made of the simulator: in download mode
// the ESP32 ROM loader (flashing writes the flash file); otherwise, when the
// flash holds a runtime for this chip, the DeviceScript VM with the
// simulated drivers on the wall clock, behind JDUSB, deploys handled by the
// VM's own DeviceScript manager. A blank flash boots to the ROM's complaint.
// The runtime it plays is the one the firmware pins (project/runtime.ts,
// pinned-runtime.ts): its program store is the `fstor` partition of the
// flash, at the partition table's offset, and it refuses, ignores and panics
// where that runtime does.

export type BoardState = "download" | "runtime" | "blank"

export interface VirtualBoardOptions {
    port: SerialPort
    board: BoardInfo
    world: World
    /** keeps the flash between runs; none: the flash is in memory and starts with a runtime in it */
    flashFile?: string
    downloadMode?: boolean
    /** the firmware flashed: camscript's (default) or the stock DeviceScript firmware (its Wi-Fi service only) */
    firmware?: RuntimeFirmware
    /** what the board does, for the virtual board's own console */
    note?: (text: string) => void
}

const ROM_BANNER = "ets Jun  8 2016 00:22:57\r\n\r\n"
const POWER_ON = "0x1 (POWERON_RESET)"
/** from abort() to the runtime running again (the panic handler's print, the ROM, the bootloader) */
const PANIC_RESTART_MS = 300
/** bytes the virtual board lets wait for a reader before it drops what it sends */
const MAX_UNREAD = 256 * 1024

export class VirtualBoard {
    readonly chip: ChipProfile
    readonly flash: FlashChip
    readonly runtime: ReturnType<typeof runtimeFor>
    state: BoardState = "blank"
    /** restarts of the runtime after a panic */
    panics = 0
    private onBytes: (bytes: Uint8Array) => void = () => {}
    private stopRuntime: AbortController | undefined
    private running: Promise<unknown> = Promise.resolve()
    private blankTimer: NodeJS.Timeout | undefined

    constructor(private readonly options: VirtualBoardOptions) {
        this.chip = chipFor(options.board.archId)
        this.flash = new FlashChip(this.chip.flashSize, options.flashFile)
        this.runtime = runtimeFor(options.firmware)
        if (!options.flashFile) installStandInRuntime(this.flash, this.chip)
        options.port.on("data", (b: Buffer) => this.onBytes(new Uint8Array(b)))
    }

    private write(bytes: Uint8Array | string): void {
        const port = this.options.port
        // nobody reading at the other end: a UART's bytes would be lost, not queued without bound
        if (port.isOpen && port.writableLength < MAX_UNREAD) port.write(Buffer.from(bytes))
    }

    /** Power on (or reset): IO0 held low means download mode. */
    async boot(downloadMode = this.options.downloadMode ?? false, resetReason = POWER_ON): Promise<void> {
        await this.shutdown()
        if (this.stopped) return
        if (downloadMode) return this.enterDownloadMode()
        const runtime = runtimeIn(this.flash, this.chip)
        if (runtime !== true) {
            this.state = "blank"
            this.options.note?.(`no runtime in flash (${runtime}): the ROM complains and waits`)
            this.onBytes = () => {}
            const complain = () => {
                this.write(`${ROM_BANNER}rst:0x10 (RTCWDT_RTC_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n${runtime}\r\n`)
                this.blankTimer = setTimeout(complain, 2000)
            }
            complain()
            return
        }
        this.startRuntime(resetReason)
    }

    private enterDownloadMode(): void {
        this.state = "download"
        this.options.note?.("download mode: the ROM serial loader is listening")
        this.write(
            `${ROM_BANNER}rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n`,
        )
        const loader = new RomLoader(this.chip, this.flash, {
            send: (b) => this.write(b),
            note: this.options.note,
            runUserCode: () => {
                this.options.note?.(`leaving the loader (${loader.written} bytes written); booting from flash`)
                // answer first, then reboot
                setTimeout(() => void this.boot(false), 20)
            },
        })
        this.onBytes = (b) => loader.push(b)
    }

    private startRuntime(resetReason: string): void {
        this.state = "runtime"
        this.options.note?.("runtime booting")
        this.write(`${ROM_BANNER}rst:${resetReason},boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n`)
        let vm: DevsVm | undefined
        const model = new PinnedRuntime(this.runtime, this.options.board, {
            note: this.options.note,
            panic: (why) => this.panic(why, device),
        })
        const device = new JdusbDevice(
            (b) => this.write(b),
            (frame) => {
                if (model.fromHost(frame)) setImmediate(() => vm?.handlePacket(frame))
            },
        )
        this.onBytes = (b) => device.fromHost(b)
        const stop = new AbortController()
        this.stopRuntime = stop
        const { partitionOffset, partitionBytes } = this.runtime.store
        const region = () => this.flash.read(partitionOffset, partitionBytes)
        this.running = runSimulation({
            world: this.options.world,
            board: this.options.board,
            firmware: this.options.firmware,
            realtime: true,
            timeoutMs: 2 ** 31 - 1,
            signal: stop.signal,
            beforeStart: (theVm) => {
                vm = theVm
                theVm.flashLoad = region
                theVm.flashSave = (data) => {
                    // the VM saves up to its last written byte; the rest of the partition stays as it is
                    this.flash.write(partitionOffset, data.subarray(0, partitionBytes))
                    this.flash.save()
                }
                const toBus = theVm.sendPacket
                theVm.sendPacket = (frame) => {
                    toBus(frame)
                    device.sendFrame(model.fromVm(frame.slice()))
                }
                const dmesg = theVm.dmesg
                theVm.dmesg = (line) => {
                    dmesg(line)
                    device.log(`${model.dmesgLine(line)}\n`)
                }
                // a panic on a board: the runtime reports it and restarts the program itself
                theVm.panicHandler = (code) => this.options.note?.(`program stopped (panic ${code})`)
            },
        })
            .then((result) => {
                // a JD_ASSERT failing inside the VM: on a board jacdac-c's jd_assert_fail prints
                // "assertion '...' failed at ..." (the VM's own line, already on the console) and
                // calls hw_panic, which restarts the chip; the program then runs again
                const m = /assertion failed at (\S+)\)/.exec(result.error ?? "")
                if (!stop.signal.aborted && m) this.panic(`JD_ASSERT at ${m[1]}`, device)
            })
            .catch((e: unknown) => this.options.note?.(`runtime failed: ${(e as Error).message}`))
    }

    private stopped = false

    /**
     * The runtime hit a JD_ASSERT: devicescript-esp32's hw_panic prints
     * "HW PANIC!" and calls abort(); ESP-IDF's panic handler prints and
     * restarts the chip through panic_restart, which devicescript-esp32
     * wraps (CMakeLists.txt --wrap=panic_restart, main/dmesg.c) to reset
     * through a 20 ms deep sleep (main/platform.c target_reset): the ROM
     * then says rst:0x5 (DEEPSLEEP_RESET) and boots the runtime from flash.
     */
    private panic(why: string, device: JdusbDevice): void {
        this.panics++
        this.options.note?.(`runtime panic (${why}): restarting`)
        device.log(`HW PANIC!\n`)
        this.write("\r\nabort() was called\r\n\r\nRebooting...\r\n")
        // after abort() nothing of the runtime runs any more: the VM stops now, not at the reboot
        this.stopRuntime?.abort()
        this.onBytes = () => {}
        setTimeout(() => {
            if (this.stopped) return
            void this.boot(false, "0x5 (DEEPSLEEP_RESET)")
        }, PANIC_RESTART_MS)
    }

    /** Power off for good: a reboot already on its way does not happen. */
    async stop(): Promise<void> {
        this.stopped = true
        await this.shutdown()
    }

    private async shutdown(): Promise<void> {
        clearTimeout(this.blankTimer)
        this.stopRuntime?.abort()
        this.stopRuntime = undefined
        await this.running
        this.onBytes = () => {}
    }
}

/** true, or what the ROM would print about the flash it tried to boot. */
function runtimeIn(flash: FlashChip, chip: ChipProfile): true | string {
    const boot = readImageHeader(flash.read(chip.bootloaderOffset, 24))
    if (!boot) {
        const first = Buffer.from(flash.read(chip.bootloaderOffset, 4)).readUInt32LE(0)
        return `invalid header: 0x${first.toString(16).padStart(8, "0")}`
    }
    const app = readImageHeader(flash.read(chip.appOffset, 24))
    if (!app) return "E (boot) No bootable app partitions in the partition table"
    if (app.chipId !== chip.imageChipId)
        return `E (boot) image at 0x${chip.appOffset.toString(16)} is for ${app.chipName}, not ${chip.name}`
    return true
}

/** Minimal images at the bootloader and app offsets, so an in-memory board starts "already flashed". */
function installStandInRuntime(flash: FlashChip, chip: ChipProfile): void {
    for (const offset of [chip.bootloaderOffset, chip.appOffset]) {
        const header = new Uint8Array(24)
        header[0] = 0xe9
        header[12] = chip.imageChipId
        flash.write(offset, header)
    }
}
