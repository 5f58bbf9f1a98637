import { ConsoleLines } from "./console-lines"
import { JDUSB_BAUD } from "./deploy"
import { encodeFrame, JdusbDecoder, UsbBridgeCmd, usbBridgeCommand } from "../formats/jdusb"
import { closePort, openPort } from "./ports"
import type { BoardProgram } from "./program"
import { printableStream } from "../project/printable"
import { crashSummary } from "./restarts"

// `camscript monitor`: the board's console. Over JDUSB it asks the board for
// its log (EnableLog to the USB bridge) and shows the text between frames;
// --raw shows the line as it comes at 115200 baud (boot ROM, crash dumps).

const RAW_BAUD = 115200

export interface MonitorOptions {
    program?: BoardProgram
    forMs?: number
    raw?: boolean
    verbose?: boolean
    /** each line stamped with the seconds since the monitor began */
    timestamps?: boolean
    print?: (line: string) => void
    /** where the end's summary goes (a crash while watched, the port gone): stderr by default */
    warn?: (line: string) => void
    /** resolves to stop following */
    until?: Promise<unknown>
}

/** The host's EnableLog command as jacdac-ts sends it: one frame, zero-padded to 64 bytes. */
function enableLogWrite(): Buffer {
    const out = Buffer.alloc(64)
    Buffer.from(encodeFrame(usbBridgeCommand(UsbBridgeCmd.EnableLog))).copy(out)
    return out
}

/**
 * Follows the console until --for, Ctrl-C or the port closing: 0, or 1
 * when the program crashed while watched (each restart is marked with its
 * cause) or the port went away.
 */
export async function followMonitor(path: string, options: MonitorOptions = {}): Promise<number> {
    const print = options.print ?? ((l: string) => process.stdout.write(`${l}\n`))
    const warn = options.warn ?? ((l: string) => process.stderr.write(`camscript monitor: ${l}\n`))
    const began = Date.now()
    const port = await openPort(path, options.raw ? RAW_BAUD : JDUSB_BAUD)
    let relog: NodeJS.Timeout | undefined
    const lines = new ConsoleLines({
        program: options.program,
        verbose: options.verbose,
        timestamps: options.timestamps,
        print,
        // the restarted runtime keeps its log until asked again (its bridge starts with the log off)
        chipRestarted: () => {
            clearTimeout(relog)
            relog = setTimeout(() => port.isOpen && port.write(enableLogWrite()), 300)
        },
    })
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
    clearTimeout(relog)
    if (onSigint) process.off("SIGINT", onSigint)
    lines.flush()
    await closePort(port)
    if (why === "gone") print(`  (the board's port ${path} closed: unplugged or reset?)`)
    const crashed = crashSummary(lines.restarts, Date.now() - began)
    if (crashed) warn(crashed)
    return why === "gone" || crashed ? 1 : 0
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
