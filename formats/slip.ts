// SLIP framing as the ESP32 ROM loader uses it: packets between 0xC0 bytes,
// 0xC0 inside sent as DB DC and 0xDB as DB DD.

const SLIP_END = 0xc0
const SLIP_ESC = 0xdb
const SLIP_ESC_END = 0xdc
const SLIP_ESC_ESC = 0xdd

export function slipEncode(packet: Uint8Array): Uint8Array {
    const out = [SLIP_END]
    for (const b of packet) {
        if (b === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END)
        else if (b === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC)
        else out.push(b)
    }
    out.push(SLIP_END)
    return Uint8Array.from(out)
}

export class SlipDecoder {
    private packet: number[] | undefined
    private escaped = false

    constructor(private readonly onPacket: (packet: Uint8Array) => void) {}

    push(chunk: Uint8Array): void {
        for (const b of chunk) {
            if (b === SLIP_END) {
                if (this.packet && this.packet.length) this.onPacket(Uint8Array.from(this.packet))
                this.packet = []
                this.escaped = false
            } else if (!this.packet) {
                // bytes before the first END are line noise
            } else if (this.escaped) {
                this.escaped = false
                this.packet.push(b === SLIP_ESC_END ? SLIP_END : b === SLIP_ESC_ESC ? SLIP_ESC : b)
            } else if (b === SLIP_ESC) this.escaped = true
            else this.packet.push(b)
        }
    }
}
