import { chosenBoard, type Command, formatBytes, UsageError } from "./board-command"
import { HardwareError } from "../usb/errors"
import { checkChip, FirmwareError, loadFirmware } from "../usb/firmware"
import { flashFirmware } from "../usb/flash"
import { choosePort } from "../usb/ports"

export const flashCommand: Command = {
    name: "flash",
    summary: "write the runtime firmware to a board in download mode (esptool-js, MD5-verified)",
    usage: `usage: camscript flash --board ID [--port DEVICE] [--firmware FOLDER-OR-FILE] [--verbose]

Writes the camscript runtime to the board with esptool-js (Espressif's
flasher): into download mode (by DTR/RTS where the board has an auto-reset
circuit; otherwise hold IO0 to GND and press reset), images at the offsets
the firmware names, each region checked by MD5, then the board restarts into
the runtime. Images built for another chip are refused before anything is
written. Nothing is downloaded.

  --board ID        the board (see \`camscript boards\`); decides the chip (required)
  --port DEVICE     the serial port (default: found by USB vendor, as deploy)
  --firmware PATH   a folder with flasher_args.json (as ESP-IDF's build writes it)
                    or manifest.json of the same shape, or one combined image
                    (default: firmware/build/<chip>/)
  --verbose         show esptool-js's own messages
`,
    options: {
        board: { type: "string" },
        port: { type: "string" },
        firmware: { type: "string" },
        verbose: { type: "boolean" },
    },
    async run(values, positionals) {
        if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
        if (typeof values.board !== "string")
            throw new UsageError("--board is required: it decides the chip the firmware is for")
        const board = chosenBoard(values.board)
        let firmware
        try {
            firmware = loadFirmware(typeof values.firmware === "string" ? values.firmware : undefined, board.archId)
            checkChip(firmware, board.archId)
        } catch (e) {
            if (e instanceof FirmwareError) throw new HardwareError(e.message)
            throw e
        }
        const path = choosePort(typeof values.port === "string" ? values.port : undefined)
        const total = firmware.regions.reduce((n, r) => n + r.data.length, 0)
        process.stderr.write(
            `flashing ${firmware.source} (${firmware.regions.length} region${firmware.regions.length > 1 ? "s" : ""}, ${formatBytes(total)}) to ${board.id} on ${path}\n`,
        )
        let last = ""
        const result = await flashFirmware(path, board.archId, firmware, {
            onLog: values.verbose ? (l) => process.stderr.write(`  esptool: ${l.trimEnd()}\n`) : undefined,
            onProgress: (p) => {
                const r = firmware.regions[p.region]
                const line = `  ${r.name} at 0x${r.offset.toString(16)}: ${Math.floor((p.written / Math.max(1, p.total)) * 10) * 10}%`
                if (line !== last) process.stderr.write(`${line}\n`)
                last = line
            },
        })
        process.stdout.write(
            `flashed ${formatBytes(result.bytes)} to the ${result.chip} in ${(result.ms / 1000).toFixed(1)} s; every region verified by MD5\n` +
                (result.autoReset
                    ? "the board was reset into the runtime\n"
                    : "the board was told to start the runtime; if IO0 is still held to GND, release it and press reset\n"),
        )
        return 0
    },
}
