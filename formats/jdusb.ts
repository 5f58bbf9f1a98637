// JDUSB: how Jacdac frames and a device's log text share one serial line
// (jacdac-spec services/usbbridge.md; the host side is jacdac-ts's jdusb.ts).
// A frame is FE FC <frame> FE FD; a literal FE inside is FE F8; FE FA / FE FB
// say the device dropped log text / packets. Every byte outside a frame is
// log text. Used on both ends: the host (monitor) and the virtual board.

export const MAGIC = 0xfe
const LITERAL_MAGIC = 0xf8
const RESERVED = 0xf9
export const SERIAL_GAP = 0xfa
export const FRAME_GAP = 0xfb
const FRAME_START = 0xfc
const FRAME_END = 0xfd

/** Jacdac service class of the USB bridge: its commands switch frames and log on and off. */
const SRV_USB_BRIDGE = 0x18f61a4a
export const enum UsbBridgeCmd {
    DisablePackets = 0x80,
    EnablePackets = 0x81,
    DisableLog = 0x82,
    EnableLog = 0x83,
}

function escape(out: number[], bytes: Uint8Array): void {
    for (const b of bytes) {
        out.push(b)
        if (b === MAGIC) out.push(LITERAL_MAGIC)
    }
}

export function encodeFrame(frame: Uint8Array): Uint8Array {
    const out = [MAGIC, FRAME_START]
    escape(out, frame)
    out.push(MAGIC, FRAME_END)
    return Uint8Array.from(out)
}

/** Log text as it goes between frames (a literal FE quoted). */
export function encodeLog(text: Uint8Array): Uint8Array {
    const out: number[] = []
    escape(out, text)
    return Uint8Array.from(out)
}

export interface JdusbHandlers {
    frame(frame: Uint8Array): void
    log(bytes: Uint8Array): void
    gap?(what: "log" | "frames"): void
}

const MAX_FRAME = 256

/** Splits a byte stream into frames and log text; survives any chunking. */
export class JdusbDecoder {
    private wasMagic = false
    private inFrame = false
    private frame: number[] = []

    constructor(private readonly on: JdusbHandlers) {}

    push(chunk: Uint8Array): void {
        const log: number[] = []
        const flushLog = () => {
            if (log.length) this.on.log(Uint8Array.from(log.splice(0)))
        }
        const abandonFrame = () => {
            // a broken frame is passed on as log text, as jacdac-ts does
            log.push(...this.frame)
            this.frame = []
            this.inFrame = false
        }
        for (let c of chunk) {
            if (this.wasMagic) {
                this.wasMagic = false
                switch (c) {
                    case LITERAL_MAGIC:
                        c = MAGIC
                        break
                    case FRAME_START:
                        if (this.inFrame) abandonFrame()
                        this.inFrame = true
                        this.frame = []
                        continue
                    case FRAME_END:
                        if (this.inFrame) {
                            flushLog()
                            this.on.frame(Uint8Array.from(this.frame))
                            this.frame = []
                            this.inFrame = false
                        }
                        continue
                    case SERIAL_GAP:
                        flushLog()
                        this.on.gap?.("log")
                        continue
                    case FRAME_GAP:
                        this.on.gap?.("frames")
                        continue
                    case RESERVED:
                        continue
                    case MAGIC:
                        // FE FE: the first was a stray; this one starts a new escape
                        this.wasMagic = true
                        if (this.inFrame) abandonFrame()
                        else log.push(MAGIC)
                        continue
                    default:
                        if (this.inFrame) abandonFrame()
                        log.push(MAGIC)
                }
            } else if (c === MAGIC) {
                this.wasMagic = true
                continue
            }
            if (this.inFrame) {
                if (this.frame.length >= MAX_FRAME) abandonFrame()
                else this.frame.push(c)
            } else log.push(c)
        }
        flushLog()
    }
}

/** CRC-16/CCITT as Jacdac frames carry it (over everything after the CRC). */
function jacdacCrc(data: Uint8Array): number {
    let crc = 0xffff
    for (const b of data) {
        let x = (crc >> 8) ^ b
        x ^= x >> 4
        crc = ((crc << 8) ^ (x << 12) ^ (x << 5) ^ x) & 0xffff
    }
    return crc
}

/** A broadcast command frame to the USB bridge service (what a host sends to switch frames or log on). */
export function usbBridgeCommand(cmd: UsbBridgeCmd): Uint8Array {
    const f = new Uint8Array(16)
    const v = new DataView(f.buffer)
    f[2] = 4 // payload size
    f[3] = 0x04 | 0x01 | 0x40 // identifier is a service class, command, loopback
    v.setUint32(4, SRV_USB_BRIDGE, true)
    v.setUint32(8, 0xaaaaaaaa, true) // broadcast high mark
    f[12] = 0 // payload size
    f[13] = 0x3d // broadcast service index
    v.setUint16(14, cmd, true)
    v.setUint16(0, jacdacCrc(f.subarray(2)), true)
    return f
}

/** The USB bridge command a frame carries, if it is one. */
export function usbBridgeCommandOf(frame: Uint8Array): UsbBridgeCmd | undefined {
    if (frame.length < 16 || (frame[3] & 0x04) === 0) return undefined
    const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    if (v.getUint32(4, true) !== SRV_USB_BRIDGE) return undefined
    return v.getUint16(14, true) as UsbBridgeCmd
}
