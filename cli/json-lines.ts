import type { OutputLine, RunResult } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { typedEntry, type TypedTimelineEntry } from "../sim/timeline-fields"
import type { LinkSummary } from "../sim/fleet/summary"

// `camscript sim --json`: one JSON object per line on stdout (a fleet's too), for CI and
// other tools. The shape is documented in docs/cli.md and only grows: a
// field is never renamed or removed without a new `version`.

export const JSON_LINES_VERSION = 1

export type JsonLine =
    | { type: "start"; version: number; script: string; world: string; board: string }
    /** a fleet's start: the world and its cameras' names */
    | { type: "start"; version: number; world: string; cameras: string[] }
    | { type: "notice"; text: string }
    /** `camera`: in a fleet, the camera that printed it */
    | { type: "output"; camera?: string; atMs: number; text: string }
    /** `camera`: in a fleet, the camera whose link it is (absent: the site's own line) */
    | ({ type: "timeline"; camera?: string } & TypedTimelineEntry)
    /** a fleet's camera at the end of the run: its figures (sim/fleet/summary.ts) */
    | ({ type: "camera"; name: string; script: string; error?: string; boots: number } & LinkSummary)
    | {
          type: "outcome"
          outcome: RunResult["outcome"] | "ran-for" | "not-run" | "internal-error"
          exitCode: number
          simulatedMs?: number
          wallMs?: number
          error?: string
          /** files asked for (--report, --flash) that could not be written, and why */
          unwritten?: string[]
      }

export function jsonLine(line: JsonLine): string {
    return `${JSON.stringify(line)}\n`
}

export const outputLine = (l: OutputLine): JsonLine => ({ type: "output", atMs: l.atMs, text: l.text })

export const timelineLine = (e: TimelineEntry): JsonLine => ({ type: "timeline", ...typedEntry(e) })
