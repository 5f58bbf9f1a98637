import { closeServePort, openServePort, ServeOptionError, type ServePort, servePort } from "./serve-option"
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { BoardError } from "../project/boards"
import { BOARDS_USAGE, boardsCommand } from "./boards-command"
import {
    cleanBuildCache,
    CompileError,
    compileScript,
    FIRMWARE_KINDS,
    type FirmwareKind,
    ScriptFileError,
} from "../compiler/compile"
import { type FlashStore, loadFlashFile, saveFlashFile } from "../sim/flash-file"
import { fleetCommand } from "./fleet-command"
import { DEFAULT_SIM_TIMEOUT_MS, ImageRefusedError, type OutputLine, runSimulation } from "../sim/session"

import { frameWriter } from "../sim/camera/frame-files"
import { checkUploadDir, uploadWriter } from "../sim/net/upload-files"
import { DRIVER_KINDS, type DriverKind } from "../sim/firmware/drivers"
import { projectSettings, SettingsError } from "../project/settings"
import { projectSecrets, SecretError } from "../project/secrets"
import { chooseBoard } from "../project/board-choice"
import type { TimelineEntry } from "../sim/timeline"
import { colourWanted, formatEntryColoured, paint } from "./colour"
import { watchRuns } from "./watch"
import { formatSimTime, parseDuration, simStamp, stampWidth } from "../project/duration"
import { loadWorldFile, WorldError } from "../sim/world/world"
import { hardwareCommand, hardwareCommandNames, hardwareUsage } from "./board-commands"
import { ArgumentError, type OptionSpecs, type ParsedArgs, parseCommandArgs } from "./args"
import { packageVersion, usageHint } from "./help"
import { didYouMean } from "../project/suggest"
import { runTests, TEST_USAGE, TestFilesError } from "./test-command"
import { reportCollector, ReportFileError } from "./report-file"
import { INIT_USAGE, initCommand, InitError } from "./init-command"
import { JSON_LINES_VERSION, type JsonLine, jsonLine, outputLine, timelineLine } from "./json-lines"
import { checkDestination, DestinationError, writeProblem } from "../project/destinations"
import { printable, printableLines } from "../project/printable"

// `camscript`: the command line. Exit codes: 0 the script finished (its top
// level returned and nothing is pending: src/pending.ts) or --run-for
// passed, 1 it threw (or did not compile), 2 usage, world or board errors,
// 124 the simulated --timeout passed.

const SIM_USAGE = `usage: camscript sim <script.ts> [--world FILE] [--board ID] [--timeout DURATION | --run-for DURATION] [--driver model|firmware] [--firmware camscript|stock] [--flash FILE] [--frames DIR] [--out DIR] [--secret KEY=VALUE]... [--realtime] [--serve PORT] [--verbose] [--no-timeline] [--json] [--report FILE.html] [--watch]
       camscript sim [<script.ts>] --world SITE.json [--json] ...   (a world with cameras: all of them)

Compiles <script.ts> to DeviceScript bytecode and runs it on the VM in the
simulator, against a world file (default: devicescript.json "world").

  --world FILE        the radio world (JSON, see docs/world-format.md)
  --board ID          the board (see camscript boards); overrides devicescript.json's
                      board, which overrides the world's
  --timeout DURATION  stop after this much SIMULATED time, exit 124 (default ${DEFAULT_SIM_TIMEOUT_MS / 60000}m)
  --run-for DURATION  run this much simulated time and stop, exit 0 (for scripts
                      that keep running: handlers, timers)
  --driver KIND       the network drivers: model (default, the simulator's) or
                      firmware (the firmware's C drivers, built to WebAssembly)
  --firmware KIND     the board's runtime: camscript (default) or stock (the stock
                      DeviceScript firmware: only its Wi-Fi service, station only)
  --flash FILE        keep the board's flash in FILE from run to run, as a restart
                      keeps it (fast reconnect's memory of the last access point)
  --frames DIR        keep every frame the script captured in DIR, as JPEG files
                      named by camera and sequence (camera-000012.jpg)
  --out DIR           keep what the world's servers received: each frame a server
                      kept as a JPEG named by time, camera and server, and every
                      upload a line of DIR/uploads.jsonl (docs/upload.md)
  --secret KEY=VALUE  put a setting on the board before the script starts, which
                      reads it with settings.get("KEY"); repeatable; added to the
                      devicescript.json "secrets" file's. Never compiled into the
                      image, never printed
  --realtime          run on the wall clock instead of virtual time
  --serve PORT        the camera's HTTP server (cam.serve(): live stream and
                      snapshots) on http://127.0.0.1:PORT while the run lasts;
                      runs in real time (docs/streaming.md)
  --no-timeline       do not print the link timeline (stderr)
  --report FILE.html  write a page drawing each link's state and RSSI over simulated
                      time, the world's events, and the script's output
  --watch             run again whenever the script, a file it imports, the world
                      or devicescript.json is saved (Ctrl-C ends)
  --json              one JSON object per line on stdout: start, output, timeline,
                      notice, outcome (docs/cli.md)
  --verbose           also print the VM's own messages
`

