import type { TimelineEntry } from "./timeline"

// The timeline's typed fields (state, rssiDbm, ssid, ip, reason) are set by
// the drivers from their values when they add an entry (Timeline.add's
// `fields`). They were once parsed back out of the detail text, where an
// SSID such as "a rssi=-1 dBm ip=6.6.6.6" forged them: never again.

export type TypedTimelineEntry = TimelineEntry

/** The entry as tools see it: a copy, its typed fields as the driver gave them. */
export function typedEntry(e: TimelineEntry): TypedTimelineEntry {
    return { ...e }
}
