import * as ds from "@devicescript/core"

// status() codes: MicroPython esp32's numbers, fixed here for every driver.
// Vendor codes never reach users: drivers map theirs onto the contract's
// LinkReason, and `reasonStatus` below is the one table from there to here.
export const STAT_IDLE = 1000
export const STAT_CONNECTING = 1001
export const STAT_GOT_IP = 1010
export const STAT_BEACON_TIMEOUT = 200
export const STAT_NO_AP_FOUND = 201
export const STAT_WRONG_PASSWORD = 202
export const STAT_CONNECT_FAIL = 203
export const STAT_ASSOC_FAIL = 203
export const STAT_HANDSHAKE_TIMEOUT = 204

const Reason = ds.CamWifiStationLinkReason
const Security = ds.CamWifiStationSecurity

/** The status() code a link failure reason reads as. */
export function reasonStatus(reason: number): number {
    switch (reason) {
        case Reason.NoApFound:
            return STAT_NO_AP_FOUND
        case Reason.AuthFailed:
        case Reason.EapCredentialsRejected:
            return STAT_WRONG_PASSWORD
        case Reason.HandshakeTimeout:
            return STAT_HANDSHAKE_TIMEOUT
        case Reason.BeaconTimeout:
            return STAT_BEACON_TIMEOUT
        case Reason.AssocRejected:
        case Reason.SecurityMismatch:
        case Reason.AddressTimeout:
        case Reason.Deauthenticated:
        case Reason.EapServerUntrusted:
        case Reason.EapServerDomainMismatch:
        case Reason.EapServerUnreachable:
        case Reason.EapMethodRejected:
            return STAT_CONNECT_FAIL
        default:
            return STAT_IDLE
    }
}

/** A sentence a person can act on, for a failure reason. */
export function reasonText(reason: number, security: number, enterprise: boolean): string {
    switch (reason) {
        case Reason.None:
            return "no failure"
        case Reason.NoApFound:
            return "no access point with that network name is in range (check the name, or run scan())"
        case Reason.AuthFailed:
            return "the access point rejected the password"
        case Reason.HandshakeTimeout:
            return "the 4-way handshake timed out (the signal may be too weak)"
        case Reason.AssocRejected:
            return "the access point did not accept the association (it may be full, or not hear the camera: move closer or raise txpower)"
        case Reason.BeaconTimeout:
            return "the access point's beacons stopped (it went out of range or was switched off)"
        case Reason.SecurityMismatch:
            if (security === Security.Wpa2Enterprise || security === Security.Wpa3Enterprise)
                return "the network asks for an enterprise (802.1X) login, not just a password: connect(ssid, { eap, ... })"
            if (security === Security.Open) return "the network is open but the connect asked for a secured one"
            if (enterprise) return "the network uses a password (WPA2/WPA3-Personal), not an enterprise login"
            return "the network needs a password and none was given"
        case Reason.EapCredentialsRejected:
            return "the login server rejected the credentials"
        case Reason.EapServerUntrusted:
            return "the login server's certificate is not signed by the caCert given: this may be a rogue access point"
        case Reason.EapServerDomainMismatch:
            return "the login server's certificate is for another domain than serverDomain"
        case Reason.EapServerUnreachable:
            return "the login server did not answer (the access point could not reach it)"
        case Reason.EapMethodRejected:
            return "the login server does not accept this EAP method"
        case Reason.AddressTimeout:
            return "associated, but no address came from DHCP in time"
        case Reason.LeftByRequest:
            return "disconnected by the program"
        case Reason.Deauthenticated:
            return "the access point dropped the link"
        case Reason.RadioStopped:
            return "the interface was turned off"
        default:
            return `unknown reason ${reason}`
    }
}
