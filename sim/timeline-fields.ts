import type { TimelineEntry } from "./timeline"

// The timeline's detail text is for people ("ap=my-network (02:ca:…, ch 6)
// rssi=-44 dBm ip=192.168.1.100"); tools and tests want fields. The
// drivers write these few shapes, so they are read back here rather than
// carried twice through every driver.

export interface TypedTimelineEntry extends TimelineEntry {
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

/** Interfaces whose PascalCase events are link states. */
const LINK_SOURCES = new Set(["wifi", "eth", "ap"])

export function typedEntry(e: TimelineEntry): TypedTimelineEntry {
    const typed: TypedTimelineEntry = { ...e }
    if (LINK_SOURCES.has(e.source) && /^[A-Z][A-Za-z]+$/.test(e.event)) typed.state = e.event
    const rssi = /(?:^| )rssi=(-?\d+) dBm/.exec(e.detail)
    if (rssi) typed.rssiDbm = Number(rssi[1])
    const ssid = /(?:^| )ap=(\S+) \(/.exec(e.detail)
    if (ssid) typed.ssid = ssid[1]
    const ip = /(?:^| )ip=(\d{1,3}(?:\.\d{1,3}){3})/.exec(e.detail)
    if (ip) typed.ip = ip[1]
    const reason = /(?:^| )reason=(\S+)/.exec(e.detail)
    if (reason) typed.reason = reason[1]
    return typed
}
