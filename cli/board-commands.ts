import { buildCommand } from "./build-command"
import { type Command, runCommand } from "./board-command"
import { deployCommand } from "./deploy-command"
import { devicesCommand } from "./devices-command"
import { flashCommand } from "./flash-command"
import { monitorCommand } from "./monitor-command"
import { runOnBoardCommand } from "./run-command"
import { virtualBoardCommand } from "./virtual-board-command"

// The commands for a board in hand, each with its own --help. cli/main.ts
// hands them their arguments untouched.

const COMMANDS: Command[] = [
    buildCommand,
    flashCommand,
    deployCommand,
    runOnBoardCommand,
    monitorCommand,
    devicesCommand,
    virtualBoardCommand,
]

export function hardwareCommand(name: string | undefined): ((argv: string[]) => Promise<number>) | undefined {
    const command = COMMANDS.find((c) => c.name === name)
    return command && ((argv) => runCommand(command, argv))
}

export function hardwareCommandNames(): string[] {
    return COMMANDS.map((c) => c.name)
}

export function hardwareUsage(): string {
    return COMMANDS.map((c) => `  camscript ${c.name.padEnd(14)} ${c.summary}\n`).join("")
}
