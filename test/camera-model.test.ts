import test from "ava"
import { decodeJpeg, encodeJpeg, encoderQuality } from "../sim/camera/jpeg"
import { codeCell, drawTestCard, NEUTRAL_LOOK, readFrameCode } from "../sim/camera/test-card"
import { framePeriodMs } from "../sim/camera/timing"
import { frameBufferBytes, frameSizeName, frameSizeIndex, largestSize, sizeFits } from "../src/camera/sizes"

// The simulator's sensor model on its own (no VM): the test card's code grid
// survives JPEG at every quality and orientation, at its number edges; the
// frame periods per sensor mode; esp32-camera's buffer sizes against memory.

const size = (name: string) => frameSizeIndex(name)

test("the test card's frame number and time read back at the worst quality, the smallest size, mirrored and flipped", (t) => {
    for (const [w, h] of [
        [96, 96],
        [160, 120],
        [640, 480],
    ])
        for (const quality of [0, 63])
            for (const [hmirror, vflip] of [
                [false, false],
                [true, false],
                [false, true],
                [true, true],
            ]) {
                // the largest numbers the grid holds: 24 bits of sequence, 32 of milliseconds
                const text = { name: "edge", sequence: 2 ** 24 - 1, timeMs: 2 ** 32 - 1 }
                const jpeg = encodeJpeg(drawTestCard(w, h, text, { ...NEUTRAL_LOOK, hmirror, vflip }), quality)
                t.deepEqual(readFrameCode(decodeJpeg(jpeg)), { sequence: text.sequence, timeMs: text.timeMs })
            }
    const zero = encodeJpeg(drawTestCard(96, 96, { name: "z", sequence: 0, timeMs: 0 }, NEUTRAL_LOOK), 63)
    t.deepEqual(readFrameCode(decodeJpeg(zero)), { sequence: 0, timeMs: 0 })
})

test("a grid that does not check out reads as no number, not as another frame", (t) => {
    const p = drawTestCard(160, 120, { name: "x", sequence: 77, timeMs: 1234 }, NEUTRAL_LOOK)
    // flip the first cell (a bit of the sequence): the check byte no longer matches
    const cell = codeCell(160)
    const top = 120 - 4 * cell
    for (let y = top; y < top + cell; y++)
        for (let x = 0; x < cell; x++) for (let c = 0; c < 3; c++) p.data[(y * 160 + x) * 4 + c] ^= 255
    t.is(readFrameCode(p), undefined)
})

test("quality maps esp32-camera's 0..63 (lower is better) onto the encoder's 100..10, and lower numbers give bigger frames", (t) => {
    t.is(encoderQuality(0), 100)
    t.is(encoderQuality(63), 10)
    t.is(encoderQuality(12), 83)
    const card = drawTestCard(320, 240, { name: "q", sequence: 1, timeMs: 1 }, NEUTRAL_LOOK)
    t.true(encodeJpeg(card, 5).length > encodeJpeg(card, 30).length)
})

test("frame periods follow the sensor's readout mode at 20 MHz: OV2640 CIF 20 ms, SVGA 40 ms, UXGA 80 ms", (t) => {
    const period = (sensor: string, name: string) => framePeriodMs(sensor, size(name))
    t.deepEqual(
        ["96X96", "QVGA", "CIF", "320X320", "VGA", "SVGA", "XGA", "UXGA"].map((n) => period("OV2640", n)),
        [20, 20, 20, 40, 40, 40, 80, 80],
    )
    t.deepEqual(
        ["VGA", "XGA", "QXGA"].map((n) => period("OV3660", n)),
        [20, 27, 80],
    )
    t.deepEqual(
        ["VGA", "HD", "FHD", "QSXGA"].map((n) => period("OV5640", n)),
        [13, 20, 40, 80],
    )
})

test("buffers are width*height/5 bytes; sizes fit by sensor and memory, at the edges", (t) => {
    t.is(frameBufferBytes(size("VGA")), 61440)
    t.is(frameBufferBytes(size("UXGA")), 384000)
    // without PSRAM: one buffer of at most 32768 bytes: HVGA (30720) fits, VGA does not
    t.true(sizeFits(size("HVGA"), "OV2640", 0, 1))
    t.false(sizeFits(size("VGA"), "OV2640", 0, 1))
    t.is(frameSizeName(largestSize("OV2640", 0, 1)), "HVGA")
    // the sensor's maximum, compared in esp32-camera's order
    t.true(sizeFits(size("UXGA"), "OV2640", 4194304, 4))
    t.false(sizeFits(size("FHD"), "OV2640", 4194304, 1))
    t.is(frameSizeName(largestSize("OV3660", 4194304, 4)), "QXGA")
    // an OV5640 at 5MP: 1,007,770 bytes a buffer; 3 fit in 4 MiB less 1 MiB, 4 do not
    t.true(sizeFits(size("5MP"), "OV5640", 4194304, 3) === false)
    t.true(sizeFits(size("QSXGA"), "OV5640", 4194304, 3))
    t.false(sizeFits(size("QSXGA"), "OV5640", 4194304, 4))
    t.is(frameSizeName(largestSize("OV5640", 4194304, 4)), "QHD")
})
