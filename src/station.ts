// camscript/src/station: `import { network, time } from "camscript/src/station"`
// gives the same `network.WLAN` in station mode only, for scripts that join
// a password network and want the smallest image: the access point
// (WLAN(IF_AP)), enterprise logins and LAN stay out of the build (they
// throw, saying to import from "camscript"). "camscript" itself builds on
// this object.
import { LinkTimeoutError } from "./network/errors"
import * as stat from "./network/status"
import { WLAN } from "./network/wlan"

export { WLAN } from "./network/wlan"
export { LinkTimeoutError } from "./network/errors"
export type { LinkChange } from "./network/link"
export type { ScanRecord } from "./network/station"
export type { ConnectOptions, ScanOptions, WlanConfig } from "./network/wlan"
export { time } from "./time"
export { _setBoard, board } from "./board"

export const network = {
    WLAN: WLAN,
    LinkTimeoutError: LinkTimeoutError,
    STAT_IDLE: stat.STAT_IDLE,
    STAT_CONNECTING: stat.STAT_CONNECTING,
    STAT_GOT_IP: stat.STAT_GOT_IP,
    STAT_BEACON_TIMEOUT: stat.STAT_BEACON_TIMEOUT,
    STAT_NO_AP_FOUND: stat.STAT_NO_AP_FOUND,
    STAT_WRONG_PASSWORD: stat.STAT_WRONG_PASSWORD,
    STAT_CONNECT_FAIL: stat.STAT_CONNECT_FAIL,
    STAT_ASSOC_FAIL: stat.STAT_ASSOC_FAIL,
    STAT_HANDSHAKE_TIMEOUT: stat.STAT_HANDSHAKE_TIMEOUT,
}

type WlanClass = WLAN
type LinkTimeoutErrorClass = LinkTimeoutError

/** `network.WLAN` names the type too: `let wlan: network.WLAN` (types only; no code in the image). */
export declare namespace network {
    type WLAN = WlanClass
    type LinkTimeoutError = LinkTimeoutErrorClass
}
