import { writeFileSync } from "node:fs"
import { REPORT_OUTPUT_HALF, reportHtml, type ReportData } from "./report-page"
import type { OutputLine } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { checkDestination, DestinationError, writeProblem } from "../project/destinations"

// --report FILE.html: keeps the run's output and timeline (the CLI
// otherwise only streams them) and writes the page when the run is over.
// The destination is checked before the run, and what is kept is bounded:
// a script printing for hours must not grow the process without end (a
// chatty one once reached 1.3 GB and died writing nothing).

/** The script's output lines a report keeps: the first half and the last half of this many. */
export const REPORT_OUTPUT_LINES = 2 * REPORT_OUTPUT_HALF

/** Timeline entries a report keeps; later ones are counted, and the page says from when it stops. */
export const REPORT_TIMELINE_ENTRIES = 100_000

export function reportCollector(file: string) {
    if (!file.endsWith(".html")) throw new ReportFileError(`--report ${file}: the report is a page: name it *.html`)
    try {
        checkDestination(file, `--report ${file}`)
    } catch (e) {
        if (e instanceof DestinationError) throw new ReportFileError(e.message)
        throw e
    }
    const head: OutputLine[] = []
    // the last lines, in a ring
    const tail: OutputLine[] = []
    let tailStart = 0
    let outputLines = 0
    const half = REPORT_OUTPUT_LINES / 2
    const timeline: TimelineEntry[] = []
    let timelineDropped = 0
    let timelineCutAtMs: number | undefined
    return {
        tee: (next: (l: OutputLine) => void) => (l: OutputLine) => {
            outputLines++
            if (head.length < half) head.push(l)
            else if (tail.length < half) tail.push(l)
            else {
                tail[tailStart] = l
                tailStart = (tailStart + 1) % half
            }
            next(l)
        },
        teeTimeline: (next: ((e: TimelineEntry) => void) | undefined) => (e: TimelineEntry) => {
            if (timeline.length < REPORT_TIMELINE_ENTRIES) timeline.push(e)
            else {
                timelineCutAtMs ??= e.atMs
                timelineDropped++
            }
            next?.(e)
        },
        /** Writes the page; a failure is a ReportFileError saying why, never a stack trace. */
        write(info: Omit<ReportData, "output" | "timeline">) {
            const output = [...head, ...tail.slice(tailStart), ...tail.slice(0, tailStart)]
            const html = reportHtml({
                ...info,
                output,
                outputDropped:
                    outputLines > output.length
                        ? { after: head.length, lines: outputLines - output.length }
                        : undefined,
                timeline,
                timelineCut:
                    timelineCutAtMs !== undefined ? { atMs: timelineCutAtMs, entries: timelineDropped } : undefined,
            })
            try {
                writeFileSync(file, html)
            } catch (e) {
                throw new ReportFileError(`--report ${file}: not written: ${writeProblem(e)}`)
            }
        },
    }
}

export class ReportFileError extends Error {}
