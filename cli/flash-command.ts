import { chosenBoard, type Command, formatBytes, UsageError } from "./board-command"
import { HardwareError } from "../usb/errors"
import { checkFirmware, type Firmware, FirmwareError, loadFirmware } from "../usb/firmware"
import { flashFirmware } from "../usb/flash"
import { choosePort } from "../usb/ports"
import { releaseFirmware } from "../usb/release-firmware"
import { STOCK_RELEASE, stockFirmware } from "../usb/stock-firmware"

export const flashCommand: Command = {
    name: "flash",
    summary: "write the runtime firmware to a board in download mode (checked before, MD5 read back after)",
    usage: `usage: camscript flash --board ID [--port DEVICE] [--firmware stock|FOLDER|FILE] [--verbose]

Writes a runtime to the board with esptool-js (Espressif's flasher): into
download mode (by DTR/RTS where the board has an auto-reset circuit;
otherwise hold IO0 to GND and press reset), the images at their offsets,
each region read back by MD5, then the board restarts into the runtime.

Before the port is opened every image is checked: an ESP-IDF image header
for the board's chip, its checksum and appended SHA-256, each application
within its partition, nothing past the end of the flash the firmware is
built for; a .devs program, an empty file or bytes no board boots from are
refused, saying what was wrong.

  --board ID        the board (see \`camscript boards\`); decides the chip (required)
  --port DEVICE     the serial port (default: found by USB vendor, as deploy)
  --firmware WHAT   where the runtime comes from:
                    (none)  camscript's firmware for the board from the GitHub
                            release of this camscript version (package.json's
                            "repository"; CAMSCRIPT_RELEASES_URL overrides),
                            every file checked against the release manifest
                    stock   DeviceScript's own runtime, devicescript-esp32
                            ${STOCK_RELEASE.tag} (pinned), the chip's image with the
                            board's configuration written at 0x9000, as
                            \`devs flash\` does (CAMSCRIPT_STOCK_RELEASES_URL overrides)
                    FOLDER  a folder with flasher_args.json (ESP-IDF's build) or
                            manifest.json (firmware/build.sh)
                    FILE    one merged image (esptool merge_bin)
                    Downloads are kept in $XDG_CACHE_HOME/camscript/firmware
                    (~/.cache/camscript/firmware), checked again on each use.
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
        if (values.firmware === "") throw new UsageError("--firmware needs stock, a folder or a file")
        const board = chosenBoard(values.board)
        const say = (line: string) => process.stderr.write(`${line}\n`)
        let firmware: Firmware
        let check
        try {
            firmware =
                values.firmware === "stock"
                    ? await stockFirmware(board, { log: say })
                    : typeof values.firmware === "string"
                      ? loadFirmware(values.firmware, board.archId)
                      : await releaseFirmware(board, { log: say })
            // every check before the port is touched (flashFirmware repeats it)
            check = checkFirmware(firmware, board.archId)
        } catch (e) {
            if (e instanceof FirmwareError) throw new HardwareError(e.message)
            throw e
        }
        const path = choosePort(typeof values.port === "string" ? values.port : undefined)
        const total = firmware.regions.reduce((n, r) => n + r.data.length, 0)
        const runtime = check.apps.map((a) => `${a.projectName} ${a.version}`).join(", ")
        say(
            `flashing ${firmware.source} (${firmware.regions.length} region${firmware.regions.length > 1 ? "s" : ""}, ${formatBytes(total)}${runtime ? `, ${runtime}` : ""}) to ${board.id} on ${path}`,
        )
        let last = ""
        const result = await flashFirmware(path, board.archId, firmware, {
            onLog: values.verbose ? (l) => process.stderr.write(`  esptool: ${l.trimEnd()}\n`) : undefined,
            onProgress: (p) => {
                const r = firmware.regions[p.region]
                const line = `  ${r.name} at 0x${r.offset.toString(16)}: ${Math.floor((p.written / Math.max(1, p.total)) * 10) * 10}%`
                if (line !== last) say(line)
                last = line
            },
        })
        process.stdout.write(
            `flashed ${formatBytes(result.bytes)} to the ${result.chip} in ${(result.ms / 1000).toFixed(1)} s; ` +
                "checked before writing (image headers, chip, checksums, SHA-256, partitions, flash size); every region verified by MD5\n" +
                (result.autoReset
                    ? "the board was reset into the runtime\n"
                    : "the board was told to start the runtime; if IO0 is still held to GND, release it and press reset\n"),
        )
        return 0
    },
}
