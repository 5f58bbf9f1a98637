import type { OutputLine } from "../sim/session"
import type { TypedTimelineEntry } from "../sim/timeline-fields"
import schema from "../sim/world/world.schema.json"
import { FRAMES_LANE, framesLane } from "./report-frames"

// `camscript sim --report FILE.html`: one self-contained page (no script,
// no external file) drawing each interface's link state and RSSI over
// simulated time, the world's events as marks across them, and the
// script's output beside. Everything shown comes from the timeline and the
// output, which hold no secrets.

export interface ReportData {
    script: string
    world: string
    board: string
    outcome: string
    simulatedMs: number
    output: OutputLine[]
    timeline: TypedTimelineEntry[]
    /** output lines a bounded report left out, after the first `after` (cli/report-file.ts) */
    outputDropped?: { after: number; lines: number }
    /** the timeline kept stops at `atMs`; `entries` more were not kept */
    timelineCut?: { atMs: number; entries: number }
}

/** Half the output lines a report keeps (the first and the last): cli/report-file.ts. */
export const REPORT_OUTPUT_HALF = 1000

/** The world's scheduled actions (the schema's list, as world files name them): the marks across the lanes. */
const WORLD_ACTIONS = new Set<string>(schema.definitions.event.properties.action.enum)

const INTERFACES: { source: string; name: string }[] = [
    { source: "wifi", name: "Wi-Fi station" },
    { source: "ap", name: "access point" },
    { source: "eth", name: "Ethernet" },
]

/** What a state means, which decides its colour: the same meaning, the same colour, on every band. */
export type StateMeaning = "up" | "connecting" | "down" | "off"

export const MEANING_COLOUR: Record<StateMeaning, string> = {
    up: "#2e9d4f",
    connecting: "#e0a526",
    down: "#c62828",
    off: "#b9bec6",
}

const MEANING_WORDS: Record<StateMeaning, string> = {
    up: "up (has an address)",
    connecting: "connecting",
    down: "down (failed, no cable)",
    off: "off or idle",
}

/**
 * The meaning of an interface's state (services/*.md): Ethernet's `Started`
 * is "running, no link on the cable", down, not connecting; a station idle
 * after a failure is down, idle by request is off.
 */
export function stateMeaning(source: string, state: string, reason?: string): StateMeaning {
    if (state === "GotAddress" || (source === "ap" && state === "Up")) return "up"
    if (state === "Stopped") return "off"
    if (source === "eth") return state === "LinkUp" ? "connecting" : "down"
    if (source === "ap") return state === "Starting" ? "connecting" : "off"
    if (state === "Idle") return reason === undefined || reason === "LeftByRequest" ? "off" : "down"
    return "connecting"
}

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const WIDTH = 900
const LANE = 28
const RSSI_HEIGHT = 110
const RSSI_TOP = -20
const RSSI_BOTTOM = -100
/** The narrowest a state is drawn: a 90 s outage in a 6 h run (0.4 px at scale) stays visible. */
export const MIN_BAND_PX = 3
/** Outages listed per interface; more are counted. */
const MAX_LISTED_OUTAGES = 200

// ---- times people read: "6 h", "01:30:00", "2.5 s"

const pad2 = (n: number) => String(n).padStart(2, "0")

/** A span of time in words: "250 ms", "2.5 s", "90 s", "12 min", "1 h 30 min", "6 h", "2 d 3 h". */
export function readableDuration(ms: number): string {
    if (ms < 1000) return `${Math.round(ms)} ms`
    if (ms < 100_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`
    const minutes = Math.round(ms / 60_000)
    if (minutes < 60) return `${minutes} min`
    const hours = Math.floor(minutes / 60)
    if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
    const days = Math.floor(hours / 24)
    return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`
}

/**
 * A point in simulated time as a clock reads, sized by the run's span:
 * `12.5 s` under a minute, `1:30` under an hour, `01:30:00` beyond; with
 * `precise` the milliseconds too (`01:30:00.250`).
 */
export function clockTime(ms: number, spanMs: number, precise = false): string {
    const whole = Math.floor(ms / 1000)
    const frac = precise ? `.${String(Math.round(ms) % 1000).padStart(3, "0")}` : ""
    if (spanMs < 60_000) return precise ? `${(ms / 1000).toFixed(3)} s` : `${Number((ms / 1000).toFixed(1))} s`
    const h = Math.floor(whole / 3600)
    const m = Math.floor((whole % 3600) / 60)
    const sec = whole % 60
    if (spanMs < 3_600_000) return `${m}:${pad2(sec)}${frac}`
    return `${pad2(h)}:${pad2(m)}:${pad2(sec)}${frac}`
}

/** Steps the time axis may take: 1 s .. 1 d. */
const TICK_STEPS_MS = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
].map((s) => s * 1000)

