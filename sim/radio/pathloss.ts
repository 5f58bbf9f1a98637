import type { Vec2, World } from "../world/world"

// Log-distance path loss at 2.4 GHz:
//   PL(d) = PL(1 m) + 10 * n * log10(d / 1 m)
// PL(1 m) is 40 dB (free space at 2.44 GHz is 40.2 dB), n is 2 in free
// space and about 3 indoors through a wall or two (the default). Distances
// under 1 m are taken as 1 m. No fading: the same world always gives the
// same numbers, so tests can assert exact RSSI values.

export type RadioParams = World["radio"]

/** Two received signals closer than this to the sensitivity floor lose frames (EAPOL included). */
export const MARGINAL_LINK_DB = 3

export function distance(a: Vec2, b: Vec2): number {
    return Math.hypot(a[0] - b[0], a[1] - b[1])
}

export function pathLossDb(distanceM: number, radio: RadioParams): number {
    const d = Math.max(distanceM, 1)
    return radio.referenceLossDb + 10 * radio.pathLossExponent * Math.log10(d)
}

/** Received power in whole dBm, as a radio reports RSSI. */
export function rssiDbm(txPowerDbm: number, distanceM: number, radio: RadioParams, gainsDbi = 0): number {
    return Math.round(txPowerDbm + gainsDbi - pathLossDb(distanceM, radio))
}

/** Frames at this level are received at all (beacons, probe responses). */
export function audible(rssi: number, radio: RadioParams): boolean {
    return rssi >= radio.sensitivityDbm
}

/** Audible, but so close to the floor that a multi-frame exchange does not get through. */
export function marginal(rssi: number, radio: RadioParams): boolean {
    return audible(rssi, radio) && rssi < radio.sensitivityDbm + MARGINAL_LINK_DB
}

/** Distance at which a transmitter fades below the sensitivity floor (for docs and tests). */
export function rangeM(txPowerDbm: number, radio: RadioParams, gainsDbi = 0): number {
    const budget = txPowerDbm + gainsDbi - radio.sensitivityDbm - radio.referenceLossDb
    return 10 ** (budget / (10 * radio.pathLossExponent))
}
