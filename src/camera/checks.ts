// Checks of a script's camera arguments against src/limits.ts. Pure
// functions with no DeviceScript import (run in the image and under Node,
// where limits/table.ts probes them at their edges). Each takes the value
// first and `what` (the call and the field) second, and throws an Error that
// says what was wrong and what is allowed.

import * as L from "../limits"
import { describe } from "../network/credentials"
import { checkWhole } from "../network/ranges"
import {
    frameSizeName,
    frameSizeNames,
    frameBufferBytes,
    frameMemoryBytes,
    frameSizeIndex,
    largestSize,
    maxBuffers,
    sensorMaxSize,
    sizeFits,
    sizeText,
} from "./sizes"

/** "4 MiB of PSRAM" / "no PSRAM" */
export function psramText(bytes: number): string {
    if (bytes <= 0) return "no PSRAM"
    if (bytes % 1048576 === 0) return `${bytes / 1048576} MiB of PSRAM`
    return `${Math.round(bytes / 1024)} KiB of PSRAM`
}

/**
 * A frame size by name that this sensor delivers and whose `count` buffers
 * fit the board's memory; returns its index. The refusal names the largest
 * size allowed.
 */
export function checkFrameSize(v: any, what: string, sensor: string, psramBytes: number, count: number): number {
    const i = frameSizeIndex(v)
    if (i < 0) throw new Error(`${what} must be a frame size name (${frameSizeNames().join(", ")}), got ${describe(v)}`)
    if (sizeFits(i, sensor, psramBytes, count)) return i
    const best = largestSize(sensor, psramBytes, count)
    const buffers = `${count} buffer${count === 1 ? "" : "s"}`
    const largest =
        best < 0
            ? `no frame size fits ${buffers}`
            : `the largest with ${buffers} is ${frameSizeName(best)} (${sizeText(best)})`
    const why =
        i > sensorMaxSize(sensor)
            ? `the ${sensor} delivers at most ${frameSizeName(sensorMaxSize(sensor))}`
            : `${buffers} of ${frameBufferBytes(i)} bytes do not fit`
    throw new Error(
        `${what} ${v} (${sizeText(i)}) is too large for this board (${sensor}, ${psramText(psramBytes)}): ${why}; ${largest}`,
    )
}

/** Bytes of frame buffers (count x width*height/5) against what the board's memory affords. */
export function checkFrameMemory(v: any, what: string, psramBytes: number) {
    const top = frameMemoryBytes(psramBytes)
    checkWhole(
        v,
        what,
        0,
        top,
        `0..${top} bytes of frame buffers on a board with ${psramText(psramBytes)}${psramBytes > 0 ? ` (${L.PSRAM_RESERVED_BYTES} bytes of it are left to Wi-Fi and the network)` : ""}`,
    )
}

/** JPEG quality, 0..63 (lower is better). */
export function checkQuality(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.JPEG_QUALITY_MIN,
        L.JPEG_QUALITY_MAX,
        `an integer ${L.JPEG_QUALITY_MIN}..${L.JPEG_QUALITY_MAX} (lower is better; 10..12 is usual)`,
    )
}

/** Frame buffers: 1..FB_COUNT_MAX with PSRAM, exactly 1 without. */
export function checkFbCount(v: any, what: string, psramBytes: number) {
    const top = maxBuffers(psramBytes)
    checkWhole(
        v,
        what,
        L.FB_COUNT_MIN,
        top,
        top === 1 ? `1: a board with no PSRAM has room for one frame buffer` : `an integer ${L.FB_COUNT_MIN}..${top}`,
    )
}

/** Brightness, contrast, saturation: -2..2. */
export function checkLevel(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.SENSOR_LEVEL_MIN,
        L.SENSOR_LEVEL_MAX,
        `an integer ${L.SENSOR_LEVEL_MIN}..${L.SENSOR_LEVEL_MAX}`,
    )
}

/** Manual exposure value. */
export function checkExposure(v: any, what: string) {
    checkWhole(v, what, L.EXPOSURE_MIN, L.EXPOSURE_MAX, `an integer ${L.EXPOSURE_MIN}..${L.EXPOSURE_MAX}`)
}

/** Manual gain. */
export function checkGain(v: any, what: string) {
    checkWhole(v, what, L.GAIN_MIN, L.GAIN_MAX, `an integer ${L.GAIN_MIN}..${L.GAIN_MAX}`)
}

/** White balance mode. */
export function checkWbMode(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.WB_MODE_MIN,
        L.WB_MODE_MAX,
        `an integer ${L.WB_MODE_MIN}..${L.WB_MODE_MAX} (0 auto, 1 sunny, 2 cloudy, 3 office, 4 home)`,
    )
}

/** The flash LED's level: true/false, or 0..255. Returns the level. */
export function checkFlashLevel(v: any, what: string): number {
    if (v === true) return L.FLASH_LEVEL_MAX
    if (v === false) return L.FLASH_LEVEL_MIN
    checkWhole(
        v,
        what,
        L.FLASH_LEVEL_MIN,
        L.FLASH_LEVEL_MAX,
        `true, false or an integer ${L.FLASH_LEVEL_MIN}..${L.FLASH_LEVEL_MAX}`,
    )
    return v
}

/** true or false. */
export function checkFlag(v: any, what: string) {
    if (v !== true && v !== false) throw new Error(`${what} must be true or false, got ${describe(v)}`)
}
