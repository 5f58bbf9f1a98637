import type { SerialPort } from "serialport"
import { closePort, openPort } from "./ports"

// esptool-js speaks to a Web Serial port (open, readable, writable,
// setSignals, getInfo, close). This is one over the `serialport` package,
// so Espressif's own flasher runs in Node unchanged. DTR/RTS drive the
// board's auto-reset circuit where it has one; a port without modem lines
// (a pseudo-terminal, a bare adapter) says so instead of failing.

export interface PortInfo {
    usbVendorId?: number
    usbProductId?: number
}

export class EsptoolSerialPort {
    private port: SerialPort | undefined
    readable: ReadableStream<Uint8Array> | null = null
    writable: WritableStream<Uint8Array> | null = null
    /** false once setting DTR/RTS failed: the board must be put in download mode by hand */
    modemLines = true
    private markLost: () => void = () => {}
    private lostFlag = false
    /** rejects once the port has gone away: esptool-js would wait for answers forever */
    readonly whenLost: Promise<never> = new Promise<never>((_, fail) => {
        this.markLost = () => {
            if (this.lostFlag) return
            this.lostFlag = true
            fail(new Error("the serial port went away"))
        }
    })

    /** set when the port closed under us */
    get lost(): boolean {
        return this.lostFlag
    }

    constructor(
        readonly path: string,
        private readonly info: PortInfo = {},
        /** how the port is opened (tests pass serialport's mock) */
        private readonly opener: (path: string, baudRate: number) => Promise<SerialPort> = openPort,
    ) {
        this.whenLost.catch(() => {}) // observed through `lost` when nobody races it
    }

    getInfo(): PortInfo {
        return this.info
    }

    async open(options: { baudRate: number }): Promise<void> {
        const port = await this.opener(this.path, options.baudRate)
        this.dtr = this.rts = true
        this.port = port
        let onData: ((b: Buffer) => void) | undefined
        let onClose: (() => void) | undefined
        this.readable = new ReadableStream<Uint8Array>({
            start: (controller) => {
                onData = (b) => controller.enqueue(new Uint8Array(b))
                onClose = () => {
                    this.markLost()
                    try {
                        controller.close()
                    } catch {
                        // already closed by a cancel
                    }
                }
                port.on("data", onData)
                port.once("close", onClose)
                port.once("error", onClose)
            },
            cancel: () => {
                if (onData) port.off("data", onData)
                if (onClose) port.off("close", onClose).off("error", onClose)
            },
        })
        this.writable = new WritableStream<Uint8Array>({
            write: (chunk) =>
                new Promise<void>((done, fail) =>
                    port.write(Buffer.from(chunk), (err) => {
                        if (err) this.markLost()
                        return err ? fail(err) : port.drain(() => done())
                    }),
                ),
        })
    }

    // both lines asserted after open, as Web Serial and serialport leave them
    private dtr = true
    private rts = true

    async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean }): Promise<void> {
        const port = this.port
        if (!port || !this.modemLines) return
        // Web Serial changes only the lines named; serialport's set() puts any line not
        // named back to its default, so both are always sent
        this.dtr = signals.dataTerminalReady ?? this.dtr
        this.rts = signals.requestToSend ?? this.rts
        await new Promise<void>((done) =>
            port.set({ dtr: this.dtr, rts: this.rts }, (err) => {
                if (err) this.modemLines = false
                done()
            }),
        )
    }

    /** in place, so esptool-js need not reopen the port after CHANGE_BAUDRATE */
    async setBaudRate(baudRate: number): Promise<void> {
        const port = this.port
        if (port)
            await new Promise<void>((done, fail) => port.update({ baudRate }, (err) => (err ? fail(err) : done())))
    }

    async close(): Promise<void> {
        const port = this.port
        this.port = undefined
        this.readable = null
        this.writable = null
        if (port) await closePort(port)
    }
}