const SIM_OPTIONS: OptionSpecs = {
    world: { type: "string", value: "FILE" },
    timeout: { type: "string", value: "DURATION" },
    realtime: { type: "boolean" },
    serve: { type: "string", value: "PORT" },
    driver: { type: "string", value: "model|firmware" },
    firmware: { type: "string", value: "camscript|stock" },
    flash: { type: "string", value: "FILE" },
    frames: { type: "string", value: "DIR" },
    out: { type: "string", value: "DIR" },
    secret: { type: "string", value: "KEY=VALUE", multiple: true },
    verbose: { type: "boolean" },
    "no-timeline": { type: "boolean" },
    board: { type: "string", value: "ID" },
    "run-for": { type: "string", value: "DURATION" },
    json: { type: "boolean" },
    report: { type: "string", value: "FILE.html" },
    watch: { type: "boolean" },
}

const USAGE = `usage: camscript <command> [options]   (camscript help <command> for its options)

  camscript sim <script.ts>  run a script in the simulator, against a world
  camscript init [dir]       start a project (or add to one: nothing overwritten): package.json, tsconfig, a script, a world, a test
  camscript test [files]     run your tests of your scripts (*.test.ts, node:test)
  camscript boards [WORD]    list the boards (chip, interfaces, camera, PSRAM), narrowed by words
  camscript clean            empty the build cache (compiled images hold the scripts' source, passwords included)
  camscript help <command>   a command's own help
  camscript --version        camscript's version

with a board (each takes --help):
${hardwareUsage()}`

class UsageError extends Error {}

interface LocalCommand {
    usage: string
    options: OptionSpecs
    run(values: ParsedArgs["values"], positionals: string[]): number | Promise<number>
}

const COMMANDS: Record<string, LocalCommand> = {
    sim: { usage: SIM_USAGE, options: SIM_OPTIONS, run: (values, positionals) => sim(positionals, values) },
    boards: { usage: BOARDS_USAGE, options: { json: { type: "boolean" } }, run: boardsCommand },
    test: { usage: TEST_USAGE, options: {}, run: (_values, positionals) => runTests(positionals) },
    init: {
        usage: INIT_USAGE,
        options: { from: { type: "string", value: "SPEC" } },
        run: (values, positionals) => initCommand(positionals, values.from as string | undefined),
    },
    clean: {
        usage: "usage: camscript clean\n\nEmpties the build cache (compiled images hold the scripts' source, passwords included).\n",
        options: {},
        run: clean,
    },
}

export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv
    const hardware = hardwareCommand(command)
    if (hardware) return hardware(rest)
    const local = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    const json = local !== undefined && Object.hasOwn(local.options, "json") && rest.includes("--json")
    try {
        if (command === undefined) throw new UsageError("no command given")
        if (command === "--help" || command === "-h") return say(USAGE)
        if (command === "--version" || command === "-V") return say(`camscript ${packageVersion()}\n`)
        if (command === "help") return await help(rest)
        if (!local) throw new UsageError(unknownCommand(command))
        const { values, positionals } = parseCommandArgs(rest, {
            ...local.options,
            help: { type: "boolean", short: "h" },
        })
        if (values.help) return say(local.usage)
        return await local.run(values, positionals)
    } catch (e) {
        return reportFailure(e, command, local, json)
    }
}

