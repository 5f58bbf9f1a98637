import { formatSimTime } from "../project/duration"

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
}

export class Timeline {
    readonly entries: TimelineEntry[] = []
    private readonly listeners: ((e: TimelineEntry) => void)[] = []

    /** `keep` false: entries only go to the listeners (a long run must not grow without bound) */
    constructor(
        private readonly now: () => number,
        private readonly keep = true,
    ) {}

    add(source: string, event: string, detail = "") {
        const entry = { atMs: Math.round(this.now()), source, event, detail }
        if (this.keep) this.entries.push(entry)
        for (const l of this.listeners) l(entry)
    }

    onEntry(listener: (e: TimelineEntry) => void) {
        this.listeners.push(listener)
    }
}

export function formatEntry(e: TimelineEntry): string {
    return `[${formatSimTime(e.atMs).padStart(9)}] ${e.source.padEnd(5)} ${e.event}${e.detail ? "  " + e.detail : ""}`
}
