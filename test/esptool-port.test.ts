import test from "ava"
import { ClassicReset, Transport } from "esptool-js"
import { SerialPort, SerialPortMock } from "serialport"
import { EsptoolSerialPort } from "../usb/esptool-port"

// The reset into download mode, through esptool-js's own reset sequence and
// our adapter, on serialport's in-process mock binding (DTR/RTS cannot be set
// on a pseudo-terminal). RTS drives EN (reset), DTR drives IO0.

function mockOpener(signals: { dtr?: boolean; rts?: boolean }[], failWith?: Error) {
    return async (path: string, baudRate: number) => {
        SerialPortMock.binding.createPort(path, { echo: false, record: true })
        const port = new SerialPortMock({ path, baudRate, autoOpen: false })
        await new Promise<void>((r, f) => port.open((e) => (e ? f(e) : r())))
        port.set = ((options: { dtr?: boolean; rts?: boolean }, cb?: (err: Error | null) => void) => {
            signals.push({ dtr: options.dtr, rts: options.rts })
            cb?.(failWith ?? null)
            return port
        }) as typeof port.set
        return port as unknown as SerialPort
    }
}

test("esptool-js's classic reset reaches the lines: EN low, then IO0 low as EN rises, then both released", async (t) => {
    const signals: { dtr?: boolean; rts?: boolean }[] = []
    const port = new EsptoolSerialPort("/dev/mock-esp", {}, mockOpener(signals))
    const transport = new Transport(port as unknown as ConstructorParameters<typeof Transport>[0], false)
    transport.trace = () => {}
    await transport.connect(115200)
    await new ClassicReset(transport, 50).reset()
    t.deepEqual(signals, [
        { dtr: false, rts: true }, // EN low: the chip held in reset
        { dtr: true, rts: false }, // IO0 low while EN rises: the ROM samples download mode
        { dtr: false, rts: false },
    ])
    t.true(port.modemLines)
    await port.close()
})

test("setting one line keeps the other where it was (serialport would reset it)", async (t) => {
    const signals: { dtr?: boolean; rts?: boolean }[] = []
    const port = new EsptoolSerialPort("/dev/mock-esp2", {}, mockOpener(signals))
    await port.open({ baudRate: 115200 })
    await port.setSignals({ dataTerminalReady: false })
    await port.setSignals({ requestToSend: false })
    t.deepEqual(signals, [
        { dtr: false, rts: true },
        { dtr: false, rts: false },
    ])
    await port.close()
})

test("a port without modem lines says so instead of failing the flash", async (t) => {
    const signals: { dtr?: boolean; rts?: boolean }[] = []
    const port = new EsptoolSerialPort(
        "/dev/mock-esp3",
        {},
        mockOpener(signals, new Error("Inappropriate ioctl for device")),
    )
    await port.open({ baudRate: 115200 })
    await t.notThrowsAsync(port.setSignals({ dataTerminalReady: true, requestToSend: false }))
    t.false(port.modemLines)
    await port.setSignals({ dataTerminalReady: false })
    t.is(signals.length, 1) // not tried again
    await port.close()
})
