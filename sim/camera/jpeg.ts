import { createRequire } from "node:module"
import { readRegularFile } from "../../project/files"
import type { Picture } from "../world/picture"

export { decodeJpeg } from "../world/picture"

// Real JPEG frames for the simulated sensor, from jpeg-js 0.4.4 (pinned):
// pure JavaScript, no dependencies, no native binaries (116 KB installed),
// synchronous, so a frame is encoded inside the virtual-time step that
// delivers it. sharp (libvips) encodes 5 to 10 times faster but installs
// about 20 MB of platform binaries; docs/camera.md has the comparison.
//
// jpeg-js builds a new encoder for every image, and that set-up (about
// 65,000 small arrays of Huffman codes) costs far more than encoding a small
// frame. The encoder's constructor is not exported, so it is taken from the
// package's own file once and kept: one encoder serves every frame (its
// encode() resets its output and takes the quality each time).

interface Encoder {
    encode(image: { data: Uint8Array; width: number; height: number }, quality: number): Buffer
}
type EncoderClass = new (quality: number) => Encoder

/** The encoder file is 22 KB in 0.4.4: a file far larger is not that package. */
const ENCODER_SOURCE_MAX_BYTES = 256 * 1024

let encoder: Encoder | undefined

function sharedEncoder(): Encoder {
    if (encoder) return encoder
    const file = createRequire(__filename).resolve("jpeg-js/lib/encoder.js")
    const source = readRegularFile(
        file,
        "jpeg-js's encoder (node_modules/jpeg-js/lib/encoder.js)",
        ENCODER_SOURCE_MAX_BYTES,
    )
    const text = source.toString("utf8")
    if (!text.includes("function JPEGEncoder(quality)"))
        throw new Error(`${file}: JPEGEncoder was not found; camscript needs jpeg-js 0.4.4 (run npm ci)`)
    // the module's own code, with `module` given so its export line runs; it returns its constructor
    const make = new Function("module", "Buffer", `${text}\nreturn JPEGEncoder`) as (
        m: object,
        b: typeof Buffer,
    ) => EncoderClass
    const Ctor = make({ exports: {} }, Buffer)
    encoder = new Ctor(50)
    return encoder
}

/**
 * esp32-camera's quality (0..63, lower is better; the OV2640's quantisation
 * scale) as jpeg-js's 1..100 (higher is better): 0 -> 100, 63 -> 10,
 * evenly between.
 */
export function encoderQuality(quality: number): number {
    return Math.round(100 - (quality * 90) / 63)
}

/** Encode a picture as a baseline JPEG at esp32-camera quality `quality`. */
export function encodeJpeg(p: Picture, quality: number): Uint8Array {
    const out = sharedEncoder().encode({ data: p.data, width: p.width, height: p.height }, encoderQuality(quality))
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
}
