import type { SerialPort } from "serialport"
import type * as Jacdac from "../node_modules/jacdac-ts/dist/types/src/jacdac"
import { serialPortClass } from "./ports"

// jacdac-ts over one named serial port. Its serial transport keeps the first
// port that serialport's list() shows with a known USB vendor, with no way to
// name one (and list() shows no pseudo-terminal): handing it a SerialPort
// class whose list() returns just our port makes it open that one.

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jd = require("jacdac-ts") as typeof Jacdac

type JDBus = Jacdac.JDBus
export type JDService = Jacdac.JDService

function onePortClass(path: string, listed: () => boolean): typeof SerialPort {
    return class OnePort extends serialPortClass() {
        static override async list() {
            if (!listed()) return []
            return [
                {
                    path,
                    // "JD" serial numbers are taken by jacdac-ts whatever the vendor
                    serialNumber: "JD-camscript",
                    vendorId: "303a",
                    productId: "1001",
                    manufacturer: "",
                    pnpId: "",
                    locationId: "",
                },
            ]
        }
    }
}

/** jacdac-ts talks on the console: quiet while we hold the bus, the board's log lines kept. */
function quietConsole(onDeviceLog: (line: string) => void): () => void {
    const { debug, log, warn, error } = console
    console.debug = (...args: unknown[]) => {
        const text = args.map(String).join(" ")
        if (text.startsWith("DEV: ")) onDeviceLog(text.slice(5))
    }
    console.log = () => {}
    console.warn = () => {}
    // "JDUSB Error: ..." about stray bytes (a board's boot text, a previous session's tail)
    console.error = () => {}
    return () => Object.assign(console, { debug, log, warn, error })
}

export interface JacdacLink {
    bus: JDBus
    /** the board's DeviceScript manager, once it announced itself */
    manager(timeoutMs: number): Promise<JDService | undefined>
    close(): Promise<void>
    /** set when the port went away while open */
    lost: boolean
}

export async function openJacdacLink(
    path: string,
    onDeviceLog: (line: string) => void = () => {},
): Promise<JacdacLink> {
    const restore = quietConsole(onDeviceLog)
    let open = true
    // the transport polls list() every 2.5 s on an interval it never clears
    // (to reconnect on its own): catch that interval so close() can stop it
    const realSetInterval = globalThis.setInterval
    const intervals: NodeJS.Timeout[] = []
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
        const t = realSetInterval(...args)
        intervals.push(t)
        return t
    }) as typeof setInterval
    let transport
    try {
        transport = jd.createNodeWebSerialTransport(onePortClass(path, () => open))
    } finally {
        globalThis.setInterval = realSetInterval
    }
    const bus = new jd.JDBus([transport], { client: false, disableRoleManager: true } as ConstructorParameters<
        typeof jd.JDBus
    >[1])
    const link: JacdacLink = {
        bus,
        lost: false,
        async manager(timeoutMs) {
            const deadline = Date.now() + timeoutMs
            while (Date.now() < deadline) {
                const found = bus.services({ serviceClass: jd.SRV_DEVICE_SCRIPT_MANAGER })[0]
                if (found) return found
                if (link.lost) return undefined
                await new Promise((r) => setTimeout(r, 50))
            }
            return undefined
        },
        async close() {
            // once: a second dispose would print jacdac-ts's "bus: disposing." after the console is restored
            if (!open) return
            open = false
            for (const t of intervals) clearInterval(t)
            try {
                await bus.disconnect()
                bus.dispose()
            } finally {
                restore()
            }
        },
    }
    transport.on(jd.DISCONNECT, () => (link.lost = true))
    try {
        await bus.connect(true)
    } catch {
        // no JDUSB answer: the caller finds no manager and says why
    }
    return link
}
