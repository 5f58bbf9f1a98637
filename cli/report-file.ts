import { writeFileSync } from "node:fs"
import { reportHtml, type ReportData } from "./report-page"
import type { OutputLine } from "../sim/session"
import type { TimelineEntry } from "../sim/timeline"
import { typedEntry } from "../sim/timeline-fields"

// --report FILE.html: keeps the run's output and timeline (the CLI
// otherwise only streams them) and writes the page when the run is over.

export function reportCollector(file: string) {
    if (!file.endsWith(".html")) throw new ReportFileError(`--report ${file}: the report is a page: name it *.html`)
    const output: OutputLine[] = []
    const timeline: TimelineEntry[] = []
    return {
        tee: (next: (l: OutputLine) => void) => (l: OutputLine) => {
            output.push(l)
            next(l)
        },
        teeTimeline: (next: ((e: TimelineEntry) => void) | undefined) => (e: TimelineEntry) => {
            timeline.push(e)
            next?.(e)
        },
        write(info: Omit<ReportData, "output" | "timeline">) {
            writeFileSync(file, reportHtml({ ...info, output, timeline: timeline.map(typedEntry) }))
        },
    }
}

export class ReportFileError extends Error {}