/** Ticks at a round step, at most 8 across the span. */
export function timeTicks(spanMs: number): number[] {
    const step =
        spanMs < 5000
            ? Math.max(spanMs / 5, 1)
            : (TICK_STEPS_MS.find((s) => spanMs / s <= 8) ?? Math.ceil(spanMs / 8 / 86_400_000) * 86_400_000)
    const ticks: number[] = []
    for (let t = 0; t <= spanMs + 1e-9; t += step) ticks.push(t)
    return ticks
}

interface Outage {
    fromMs: number
    toMs?: number
    state: string
    reason?: string
}

/** Each time an interface left "up" after having been up: until it was up again, or the run's end. */
function outages(states: TypedTimelineEntry[]): Outage[] {
    const found: Outage[] = []
    let wasUp = false
    let open: Outage | undefined
    for (const e of states) {
        const up = stateMeaning(e.source, e.state!, e.reason) === "up"
        if (up) {
            if (open) open.toMs = e.atMs
            open = undefined
            wasUp = true
        } else if (wasUp && !open) {
            open = { fromMs: e.atMs, state: e.state!, reason: e.reason }
            found.push(open)
        } else if (open && e.reason && !open.reason) open.reason = e.reason
    }
    return found
}

export function reportHtml(data: ReportData): string {
    const span = Math.max(data.simulatedMs, 1)
    // the timeline a report kept may stop before the run did (cli/report-file.ts)
    const drawnUntil = data.timelineCut?.atMs ?? span
    const x = (ms: number) => ((Math.min(Math.max(ms, 0), span) / span) * WIDTH).toFixed(1)
    const at = (ms: number) => clockTime(ms, span, true)
    const marks = data.timeline.filter((e) => e.source === "world" && WORLD_ACTIONS.has(e.event))
    const sections: string[] = []
    const outageLists: string[] = []
    for (const iface of INTERFACES) {
        const states = data.timeline.filter((e) => e.source === iface.source && e.state !== undefined)
        if (!states.length) continue
        const bands = states.map((e, i) => {
            const end = i + 1 < states.length ? states[i + 1].atMs : drawnUntil
            const meaning = stateMeaning(iface.source, e.state!, e.reason)
            const width = Number(x(end)) - Number(x(e.atMs))
            // never narrower than MIN_BAND_PX, kept inside the lane
            const w = Math.max(width, MIN_BAND_PX)
            const left = Math.min(Number(x(e.atMs)), WIDTH - w)
            const title = `${at(e.atMs)} ${e.state}${e.reason ? ` (${e.reason})` : ""}, ${readableDuration(end - e.atMs)}`
            return {
                meaning,
                svg: `<rect class="state" data-state="${escapeHtml(e.state!)}" data-meaning="${meaning}" x="${left.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="${LANE}" fill="${MEANING_COLOUR[meaning]}"><title>${escapeHtml(title)}</title></rect>`,
            }
        })
        // the link up underneath, what is not up on top: a short outage is never covered by its neighbours
        const drawn = [...bands.filter((b) => b.meaning === "up"), ...bands.filter((b) => b.meaning !== "up")]
        const rssi = data.timeline.filter((e) => e.source === iface.source && e.rssiDbm !== undefined)
        // an RSSI axis only on a band that reports RSSI (Wi-Fi), never on Ethernet
        const rssiHeight = rssi.length ? 8 + RSSI_HEIGHT + 4 : 0
        const y = (dbm: number) =>
            (
                LANE +
                8 +
                ((RSSI_TOP - Math.min(Math.max(dbm, RSSI_BOTTOM), RSSI_TOP)) / (RSSI_TOP - RSSI_BOTTOM)) * RSSI_HEIGHT
            ).toFixed(1)
        // RSSI is drawn while the link reports one; a state change without it (down, idle) ends the line
        const segments: string[][] = []
        let current: string[] | undefined
        const ownEntries = data.timeline.filter((e) => e.source === iface.source)
        ownEntries.forEach((e, i) => {
            if (e.rssiDbm === undefined) {
                if (e.state !== undefined) current = undefined
                return
            }
            const end = i + 1 < ownEntries.length ? ownEntries[i + 1].atMs : drawnUntil
            if (!current) segments.push((current = []))
            current.push(`${x(e.atMs)},${y(e.rssiDbm)}`, `${x(end)},${y(e.rssiDbm)}`)
        })
        const dots = rssi.map(
            (e) =>
                `<circle class="rssi" cx="${x(e.atMs)}" cy="${y(e.rssiDbm!)}" r="2.5"><title>${escapeHtml(`${at(e.atMs)} ${e.rssiDbm} dBm`)}</title></circle>`,
        )
        const height = LANE + rssiHeight
        const grid = rssi.length
            ? [-30, -50, -70, -90].map(
                  (dbm) =>
                      `<line x1="0" x2="${WIDTH}" y1="${y(dbm)}" y2="${y(dbm)}" class="grid"/><text x="2" y="${Number(y(dbm)) - 2}" class="axis">${dbm} dBm</text>`,
              )
            : []
        const eventLines = marks.map(
            (m) =>
                `<line class="event" x1="${x(m.atMs)}" x2="${x(m.atMs)}" y1="0" y2="${height}"><title>${escapeHtml(`${at(m.atMs)} ${m.event} ${m.detail}`)}</title></line>`,
        )
        sections.push(`<section class="iface" data-iface="${iface.source}">
<h2>${iface.name}</h2>
<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${iface.name}: link state${rssi.length ? " and RSSI" : ""} over simulated time">
${grid.join("\n")}
${drawn.map((b) => b.svg).join("\n")}
${segments.map((points) => `<polyline class="rssi" points="${points.join(" ")}"/>`).join("\n")}
${dots.join("\n")}
${eventLines.join("\n")}
</svg>
</section>`)
        const down = outages(states)
        if (down.length) {
            const items = down.slice(0, MAX_LISTED_OUTAGES).map((o) => {
                const until = o.toMs ?? drawnUntil
                const why = o.reason ? `, ${o.reason}` : ""
                return `<li><b>${escapeHtml(at(o.fromMs))}</b> ${escapeHtml(readableDuration(until - o.fromMs))}${o.toMs === undefined ? " (until the end)" : ""}: ${escapeHtml(o.state)}${escapeHtml(why)}</li>`
            })
            if (down.length > MAX_LISTED_OUTAGES) items.push(`<li>… and ${down.length - MAX_LISTED_OUTAGES} more</li>`)
            outageLists.push(
                `<h3>${iface.name}: ${down.length} outage${down.length === 1 ? "" : "s"}</h3><ul class="outages" data-iface="${iface.source}">${items.join("\n")}</ul>`,
            )
        }
    }
    // captures and uploads on the same axis, under the links they depend on
    const frames = framesLane(data.timeline, { x, at, escape: escapeHtml, width: WIDTH, minBandPx: MIN_BAND_PX })
    if (frames) {
        const eventLines = marks.map(
            (m) =>
                `<line class="event" x1="${x(m.atMs)}" x2="${x(m.atMs)}" y1="0" y2="${FRAMES_LANE}"><title>${escapeHtml(`${at(m.atMs)} ${m.event} ${m.detail}`)}</title></line>`,
        )
        sections.push(`<section class="iface" data-iface="frames">
<h2>Frames: ${frames.captures} captured, ${frames.uploads} upload${frames.uploads === 1 ? "" : "s"} (${frames.failed} failed)</h2>
<svg viewBox="0 0 ${WIDTH} ${FRAMES_LANE}" width="${WIDTH}" height="${FRAMES_LANE}" role="img" aria-label="captures and uploads over simulated time">
${frames.svg}
${eventLines.join("\n")}
</svg>
</section>`)
    }
    const axis = timeTicks(span).map((t) => {
        const f = t / span
        return `<span style="left:${(f * 100).toFixed(2)}%;transform:translateX(-${(f * 100).toFixed(0)}%)">${escapeHtml(clockTime(t, span))}</span>`
    })
    const legend = marks
        .map((m) => `<li><b>${escapeHtml(at(m.atMs))}</b> ${escapeHtml(m.event)} ${escapeHtml(m.detail)}</li>`)
        .join("\n")
    const rows = data.output.map((l) => `<tr><td>${escapeHtml(at(l.atMs))}</td><td>${escapeHtml(l.text)}</td></tr>`)
    if (data.outputDropped)
        rows.splice(
            data.outputDropped.after,
            0,
            `<tr class="dropped"><td></td><td>… ${data.outputDropped.lines} line(s) not kept: a report keeps the first ${REPORT_OUTPUT_HALF} and the last ${REPORT_OUTPUT_HALF}</td></tr>`,
        )
    const output = rows.join("\n")
    const cut = data.timelineCut
        ? `<p class="cut" id="timeline-cut">The timeline is drawn until ${escapeHtml(at(data.timelineCut.atMs))}: a report keeps its first ${data.timeline.length} entries (${data.timelineCut.entries} more not kept).</p>`
        : ""
    const key = (Object.keys(MEANING_COLOUR) as StateMeaning[])
        .map((m) => `<span style="background:${MEANING_COLOUR[m]}"></span>${MEANING_WORDS[m]}`)
        .join("")
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>camscript: ${escapeHtml(data.script)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
main { display: flex; gap: 2em; align-items: flex-start; }
.lanes { flex: 0 0 ${WIDTH}px; }
.axis-labels { position: relative; height: 1.2em; font-size: 12px; color: #666; }
.axis-labels span { position: absolute; white-space: nowrap; }
svg { display: block; background: #fafbfc; border: 1px solid #e3e6ea; }
line.grid { stroke: #e3e6ea; }
text.axis { font-size: 10px; fill: #888; }
polyline.rssi { fill: none; stroke: #2d6cdf; stroke-width: 1.5; }
circle.rssi { fill: #2d6cdf; }
line.event { stroke: #6a3d9a; stroke-dasharray: 4 3; stroke-width: 1.5; }
table { border-collapse: collapse; font: 13px ui-monospace, monospace; }
td { padding: 1px 8px 1px 0; vertical-align: top; }
td:first-child { color: #666; text-align: right; white-space: nowrap; }
tr.dropped td, p.cut { color: #a05a00; font-style: italic; }
ul.outages { font-size: 13px; padding-left: 1.2em; }
.key span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
</style>
</head>
<body>
<h1>${escapeHtml(data.script)}</h1>
<p id="summary">world <b>${escapeHtml(data.world)}</b>, board <b>${escapeHtml(data.board)}</b>: <b id="outcome">${escapeHtml(data.outcome)}</b> after <b id="span">${escapeHtml(readableDuration(data.simulatedMs))}</b> of simulated time</p>
<p class="key">link state:${key}; <span style="background:#2d6cdf;height:3px"></span>RSSI; <span style="background:#6a3d9a;height:3px"></span>world event; <span style="background:#555;width:2px"></span>capture; <span style="background:#2e9e44"></span>upload taken; <span style="background:#d64545"></span>upload failed</p>
<main>
<div class="lanes">
${cut}
${sections.join("\n") || "<p>No interface changed state.</p>"}
<div class="axis-labels">${axis.join("")}</div>
${outageLists.length ? `<h2>Outages</h2>${outageLists.join("\n")}` : ""}
${legend ? `<h2>World events</h2><ul id="events">${legend}</ul>` : ""}
</div>
<div class="output"><h2>Script output</h2><table id="output">${output || "<tr><td></td><td>(nothing printed)</td></tr>"}</table></div>
</main>
</body>
</html>
`
}
