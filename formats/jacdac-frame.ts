import { jacdacCrc } from "./jdusb"

// A Jacdac frame and its packets (jacdac-c inc/jd_physical.h jd_frame_t:
// crc u16, size u8, flags u8, device_identifier u64, then packets of
// service_size u8, service_index u8, service_command u16 and data padded to
// 4 bytes). The virtual board reads the few packets where it plays the
// pinned runtime rather than the VM it runs, and writes their answers.

const FRAME_HEADER_BYTES = 12
/** flags bit 0: the frame is a command to device_identifier (else a report from it) */
export const FLAG_COMMAND = 0x01
export const CMD_GET_REG = 0x1000

interface JacdacPacket {
    serviceIndex: number
    command: number
    data: Uint8Array
}

export interface JacdacFrame {
    flags: number
    /** 8 bytes */
    deviceId: Uint8Array
    packets: JacdacPacket[]
}

export function parseJacdacFrame(frame: Uint8Array): JacdacFrame | undefined {
    if (frame.length < FRAME_HEADER_BYTES + 4) return undefined
    const size = frame[2]
    if (FRAME_HEADER_BYTES + size > frame.length) return undefined
    const packets: JacdacPacket[] = []
    let p = FRAME_HEADER_BYTES
    const end = FRAME_HEADER_BYTES + size
    while (p + 4 <= end) {
        const n = frame[p]
        if (p + 4 + n > end) return undefined
        packets.push({
            serviceIndex: frame[p + 1],
            command: frame[p + 2] | (frame[p + 3] << 8),
            data: frame.slice(p + 4, p + 4 + n),
        })
        p += (4 + n + 3) & ~3
    }
    return { flags: frame[3], deviceId: frame.slice(4, 12), packets }
}

export function buildJacdacFrame(frame: JacdacFrame): Uint8Array {
    const body: number[] = []
    for (const pkt of frame.packets) {
        body.push(pkt.data.length, pkt.serviceIndex, pkt.command & 0xff, pkt.command >> 8, ...pkt.data)
        while (body.length % 4) body.push(0)
    }
    const out = new Uint8Array(FRAME_HEADER_BYTES + body.length)
    out[2] = body.length
    out[3] = frame.flags
    out.set(frame.deviceId, 4)
    out.set(body, FRAME_HEADER_BYTES)
    const crc = jacdacCrc(out.subarray(2))
    out[0] = crc & 0xff
    out[1] = crc >> 8
    return out
}
