import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { BoardError, listBoards, loadBoard } from "./boards"
import {
    cleanBuildCache,
    CompileError,
    compileScript,
    FIRMWARE_KINDS,
    type FirmwareKind,
    ScriptFileError,
} from "./compile"
import { type FlashStore, loadFlashFile, saveFlashFile } from "./flash-file"
import { fromRoot } from "./paths"
import { DEFAULT_SIM_TIMEOUT_MS, runSimulation } from "./session"
import { DRIVER_KINDS, type DriverKind } from "./firmware/drivers"
import { fleetCommand } from "./fleet/command"
import { loadSettings } from "./settings"
import { formatEntry } from "./timeline"
import { formatSimTime, parseDuration } from "./world/duration"
import { loadWorldFile, WorldError } from "./world/world"
import { hardwareCommand, hardwareUsage } from "../usb/commands"

// `camscript`: the command line. Exit codes: 0 the script's top level
// finished, 1 it threw (or did not compile), 2 usage, world or board errors,
// 124 the simulated --timeout passed.

const USAGE = `usage:
  camscript sim [<script.ts>] --world SITE.json [--json] ...   (a world with cameras: all of them)
  camscript sim <script.ts> [--world FILE] [--timeout DURATION] [--driver model|firmware] [--firmware camscript|stock] [--realtime] [--verbose] [--no-timeline]
  camscript boards
  camscript clean

sim     compile <script.ts> to DeviceScript bytecode and run it on the VM in the
        simulator, against a world file (default: devicescript.json "world").
        --world FILE        the radio world (JSON, see docs/world-format.md)
        --timeout DURATION  stop after this much SIMULATED time, exit 124 (default ${DEFAULT_SIM_TIMEOUT_MS / 60000}m)
        --driver KIND       the network drivers: model (default, the simulator's) or
                            firmware (the firmware's C drivers, built to WebAssembly)
        --firmware KIND     the board's runtime: camscript (default) or stock (the stock
                            DeviceScript firmware: only its Wi-Fi service, station only)
        --flash FILE        keep the board's flash in FILE from run to run, as a restart
                            keeps it (fast reconnect's memory of the last access point)
        --realtime          run on the wall clock instead of virtual time
        --no-timeline       do not print the link timeline (stderr)
        --verbose           also print the VM's own messages
boards  list the boards and their network interfaces
clean   empty the build cache (compiled images hold the scripts' source, passwords included)

with a board (each takes --help):
${hardwareUsage()}`

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
    const hardware = hardwareCommand(argv[0])
    if (hardware) return hardware(argv.slice(1))
    let parsed
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                world: { type: "string" },
                timeout: { type: "string" },
                realtime: { type: "boolean" },
                driver: { type: "string" },
                firmware: { type: "string" },
                flash: { type: "string" },
                verbose: { type: "boolean" },
                "no-timeline": { type: "boolean" },
                json: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        })
    } catch (e) {
        process.stderr.write(`camscript: ${(e as Error).message}\n${USAGE}`)
        return 2
    }
    const { values, positionals } = parsed
    const [command, ...rest] = positionals
    if (values.help) {
        process.stdout.write(USAGE)
        return 0
    }
    if (!command) {
        // a usage error: said on stderr, like every other failure
        process.stderr.write(`camscript: no command given\n${USAGE}`)
        return 2
    }
    try {
        if (command === "boards") return boards()
        if (command === "clean") return clean()
        if (command === "sim") return await sim(rest, values)
        throw new UsageError(`unknown command "${command}"`)
    } catch (e) {
        if (e instanceof UsageError) {
            process.stderr.write(`camscript: ${e.message}\n${USAGE}`)
            return 2
        }
        if (e instanceof WorldError || e instanceof BoardError || e instanceof ScriptFileError) {
            process.stderr.write(`camscript: ${e.message}\n`)
            return 2
        }
        if (e instanceof CompileError) {
            process.stderr.write(`camscript: the script did not compile:\n${e.message}\n`)
            return 1
        }
        throw e
    }
}

function boards(): number {
    for (const b of listBoards())
        process.stdout.write(`${b.id.padEnd(28)} ${b.interfaces.join("+").padEnd(9)} ${b.name}\n`)
    return 0
}

