// camscript: `import { network, time } from "camscript"`.
// DeviceScript cannot `export * as network`, so each module is an object
// holding its classes, functions and constants; `new network.WLAN(...)`
// then reads exactly like the MicroPython original.
import { LinkTimeoutError } from "./network/errors"
import * as stat from "./network/status"
import {
    ETH_CONNECTED,
    ETH_DISCONNECTED,
    ETH_GOT_IP,
    ETH_INITIALIZED,
    ETH_STARTED,
    ETH_STOPPED,
} from "./network/ethernet"
import { LAN } from "./network/lan"
import { WLAN } from "./network/wlan"
import { sleep, sleep_ms, ticks_add, ticks_diff, ticks_ms } from "./time"

export { WLAN } from "./network/wlan"
export { LAN } from "./network/lan"
export type { LanOptions } from "./network/lan"
export { LinkTimeoutError } from "./network/errors"
export type { LinkChange } from "./network/link"
export type { ScanRecord } from "./network/station"
export type { ConnectOptions, ScanOptions, WlanConfig } from "./network/wlan"
export type { EnterpriseOptions } from "./network/enterprise"
export type { ApStation } from "./network/access-point"
export { _setBoard, board } from "./board"

export const network = {
    WLAN: WLAN,
    LAN: LAN,
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
    ETH_INITIALIZED: ETH_INITIALIZED,
    ETH_STARTED: ETH_STARTED,
    ETH_STOPPED: ETH_STOPPED,
    ETH_CONNECTED: ETH_CONNECTED,
    ETH_DISCONNECTED: ETH_DISCONNECTED,
    ETH_GOT_IP: ETH_GOT_IP,
}

export const time = {
    sleep: sleep,
    sleep_ms: sleep_ms,
    ticks_ms: ticks_ms,
    ticks_diff: ticks_diff,
    ticks_add: ticks_add,
}
