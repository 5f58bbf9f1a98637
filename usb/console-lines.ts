import { sourcePosition } from "../compiler/sourcemap"
import type { BoardProgram } from "./program"
import { printable } from "../project/printable"
import { RestartTracker } from "./restarts"

// The board's log, line by line, as a user wants it: the script's output
// (the runtime prints it as "> text"), errors with their stack mapped to the
// script's file:line through the debug info, boot ROM messages; the
// runtime's own chatter only when asked. Every line is printed with its
// control characters escaped (project/printable.ts): what a board sends
// (an ESC sequence, a NUL) never drives the terminal.

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

export interface ConsoleView {
    program?: BoardProgram
    verbose?: boolean
    print(line: string): void
    /** the first program start is the deploy's own (deploy --monitor): not marked as a restart */
    deployed?: boolean
    /** stamp each line with the seconds since following began (monitor --timestamps) */
    timestamps?: boolean
    /** the chip restarted: its USB bridge forgot the host's EnableLog, to be sent again */
    chipRestarted?: () => void
    /** `camscript run`: the script printed this line (not shown): it has finished */
    finishedLine?: string
    finished?: () => void
}

export class ConsoleLines {
    private partial = ""
    /** SHA-256 of the program the runtime says it runs */
    private running: string | undefined
    private warnedMismatch = false
    /** every restart the console shows, with its cause; the crashes among them */
    readonly restarts: RestartTracker
    /** the crash being printed: its exception line, then its first frame */
    private crash: { what: string; framed: boolean } | undefined
    private readonly began = Date.now()
    private readonly print: (line: string) => void

    constructor(private readonly view: ConsoleView) {
        this.restarts = new RestartTracker(view.deployed === true)
        this.print = view.timestamps
            ? (line) => view.print(`[${((Date.now() - this.began) / 1000).toFixed(3).padStart(8)}s] ${line}`)
            : view.print
    }

    push(bytes: Uint8Array): void {
        const text = this.partial + Buffer.from(bytes).toString("utf8")
        const lines = text.split(/\r?\n/)
        this.partial = lines.pop() ?? ""
        for (const line of lines) this.line(line.replace(ANSI, ""))
    }

    /** a whole line already split off (jacdac-ts hands the log over by lines) */
    pushLine(line: string): void {
        this.line(line.replace(ANSI, ""))
    }

    flush(): void {
        if (this.partial) this.line(this.partial.replace(ANSI, ""))
        this.partial = ""
        this.flushException()
    }

    private line(text: string): void {
        const { verbose } = this.view
        const print = this.print
        const line = printable(text)
        let m: RegExpExecArray | null
        const marker = this.restarts.line(line)
        if (marker) {
            print(marker)
            this.crash = undefined
            if (/^rst:/.test(line)) this.view.chipRestarted?.()
        }
        if (line === "! Unhandled exception") this.crashed("an uncaught exception")
        else if ((m = /^! +Exception: *(\S+)/.exec(line))) this.crashed(m[1])
        // the watchdog stops a loop at the instruction it was about to run: its first frame maps as is
        if (/^[*!] +Exception: *InfiniteLoop\b/.test(line)) this.watchdogFrame = true
        if ((m = /^DevS-SHA256: ([0-9a-f]{64})/.exec(line))) {
            this.running = m[1]
            if (verbose) print(`  · ${line}`)
        } else if (line.startsWith("> ")) {
            if (this.view.finishedLine !== undefined && line.slice(2) === this.view.finishedLine) this.view.finished?.()
            else print(line.slice(2))
        } else if ((m = /^\* +Exception: *(.*)$/.exec(line))) {
            // held until its message: one "! Error: message" line
            this.flushException()
            this.exception = m[1]
        } else if ((m = /^\* +message: *(.*)$/.exec(line))) {
            print(`! ${this.exception ?? "Exception"}: ${m[1]}`)
            if (this.crash && !this.crash.framed) this.crashDetail(`${this.exception ?? "Exception"}: ${m[1]}`)
            this.exception = undefined
        } else if ((m = /^[*!] +at (\S+) \(pc:(\d+)\)/.exec(line))) {
            this.flushException()
            const at = this.position(m[1], Number(m[2]), this.watchdogFrame)
            print(`    at ${at}`)
            if (this.crash && !this.crash.framed) {
                this.crash.framed = true
                this.crashDetail(`${this.crash.what} at ${at}`)
            }
            this.watchdogFrame = false
        } else if (line === "! Unhandled exception") this.flushException()
        else if (/^(ets |rst:|invalid header|E \(|waiting for download)/.test(line)) print(`  rom: ${line}`)
        // the runtime's and ESP-IDF's panic lines (usb/restarts.ts): shown, they say why the chip restarts
        else if (
            /^(HW PANIC!|abort\(\) was called|Guru Meditation Error|Brownout detector was triggered|assertion '.*' failed at )/.test(
                line,
            )
        )
            print(`  chip: ${line}`)
        else if (/^! /.test(line)) print(line)
        else if (verbose && line.trim()) print(`  · ${line}`)
    }

    private exception: string | undefined
    private watchdogFrame = false

    private crashed(what: string): void {
        this.restarts.programCrashed(what)
        this.crash = { what, framed: false }
    }

    private crashDetail(what: string): void {
        this.crash!.what = what
        this.restarts.detail(what)
    }

    private flushException(): void {
        if (this.exception !== undefined) {
            this.print(`! ${this.exception}`)
            if (this.crash && !this.crash.framed && this.crash.what === "an uncaught exception")
                this.crashDetail(this.exception)
        }
        this.exception = undefined
    }

    private position(fn: string, pc: number, exact = false): string {
        const program = this.view.program
        const raw = `${fn} (pc:${pc})`
        if (!program || program.script.dbg.functions.length === 0)
            return `${raw} (no debug info: build or deploy the script with camscript to see file:line)`
        if (this.running && this.running !== program.sha256) {
            if (!this.warnedMismatch) {
                this.warnedMismatch = true
                this.print(
                    `  (the board runs program ${this.running.slice(0, 16)}…, not the last one built or deployed here: positions not mapped)`,
                )
            }
            return raw
        }
        return sourcePosition(program.script, fn, pc, exact) ?? raw
    }
}
