import { readFileSync } from "node:fs"
import { fromRoot } from "../../project/paths"

// World fixtures several tests share (the campus world of enterprise tests
// is in test/helpers/campus.ts; whole world files are in sim/worlds/).

/** sim/worlds/default.json as written, a fresh copy each call: for a world made from its parts. */
export function defaultWorldJson<T = Record<string, unknown>>(): T {
    return JSON.parse(readFileSync(fromRoot("sim/worlds/default.json"), "utf8")) as T
}

/** A phone that tries to join the camera's "cam-setup" network at `at`, 2.2 m away. */
export const phone = (name: string, password: string | undefined, at: string, extra: object = {}) => ({
    name,
    position: [2, 1],
    joins: "cam-setup",
    ...(password === undefined ? {} : { password }),
    at,
    ...extra,
})

/** An Ethernet board plugged into a switch whose DHCP server hands out 10.20.0.0/24; no access points. */
export const wired = (extra: object = {}, events: object[] = [], board = "wt32_eth01") => ({
    board,
    ethernet: { cable: "plugged", dhcp: { subnet: "10.20.0.0/24" }, ...extra },
    accessPoints: [],
    events,
})

/** Two WPA2 networks on channels 1 and 11, "home" (192.168.1.0/24) and "office" (10.9.0.0/24): a second connect() to either. */
export const twoNetworks = {
    accessPoints: [
        {
            ssid: "home",
            security: "wpa2-psk",
            password: "home-pass",
            channel: 1,
            position: [5, 0],
            dhcp: { subnet: "192.168.1.0/24" },
        },
        {
            ssid: "office",
            security: "wpa2-psk",
            password: "office-pass",
            channel: 11,
            position: [8, 0],
            dhcp: { subnet: "10.9.0.0/24" },
        },
    ],
}
