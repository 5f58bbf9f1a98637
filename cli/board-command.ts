import type { ParseArgsConfig } from "node:util"
import { ArgumentError, type OptionSpecs, parseCommandArgs } from "./args"
import { usageHint } from "./help"
import { BoardError, type BoardInfo } from "../project/boards"
import { CompileError, FIRMWARE_KINDS, type FirmwareKind } from "../compiler/compile"
import { chooseBoard } from "../project/board-choice"
import { projectSettings, SettingsError } from "../project/settings"
import { SecretError } from "../project/secrets"
import { WorldError } from "../sim/world/world"
import { HardwareError } from "../usb/errors"
import { ProgramFileError } from "../usb/program"

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

export interface Command {
    name: string
    /** one line for `camscript --help` */
    summary: string
    usage: string
    options: NonNullable<ParseArgsConfig["options"]>
    run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>
}

export async function runCommand(command: Command, argv: string[]): Promise<number> {
    let parsed
    try {
        parsed = parseCommandArgs(argv, { ...(command.options as OptionSpecs), help: { type: "boolean", short: "h" } })
    } catch (e) {
        if (!(e instanceof ArgumentError)) throw e
        process.stderr.write(`camscript ${command.name}: ${e.message}\n${usageHint(command.name, command.usage)}`)
        return 2
    }
    if (parsed.values.help) {
        process.stdout.write(command.usage)
        return 0
    }
    try {
        return await command.run(parsed.values, parsed.positionals)
    } catch (e) {
        if (e instanceof UsageError) {
            // the mistake and the usage line, not the whole help (--help has it)
            process.stderr.write(`camscript ${command.name}: ${e.message}\n${usageHint(command.name, command.usage)}`)
            return 2
        }
        if (
            e instanceof BoardError ||
            e instanceof WorldError ||
            e instanceof ProgramFileError ||
            e instanceof SettingsError ||
            e instanceof SecretError
        ) {
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

/**
 * --board, else the board of the project `near` belongs to (its nearest
 * devicescript.json), else camscript's default; says so when --board overrides the project's.
 */
export function chosenBoard(id: unknown, near = process.cwd()): BoardInfo {
    const { board, notice } = chooseBoard({
        flag: typeof id === "string" ? id : undefined,
        settings: projectSettings(near),
    })
    if (notice) process.stderr.write(`camscript: ${notice}\n`)
    return board
}

export function formatBytes(n: number): string {
    return n < 10_000
        ? `${n} bytes`
        : n < 10_000_000
          ? `${(n / 1024).toFixed(1)} KiB`
          : `${(n / 1048576).toFixed(2)} MiB`
}
