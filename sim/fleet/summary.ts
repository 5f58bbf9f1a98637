import type { TimelineEntry } from "../timeline"
import { formatSimTime } from "../../project/duration"
import type { CameraState } from "./camera"

// Per camera: when its Wi-Fi link first held an address, how often it lost
// it, for how long, and where it stands at the end, read from its
// timeline (the driver's link states and the camera's power).

const LINK_STATES = new Set([
    "Stopped",
    "Idle",
    "Scanning",
    "Associating",
    "Handshaking",
    "ObtainingAddress",
    "GotAddress",
])

export interface LinkSummary {
    /** simulated ms of the first GotAddress; undefined: never */
    firstLinkMs?: number
    /** times the address was lost after being held (a link drop, or the camera's power cut) */
    outages: number
    /** simulated ms without an address, counted from the first link to the end of the run */
    downMs: number
    /** the link's state at the end: "GotAddress", "Idle", ..., "Stopped" (radio never started), or "off" */
    finalState: string
    /** the reason of the last failure, when the link is down ("AssocRejected", ...) */
    finalReason?: string
    /** what the site last refused this camera since its last link: "AP full", "AP busy" or "no lease" */
    refused?: string
    /** simulated ms when the address it holds at the end was got */
    upSinceMs?: number
    /** the address held at the end */
    ip?: string
}

export class LinkWatch {
    private firstLinkMs?: number
    private outages = 0
    private downMs = 0
    private downSince?: number
    private up = false
    private state = "off"
    private reason?: string
    private refused?: string
    private ip?: string
    private upSince?: number

    feed(e: TimelineEntry) {
        if (e.source === "cam" && e.event === "power-off") return this.set(e.atMs, "off", false)
        // powered, the radio not yet started by the script
        if (e.source === "cam" && e.event === "power-on") return this.set(e.atMs, "Stopped", false)
        if (e.source === "world" && e.event === "assoc-refused") this.refused = "AP full"
        if (e.source === "world" && e.event === "dhcp-no-lease") this.refused = "no lease"
        if (e.source === "world" && e.event === "assoc-busy") this.refused = "AP busy"
        if (e.source !== "wifi" || !LINK_STATES.has(e.event)) return
        // a retry's Scanning says no reason: the last failure's stands
        if (e.reason) this.reason = e.reason
        this.ip = e.ip
        this.set(e.atMs, e.event, e.event === "GotAddress")
    }

    private set(atMs: number, state: string, up: boolean) {
        this.state = state
        if (up && !this.up) {
            this.upSince = atMs
            this.reason = this.refused = undefined
            if (this.firstLinkMs === undefined) this.firstLinkMs = atMs
            if (this.downSince !== undefined) this.downMs += atMs - this.downSince
            this.downSince = undefined
        } else if (!up && this.up) {
            this.outages++
            this.downSince = atMs
        }
        this.up = up
    }

    summary(endMs: number): LinkSummary {
        return {
            firstLinkMs: this.firstLinkMs,
            outages: this.outages,
            downMs: this.downMs + (this.downSince !== undefined ? endMs - this.downSince : 0),
            finalState: this.state,
            finalReason: this.up ? undefined : this.reason,
            refused: this.up ? undefined : this.refused,
            upSinceMs: this.up ? this.upSince : undefined,
            ip: this.up ? this.ip : undefined,
        }
    }
}

export interface SummaryRow {
    name: string
    script: CameraState
    link: LinkSummary
}

/** The end-of-run table, one line per camera, then a line for the whole fleet. */
export function summaryTable(rows: SummaryRow[], endMs: number): string {
    const head = ["camera", "first link", "outages", "time down", "link at end", "script"]
    const body = rows.map((r) => [
        r.name,
        r.link.firstLinkMs !== undefined ? formatSimTime(r.link.firstLinkMs) : "never",
        String(r.link.outages),
        r.link.firstLinkMs !== undefined ? formatSimTime(r.link.downMs) : "-",
        r.link.ip
            ? `${r.link.finalState} ${r.link.ip}`
            : `${r.link.finalState}${
                  r.link.finalReason || r.link.refused
                      ? ` (${[r.link.finalReason, r.link.refused].filter((x) => x).join(", ")})`
                      : ""
              }`,
        r.script,
    ])
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd()
    const linked = rows.filter((r) => r.link.ip).length
    const everyone = rows.every((r) => r.link.firstLinkMs !== undefined)
    const lastFirst = Math.max(...rows.map((r) => r.link.firstLinkMs ?? -1))
    const allBack = linked === rows.length ? Math.max(...rows.map((r) => r.link.upSinceMs ?? 0)) : undefined
    return [
        line(head),
        ...body.map(line),
        `${linked} of ${rows.length} camera(s) hold an address at ${formatSimTime(endMs)}` +
            (allBack !== undefined ? ` (all of them since ${formatSimTime(allBack)})` : "") +
            "; " +
            (everyone
                ? `all had a first link by ${formatSimTime(lastFirst)}`
                : `${rows.filter((r) => r.link.firstLinkMs === undefined).length} never got one`),
    ].join("\n")
}
