import { ConsoleLines } from "./console-lines"
import { JDUSB_BAUD } from "./deploy"
import { encodeFrame, JdusbDecoder, UsbBridgeCmd, usbBridgeCommand } from "../formats/jdusb"
import { closePort, openPort } from "./ports"
import type { BoardProgram } from "./program"
import { printableStream } from "../project/printable"

// `camscript monitor`: the board's console. Over JDUSB it asks the board for
// its log (EnableLog to the USB bridge) and shows the text between frames;
// --raw shows the line as it comes at 115200 baud (boot ROM, crash dumps).

const RAW_BAUD = 115200

export interface MonitorOptions {
    program?: BoardProgram
    forMs?: number
    raw?: boolean
    verbose?: boolean
    print?: (line: string) => void
    /** resolves to stop following */
    until?: Promise<unknown>
}

/** The host's EnableLog command as jacdac-ts sends it: one frame, zero-padded to 64 bytes. */
function enableLogWrite(): Buffer {
    const out = Buffer.alloc(64)
    Buffer.from(encodeFrame(usbBridgeCommand(UsbBridgeCmd.EnableLog))).copy(out)
    return out
}

export async function followMonitor(path: string, options: MonitorOptions = {}): Promise<number> {
    const print = options.print ?? ((l: string) => process.stdout.write(`${l}\n`))
    const port = await openPort(path, options.raw ? RAW_BAUD : JDUSB_BAUD)
    const lines = new ConsoleLines({ program: options.program, verbose: options.verbose, print })
    const decoder = new JdusbDecoder({
        frame: () => {},
        log: (b) => lines.push(b),
        gap: (what) => what === "log" && print("  (the board dropped some of its log)"),
    })
    const gone = new Promise<"gone">((done) => port.once("close", () => done("gone")))
    // --raw shows the bytes as text as they come, control characters but line breaks escaped
    const raw = new TextDecoder("utf-8")
    port.on("data", (b: Buffer) =>
        options.raw
            ? process.stdout.write(printableStream(raw.decode(b, { stream: true })))
            : decoder.push(new Uint8Array(b)),
    )
    port.on("error", () => {})
    let again: NodeJS.Timeout | undefined
    if (!options.raw) {
        // asked twice: the first may land while the board is still booting
        port.write(enableLogWrite())
        again = setTimeout(() => port.isOpen && port.write(enableLogWrite()), 300)
    }
    const stops: Promise<unknown>[] = [gone]
    if (options.until) stops.push(options.until)
    let timer: NodeJS.Timeout | undefined
    if (options.forMs !== undefined) stops.push(new Promise((r) => (timer = setTimeout(r, options.forMs))))
    let onSigint: (() => void) | undefined
    stops.push(new Promise<void>((r) => process.once("SIGINT", (onSigint = r))))
    const why = await Promise.race(stops)
    clearTimeout(timer)
    clearTimeout(again)
    if (onSigint) process.off("SIGINT", onSigint)
    lines.flush()
    await closePort(port)
    if (why === "gone") {
        print(`  (the board's port ${path} closed: unplugged or reset?)`)
        return 1
    }
    return 0
}

/** Waits for --for, Ctrl-C, or `lost()` turning true (checked every 100 ms). */
export async function followUntil(forMs: number | undefined, lost: () => boolean): Promise<"done" | "lost"> {
    let timer: NodeJS.Timeout | undefined
    let poll: NodeJS.Timeout | undefined
    let onSigint: (() => void) | undefined
    const why = await Promise.race([
        new Promise<"done">((r) => forMs !== undefined && (timer = setTimeout(() => r("done"), forMs))),
        new Promise<"done">((r) => process.once("SIGINT", (onSigint = () => r("done")))),
        new Promise<"lost">((r) => (poll = setInterval(() => lost() && r("lost"), 100))),
    ])
    clearTimeout(timer)
    clearInterval(poll)
    if (onSigint) process.off("SIGINT", onSigint)
    return why
}
