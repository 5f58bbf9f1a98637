import type { OutputLine } from "../sim/session"
import type { TypedTimelineEntry } from "../sim/timeline-fields"
import { formatSimTime } from "../project/duration"
import schema from "../sim/world/world.schema.json"

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
}

/** The world's scheduled actions (the schema's list, as world files name them): the marks across the lanes. */
const WORLD_ACTIONS = new Set<string>(schema.definitions.event.properties.action.enum)

const INTERFACES: { source: string; name: string }[] = [
    { source: "wifi", name: "Wi-Fi station" },
    { source: "ap", name: "access point" },
    { source: "eth", name: "Ethernet" },
]

const UP = new Set(["GotAddress"])
const CONNECTING = new Set(["Scanning", "Associating", "Handshaking", "ObtainingAddress", "Started", "LinkUp"])

function stateColour(state: string): string {
    if (UP.has(state)) return "#2e9d4f"
    if (CONNECTING.has(state)) return "#e0a526"
    return "#b9bec6"
}

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const WIDTH = 900
const LANE = 28
const RSSI_HEIGHT = 110
const RSSI_TOP = -20
const RSSI_BOTTOM = -100

export function reportHtml(data: ReportData): string {
    const span = Math.max(data.simulatedMs, 1)
    const x = (ms: number) => ((Math.min(Math.max(ms, 0), span) / span) * WIDTH).toFixed(1)
    const marks = data.timeline.filter((e) => e.source === "world" && WORLD_ACTIONS.has(e.event))
    const sections: string[] = []
    for (const iface of INTERFACES) {
        const states = data.timeline.filter((e) => e.source === iface.source && e.state !== undefined)
        if (!states.length) continue
        const bands = states.map((e, i) => {
            const end = i + 1 < states.length ? states[i + 1].atMs : span
            const w = Math.max(Number(x(end)) - Number(x(e.atMs)), 0.5)
            const title = `${formatSimTime(e.atMs)} ${e.state}${e.reason ? ` (${e.reason})` : ""}`
            return `<rect class="state" data-state="${escapeHtml(e.state!)}" x="${x(e.atMs)}" y="0" width="${w.toFixed(1)}" height="${LANE}" fill="${stateColour(e.state!)}"><title>${escapeHtml(title)}</title></rect>`
        })
        const rssi = data.timeline.filter((e) => e.source === iface.source && e.rssiDbm !== undefined)
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
            const end = i + 1 < ownEntries.length ? ownEntries[i + 1].atMs : span
            if (!current) segments.push((current = []))
            current.push(`${x(e.atMs)},${y(e.rssiDbm)}`, `${x(end)},${y(e.rssiDbm)}`)
        })
        const dots = rssi.map(
            (e) =>
                `<circle class="rssi" cx="${x(e.atMs)}" cy="${y(e.rssiDbm!)}" r="2.5"><title>${escapeHtml(`${formatSimTime(e.atMs)} ${e.rssiDbm} dBm`)}</title></circle>`,
        )
        const height = LANE + 8 + RSSI_HEIGHT + 4
        const grid = [-30, -50, -70, -90].map(
            (dbm) =>
                `<line x1="0" x2="${WIDTH}" y1="${y(dbm)}" y2="${y(dbm)}" class="grid"/><text x="2" y="${Number(y(dbm)) - 2}" class="axis">${dbm} dBm</text>`,
        )
        const eventLines = marks.map(
            (m) =>
                `<line class="event" x1="${x(m.atMs)}" x2="${x(m.atMs)}" y1="0" y2="${height}"><title>${escapeHtml(`${formatSimTime(m.atMs)} ${m.event} ${m.detail}`)}</title></line>`,
        )
        sections.push(`<section class="iface" data-iface="${iface.source}">
<h2>${iface.name}</h2>
<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${iface.name}: link state and RSSI over simulated time">
${grid.join("\n")}
${bands.join("\n")}
${segments.map((points) => `<polyline class="rssi" points="${points.join(" ")}"/>`).join("\n")}
${dots.join("\n")}
${eventLines.join("\n")}
</svg>
</section>`)
    }
    const axis = [0, 0.25, 0.5, 0.75, 1].map(
        (f) =>
            `<span style="left:${(f * 100).toFixed(0)}%;transform:translateX(-${(f * 100).toFixed(0)}%)">${escapeHtml(formatSimTime(span * f))}</span>`,
    )
    const legend = marks
        .map(
            (m) =>
                `<li><b>${escapeHtml(formatSimTime(m.atMs))}</b> ${escapeHtml(m.event)} ${escapeHtml(m.detail)}</li>`,
        )
        .join("\n")
    const output = data.output
        .map((l) => `<tr><td>${escapeHtml(formatSimTime(l.atMs))}</td><td>${escapeHtml(l.text)}</td></tr>`)
        .join("\n")
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
.axis-labels span { position: absolute; }
svg { display: block; background: #fafbfc; border: 1px solid #e3e6ea; }
line.grid { stroke: #e3e6ea; }
text.axis { font-size: 10px; fill: #888; }
polyline.rssi { fill: none; stroke: #2d6cdf; stroke-width: 1.5; }
circle.rssi { fill: #2d6cdf; }
line.event { stroke: #c0392b; stroke-dasharray: 4 3; stroke-width: 1.5; }
table { border-collapse: collapse; font: 13px ui-monospace, monospace; }
td { padding: 1px 8px 1px 0; vertical-align: top; }
td:first-child { color: #666; text-align: right; }
.key span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
</style>
</head>
<body>
<h1>${escapeHtml(data.script)}</h1>
<p id="summary">world <b>${escapeHtml(data.world)}</b>, board <b>${escapeHtml(data.board)}</b>: <b id="outcome">${escapeHtml(data.outcome)}</b> after ${escapeHtml(formatSimTime(data.simulatedMs))} of simulated time</p>
<p class="key">link state:<span style="background:#2e9d4f"></span>up (GotAddress)<span style="background:#e0a526"></span>connecting<span style="background:#b9bec6"></span>down or idle; <span style="background:#2d6cdf;height:3px"></span>RSSI; <span style="background:#c0392b;height:3px"></span>world event</p>
<main>
<div class="lanes">
${sections.join("\n") || "<p>No interface changed state.</p>"}
<div class="axis-labels">${axis.join("")}</div>
${legend ? `<h2>World events</h2><ul id="events">${legend}</ul>` : ""}
</div>
<div class="output"><h2>Script output</h2><table id="output">${output || "<tr><td></td><td>(nothing printed)</td></tr>"}</table></div>
</main>
</body>
</html>
`
}
