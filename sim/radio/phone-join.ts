import type { Timeline } from "../timeline"
import { CLIENT_ACTIONS, type ClientConfig, type WorldEvent } from "../world/world"
import type { Air, Clock } from "./air"
import { audible, distance, rssiDbm } from "./pathloss"
import * as timing from "./timing"

// When a phone (a world's client) tries to join the camera's access point,
// and whether it gets in: the one schedule and the one decision both access
// points use, the model driver
// (sim/drivers/wifi-access-point.ts) and ESP-IDF's soft-AP under the C
// firmware (sim/firmware/esp-softap.ts). Each then says it in its own
// terms (contract events, or ESP-IDF's AP_STACONNECTED and DHCP events).

/** A phone that finds no network (or a full one) looks again this often. */
export const CLIENT_RETRY_MS = 3000

/** The access point as a phone finds it. */
export interface OfferedNetwork {
    ssid: string
    /** no passphrase (SEC_OPEN / WIFI_AUTH_OPEN) */
    open: boolean
    /** the passphrase, when not open */
    key: string
    maxClients: number
    /** stations joined now */
    stations: number
}

export type PhoneJoin =
    /** the network is not up, has another name, or the two cannot hear each other both ways: look again later */
    | { outcome: "not-found" }
    /** every place is taken: refused, and the phone looks again later */
    | { outcome: "full"; detail: string }
    /** the handshake fails: refused after the access point's retries, and the phone gives up */
    | { outcome: "wrong-password"; detail: string; afterMs: number }
    /** authenticated and associated (handshake included) after `afterMs`; `heardDbm`: how the camera hears it */
    | { outcome: "associated"; afterMs: number; heardDbm: number }

/** How the camera hears the phone. */
export function phoneHeardDbm(air: Air, c: ClientConfig): number {
    return rssiDbm(c.txPowerDbm, distance(air.cameraPosition, c.position), air.world.radio)
}

/** What happens when phone `c` tries to join `network` (undefined: the access point is not up). */
export function phoneJoin(air: Air, c: ClientConfig, network: OfferedNetwork | undefined): PhoneJoin {
    if (!network || network.ssid !== c.joins) return { outcome: "not-found" }
    const radio = air.world.radio
    const heardDbm = phoneHeardDbm(air, c)
    // how the phone hears the camera: a beacon it cannot hear is a network it cannot find
    const hears = rssiDbm(air.cameraTxPowerDbm, distance(air.cameraPosition, c.position), radio)
    if (!audible(heardDbm, radio) || !audible(hears, radio)) return { outcome: "not-found" }
    if (network.stations >= network.maxClients)
        return { outcome: "full", detail: `${c.name}: the network is full (max_clients ${network.maxClients})` }
    if (!network.open && c.password !== network.key)
        // the phone shows "incorrect password" and gives up; never print either password
        return {
            outcome: "wrong-password",
            detail: `${c.name} (${c.mac}): wrong password`,
            afterMs: timing.AUTH_ASSOC_MS + timing.WRONG_KEY_DETECT_MS,
        }
    return {
        outcome: "associated",
        afterMs: timing.AUTH_ASSOC_MS + (network.open ? 0 : timing.WPA2_HANDSHAKE_MS),
        heardDbm,
    }
}

/**
 * The refusals of a join, told the same way by both access points (the
 * model's and the simulated ESP-IDF soft-AP): a network not found is looked
 * for again later; a full one is told now and looked for again later; a
 * wrong password is told once the access point's retries are over, unless
 * `current()` says the network was restarted meanwhile. Returns the
 * association to carry on with, or undefined when the phone did not join.
 */
export function settleJoin(
    join: PhoneJoin,
    ap: { timeline: Timeline; clock: Clock; retry: () => void; current: () => boolean },
): Extract<PhoneJoin, { outcome: "associated" }> | undefined {
    switch (join.outcome) {
        case "not-found":
            ap.retry()
            return undefined
        case "full":
            ap.timeline.add("ap", "client-refused", join.detail)
            ap.retry()
            return undefined
        case "wrong-password":
            ap.clock.setTimeout(() => {
                if (ap.current()) ap.timeline.add("ap", "client-refused", join.detail)
            }, join.afterMs)
            return undefined
    }
    return join
}

/**
 * When each phone is around: from its `at` until its `leaveAt`, unless a
 * world event (client-join / client-leave) says otherwise, which then holds.
 */
export class PhoneSchedule {
    /** set by client-join / client-leave events; kept across driver restarts, as the phones are */
    private readonly present = new Map<ClientConfig, boolean>()

    constructor(
        private readonly clock: Clock,
        private readonly timeline: Timeline,
        private readonly clients: ClientConfig[],
    ) {}

    /** Schedule the phones' comings and goings (once, at the start of a run). */
    start(events: WorldEvent[], tryJoin: (c: ClientConfig) => void, leave: (c: ClientConfig) => void) {
        for (const c of this.clients) {
            this.clock.setTimeout(() => tryJoin(c), c.atMs - this.clock.now())
            if (c.leaveAtMs !== undefined) this.clock.setTimeout(() => leave(c), c.leaveAtMs - this.clock.now())
        }
        for (const ev of events) {
            if (!CLIENT_ACTIONS.includes(ev.action)) continue
            const c = this.clients.find((k) => k.name === ev.client)!
            this.clock.setTimeout(() => {
                this.timeline.add("world", ev.action, c.name)
                if (ev.action === "client-leave") {
                    this.present.set(c, false)
                    leave(c)
                } else {
                    this.present.set(c, true)
                    tryJoin(c)
                }
            }, ev.atMs - this.clock.now())
        }
    }

    /** Is phone `c` around now (and so trying to join)? */
    around(c: ClientConfig): boolean {
        const present = this.present.get(c)
        if (present !== undefined) return present
        const now = this.clock.now()
        return now >= c.atMs && (c.leaveAtMs === undefined || now < c.leaveAtMs)
    }
}
