// A world's scheduled events, checked: each action has what it needs (an
// access point, a password, a place, a client, a subnet), names something
// the world has, and a camera or site-wide action appears only in a fleet.
// world.ts checks the client names once the clients are read.

import schema from "./world.schema.json"
import { durationAt } from "./duration-field"
import { normaliseDhcp } from "./access-points"
import type { RawWorld } from "./raw"
import {
    type AccessPointConfig,
    AIR_ACTIONS,
    CAMERA_ACTIONS,
    type CameraConfig,
    CLIENT_ACTIONS,
    type DhcpConfig,
    type EventAction,
    WIRED_ACTIONS,
    type WorldEvent,
} from "./types"

/** How many times one repeating event may happen (world.schema.json "times" maximum). */
export const MAX_EVENT_OCCURRENCES: number = schema.definitions.event.properties.times.maximum

/**
 * The events of `raw`, in file order, a repeating one (`every`, with
 * `times` or `until`) as each of its occurrences; problems are pushed with
 * the field's path.
 */
export function normaliseEvents(
    raw: RawWorld,
    accessPoints: AccessPointConfig[],
    names: Set<string>,
    cameras: CameraConfig[] | undefined,
    problems: string[],
): WorldEvent[] {
    const events = normaliseEach(raw, accessPoints, names, cameras, problems)
    return (raw.events ?? []).flatMap((ev, i) => occurrences(ev, events[i], `events[${i}]`, problems))
}

/** The times a (possibly repeating) event happens, checked against MAX_EVENT_OCCURRENCES. */
function occurrences(ev: RawEvent, first: WorldEvent, at: string, problems: string[]): WorldEvent[] {
    const { every, times, until } = ev
    if (every === undefined) {
        for (const field of ["times", "until"] as const)
            if (ev[field] !== undefined) problems.push(`${at}.${field} needs "every": how long between occurrences`)
        return [first]
    }
    const period = durationAt(every, `${at}.every`, problems)
    if (period <= 0) {
        problems.push(`${at}.every: a repeating event needs a period above 0 (e.g. "1h")`)
        return [first]
    }
    if (times !== undefined && until !== undefined) {
        problems.push(`${at}: give "times" or "until" with "every", not both`)
        return [first]
    }
    let count: number
    if (times !== undefined) count = times
    else if (until !== undefined) {
        const last = durationAt(until, `${at}.until`, problems)
        if (last < first.atMs) {
            problems.push(`${at}.until is before its "at": the event would never repeat`)
            return [first]
        }
        count = Math.floor((last - first.atMs) / period) + 1
        if (count > MAX_EVENT_OCCURRENCES) {
            problems.push(
                `${at}: every ${every} until ${until} is ${count} occurrences; a repeating event happens at most ${MAX_EVENT_OCCURRENCES} times (a longer period, or a later "at")`,
            )
            return [first]
        }
    } else {
        problems.push(`${at}.every needs "times" (how many in all) or "until" (the last time it may happen)`)
        return [first]
    }
    return Array.from({ length: count }, (_, k) => ({ ...first, atMs: first.atMs + k * period }))
}

type RawEvent = NonNullable<RawWorld["events"]>[number]

function normaliseEach(
    raw: RawWorld,
    accessPoints: AccessPointConfig[],
    names: Set<string>,
    cameras: CameraConfig[] | undefined,
    problems: string[],
): WorldEvent[] {
    return (raw.events ?? []).map((ev, i): WorldEvent => {
        const at = `events[${i}]`
        if (ev.camera !== undefined || ev.action.startsWith("site-")) checkFleetEvent(ev, at, cameras, problems)
        const needsAp = AIR_ACTIONS.includes(ev.action) && ev.action !== "move-camera" && ev.camera === undefined
        if (WIRED_ACTIONS.includes(ev.action) && raw.ethernet === undefined)
            problems.push(`${at}: action "${ev.action}" needs an "ethernet" section in the world`)
        if (needsAp && ev.accessPoint === undefined) problems.push(`${at}: action "${ev.action}" needs "accessPoint"`)
        if (ev.accessPoint !== undefined && !names.has(ev.accessPoint))
            problems.push(
                `${at}.accessPoint "${ev.accessPoint}" is not an access point of this world; known: ${[...names].join(", ") || "none"}`,
            )
        if (cameras && CAMERA_ACTIONS.includes(ev.action))
            problems.push(
                `${at}: action "${ev.action}" is for the one camera of a world with "camera"; a fleet's cameras have no sensor model yet`,
            )
        if (ev.action === "set-password" && ev.password === undefined)
            problems.push(`${at}: action "set-password" needs "password"`)
        if (ev.action === "move-camera" && ev.to === undefined)
            problems.push(`${at}: action "move-camera" needs "to": [x, y]`)
        if (cameras && ev.action === "move-camera" && ev.camera === undefined)
            problems.push(`${at}: in a world with "cameras", action "move-camera" needs "camera"`)
        if (ev.action === "set-channel" && ev.channel === undefined)
            problems.push(`${at}: action "set-channel" needs "channel": 1..13`)
        if (CLIENT_ACTIONS.includes(ev.action) && ev.client === undefined)
            problems.push(`${at}: action "${ev.action}" needs "client": the name of one of "clients"`)
        let dhcp: DhcpConfig | undefined
        if (ev.action === "dhcp-renumber" || ev.action === "ethernet-dhcp-renumber") {
            const before =
                ev.action === "dhcp-renumber"
                    ? accessPoints.find((a) => a.name === ev.accessPoint)?.dhcp
                    : raw.ethernet
                      ? normaliseDhcp(raw.ethernet.dhcp ?? { subnet: "192.168.10.0/24" }, "ethernet.dhcp", [])
                      : undefined
            if (ev.subnet === undefined)
                problems.push(`${at}: action "${ev.action}" needs "subnet", e.g. "10.1.2.0/24"`)
            else if (before) {
                // the same server with a new subnet: lease length and answer delay stay
                const renumbered = normaliseDhcp({ subnet: ev.subnet }, at, problems)
                dhcp = { ...renumbered, leaseSeconds: before.leaseSeconds, delayMs: before.delayMs, enabled: true }
            }
        }
        return {
            atMs: durationAt(ev.at, `${at}.at`, problems),
            action: ev.action,
            accessPoint: ev.accessPoint,
            password: ev.password,
            to: ev.to,
            camera: ev.camera,
            channel: ev.channel,
            dhcp,
            client: ev.client,
        }
    })
}

/** An event naming a camera, or a site-wide one: only in a fleet world, and only where it means something. */
function checkFleetEvent(
    ev: { action: EventAction; camera?: string; accessPoint?: string },
    at: string,
    cameras: CameraConfig[] | undefined,
    problems: string[],
) {
    if (!cameras) {
        problems.push(`${at}: ${ev.camera !== undefined ? '"camera"' : `action "${ev.action}"`} needs a "cameras" list`)
        return
    }
    if (ev.camera === undefined) return
    if (!["move-camera", "power-off", "power-on"].includes(ev.action))
        problems.push(`${at}: action "${ev.action}" takes no "camera" (only move-camera, power-off and power-on do)`)
    if (ev.accessPoint !== undefined) problems.push(`${at}: give "camera" or "accessPoint", not both`)
    if (!cameras.some((c) => c.name === ev.camera))
        problems.push(
            `${at}.camera "${ev.camera}" is not a camera of this world; known: ${cameras
                .slice(0, 10)
                .map((c) => c.name)
                .join(", ")}${cameras.length > 10 ? ", ..." : ""}`,
        )
}
