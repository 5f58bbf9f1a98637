import type { TypedTimelineEntry } from "../sim/timeline-fields"

// The report page's frames lane (cli/report-page.ts draws it under the link
// lanes, on the same time axis): each capture as a tick, each upload as a
// bar from its send to its answer, green when the server took it, red when
// it failed (the reason in its title). Drawn from the timeline's "camera
// frame" and "upload" entries, which name servers, sizes and statuses,
// never a header.

/** Colours of an upload's bar. */
const UPLOAD_OK = "#2e9e44"
const UPLOAD_FAILED = "#d64545"
const CAPTURE = "#555"
/** Height of the lane: a row of capture ticks over a row of upload bars. */
export const FRAMES_LANE = 30

interface Drawing {
    x: (ms: number) => string
    at: (ms: number) => string
    escape: (text: string) => string
    width: number
    minBandPx: number
}

/** The lane's SVG content and a count of what it shows; undefined when the run captured and uploaded nothing. */
export function framesLane(
    timeline: TypedTimelineEntry[],
    d: Drawing,
): { svg: string; captures: number; uploads: number; failed: number } | undefined {
    const captures = timeline.filter((e) => e.source === "camera" && e.event === "frame")
    const uploads = timeline.filter((e) => e.source === "upload")
    if (!captures.length && !uploads.length) return undefined
    const parts: string[] = []
    for (const c of captures)
        parts.push(
            `<line class="capture" x1="${d.x(c.atMs)}" x2="${d.x(c.atMs)}" y1="2" y2="12" stroke="${CAPTURE}" stroke-width="1.5"><title>${d.escape(`${d.at(c.atMs)} capture ${c.detail}`)}</title></line>`,
        )
    let sent = 0
    let failed = 0
    let open: TypedTimelineEntry | undefined
    for (const e of uploads) {
        if (e.event === "send") open = e
        else if ((e.event === "done" || e.event === "failed") && open) {
            const ok = e.event === "done"
            if (!ok) failed++
            sent++
            const left = Number(d.x(open.atMs))
            const w = Math.max(Number(d.x(e.atMs)) - left, d.minBandPx)
            parts.push(
                `<rect class="upload" data-ok="${ok}" x="${Math.min(left, d.width - w).toFixed(1)}" y="16" width="${w.toFixed(1)}" height="12" fill="${ok ? UPLOAD_OK : UPLOAD_FAILED}"><title>${d.escape(`${d.at(open.atMs)} upload ${open.detail}: ${e.detail}`)}</title></rect>`,
            )
            open = undefined
        }
    }
    return { svg: parts.join("\n"), captures: captures.length, uploads: sent, failed }
}
