// camscript: `import { network, time, camera } from "camscript"`.
// DeviceScript cannot `export * as network`, so each module is an object
// holding its classes, functions and constants; `new network.WLAN(...)`
// then reads exactly like the MicroPython original.
import { installAccessPoint } from "./network/ap-config"
import { installEnterprise } from "./network/enterprise"
import {
    ETH_CONNECTED,
    ETH_DISCONNECTED,
    ETH_GOT_IP,
    ETH_INITIALIZED,
    ETH_STARTED,
    ETH_STOPPED,
} from "./network/ethernet"
import { LAN } from "./network/lan"
import { network as station } from "./station"
import type { WLAN } from "./network/wlan"
import type { LinkTimeoutError } from "./network/errors"

// this entry has everything: the access point and enterprise logins join WLAN
installAccessPoint()
installEnterprise()

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

export { time } from "./time"
export { camera } from "./camera/module"
export type { CameraOptions, CaptureOptions } from "./camera/camera"
export type { CameraChange } from "./camera/reasons"
export { settings } from "./settings"
export { machine } from "./machine"

export const network = {
    ...station,
    LAN: LAN,
    ETH_INITIALIZED: ETH_INITIALIZED,
    ETH_STARTED: ETH_STARTED,
    ETH_STOPPED: ETH_STOPPED,
    ETH_CONNECTED: ETH_CONNECTED,
    ETH_DISCONNECTED: ETH_DISCONNECTED,
    ETH_GOT_IP: ETH_GOT_IP,
}

type WlanClass = WLAN
type LanClass = LAN
type LinkTimeoutErrorClass = LinkTimeoutError

/** `network.WLAN` and `network.LAN` name the types too: `let lan: network.LAN` (types only; no code in the image). */
export declare namespace network {
    type WLAN = WlanClass
    type LAN = LanClass
    type LinkTimeoutError = LinkTimeoutErrorClass
}
