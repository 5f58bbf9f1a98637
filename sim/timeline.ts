import { simStamp } from "../project/duration"
import { printable } from "../project/printable"

// What happened to the links and the world, in simulated time. Entries are
// built from states and names only: no password, key or certificate is ever
// passed in, so none can be printed.

export interface TimelineEntry {
    atMs: number
    /** "wifi", "world", ... */
    source: string
    /** short machine-friendly word: "got-address", "power-off", ... */
    event: string
    /** the rest, for people */
    detail: string
    /** the link's state, for an interface's state changes ("GotAddress", "Idle", "LinkUp", ...) */
    state?: string
    /** signal strength in dBm, when the entry reports one */
    rssiDbm?: number
    /** the access point's network name */
    ssid?: string
    /** the IPv4 address the interface holds */
    ip?: string
    /** why a link failed ("AuthFailed", "NoApFound", ...) */
    reason?: string
}

/**
 * The typed fields of an entry, given by the driver from its values (never
 * read back out of `detail`, where a network name could forge them).
 */
export type TimelineFields = Pick<TimelineEntry, "state" | "rssiDbm" | "ssid" | "ip" | "reason">

export class Timeline {
    readonly entries: TimelineEntry[] = []
    private readonly listeners: ((e: TimelineEntry) => void)[] = []

    /** `keep` false: entries only go to the listeners (a long run must not grow without bound) */
    constructor(
        private readonly now: () => number,
        private readonly keep = true,
    ) {}

    add(source: string, event: string, detail = "", fields?: TimelineFields) {
        const entry: TimelineEntry = { atMs: Math.round(this.now()), source, event, detail }
        if (fields)
            for (const key of FIELD_ORDER) if (fields[key] !== undefined) Object.assign(entry, { [key]: fields[key] })
        if (this.keep) this.entries.push(entry)
        for (const l of this.listeners) l(entry)
    }

    onEntry(listener: (e: TimelineEntry) => void) {
        this.listeners.push(listener)
    }
}

/** The fields in the order `--json` prints them (docs/cli.md). */
const FIELD_ORDER = ["state", "rssiDbm", "ssid", "ip", "reason"] as const

/** One line for people; a control character in any part is shown escaped (project/printable.ts). */
export function formatEntry(e: TimelineEntry, stampWidth?: number): string {
    return printable(
        `${simStamp(e.atMs, stampWidth)} ${e.source.padEnd(5)} ${e.event}${e.detail ? "  " + e.detail : ""}`,
    )
}
