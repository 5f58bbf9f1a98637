import { createHash } from "node:crypto"
import { inflateSync } from "node:zlib"
import { type ChipProfile, flashJedecId } from "./chip"
import type { FlashChip } from "./flash-chip"
import { slipEncode, SlipDecoder } from "../../formats/slip"

// The ESP32 ROM serial loader as Espressif documents it (esptool docs,
// "Serial Protocol"), enough for esptool / esptool-js to detect the chip,
// upload their flasher stub, write plain and compressed images and check
// them by MD5. Requests are `00 op size16 chk32 data`, responses
// `01 op size16 value32 data status`.

const enum Op {
    FlashBegin = 0x02,
    FlashData = 0x03,
    FlashEnd = 0x04,
    MemBegin = 0x05,
    MemEnd = 0x06,
    MemData = 0x07,
    Sync = 0x08,
    WriteReg = 0x09,
    ReadReg = 0x0a,
    SpiSetParams = 0x0b,
    SpiAttach = 0x0d,
    ChangeBaudrate = 0x0f,
    FlashDeflBegin = 0x10,
    FlashDeflData = 0x11,
    FlashDeflEnd = 0x12,
    SpiFlashMd5 = 0x13,
    GetSecurityInfo = 0x14,
    EraseFlash = 0xd0,
    EraseRegion = 0xd1,
}

const enum Status {
    Ok = 0,
    /** the ROM's answer to a command it does not know */
    InvalidMessage = 0x05,
    BadDataChecksum = 0x07,
    BadDataLength = 0xc0,
    NotInFlashMode = 0xc5,
}

const SPI_CMD_USR = 1 << 18

export interface RomLoaderEvents {
    /** bytes to send to the host */
    send(bytes: Uint8Array): void
    /** the host asked to leave the loader and run the flashed program */
    runUserCode(): void
    /** for the virtual board's own log */
    note?(text: string): void
}

interface FlashWrite {
    offset: number
    blockSize: number
    /** compressed writes gather their stream and write it inflated */
    deflated?: Buffer[]
    size: number
}

export class RomLoader {
    private readonly decoder = new SlipDecoder((p) => this.handle(p))
    private readonly registers: Map<number, number>
    /** the flasher stub answered "OHAI": 2-byte status, raw MD5, erase commands */
    private stub = false
    private mem: { size: number; received: number } | undefined
    private writing: FlashWrite | undefined
    /** bytes written to flash since the loader started (for the log) */
    written = 0

    constructor(
        private readonly chip: ChipProfile,
        private readonly flash: FlashChip,
        private readonly on: RomLoaderEvents,
    ) {
        this.registers = new Map(chip.registers)
    }

    get inStub(): boolean {
        return this.stub
    }

    push(bytes: Uint8Array): void {
        this.decoder.push(bytes)
    }

    private reply(op: number, value: number, data: Uint8Array, status: Status, error = 0): void {
        const statusBytes = this.stub || this.chip.romStatusBytes === 2 ? 2 : 4
        const body = new Uint8Array(8 + data.length + statusBytes)
        const v = new DataView(body.buffer)
        body[0] = 0x01
        body[1] = op
        v.setUint16(2, data.length + statusBytes, true)
        v.setUint32(4, value >>> 0, true)
        body.set(data, 8)
        body[8 + data.length] = status === Status.Ok ? 0 : 1
        body[9 + data.length] = status === Status.Ok ? 0 : status || error
        this.on.send(slipEncode(body))
    }

