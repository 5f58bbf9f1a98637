import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"

// Pieces of the command line's help shared by every command.

/** camscript's version, from its package.json. */
export function packageVersion(): string {
    return (JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as { version: string }).version
}

/**
 * Shown after a usage mistake instead of the whole usage: the command's
 * usage line, and where the rest is.
 */
export function usageHint(command: string, usage: string): string {
    const first = usage.split("\n")[0]
    return `${first}\n(camscript help ${command} for all of ${command}'s options)\n`
}
