import { existsSync } from "node:fs"
import { basename, dirname, relative, resolve } from "node:path"
import { chosenBoard, chosenFirmware, type Command, formatBytes, UsageError } from "./board-command"
import { buildForBoard, debugFileFor, rememberProgram, writeProgram } from "../usb/program"
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
  -o FILE.devs   where to write the image (default: ./<script>.devs)
`,
    options: { board: { type: "string" }, firmware: { type: "string" }, output: { type: "string", short: "o" } },
    async run(values, positionals) {
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length ? `build takes one script, got ${positionals.length}` : "build needs a script",
            )
        const script = positionals[0]
        const out = typeof values.output === "string" ? values.output : `${basename(script).replace(/\.ts$/, "")}.devs`
        if (!out.endsWith(".devs")) throw new UsageError(`-o ${out}: the image file must end in .devs`)
        // both files are checked before the compile, not found unwritable after it
        checkOutput(out)
        checkOutput(debugFileFor(resolve(out)))
        const board = chosenBoard(values.board, script)
        const built = await buildForBoard(script, board, chosenFirmware(values.firmware))
        const program = writeProgram(built, resolve(out), board)
        rememberProgram(program)
        const shown = relative(process.cwd(), program.file!) || program.file!
        process.stdout.write(
            `${shown}: ${program.image.length} bytes (${formatBytes(program.image.length)}) for ${board.id}, sha256 ${program.sha256.slice(0, 16)}…\n` +
                `debug info: ${relative(process.cwd(), debugFileFor(program.file!))}\n`,
        )
        return 0
    },
}
