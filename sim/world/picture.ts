import * as jpeg from "jpeg-js"

// Pixels, and reading them from a JPEG: what a world's scene images are
// (sim/world/sensor.ts) and what the camera model draws and encodes
// (sim/camera/). Decoding is jpeg-js's (pinned 0.4.4, pure JavaScript).

/** Pixels as RGBA, row by row (what jpeg-js encodes and decodes). */
export interface Picture {
    width: number
    height: number
    data: Uint8Array
}

/** Decode a JPEG to RGBA; throws on anything that is not a baseline or progressive JPEG. */
export function decodeJpeg(bytes: Uint8Array): Picture {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 })
    return { width: img.width, height: img.height, data: img.data }
}
