// The board a program is compiled for. The build (the simulator's entry, or
// the firmware image) calls `_setBoard` before the user's script runs, so an
// interface the board lacks can be refused at construction, synchronously.

/** How the board's Ethernet MAC reaches its PHY (from boards/<id>.board.json). */
export interface EthernetWiring {
    /** "LAN8720", "IP101", "W5500", ... */
    phy: string
    /** "rmii" or "spi" */
    bus: string
    phyAddress: number
    mdcPin: number
    mdioPin: number
    /** "gpio0-in", "gpio0-out", "gpio16-out", "gpio17-out"; "" for SPI */
    clockMode: string
    /** -1 when the PHY is always powered */
    powerPin: number
    spi: { host: number; sclk: number; mosi: number; miso: number; cs: number; int: number }
}

/** The board's camera (boards/<id>.board.json camscript.camera), as src/camera/ needs it. */
export interface CameraWiring {
    /** "OV2640", "OV3660", "OV5640" */
    sensor: string
    /** pwdn, reset, xclk, siod, sioc, d0..d7, vsync, href, pclk (services/camera.md set_pins order); -1 = not wired */
    pins: number[]
    /** the flash LED's GPIO, -1 for none */
    flashPin: number
}

export interface BoardDescriptor {
    id: string
    name: string
    /** "wlan" and/or "lan" */
    interfaces: string[]
    /** DHCP hostname interfaces start with (devicescript.json network.hostname) */
    hostname: string
    /** present on boards with "lan" */
    ethernet?: EthernetWiring
    /**
     * The runtime the image is built for: "camscript" (our firmware, with the
     * camscript drivers) or "stock" (the stock DeviceScript ESP32 firmware,
     * which has only the standard Jacdac Wi-Fi service). Absent: "camscript".
     */
    firmware?: string
    /** present on boards with a camera sensor */
    camera?: CameraWiring
    /** PSRAM the firmware maps, bytes (0: none) */
    psramBytes?: number
    /** the catalogue's boards with a camera, joined with ", " (one string: an image names its own board alone) */
    boardsWithCamera?: string
}

let current: BoardDescriptor = {
    id: "unknown",
    name: "an unknown board",
    interfaces: ["wlan"],
    hostname: "camscript",
    firmware: "camscript",
}

export function _setBoard(board: BoardDescriptor) {
    current = board
}

export function board(): BoardDescriptor {
    return current
}

/** Throws unless the board has `iface`, naming the board and what it does have. */
export function requireInterface(iface: string, what: string) {
    if (current.interfaces.indexOf(iface) >= 0) return
    const has = current.interfaces.length ? current.interfaces.join(", ") : "none"
    throw new Error(`${what}: board ${current.name} (${current.id}) has no ${iface} interface; it has: ${has}`)
}

/**
 * Installed by the build's entry for the stock firmware only
 * (src/network/stock-station.ts), so an image for camscript's firmware
 * does not carry the stock station: the station link over `ds.Wifi`.
 */
export const firmwareSupport: { station: () => any } = { station: null }

/** Whether the image runs on the stock DeviceScript firmware (no camscript drivers). */
export function onStockFirmware(): boolean {
    return current.firmware === "stock"
}

/** What the stock firmware offers instead, for messages. */
export const STOCK_FIRMWARE_HAS =
    "only the standard Jacdac Wi-Fi service (station: one network joined by name and password, DHCP)"

/**
 * Throws on the stock DeviceScript firmware, naming the camscript driver
 * `what` needs and what the board has instead; does nothing on camscript's
 * own firmware.
 */
export function requireCamscriptDriver(driver: string, what: string) {
    if (!onStockFirmware()) return
    throw new Error(
        `${what} needs the camscript firmware's ${driver} driver; this board runs the stock DeviceScript firmware, which has ${STOCK_FIRMWARE_HAS}: flash the camscript firmware (camscript flash)`,
    )
}
