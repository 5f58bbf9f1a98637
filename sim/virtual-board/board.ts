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

// A camera board on a serial line, made of the simulator: in download mode
// the ESP32 ROM loader (flashing writes the flash file); otherwise, when the
// flash holds a runtime for this chip, the DeviceScript VM with the
// simulated drivers on the wall clock, behind JDUSB, deploys handled by the
// VM's own DeviceScript manager. A blank flash boots to the ROM's complaint.

export type BoardState = "download" | "runtime" | "blank"

export interface VirtualBoardOptions {
    port: SerialPort
    board: BoardInfo
    world: World
    /** keeps the flash between runs; none: the flash is in memory and starts with a runtime in it */
    flashFile?: string
    downloadMode?: boolean
    /** what the board does, for the virtual board's own console */
    note?: (text: string) => void
}

const ROM_BANNER = "ets Jun  8 2016 00:22:57\r\n\r\n"
/** bytes the virtual board lets wait for a reader before it drops what it sends */
const MAX_UNREAD = 256 * 1024

export class VirtualBoard {
    readonly chip: ChipProfile
    readonly flash: FlashChip
    state: BoardState = "blank"
    private onBytes: (bytes: Uint8Array) => void = () => {}
    private stopRuntime: AbortController | undefined
    private running: Promise<unknown> = Promise.resolve()
    private blankTimer: NodeJS.Timeout | undefined

    constructor(private readonly options: VirtualBoardOptions) {
        this.chip = chipFor(options.board.archId)
        this.flash = new FlashChip(this.chip.flashSize, options.flashFile)
        if (!options.flashFile) installStandInRuntime(this.flash, this.chip)
        options.port.on("data", (b: Buffer) => this.onBytes(new Uint8Array(b)))
    }

    private write(bytes: Uint8Array | string): void {
        const port = this.options.port
        // nobody reading at the other end: a UART's bytes would be lost, not queued without bound
        if (port.isOpen && port.writableLength < MAX_UNREAD) port.write(Buffer.from(bytes))
    }

    /** Power on (or reset): IO0 held low means download mode. */
    async boot(downloadMode = this.options.downloadMode ?? false): Promise<void> {
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
        this.startRuntime()
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

    private startRuntime(): void {
        this.state = "runtime"
        this.options.note?.("runtime booting")
        this.write(`${ROM_BANNER}rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n`)
        let vm: DevsVm | undefined
        const device = new JdusbDevice(
            (b) => this.write(b),
            (frame) => setImmediate(() => vm?.handlePacket(frame)),
        )
        this.onBytes = (b) => device.fromHost(b)
        const stop = new AbortController()
        this.stopRuntime = stop
        const region = () => this.flash.read(this.flash.programOffset, this.flash.size - this.flash.programOffset)
        this.running = runSimulation({
            world: this.options.world,
            board: this.options.board,
            realtime: true,
            timeoutMs: 2 ** 31 - 1,
            signal: stop.signal,
            beforeStart: (theVm) => {
                vm = theVm
                theVm.flashLoad = region
                theVm.flashSave = (data) => {
                    this.flash.write(this.flash.programOffset, data)
                    this.flash.save()
                }
                const toBus = theVm.sendPacket
                theVm.sendPacket = (frame) => {
                    toBus(frame)
                    device.sendFrame(frame.slice())
                }
                const dmesg = theVm.dmesg
                theVm.dmesg = (line) => {
                    dmesg(line)
                    device.log(`${line}\n`)
                }
                // a panic on a board: the runtime reports it and restarts the program itself
                theVm.panicHandler = (code) => this.options.note?.(`program stopped (panic ${code})`)
            },
        }).catch((e: unknown) => this.options.note?.(`runtime failed: ${(e as Error).message}`))
    }

    private stopped = false

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
