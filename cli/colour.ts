import type { TimelineEntry } from "../sim/timeline"
import { formatEntry } from "../sim/timeline"

// Colour on a terminal only: never when the stream is piped or redirected,
// never with NO_COLOR set (https://no-color.org) or TERM=dumb.

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    return stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb"
}

const CODES = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const
export type Colour = keyof typeof CODES

export function paint(text: string, colour: Colour, on: boolean): string {
    return on ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text
}

/** A timeline line: the link up in green, a failure's state in red, the world's events in yellow. */
export function formatEntryColoured(e: TimelineEntry, on: boolean, stampWidth?: number): string {
    const line = formatEntry(e, stampWidth)
    if (!on) return line
    const colour: Colour | undefined =
        e.event === "GotAddress"
            ? "green"
            : e.reason !== undefined
              ? "red"
              : e.source === "world"
                ? "yellow"
                : undefined
    return colour ? paint(line, colour, true) : line
}
