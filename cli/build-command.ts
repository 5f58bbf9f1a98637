import { existsSync } from "node:fs"
import { dirname, relative, resolve } from "node:path"
import { chosenBoard, chosenFirmware, type Command, formatBytes, UsageError } from "./board-command"
import { boardImagePath, buildForBoard, debugFileFor, rememberProgram, writeProgram } from "../usb/program"
import { bytesText } from "../usb/image-check"
import { largestImage, runtimeFor, versionText } from "../project/runtime"
import { checkDestination, DestinationError } from "../project/destinations"

/** A destination of build: its folder may be created (0700); an existing name must be a writable file. */
function checkOutput(file: string) {
    const path = resolve(file)
    try {
        // a missing folder is created by writeProgram; check the nearest existing one
        let probe = path
        while (!existsSync(dirname(probe)) && dirname(probe) !== probe) probe = dirname(probe)
        checkDestination(probe === path ? path : probe, `-o ${file}`)
    } catch (e) {
        if (e instanceof DestinationError) throw new UsageError(e.message)
        throw e
    }
}

export const buildCommand: Command = {
    name: "build",
    summary: "compile a script to the image a board runs (file.devs + file-dbg.json)",
    usage: `usage: camscript build <script.ts> [--board ID] [--firmware camscript|stock] [-o FILE.devs]

Compiles <script.ts> to the DeviceScript image a board runs: the board's
configuration is compiled in, and the program does not end with the
simulator's end-of-script marker (on a board that would restart it).
The debug info is written beside the image (FILE-dbg.json), so errors the
board reports map back to the script's file:line in \`camscript monitor\`.
Both hold the script's strings (passwords included): they are written
readable by their owner only (0600), an existing file's mode too.

  --board ID     the board (see \`camscript boards\`; default: devicescript.json "board")
  --firmware KIND  the runtime on the board: camscript (default, our firmware) or
                 stock (the stock DeviceScript ESP32 firmware: Wi-Fi station only)
  -o FILE.devs   where to write the image (default: the project's
                 .camscript/hardware/<board>/<script>.devs, as PlatformIO's .pio/build/<env>)
`,
    options: { board: { type: "string" }, firmware: { type: "string" }, output: { type: "string", short: "o" } },
    async run(values, positionals) {
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length ? `build takes one script, got ${positionals.length}` : "build needs a script",
            )
        const script = positionals[0]
        const board = chosenBoard(values.board, script)
        const out = typeof values.output === "string" ? values.output : boardImagePath(script, board)
        if (!out.endsWith(".devs")) throw new UsageError(`-o ${out}: the image file must end in .devs`)
        // both files are checked before the compile, not found unwritable after it
        checkOutput(out)
        checkOutput(debugFileFor(resolve(out)))
        const firmware = chosenFirmware(values.firmware)
        const built = await buildForBoard(script, board, firmware)
        const program = writeProgram(built, resolve(out), board)
        rememberProgram(program)
        const shown = relative(process.cwd(), program.file!) || program.file!
        const runtime = runtimeFor(firmware)
        const size = program.image.length
        const largest = largestImage(runtime)
        process.stdout.write(
            `${shown}: ${size} bytes (${formatBytes(size)}) for ${board.id}, sha256 ${program.sha256.slice(0, 16)}…\n` +
                `program store: ${usageBar(size / largest)} ${((100 * size) / largest).toFixed(1)}% ` +
                `(used ${bytesText(size)} from ${bytesText(largest)}; ${runtime.firmware} firmware, DeviceScript ${versionText(runtime.version)})\n` +
                `debug info: ${relative(process.cwd(), debugFileFor(program.file!))}\n`,
        )
        return 0
    },
}

/** PlatformIO's bar: [====      ] for the share used */
function usageBar(share: number): string {
    const width = 10
    const full = Math.min(width, Math.round(share * width))
    return `[${"=".repeat(full)}${" ".repeat(width - full)}]`
}
