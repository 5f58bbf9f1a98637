import type { OutputLine, RunResult } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { typedEntry, type TypedTimelineEntry } from "../sim/timeline-fields"

// `camscript sim --json`: one JSON object per line on stdout, for CI and
// other tools. The shape is documented in docs/cli.md and only grows: a
// field is never renamed or removed without a new `version`.

export const JSON_LINES_VERSION = 1

export type JsonLine =
    | { type: "start"; version: number; script: string; world: string; board: string }
    | { type: "notice"; text: string }
    | { type: "output"; atMs: number; text: string }
    | ({ type: "timeline" } & TypedTimelineEntry)
    | {
          type: "outcome"
          outcome: RunResult["outcome"] | "ran-for" | "not-run"
          exitCode: number
          simulatedMs?: number
          wallMs?: number
          error?: string
      }

export function jsonLine(line: JsonLine): string {
    return `${JSON.stringify(line)}\n`
}

export const outputLine = (l: OutputLine): JsonLine => ({ type: "output", atMs: l.atMs, text: l.text })

export const timelineLine = (e: TimelineEntry): JsonLine => ({ type: "timeline", ...typedEntry(e) })
