// Frame sizes, and which of them a board affords. Pure functions and tables
// with no DeviceScript import: compiled into the image, and also run under
// Node (the limits table, the simulator's sensor model, the docs).

import * as L from "../limits"

// Every table here is built on first use and kept from then on (the
// `let` caches below): a module-level array literal is allocated on the
// VM's heap when the image starts, and the image holds the camera module
// whether or not a script uses it; a script that never touches the camera
// must not pay for its tables (test/camera-heap.test.ts, "a script without
// the camera").

let names: string[] | undefined
let widths: number[] | undefined
let heights: number[] | undefined
let sensors: string[] | undefined

/** How many frame sizes esp32-camera names (FRAMESIZE_INVALID's value). */
export const FRAME_SIZE_COUNT = 25

/**
 * esp32-camera's frame sizes, in its `framesize_t` order (driver/include/
 * sensor.h), named as there without FRAMESIZE_. The index is the contract's
 * FrameSize value (services/camera.md).
 */
export function frameSizeNames(): string[] {
    if (!names)
        names = [
            "96X96",
            "QQVGA",
            "128X128",
            "QCIF",
            "HQVGA",
            "240X240",
            "QVGA",
            "320X320",
            "CIF",
            "HVGA",
            "VGA",
            "SVGA",
            "XGA",
            "HD",
            "SXGA",
            "UXGA",
            "FHD",
            "P_HD",
            "P_3MP",
            "QXGA",
            "QHD",
            "WQXGA",
            "P_FHD",
            "QSXGA",
            "5MP",
        ]
    return names
}

/** The name of frame size `index` ("VGA"). */
export function frameSizeName(index: number): string {
    return frameSizeNames()[index]
}

/** Width in pixels of frame size `index` (esp32-camera's resolution[] table, driver/sensor.c). */
export function frameWidth(index: number): number {
    if (!widths)
        widths = [
            96, 160, 128, 176, 240, 240, 320, 320, 400, 480, 640, 800, 1024, 1280, 1280, 1600, 1920, 720, 864, 2048,
            2560, 2560, 1080, 2560, 2592,
        ]
    return widths[index]
}

/** Height in pixels of frame size `index`. */
export function frameHeight(index: number): number {
    if (!heights)
        heights = [
            96, 120, 128, 144, 176, 240, 240, 320, 296, 320, 480, 600, 768, 720, 1024, 1200, 1080, 1280, 1536, 1536,
            1440, 1600, 1920, 1920, 1944,
        ]
    return heights[index]
}

/** Sensors camscript drives, with the contract's Sensor numbers (1, 2, 3). */
export function sensorNames(): string[] {
    if (!sensors) sensors = ["OV2640", "OV3660", "OV5640"]
    return sensors
}

/**
 * The largest frame size of each sensor, as esp32-camera's sensor table has
 * it (driver/sensor.c: OV2640 UXGA, OV3660 QXGA, OV5640 QSXGA); sizes are
 * compared in framesize_t order, as esp_camera_init does.
 */
function sensorMaxSizeAt(i: number): number {
    return i === 0 ? 15 : i === 1 ? 19 : 23
}

/** The frame size's index, or -1 for a name that is not one. */
export function frameSizeIndex(name: any): number {
    if (typeof name !== "string") return -1
    return frameSizeNames().indexOf(name)
}

/** The contract's Sensor number of a sensor name (0 for none or unknown). */
export function sensorCode(name: string): number {
    return sensorNames().indexOf(name) + 1
}

/** The largest frame size index `sensor` (a name) delivers; -1 for none. */
export function sensorMaxSize(sensor: string): number {
    const i = sensorNames().indexOf(sensor)
    return i < 0 ? -1 : sensorMaxSizeAt(i)
}

/**
 * Bytes esp32-camera allocates for one JPEG frame buffer of size `index`
 * (cam_hal.c cam_config, CONFIG_CAMERA_JPEG_MODE_FRAME_SIZE_AUTO: width *
 * height / 5).
 */
export function frameBufferBytes(index: number): number {
    return Math.floor((frameWidth(index) * frameHeight(index)) / 5)
}

/** Memory for frame buffers: PSRAM less what is left to others, or one small buffer in internal RAM. */
export function frameMemoryBytes(psramBytes: number): number {
    if (psramBytes <= 0) return L.DRAM_FRAME_BUFFER_MAX_BYTES
    const left = psramBytes - L.PSRAM_RESERVED_BYTES
    return left > 0 ? left : 0
}

/** The most buffers a board with this PSRAM affords (1 without PSRAM: esp32-camera's DRAM mode). */
export function maxBuffers(psramBytes: number): number {
    return psramBytes > 0 ? L.FB_COUNT_MAX : 1
}

/** Whether `sensor` delivers size `index` and `count` of its buffers fit in the board's memory. */
export function sizeFits(index: number, sensor: string, psramBytes: number, count: number): boolean {
    return index <= sensorMaxSize(sensor) && frameBufferBytes(index) * count <= frameMemoryBytes(psramBytes)
}

/**
 * The largest allowed frame size (most pixels; sizes are not in area order:
 * P_HD comes after FHD), or -1 when none fits.
 */
export function largestSize(sensor: string, psramBytes: number, count: number): number {
    let best = -1
    for (let i = 0; i < FRAME_SIZE_COUNT; i++) {
        if (!sizeFits(i, sensor, psramBytes, count)) continue
        if (best < 0 || frameWidth(i) * frameHeight(i) >= frameWidth(best) * frameHeight(best)) best = i
    }
    return best
}

/** "640x480" */
export function sizeText(index: number): string {
    return `${frameWidth(index)}x${frameHeight(index)}`
}
