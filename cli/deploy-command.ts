import { chosenBoard, chosenFirmware, type Command, formatBytes, UsageError } from "./board-command"
import { deployProgram } from "../usb/deploy"
import { writeBoardSettings } from "../usb/settings-write"
import { projectSecrets } from "../project/secrets"
import { projectSettings } from "../project/settings"
import { ConsoleLines } from "../usb/console-lines"
import { followUntil } from "../usb/monitor"
import { choosePort } from "../usb/ports"
import { loadProgram, readProgram, rememberProgram } from "../usb/program"
import { checkImageBoard, checkImageForRuntime, storeShare } from "../usb/image-check"
import { loadBoard } from "../project/boards"
import { runtimeFor } from "../project/runtime"
import { parseForDuration } from "./monitor-command"
import { crashSummary } from "../usb/restarts"

export const deployCommand: Command = {
    name: "deploy",
    summary: "put a script (or a built .devs image) on the board over USB",
    usage: `usage: camscript deploy <script.ts | file.devs> [--port DEVICE] [--board ID] [--firmware camscript|stock] [--secret KEY=VALUE]... [--monitor [--for DURATION] [--timestamps]]

Builds <script.ts> for the board (or takes a built image) and deploys it over
USB through the board's DeviceScript manager: skipped when the board already
runs this exact image (same SHA-256); otherwise the program is stopped, the
image streamed, the program started again and its hash checked.

  --port DEVICE    the board's serial port (default: the one USB serial port from
                   Espressif 303a, Silicon Labs 10c4, WCH 1a86 or FTDI 0403)
  --board ID       the board to build for (default: devicescript.json "board")
  --firmware KIND  the runtime the board has, for a script: camscript (default) or
                   stock (the stock DeviceScript ESP32 firmware: Wi-Fi station only)
  --secret KEY=VALUE  write a setting to the board after the upload, before the
                   program starts (it reads it with settings.get("KEY")); repeatable;
                   added to the devicescript.json "secrets" file's. Never in the image
  --monitor        then follow the board's console, as \`camscript monitor\`: each
                   restart marked with its cause; exit 1 when the program crashed
                   while watched
  --for DURATION   with --monitor: stop following after DURATION (e.g. 30s)
  --timestamps     with --monitor: each line stamped with the seconds since the start
`,
    options: {
        port: { type: "string" },
        board: { type: "string" },
        firmware: { type: "string" },
        monitor: { type: "boolean" },
        for: { type: "string" },
        timestamps: { type: "boolean" },
        secret: { type: "string", multiple: true },
    },
    async run(values, positionals) {
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length
                    ? `deploy takes one script or image, got ${positionals.length}`
                    : "deploy needs a script (.ts) or an image (.devs)",
            )
        const forMs = parseForDuration(values.for)
        // without --monitor the deploy returns once the program started: nothing would use them
        for (const name of ["for", "timestamps"] as const)
            if (values[name] !== undefined && values.monitor !== true)
                throw new UsageError(
                    `--${name} applies to --monitor only (deploy returns once the program has started); add --monitor, as in camscript deploy script.ts --monitor --for 30s`,
                )
        const { program, result, path, attach } = await deployInput(values, positionals[0], {
            keepOpen: values.monitor === true,
            purpose: "board",
        })
        if (!result.link) return 0
        const link = result.link
        const began = Date.now()
        const lines = new ConsoleLines({
            program,
            deployed: true,
            timestamps: values.timestamps === true,
            print: (l) => process.stdout.write(`${l}\n`),
        })
        attach(lines)
        const stopped = await followUntil(forMs, () => link.lost)
        lines.flush()
        await link.close()
        if (stopped === "lost")
            process.stderr.write(`camscript deploy: the board's port ${path} closed: unplugged or reset?\n`)
        const crashed = crashSummary(lines.restarts, Date.now() - began)
        if (crashed) process.stderr.write(`camscript deploy: ${crashed}\n`)
        return stopped === "lost" || crashed ? 1 : 0
    },
}

/**
 * What deploy and run share: the input checked (a script built for the
 * board, or a built image), secrets, the port, the upload, and what it
 * printed. With keepOpen, `attach` hands the console lines logged so far,
 * and all later ones, to `lines`.
 */
export async function deployInput(
    values: Record<string, string | boolean | string[] | undefined>,
    input: string,
    options: { keepOpen: boolean; purpose: "board" | "run" },
) {
    // refused before the port is touched: a bad --secret is a usage error
    const secrets = projectSecrets(projectSettings(input), (values.secret as string[] | undefined) ?? [])
    const firmware = chosenFirmware(values.firmware)
    const runtime = runtimeFor(firmware)
    // a built image is read and checked before anything else: no port is opened for an image no board takes
    const image = input.endsWith(".devs") ? readProgram(input) : undefined
    // a built image goes to the board it was built for, unless --board names another (then refused)
    const board =
        image?.board !== undefined && values.board === undefined
            ? loadBoard(image.board)
            : chosenBoard(values.board, input)
    if (image) {
        checkImageForRuntime(image, runtime)
        checkImageBoard(image, board)
    }
    // the port next: no compile before learning there is no board
    const path = choosePort(typeof values.port === "string" ? values.port : undefined)
    const program = image ?? (await loadProgram(input, board, firmware, options.purpose))
    const shown = input
    process.stderr.write(
        `deploying ${shown} (${formatBytes(program.image.length)}, ${storeShare(program.image.length, runtime)}) to ${path}\n`,
    )
    let shownStep = -1
    // with --monitor the log is followed on the deploy's own connection: no output is lost between the two
    const earlier: string[] = []
    let lines: ConsoleLines | undefined
    const result = await deployProgram(path, program, {
        board,
        runtime,
        keepOpen: options.keepOpen,
        beforeStart: secrets.length ? (manager) => writeBoardSettings(manager, secrets) : undefined,
        onProgramLog: (line) => (lines ? lines.pushLine(line) : earlier.push(line)),
        onProgress: (p) => {
            const step = Math.floor(p * 10)
            if (step !== shownStep && process.stderr.isTTY) process.stderr.write(`\r  ${Math.round(p * 100)}%`)
            shownStep = step
        },
    })
    rememberProgram(program)
    if (process.stderr.isTTY && !result.skipped) process.stderr.write("\r")
    process.stdout.write(
        result.skipped
            ? `upload skipped: the board already holds this image (sha256 ${result.sha256.slice(0, 16)}…); program restarted\n`
            : `deployed ${result.bytes} bytes in ${(result.ms / 1000).toFixed(2)} s (sha256 ${result.sha256.slice(0, 16)}… checked)\n`,
    )
    // keys only: a value is never printed
    if (secrets.length)
        process.stdout.write(
            `wrote ${secrets.length} secret(s) to the board's settings: ${secrets.map((s) => s.key).join(", ")}\n`,
        )
    return {
        program,
        result,
        path,
        attach(to: ConsoleLines) {
            lines = to
            for (const line of earlier) to.pushLine(line)
        },
    }
}
