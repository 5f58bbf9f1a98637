import { parseArgs, type ParseArgsConfig } from "node:util"
import { BoardError, type BoardInfo, loadBoard } from "../sim/boards"
import { CompileError, FIRMWARE_KINDS, type FirmwareKind } from "../sim/compile"
import { loadSettings } from "../sim/settings"
import { WorldError } from "../sim/world/world"
import { ProgramFileError } from "./program"

// The frame every hardware command shares: its own --help, and the CLI's
// exit codes (0 done, 1 the board or script failed, 2 usage or input errors).

export class UsageError extends Error {}

/** `--firmware`: the runtime the image is built for (default camscript). */
export function chosenFirmware(value: unknown): FirmwareKind | undefined {
    if (value === undefined) return undefined
    if (!FIRMWARE_KINDS.includes(value as FirmwareKind))
        throw new UsageError(`--firmware: "${String(value)}" is not a firmware; use ${FIRMWARE_KINDS.join(" or ")}`)
    return value as FirmwareKind
}

/** A failure on the hardware path, told to the user as is (exit 1). */
export class HardwareError extends Error {}

export interface Command {
    name: string
    /** one line for `camscript --help` */
    summary: string
    usage: string
    options: NonNullable<ParseArgsConfig["options"]>
    run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>
}

export async function runCommand(command: Command, argv: string[]): Promise<number> {
    let parsed
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: { ...command.options, help: { type: "boolean", short: "h" } },
        })
    } catch (e) {
        process.stderr.write(`camscript ${command.name}: ${(e as Error).message}\n${command.usage}`)
        return 2
    }
    if (parsed.values.help) {
        process.stdout.write(command.usage)
        return 0
    }
    try {
        return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals)
    } catch (e) {
        if (e instanceof UsageError) {
            process.stderr.write(`camscript ${command.name}: ${e.message}\n${command.usage}`)
            return 2
        }
        if (e instanceof BoardError || e instanceof WorldError || e instanceof ProgramFileError) {
            process.stderr.write(`camscript ${command.name}: ${e.message}\n`)
            return 2
        }
        if (e instanceof CompileError) {
            process.stderr.write(`camscript ${command.name}: the script did not compile:\n${e.message}\n`)
            return 1
        }
        if (e instanceof HardwareError) {
            process.stderr.write(`camscript ${command.name}: ${e.message}\n`)
            return 1
        }
        throw e
    }
}

/** --board, else devicescript.json's board. */
export function chosenBoard(id: unknown): BoardInfo {
    return loadBoard(typeof id === "string" ? id : loadSettings().board)
}

export function formatBytes(n: number): string {
    return n < 10_000
        ? `${n} bytes`
        : n < 10_000_000
          ? `${(n / 1024).toFixed(1)} KiB`
          : `${(n / 1048576).toFixed(2)} MiB`
}