/** Says what went wrong (a failure the CLI knows) and gives its exit code; rethrows an internal error. */
function reportFailure(
    e: unknown,
    command: string | undefined,
    local: LocalCommand | undefined,
    json: boolean,
): number {
    const code = failureExitCode(e)
    if (code === undefined) {
        // an internal error: --json still ends with its outcome line
        if (json)
            process.stdout.write(
                jsonLine({
                    type: "outcome",
                    outcome: "internal-error",
                    exitCode: 3,
                    error: String((e as Error)?.message ?? e),
                }),
            )
        throw e
    }
    // with --json the failure is also the last line on stdout
    if (json)
        process.stdout.write(
            jsonLine({ type: "outcome", outcome: "not-run", exitCode: code, error: (e as Error).message }),
        )
    if (e instanceof ArgumentError || (e instanceof UsageError && local)) {
        // a short hint, not the whole usage: the mistake stays on screen
        process.stderr.write(`camscript ${command}: ${e.message}\n${usageHint(command!, local!.usage)}`)
    } else if (e instanceof UsageError) {
        process.stderr.write(`camscript: ${e.message}\n(camscript --help lists the commands)\n`)
    } else if (e instanceof CompileError) {
        process.stderr.write(`camscript: the script did not compile:\n${e.message}\n`)
    } else {
        process.stderr.write(`camscript: ${(e as Error).message}\n`)
    }
    return code
}

function failureExitCode(e: unknown): number | undefined {
    if (e instanceof ArgumentError || e instanceof UsageError) return 2
    if (
        e instanceof WorldError ||
        e instanceof BoardError ||
        e instanceof ScriptFileError ||
        e instanceof SettingsError ||
        e instanceof SecretError ||
        e instanceof TestFilesError ||
        e instanceof InitError ||
        e instanceof ReportFileError ||
        e instanceof DestinationError ||
        e instanceof ServeOptionError
    )
        return 2
    if (e instanceof CompileError || e instanceof ImageRefusedError) return 1
    return undefined
}

/** A duration option: milliseconds, or "20s", "2m", ... */
function durationOption(flag: string, text: string): number {
    try {
        return parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text)
    } catch (e) {
        throw new UsageError(`${flag}: ${(e as Error).message}`)
    }
}

function say(text: string): number {
    process.stdout.write(text)
    return 0
}

function unknownCommand(command: string): string {
    const names = [...Object.keys(COMMANDS), ...hardwareCommandNames(), "help"]
    if (command.startsWith("-"))
        return `unknown option ${command}${didYouMean(command.replace(/^-+/, ""), ["help", "version", ...Object.keys(SIM_OPTIONS)], (s) => `--${s}`)} (a command's options go after it: camscript sim <script.ts> --world FILE)`
    // nothing close: say what the commands are, not only where to look them up
    return `unknown command "${command}"${didYouMean(command, names) || `; the commands are ${names.join(", ")}`}`
}

/** `camscript help [command]` */
async function help(args: string[]): Promise<number> {
    const [name] = args
    if (name === undefined) return say(USAGE)
    if (Object.hasOwn(COMMANDS, name)) return say(COMMANDS[name].usage)
    const hardware = hardwareCommand(name)
    if (hardware) return hardware(["--help"])
    throw new UsageError(unknownCommand(name))
}

/** For commands that take no arguments: one given by mistake is an error, not silently ignored. */
function noArguments(command: string, positionals: string[]) {
    if (positionals.length)
        throw new UsageError(
            `${command} takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(" ")}`,
        )
}

function clean(_values: ParsedArgs["values"], positionals: string[]): number {
    // `clean foo` must not empty the whole cache while the user meant something narrower
    noArguments("clean", positionals)
    const { dir, entries, bytes } = cleanBuildCache()
    process.stdout.write(`removed ${entries} cached build(s), ${(bytes / 1024).toFixed(0)} KB, from ${dir}\n`)
    return 0
}

async function sim(args: string[], values: ParsedArgs["values"]): Promise<number> {
    if (values.watch !== true) return simOnce(args, values)
    if (values.json === true || values.realtime === true || values.serve !== undefined)
        throw new UsageError("--watch reruns on the terminal: not with --json, --realtime or --serve")
    return watchRuns((watched) =>
        simOnce(args, values, watched).catch((e: unknown) => reportFailure(e, "sim", COMMANDS.sim, false)),
    )
}

/** One run of `sim`; the files it read (script, its imports, world, settings) go into `watched`. */
async function simOnce(args: string[], values: ParsedArgs["values"], watched?: Set<string>): Promise<number> {
    // --serve's host port is taken before the compile and the run: a clash is said at once
    const serve = typeof values.serve === "string" ? await openServePort(servePort(values.serve)) : undefined
    try {
        return await simRun(args, values, watched, serve)
    } finally {
        if (serve) await closeServePort(serve.server)
    }
}

