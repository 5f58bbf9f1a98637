import {
    encodeFrame,
    encodeLog,
    FRAME_GAP,
    JdusbDecoder,
    MAGIC,
    SERIAL_GAP,
    UsbBridgeCmd,
    usbBridgeCommandOf,
} from "../../formats/jdusb"

// The board's end of the JDUSB line, as DeviceScript's firmware runs it:
// Jacdac frames go to the host only once it has sent EnablePackets, log text
// only once it has sent EnableLog (until then the newest log is kept, and a
// FE FA tells the host that older text was dropped). Bytes outside frames
// from the host (its HF2 probe, zero padding) are ignored.

const LOG_KEPT = 4096

export class JdusbDevice {
    private readonly decoder: JdusbDecoder
    private packetsOn = false
    private logOn = false
    private pendingLog: Uint8Array[] = []
    private pendingBytes = 0
    private droppedLog = false
    private droppedFrames = false

    constructor(
        private readonly write: (bytes: Uint8Array) => void,
        /** a Jacdac frame from the host for the VM */
        onFrame: (frame: Uint8Array) => void,
    ) {
        this.decoder = new JdusbDecoder({
            frame: (frame) => {
                const cmd = usbBridgeCommandOf(frame)
                if (cmd === undefined) return onFrame(frame)
                if (cmd === UsbBridgeCmd.EnablePackets) this.packetsOn = true
                else if (cmd === UsbBridgeCmd.DisablePackets) this.packetsOn = false
                else if (cmd === UsbBridgeCmd.EnableLog) {
                    this.logOn = true
                    this.flushLog()
                } else if (cmd === UsbBridgeCmd.DisableLog) this.logOn = false
            },
            log: () => {},
        })
    }

    fromHost(bytes: Uint8Array): void {
        this.decoder.push(bytes)
    }

    sendFrame(frame: Uint8Array): void {
        if (!this.packetsOn) {
            this.droppedFrames = true
            return
        }
        if (this.droppedFrames) {
            this.droppedFrames = false
            this.write(Uint8Array.of(MAGIC, FRAME_GAP))
        }
        this.write(encodeFrame(frame))
    }

    log(text: string): void {
        const bytes = encodeLog(new TextEncoder().encode(text))
        if (this.logOn) return this.write(bytes)
        this.pendingLog.push(bytes)
        this.pendingBytes += bytes.length
        while (this.pendingBytes > LOG_KEPT && this.pendingLog.length > 1) {
            this.pendingBytes -= this.pendingLog.shift()!.length
            this.droppedLog = true
        }
    }

    private flushLog(): void {
        if (this.droppedLog) this.write(Uint8Array.of(MAGIC, SERIAL_GAP))
        this.droppedLog = false
        for (const b of this.pendingLog) this.write(b)
        this.pendingLog = []
        this.pendingBytes = 0
    }
}
