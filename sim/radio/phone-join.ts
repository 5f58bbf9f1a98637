import type { ClientConfig } from "../world/world"
import type { Air } from "./air"
import { audible, distance, rssiDbm } from "./pathloss"
import * as timing from "./timing"

// Whether a phone (a world's client) that tries to join the camera's access
// point gets in: the one decision both access points use, the model driver
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
