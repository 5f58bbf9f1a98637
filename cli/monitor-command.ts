import { parseDuration } from "../project/duration"
import { type Command, UsageError } from "./board-command"
import { followMonitor } from "../usb/monitor"
import { choosePort } from "../usb/ports"
import { lastProgram } from "../usb/program"

export function parseForDuration(value: unknown): number | undefined {
    if (typeof value !== "string") return undefined
    try {
        return parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : value)
    } catch (e) {
        throw new UsageError(`--for: ${(e as Error).message} (e.g. 30s, 2m)`)
    }
}

export const monitorCommand: Command = {
    name: "monitor",
    summary: "follow the board's console: the script's output, errors at file:line",
    usage: `usage: camscript monitor [--port DEVICE] [--for DURATION] [--timestamps] [--raw] [--verbose]

Shows the board's console: the script's output, and the runtime's errors with
each stack frame mapped to the script's file:line through the debug info of
the last \`camscript build\` or \`camscript deploy\` in this project.
Every restart is marked with its cause ("--- restart 1: the runtime started
the program again after the program crashed (Error: boom at ...) ---").
Leaves on Ctrl-C, or after --for: exit 0, or 1 when the program crashed
while watched (or the port went away).

  --port DEVICE    the board's serial port (default: found by USB vendor, as deploy)
  --for DURATION   stop after this long (e.g. 30s, 5m; a bare number is seconds)
  --timestamps     start each line with the seconds since the monitor began
  --raw            the serial line as it comes, at 115200 baud: the boot ROM's
                   messages and crash dumps, no framing taken apart
  --verbose        also the runtime's own messages
`,
    options: {
        port: { type: "string" },
        for: { type: "string" },
        timestamps: { type: "boolean" },
        raw: { type: "boolean" },
        verbose: { type: "boolean" },
    },
    async run(values, positionals) {
        if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
        const forMs = parseForDuration(values.for)
        if (values.raw === true && values.timestamps === true)
            throw new UsageError("--timestamps does not combine with --raw (which shows the bytes as they come)")
        const path = choosePort(typeof values.port === "string" ? values.port : undefined)
        return followMonitor(path, {
            program: lastProgram(),
            forMs,
            raw: values.raw === true,
            timestamps: values.timestamps === true,
            verbose: values.verbose === true,
        })
    },
}
