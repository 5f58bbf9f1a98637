import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"
import type { SerialPort } from "serialport"
import { HardwareError } from "./errors"

// Finding the board's serial port, and opening it with errors a user can act
// on. Discovery reads Linux's sysfs directly: serialport's own list() asks
// udevadm, which containers and CI machines often lack.

/**
 * serialport's class, loaded when a port is first opened: loading it (its
 * native bindings and streams) was about 35 ms of every CLI start, and most
 * commands (sim, build, run, boards) never open a port.
 */
export function serialPortClass(): typeof SerialPort {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("serialport") as typeof import("serialport")).SerialPort
}

/** USB vendors of the chips that put an ESP32 on a serial line. */
export const BOARD_VENDORS: Record<number, string> = {
    0x303a: "Espressif (native USB)",
    0x10c4: "Silicon Labs CP210x",
    0x1a86: "WCH CH34x",
    0x0403: "FTDI",
}

export interface SeenPort {
    path: string
    /** USB vendor and product id, when the port is on USB */
    vendorId?: number
    productId?: number
    product?: string
}

function readHex(file: string): number | undefined {
    try {
        return parseInt(readFileSync(file, "utf8").trim(), 16)
    } catch {
        return undefined
    }
}

/** Every serial port with a device behind it, with its USB ids where it has them. */
export function listSerialPorts(sysTty = "/sys/class/tty", dev = "/dev"): SeenPort[] {
    if (!existsSync(sysTty)) return []
    const out: SeenPort[] = []
    for (const name of readdirSync(sysTty).sort()) {
        const deviceLink = join(sysTty, name, "device")
        if (!existsSync(deviceLink)) continue
        const port: SeenPort = { path: join(dev, name) }
        // walk up from the tty's device to the USB device that holds idVendor
        let dir = realpathSync(deviceLink)
        for (let i = 0; i < 6 && dir !== "/"; i++, dir = dirname(dir)) {
            const vendor = readHex(join(dir, "idVendor"))
            if (vendor !== undefined) {
                port.vendorId = vendor
                port.productId = readHex(join(dir, "idProduct"))
                const product = join(dir, "product")
                if (existsSync(product)) port.product = readFileSync(product, "utf8").trim()
                break
            }
        }
        // built-in UARTs (ttyS*) without a USB device are listed only when present as USB
        if (port.vendorId !== undefined || /^tty(USB|ACM)/.test(name)) out.push(port)
    }
    return out
}

function describePort(p: SeenPort): string {
    if (p.vendorId === undefined) return p.path
    const id = `${p.vendorId.toString(16).padStart(4, "0")}:${(p.productId ?? 0).toString(16).padStart(4, "0")}`
    const vendor = BOARD_VENDORS[p.vendorId]
    return `${p.path} (USB ${id}${vendor ? `, ${vendor}` : ""}${p.product ? `, ${p.product}` : ""})`
}

const LOOKED_FOR = Object.entries(BOARD_VENDORS)
    .map(([id, name]) => `${Number(id).toString(16).padStart(4, "0")} ${name}`)
    .join(", ")

/** --port, else the one port whose USB vendor makes ESP32 boards' serial chips. */
export function choosePort(explicit: string | undefined, seen: SeenPort[] = listSerialPorts()): string {
    if (explicit !== undefined) return explicit
    const candidates = seen.filter((p) => p.vendorId !== undefined && p.vendorId in BOARD_VENDORS)
    if (candidates.length === 1) return candidates[0].path
    if (candidates.length > 1)
        throw new HardwareError(
            `several boards could be on these ports; say which with --port:\n${candidates.map((p) => `  ${describePort(p)}`).join("\n")}`,
        )
    const saw = seen.length ? seen.map((p) => `  ${describePort(p)}`).join("\n") : "  (no USB serial ports at all)"
    throw new HardwareError(
        `no board found: no serial port from a USB vendor that ESP32 boards use (${LOOKED_FOR}).\n` +
            `ports seen:\n${saw}\n` +
            "Is the board plugged in with a data cable? Otherwise name its port with --port.",
    )
}

/** A serial port error in words that say what to do. */
export function explainOpenError(path: string, message: string): string {
    if (/permission denied|EACCES/i.test(message))
        return (
            `permission denied opening ${path}. On Linux serial ports belong to the "dialout" group: ` +
            "run `sudo usermod -aG dialout $USER`, then log out and in again"
        )
    if (/cannot lock|resource temporarily unavailable|EBUSY|EAGAIN/i.test(message))
        return `${path} is busy: another program holds it open (a serial monitor, another camscript, ModemManager). Close it and try again`
    if (/no such file|ENOENT/i.test(message))
        return `${path}: no such serial port (unplugged? see \`ls /dev/ttyUSB* /dev/ttyACM*\`)`
    return `cannot open ${path}: ${message}`
}

export function openPort(path: string, baudRate: number): Promise<SerialPort> {
    return new Promise((done, fail) => {
        const port = new (serialPortClass())({ path, baudRate, autoOpen: false })
        // a port that goes away fails its next write with EIO: the owner learns it from "close"
        port.on("error", () => {})
        port.open((err) => (err ? fail(new HardwareError(explainOpenError(path, err.message))) : done(port)))
    })
}

export function closePort(port: SerialPort): Promise<void> {
    return new Promise((done) => (port.isOpen ? port.close(() => done()) : done()))
}