function clean(): number {
    const { dir, entries, bytes } = cleanBuildCache()
    process.stdout.write(`removed ${entries} cached build(s), ${(bytes / 1024).toFixed(0)} KB, from ${dir}\n`)
    return 0
}

async function sim(
    args: string[],
    opts: {
        world?: string
        timeout?: string
        realtime?: boolean
        driver?: string
        firmware?: string
        flash?: string
        verbose?: boolean
        "no-timeline"?: boolean
        json?: boolean
    },
): Promise<number> {
    if (args.length > 1) throw new UsageError(`sim takes one script, got ${args.length}`)
    const settings = loadSettings()
    const worldFile = opts.world !== undefined ? resolve(opts.world) : fromRoot(settings.world)
    let timeoutMs: number | undefined
    if (opts.timeout !== undefined) {
        try {
            timeoutMs = parseDuration(/^\d+(\.\d+)?$/.test(opts.timeout) ? Number(opts.timeout) : opts.timeout)
        } catch (e) {
            throw new UsageError(`--timeout: ${(e as Error).message}`)
        }
    }
    const driver = (opts.driver ?? "model") as DriverKind
    if (!DRIVER_KINDS.includes(driver))
        throw new UsageError(`--driver: "${opts.driver}" is not a driver; use ${DRIVER_KINDS.join(" or ")}`)
    const firmware = (opts.firmware ?? "camscript") as FirmwareKind
    if (!FIRMWARE_KINDS.includes(firmware))
        throw new UsageError(`--firmware: "${opts.firmware}" is not a firmware; use ${FIRMWARE_KINDS.join(" or ")}`)
    if (firmware === "stock" && driver === "firmware")
        throw new UsageError(
            "--driver firmware runs camscript's C drivers; the stock firmware has none: drop one of them",
        )
    const world = loadWorldFile(worldFile)
    if (world.cameras) {
        // a fleet: the script given (if any) is for the cameras that name none
        if (opts.realtime || opts.driver === "firmware")
            throw new UsageError("a world with cameras runs in virtual time on the simulator's drivers")
        if (firmware === "stock")
            throw new UsageError("--firmware stock is for one camera; a world with cameras runs camscript's drivers")
        const showTimeline = !opts["no-timeline"]
        return fleetCommand(world, settings, args[0], {
            timeoutMs,
            verbose: opts.verbose,
            showTimeline,
            json: opts.json,
        })
    }
    if (args.length !== 1) throw new UsageError("sim needs a script")
    if (opts.json) throw new UsageError("--json reports a fleet: it needs a world with cameras")
    const board = loadBoard(world.board ?? settings.board)
    const script = await compileScript(args[0], { board, hostname: settings.network.hostname, firmware })
    let flash: FlashStore | undefined
    try {
        flash = opts.flash !== undefined ? loadFlashFile(resolve(opts.flash)) : undefined
    } catch (e) {
        throw new UsageError(`--flash: ${(e as Error).message}`)
    }

    const showTimeline = !opts["no-timeline"]
    const result = await runSimulation({
        script,
        world,
        board,
        timeoutMs,
        realtime: opts.realtime,
        // printed as they come: a run of months must not hold them all
        keepRecords: false,
        flash,
        driver,
        firmware,
        onOutput: (line) => process.stdout.write(`[${formatSimTime(line.atMs).padStart(9)}] ${line.text}\n`),
        onTimeline: showTimeline ? (e) => process.stderr.write(`${formatEntry(e)}\n`) : undefined,
        onDiagnostic: opts.verbose ? (l) => process.stderr.write(`  vm: ${l}\n`) : undefined,
    })
    if (flash && opts.flash !== undefined) saveFlashFile(resolve(opts.flash), flash)
    const summary = `${formatSimTime(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(2)}s`
    switch (result.outcome) {
        case "finished":
            if (showTimeline) process.stderr.write(`camscript: script finished (${summary})\n`)
            return 0
        case "error":
            process.stderr.write(`camscript: the script threw: ${result.error}\n(${summary})\n`)
            return 1
        case "timeout":
            process.stderr.write(
                `camscript: --timeout ${formatSimTime(result.simulatedMs)} of simulated time passed; stopped (${summary})\n`,
            )
            return 124
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`camscript: internal error: ${(e as Error).stack ?? e}\n`)
            process.exit(3)
        },
    )
}
