import type * as ds from "@devicescript/core"
import type { ApLink } from "./access-point"

// What WLAN reaches only when the script's entry brings it in. The
// DeviceScript compiler keeps every function a reachable class or object
// names, so a WLAN that named the access point and the enterprise login
// directly would carry them into every image. "camscript" installs both;
// "camscript/src/station" installs neither, and a station-only script pays
// for the station only.

export interface ApSupport {
    /** the board's one access-point link */
    link(): ApLink
    /** active(true): the settings make a network (secure by default) */
    ready(ap: ApLink): void
    /** config("key") */
    read(ap: ApLink, key: string): any
    /** await config({ ... }) */
    write(ap: ApLink, settings: any): Promise<void>
    /** the readable keys, for messages */
    keys: string
}

/** The checked credentials of an enterprise connect, ready to send to the driver (checkEnterprise in enterprise.ts makes them). */
export interface Enterprise {
    method: number
    phase2: number
    insecure: boolean
    /** [Credential kind, text] in sending order */
    items: any[][]
}

export interface EnterpriseSupport {
    /** the options of connect(ssid, { eap, ... }), checked */
    check(options: any): Promise<Enterprise>
    /** the credentials to the station driver, before associate_enterprise */
    send(driver: ds.CamWifiStation, e: Enterprise): Promise<void>
}

export const support: { ap: ApSupport; enterprise: EnterpriseSupport } = { ap: null, enterprise: null }