async function simRun(
    args: string[],
    values: ParsedArgs["values"],
    watched: Set<string> | undefined,
    serve: ServePort | undefined,
): Promise<number> {
    const opts = values as {
        world?: string
        timeout?: string
        realtime?: boolean
        serve?: string
        driver?: string
        firmware?: string
        flash?: string
        frames?: string
        out?: string
        secret?: string[]
        verbose?: boolean
        "no-timeline"?: boolean
        board?: string
        "run-for"?: string
        json?: boolean
        report?: string
    }
    const json = opts.json === true
    const emit = (line: JsonLine) => process.stdout.write(jsonLine(line))
    if (args.length > 1) throw new UsageError(`sim takes one script, got ${args.length}`)
    const settings = projectSettings(args[0] ?? opts.world ?? ".")
    const worldFile = opts.world !== undefined ? resolve(opts.world) : settings.worldFile
    // watched before anything can fail: a world, settings or script error is
    // fixed by saving one of these, and --watch must see that save
    watched?.add(worldFile)
    if (args[0] !== undefined) watched?.add(resolve(args[0]))
    if (settings.file) watched?.add(settings.file)
    if (opts.timeout !== undefined && opts["run-for"] !== undefined)
        throw new UsageError("--timeout and --run-for both set how long the run lasts: give one")
    const runFor = opts["run-for"] !== undefined ? durationOption("--run-for", opts["run-for"]) : undefined
    const timeoutMs = runFor ?? (opts.timeout !== undefined ? durationOption("--timeout", opts.timeout) : undefined)
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
    // before anything runs: a bad --secret is a usage error
    const secrets = projectSecrets(settings, opts.secret ?? [])
    if (settings.secretsFile && existsSync(settings.secretsFile)) watched?.add(settings.secretsFile)
    const world = loadWorldFile(worldFile)
    if (world.cameras) {
        if (secrets.length)
            throw new UsageError("--secret and the secrets file are for one camera, not a world with cameras")
        // a fleet: the script given (if any) is for the cameras that name none
        if (opts.realtime || opts.driver === "firmware")
            throw new UsageError("a world with cameras runs in virtual time on the simulator's drivers")
        if (firmware === "stock")
            throw new UsageError("--firmware stock is for one camera; a world with cameras runs camscript's drivers")
        if (opts.report !== undefined || watched)
            throw new UsageError("--report and --watch are for one camera; a world with cameras prints its summary")
        if (opts.frames !== undefined)
            throw new UsageError("--frames is for one camera: a fleet's cameras have no sensor model yet")
        if (serve)
            throw new UsageError(
                "--serve is for one camera: a world with cameras runs in virtual time, and a browser watches in real time",
            )
        if (opts.out !== undefined) checkUploadDir(opts.out, `--out ${opts.out}`)
        return fleetCommand(world, settings, args[0], {
            // each file and index line names the camera that sent it
            onUpload: opts.out !== undefined ? uploadWriter(resolve(opts.out)) : undefined,
            timeoutMs,
            verbose: opts.verbose,
            showTimeline: !opts["no-timeline"],
            json,
            worldFile,
        })
    }
    if (args.length !== 1) throw new UsageError("sim needs a script")
    let flash: FlashStore | undefined
    try {
        flash = opts.flash !== undefined ? loadFlashFile(resolve(opts.flash)) : undefined
    } catch (e) {
        throw new UsageError(`--flash: ${(e as Error).message}`)
    }
    // where the run's files go is checked before the compile and the run, not found wrong after them
    if (opts.flash !== undefined) checkDestination(opts.flash, `--flash ${opts.flash}`)
    if (opts.out !== undefined) checkUploadDir(opts.out, `--out ${opts.out}`)
    const report = opts.report !== undefined ? reportCollector(opts.report) : undefined
    const { board, notice } = chooseBoard({ flag: opts.board, settings, world })
    if (notice) process.stderr.write(`camscript: ${notice}\n`)
    if (serve && (firmware === "stock" || !board.camscript?.camera || board.camscript.camera.sensor === null))
        throw new UsageError(
            `--serve: ${firmware === "stock" ? "the stock firmware has no camera server" : `board ${board.id} has no camera to serve`}`,
        )
    if (notice && json) emit({ type: "notice", text: notice })
    // on a terminal: what is being compiled, and how long it took (a cached build says nothing)
    const colour = colourWanted(process.stderr)
    const started = performance.now()
    if (colour) process.stderr.write(paint(`compiling ${args[0]} for ${board.id}…`, "grey", true))
    watched?.add(worldFile).add(resolve(args[0]))
    if (settings.file) watched?.add(settings.file)
    let script
    try {
        script = await compileScript(args[0], { board, hostname: settings.network.hostname, firmware })
        for (const file of script.userFiles.values()) watched?.add(file)
    } finally {
        // the line is replaced by what follows: the time taken, an error, or nothing (a cached build)
        if (colour) process.stderr.write("\r\u001b[K")
    }
    if (colour && !script.fromCache)
        process.stderr.write(
            `${paint(`compiled ${args[0]} for ${board.id} in ${((performance.now() - started) / 1000).toFixed(2)}s`, "grey", true)}\n`,
        )

    const showTimeline = !opts["no-timeline"]
    // one stamp width for the whole run: wider than 9 columns only when the run may pass 9,999.999 s
    const width = stampWidth(timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS)
    const onOutput = json
        ? (line: OutputLine) => emit(outputLine(line))
        : (line: OutputLine) => process.stdout.write(`${simStamp(line.atMs, width)} ${printable(line.text)}\n`)
    const onTimeline = !showTimeline
        ? undefined
        : json
          ? (e: TimelineEntry) => emit(timelineLine(e))
          : (e: TimelineEntry) => process.stderr.write(`${formatEntryColoured(e, colour, width)}\n`)
    if (json) emit({ type: "start", version: JSON_LINES_VERSION, script: args[0], world: worldFile, board: board.id })
    if (serve) {
        const where = `the camera's server is on ${serve.url} once the script calls cam.serve(); the run is in real time`
        process.stderr.write(`camscript: ${where}\n`)
        if (json) emit({ type: "notice", text: where })
    }
    const result = await runSimulation({
        script,
        world,
        board,
        timeoutMs,
        // a person watching the live view waits in wall time
        realtime: opts.realtime || serve !== undefined,
        serve,
        // printed as they come: a run of months must not hold them all
        keepRecords: false,
        flash,
        settings: secrets,
        driver,
        firmware,
        onFrame: opts.frames !== undefined ? frameWriter(resolve(opts.frames)) : undefined,
        onUpload: opts.out !== undefined ? uploadWriter(resolve(opts.out)) : undefined,
        onOutput: report ? report.tee(onOutput) : onOutput,
        onTimeline: report ? report.teeTimeline(onTimeline) : onTimeline,
        onDiagnostic: opts.verbose ? (l) => process.stderr.write(`  vm: ${printable(l)}\n`) : undefined,
    })
    // the files the run fills: a failure to write one is said, never a stack trace, and the
    // run's own outcome still reaches --json's last line
    const unwritten: string[] = []
    if (flash && opts.flash !== undefined)
        try {
            saveFlashFile(resolve(opts.flash), flash)
        } catch (e) {
            unwritten.push(`--flash ${opts.flash}: not written: ${writeProblem(e)}`)
        }
    const summary = `${formatSimTime(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(2)}s`
    try {
        report?.write({
            script: args[0],
            world: worldFile,
            board: board.id,
            outcome: result.outcome === "timeout" && runFor !== undefined ? "ran-for" : result.outcome,
            simulatedMs: result.simulatedMs,
        })
    } catch (e) {
        if (!(e instanceof ReportFileError)) throw e
        unwritten.push(e.message)
    }
    const runExit = result.outcome === "timeout" ? (runFor !== undefined ? 0 : 124) : result.exitCode
    // a file asked for and not written fails a run that otherwise passed (exit 2)
    const exitCode = unwritten.length && runExit === 0 ? 2 : runExit
    for (const problem of unwritten) process.stderr.write(`camscript: ${problem}\n`)
    if (json)
        emit({
            type: "outcome",
            outcome: result.outcome === "timeout" && runFor !== undefined ? "ran-for" : result.outcome,
            exitCode,
            simulatedMs: result.simulatedMs,
            wallMs: Math.round(result.wallMs),
            ...(result.error !== undefined ? { error: result.error } : {}),
            ...(unwritten.length ? { unwritten } : {}),
        })
    switch (result.outcome) {
        case "finished":
            if (showTimeline) process.stderr.write(`camscript: script finished (${summary})\n`)
            return exitCode
        case "error":
            process.stderr.write(`camscript: the script threw: ${printableLines(result.error ?? "")}\n(${summary})\n`)
            return 1
        case "timeout":
            if (runFor !== undefined) {
                if (showTimeline)
                    process.stderr.write(`camscript: ran for --run-for ${formatSimTime(runFor)} (${summary})\n`)
                return exitCode
            }
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