    private handle(packet: Uint8Array): void {
        if (packet.length < 8 || packet[0] !== 0x00) return // not a request: ignore, as the ROM does
        const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
        const op = packet[1]
        const size = v.getUint16(2, true)
        const checksum = v.getUint32(4, true)
        const data = packet.subarray(8)
        if (data.length !== size) return this.reply(op, 0, new Uint8Array(0), Status.BadDataLength)
        const word = (i: number) => v.getUint32(8 + 4 * i, true)
        const ok = (value = 0, payload: Uint8Array = new Uint8Array(0)) => this.reply(op, value, payload, Status.Ok)
        const fail = (status: Status) => this.reply(op, 0, new Uint8Array(0), status)
        switch (op) {
            case Op.Sync:
                // the ROM answers a SYNC eight times; the stub answers with value 0
                for (let i = 0; i < 8; i++) ok(this.stub ? 0 : 0x20120707)
                return
            case Op.ReadReg:
                return ok(this.registers.get(word(0) >>> 0) ?? 0)
            case Op.WriteReg:
                return ok(0, this.writeReg(word(0) >>> 0, word(1) >>> 0, word(2) >>> 0))
            case Op.GetSecurityInfo:
                if (this.chip.securityChipId === undefined) {
                    // the ESP32 ROM does not know this command
                    return this.reply(0x00, 0, new Uint8Array(0), Status.InvalidMessage)
                }
                return ok(0, securityInfo(this.chip.securityChipId))
            case Op.MemBegin:
                this.mem = { size: word(0), received: 0 }
                return ok()
            case Op.MemData:
                if (!this.mem) return fail(Status.NotInFlashMode)
                if (checksumOf(data.subarray(16)) !== checksum) return fail(Status.BadDataChecksum)
                this.mem.received += word(0)
                return ok()
            case Op.MemEnd: {
                const complete = this.mem !== undefined && this.mem.received >= this.mem.size
                ok()
                if (complete && word(0) === 0) {
                    // the RAM image was the flasher stub: it starts and says hello
                    this.stub = true
                    this.on.note?.("flasher stub running")
                    this.on.send(slipEncode(new TextEncoder().encode("OHAI")))
                }
                return
            }
            case Op.SpiAttach:
            case Op.SpiSetParams:
            case Op.ChangeBaudrate:
                // a pseudo-terminal has no baud rate: the new rate needs no action here
                return ok()
            case Op.FlashBegin:
            case Op.FlashDeflBegin: {
                this.finishWrite()
                const eraseSize = word(0)
                const offset = word(3)
                if (offset + eraseSize > this.flash.size) return fail(Status.BadDataLength)
                this.writing = {
                    offset,
                    blockSize: word(2),
                    size: eraseSize,
                    deflated: op === Op.FlashDeflBegin ? [] : undefined,
                }
                // the ROM erases whole 4 KiB sectors
                const start = offset & ~0xfff
                const end = Math.min(this.flash.size, (offset + eraseSize + 0xfff) & ~0xfff)
                if (end > start) this.flash.erase(start, end - start)
                return ok()
            }
            case Op.FlashData:
            case Op.FlashDeflData: {
                const w = this.writing
                if (!w || (op === Op.FlashDeflData) !== (w.deflated !== undefined)) return fail(Status.NotInFlashMode)
                const block = data.subarray(16, 16 + word(0))
                if (checksumOf(block) !== checksum) return fail(Status.BadDataChecksum)
                if (w.deflated) w.deflated.push(Buffer.from(block))
                else {
                    const at = w.offset + word(1) * w.blockSize
                    this.flash.write(at, block.subarray(0, Math.max(0, Math.min(block.length, this.flash.size - at))))
                    this.written += block.length
                }
                return ok()
            }
            case Op.FlashEnd:
            case Op.FlashDeflEnd: {
                this.finishWrite()
                ok()
                // 0 asks to leave the loader and run the program in flash
                if (data.length >= 4 && word(0) === 0) {
                    this.flash.save()
                    this.on.runUserCode()
                }
                return
            }
            case Op.SpiFlashMd5: {
                this.finishWrite()
                const offset = word(0)
                const length = word(1)
                if (offset + length > this.flash.size) return fail(Status.BadDataLength)
                const md5 = createHash("md5").update(this.flash.read(offset, length)).digest()
                // the ROM answers in 32 hex characters, the stub in 16 raw bytes
                return ok(0, this.stub ? md5 : new TextEncoder().encode(md5.toString("hex")))
            }
            case Op.EraseFlash:
                if (!this.stub) break
                this.flash.erase(0, this.flash.size)
                return ok()
            case Op.EraseRegion:
                if (!this.stub) break
                this.flash.erase(word(0), word(1))
                return ok()
        }
        this.reply(op, 0, new Uint8Array(0), Status.InvalidMessage)
    }

    private writeReg(address: number, value: number, mask: number): Uint8Array {
        const old = this.registers.get(address) ?? 0
        const merged = mask === 0xffffffff ? value : ((old & ~mask) | (value & mask)) >>> 0
        this.registers.set(address, merged)
        // a user command on the SPI flash controller: it is done at once, and
        // whatever was asked (esptool asks RDID), the data register holds the JEDEC id
        if (address === this.chip.spiRegBase && merged & SPI_CMD_USR) {
            this.registers.set(address, merged & ~SPI_CMD_USR)
            this.registers.set(this.chip.spiRegBase + this.chip.spiW0Offset, flashJedecId(this.flash.size))
        }
        return new Uint8Array(0)
    }

    private finishWrite(): void {
        const w = this.writing
        if (!w?.deflated) return
        this.writing = undefined
        const data = inflateSync(Buffer.concat(w.deflated))
        this.flash.write(w.offset, data.subarray(0, Math.min(data.length, this.flash.size - w.offset)))
        this.written += data.length
        this.flash.save()
    }
}

/** The data checksum the protocol carries: 0xEF XOR every byte. */
export function checksumOf(data: Uint8Array): number {
    let c = 0xef
    for (const b of data) c ^= b
    return c
}

function securityInfo(chipId: number): Uint8Array {
    const out = new Uint8Array(20)
    const v = new DataView(out.buffer)
    v.setUint32(12, chipId, true)
    v.setUint32(16, 1, true) // API version
    return out
}
