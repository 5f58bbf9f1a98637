import * as ds from "@devicescript/core"
import { ApLink, apLink } from "./access-point"
import { formatMac } from "./address"
import { checkKey, checkSsid, describe } from "./credentials"
import { checkApClients, checkChannel } from "./ranges"
import { support } from "./support"

// The access point's settings (`ap.config()`) and the secure-by-default rule
// checked by `ap.active(true)`: installed into WLAN by the "camscript" entry.

const Security = ds.CamWifiStationSecurity

const AP_CONFIG_KEYS = "ssid, key, security, channel, hidden, max_clients, mac"
const AP_SECURITY_NAMES = "WLAN.SEC_OPEN, SEC_WPA2, SEC_WPA3 or SEC_WPA2_WPA3"

function checkApSecurity(v: any) {
    if (v === Security.Wep)
        throw new Error(`config(): WEP is broken (its keys fall in minutes) and refused; use ${AP_SECURITY_NAMES}`)
    if (v === Security.Wpa || v === Security.WpaWpa2)
        throw new Error(`config(): WPA (TKIP) is obsolete and refused; use ${AP_SECURITY_NAMES}`)
    if (v === Security.Wpa2Enterprise || v === Security.Wpa3Enterprise)
        throw new Error(
            "config(): an access point cannot host enterprise (802.1X) logins; use WLAN.SEC_WPA2 or SEC_WPA2_WPA3",
        )
    if (v !== Security.Open && v !== Security.Wpa2 && v !== Security.Wpa3 && v !== Security.Wpa2Wpa3)
        throw new Error(`config(): security must be one of ${AP_SECURITY_NAMES}, got ${describe(v)}`)
}

/** Check every given setting, then apply them all (a bad key changes nothing). */
async function writeApConfig(ap: ApLink, arg: any) {
    const keys = Object.keys(arg)
    for (const k of keys) {
        const v = arg[k]
        if (k === "ssid" || k === "essid") checkSsid(v, "config()")
        else if (k === "key" || k === "password") {
            if (v !== "") checkKey(v, "config()")
        } else if (k === "security" || k === "authmode") checkApSecurity(v)
        else if (k === "channel") checkChannel(v, "config(): channel")
        else if (k === "hidden") {
            if (typeof v !== "boolean") throw new Error(`config(): hidden must be true or false, got ${describe(v)}`)
        } else if (k === "max_clients") checkApClients(v, "config(): max_clients")
        else if (k === "mac") throw new Error("config(): mac is read-only")
        else
            throw new Error(
                `config(): unknown setting ${describe(k)} for IF_AP; settable: ssid, key, security, channel, hidden, max_clients`,
            )
    }
    const s = ap.settings
    for (const k of keys) {
        const v = arg[k]
        if (k === "ssid" || k === "essid") s.ssid = v
        else if (k === "key" || k === "password") s.key = v
        else if (k === "security" || k === "authmode") s.security = v
        else if (k === "channel") s.channel = v
        else if (k === "hidden") s.hidden = v
        else if (k === "max_clients") s.max_clients = v
    }
    if (ap.active) {
        checkApReady(ap)
        await ap.sendSettings()
    }
}

/**
 * Secure by default: a key (8..63 characters) means WPA2 unless security
 * says otherwise; an open network only when security is SEC_OPEN.
 */
function checkApReady(ap: ApLink) {
    const s = ap.settings
    if (!s.ssid) throw new Error("active(true): the access point needs a name first: await ap.config({ ssid, key })")
    if (s.security === -1) {
        if (!s.key)
            throw new Error(
                "active(true): the access point needs a key of 8..63 characters, or security: WLAN.SEC_OPEN to run an open network deliberately",
            )
        s.security = Security.Wpa2
    }
    if (s.security === Security.Open && s.key)
        throw new Error("active(true): an open network (SEC_OPEN) takes no key; drop the key or use SEC_WPA2")
    if (s.security !== Security.Open && !s.key)
        throw new Error("active(true): a WPA2/WPA3 access point needs a key of 8..63 characters")
}

function readApConfig(ap: ApLink, key: string): any {
    const s = ap.settings
    switch (key) {
        case "ssid":
        case "essid":
            return s.ssid
        case "channel":
            return ap.active && ap.channel ? ap.channel : s.channel
        case "security":
        case "authmode":
            return s.security === -1 ? (s.key ? Security.Wpa2 : Security.Open) : s.security
        case "hidden":
            return s.hidden
        case "max_clients":
            return s.max_clients
        case "mac":
            if (!ap.mac) throw new Error("config('mac'): known once the interface is active: await ap.active(true)")
            return formatMac(ap.mac)
        case "key":
        case "password":
            throw new Error("config('key'): the key is write-only")
        default:
            throw new Error(`config(): unknown key ${describe(key)} for IF_AP; allowed: ${AP_CONFIG_KEYS}`)
    }
}

/** Make WLAN(IF_AP) available (the "camscript" entry does; "camscript/src/station" does not). */
export function installAccessPoint() {
    support.ap = { link: apLink, ready: checkApReady, read: readApConfig, write: writeApConfig, keys: AP_CONFIG_KEYS }
}
