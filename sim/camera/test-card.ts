import type { Picture } from "../world/picture"
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from "./font"

// The simulated sensor's generated scene: a test card with the camera's
// name, the frame's sequence number and the simulated time at which its
// exposure started, drawn large enough to read, and the same numbers as a
// grid of black and white cells in the bottom-left corner, so a test can
// read them back from the JPEG (readFrameCode) whatever the quality.

export type { Picture } from "../world/picture"

/** How the sensor's settings change the picture (sim/camera/sensor.ts fills it). */
export interface Look {
    /** added to every channel, -2..2 steps of 20 */
    brightness: number
    /** contrast -2..2: each step scales distances from mid-grey by 20 % */
    contrast: number
    /** saturation -2..2: each step scales colour by 25 % */
    saturation: number
    vflip: boolean
    hmirror: boolean
    /** light reaching the sensor times gain: 1 is auto-exposure's target */
    exposure: number
    /** the flash LED lit the exposure */
    flash: boolean
    /** auto-exposure and white balance still settling: dark and green, as real first frames */
    settling: boolean
}

export const NEUTRAL_LOOK: Look = {
    brightness: 0,
    contrast: 0,
    saturation: 0,
    vflip: false,
    hmirror: false,
    exposure: 1,
    flash: false,
    settling: false,
}

export interface CardText {
    name: string
    sequence: number
    /** simulated time when the exposure started, ms */
    timeMs: number
}

/** Columns and rows of the code grid: 24 bits of sequence, 32 of time, 8 of check. */
const CODE_COLUMNS = 16
const CODE_ROWS = 4
const SEQUENCE_BITS = 24
const TIME_BITS = 32

/** The side of one code cell at this frame width: 4..16 px. */
export function codeCell(width: number): number {
    return Math.max(4, Math.min(16, Math.floor(width / CODE_COLUMNS)))
}

/** The check byte over the sequence and time: a misread grid is not taken for another frame. */
function check(sequence: number, timeMs: number): number {
    let sum = 0xa5
    for (let i = 0; i < 3; i++) sum = (sum + ((sequence >>> (8 * i)) & 255)) & 255
    for (let i = 0; i < 4; i++) sum = (sum * 31 + ((timeMs >>> (8 * i)) & 255)) & 255
    return sum
}

function codeBits(sequence: number, timeMs: number): number[] {
    const bits: number[] = []
    for (let i = SEQUENCE_BITS - 1; i >= 0; i--) bits.push((sequence >>> i) & 1)
    for (let i = TIME_BITS - 1; i >= 0; i--) bits.push(Math.floor(timeMs / 2 ** i) & 1)
    const c = check(sequence, timeMs)
    for (let i = 7; i >= 0; i--) bits.push((c >>> i) & 1)
    return bits
}

function clamp(v: number): number {
    return v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
}

function fill(p: Picture, x0: number, y0: number, w: number, h: number, rgb: number[]) {
    for (let y = Math.max(0, y0); y < Math.min(p.height, y0 + h); y++)
        for (let x = Math.max(0, x0); x < Math.min(p.width, x0 + w); x++) {
            const i = (y * p.width + x) * 4
            p.data[i] = rgb[0]
            p.data[i + 1] = rgb[1]
            p.data[i + 2] = rgb[2]
            p.data[i + 3] = 255
        }
}

function drawText(p: Picture, text: string, x0: number, y0: number, scale: number, rgb: number[]) {
    let x = x0
    for (const ch of text) {
        const rows = glyph(ch)
        for (let r = 0; r < GLYPH_HEIGHT; r++)
            for (let c = 0; c < GLYPH_WIDTH; c++)
                if ((rows[r] >> (GLYPH_WIDTH - 1 - c)) & 1) fill(p, x + c * scale, y0 + r * scale, scale, scale, rgb)
        x += GLYPH_ADVANCE * scale
    }
}

/** The largest scale at which `text` fits `width` (at least 1). */
function fitScale(text: string, width: number, wanted: number): number {
    let s = wanted
    while (s > 1 && textWidth(text, s) > width) s--
    return s
}

/** "12.345" seconds from milliseconds. */
function secondsText(ms: number): string {
    const s = Math.floor(ms / 1000)
    return `${s}.${String(Math.floor(ms) % 1000).padStart(3, "0")}`
}

/** Brightness, contrast, saturation, exposure, flash and settling, applied to one pixel. */
export function adjust(rgb: number[], look: Look): number[] {
    let [r, g, b] = rgb
    let gain = look.exposure * (look.flash ? 1.4 : 1)
    if (look.settling) gain *= 0.25
    r *= gain
    g *= gain
    b *= gain
    if (look.settling) {
        // auto white balance not settled yet: the first frames come out green
        r *= 0.5
        b *= 0.5
    }
    const grey = (r + g + b) / 3
    const sat = 1 + 0.25 * look.saturation
    r = grey + (r - grey) * sat
    g = grey + (g - grey) * sat
    b = grey + (b - grey) * sat
    const con = 1 + 0.2 * look.contrast
    const shift = 20 * look.brightness
    return [
        clamp((r - 128) * con + 128 + shift),
        clamp((g - 128) * con + 128 + shift),
        clamp((b - 128) * con + 128 + shift),
    ]
}

/** SMPTE-like colour bars for the card's top strip. */
const BARS = [
    [192, 192, 192],
    [192, 192, 0],
    [0, 192, 192],
    [0, 192, 0],
    [192, 0, 192],
    [192, 0, 0],
    [0, 0, 192],
]
const BACKGROUND = [200, 200, 200]
const INK = [0, 0, 0]
const PAPER = [255, 255, 255]

/** Mirror and flip a picture in place, as the sensor's readout order does. */
export function orient(p: Picture, hmirror: boolean, vflip: boolean) {
    if (!hmirror && !vflip) return
    const out = new Uint8Array(p.data.length)
    for (let y = 0; y < p.height; y++)
        for (let x = 0; x < p.width; x++) {
            const sx = hmirror ? p.width - 1 - x : x
            const sy = vflip ? p.height - 1 - y : y
            out.set(p.data.subarray((sy * p.width + sx) * 4, (sy * p.width + sx) * 4 + 4), (y * p.width + x) * 4)
        }
    p.data.set(out)
}

/** Draw the test card for one frame. */
export function drawTestCard(width: number, height: number, text: CardText, look: Look): Picture {
    const p: Picture = { width, height, data: new Uint8Array(width * height * 4) }
    const bg = adjust(BACKGROUND, look)
    fill(p, 0, 0, width, height, bg)
    const strip = Math.max(2, Math.floor(height / 16))
    BARS.forEach((rgb, i) => {
        const x0 = Math.floor((i * width) / BARS.length)
        const x1 = Math.floor(((i + 1) * width) / BARS.length)
        fill(p, x0, 0, x1 - x0, strip, adjust(rgb, look))
    })
    const cell = codeCell(width)
    const codeTop = height - CODE_ROWS * cell
    // the text: name small, frame number large, time small, between the strip and the code
    const room = codeTop - strip - 2
    const seqText = `#${text.sequence}`
    const timeText = `T=${secondsText(text.timeMs)}`
    const big = fitScale(seqText, width - 4, Math.max(1, Math.floor(room / (GLYPH_HEIGHT * 2.4))))
    const small = Math.max(1, Math.floor(big / 2))
    const name = text.name.slice(0, Math.max(1, Math.floor((width - 4) / (GLYPH_ADVANCE * small))))
    const nameScale = fitScale(name, width - 4, small)
    const timeScale = fitScale(timeText, width - 4, small)
    let y = strip + 2
    drawText(p, name, 2, y, nameScale, INK)
    y += (GLYPH_HEIGHT + 2) * nameScale
    drawText(p, seqText, 2, y, big, INK)
    y += (GLYPH_HEIGHT + 2) * big
    drawText(p, timeText, 2, y, timeScale, INK)
    const bits = codeBits(text.sequence, text.timeMs)
    bits.forEach((bit, i) => {
        const col = i % CODE_COLUMNS
        const row = Math.floor(i / CODE_COLUMNS)
        fill(p, col * cell, codeTop + row * cell, cell, cell, bit ? INK : PAPER)
    })
    orient(p, look.hmirror, look.vflip)
    return p
}

/** What a frame's code grid says: the frame's sequence number and the time its exposure started. */
export interface FrameCode {
    sequence: number
    timeMs: number
}

/**
 * Read the code grid back from a decoded frame, in any of the four
 * orientations mirror and flip give; undefined when no grid checks out (an
 * image-file scene, a settling frame too dark to read).
 */
export function readFrameCode(p: Picture): FrameCode | undefined {
    const cell = codeCell(p.width)
    const codeTop = p.height - CODE_ROWS * cell
    if (codeTop < 0) return undefined
    for (const [hmirror, vflip] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
    ]) {
        const bits: number[] = []
        for (let i = 0; i < CODE_COLUMNS * CODE_ROWS; i++) {
            const cx = (i % CODE_COLUMNS) * cell + cell / 2
            const cy = codeTop + Math.floor(i / CODE_COLUMNS) * cell + cell / 2
            // the inner half of the cell, away from JPEG ringing at its edges
            let sum = 0
            let n = 0
            const r = Math.max(1, Math.floor(cell / 4))
            for (let dy = -r; dy < r; dy++)
                for (let dx = -r; dx < r; dx++) {
                    let x = Math.floor(cx + dx)
                    let y = Math.floor(cy + dy)
                    if (hmirror) x = p.width - 1 - x
                    if (vflip) y = p.height - 1 - y
                    const k = (y * p.width + x) * 4
                    sum += 0.299 * p.data[k] + 0.587 * p.data[k + 1] + 0.114 * p.data[k + 2]
                    n++
                }
            bits.push(sum / n < 128 ? 1 : 0)
        }
        let sequence = 0
        for (let i = 0; i < SEQUENCE_BITS; i++) sequence = sequence * 2 + bits[i]
        let timeMs = 0
        for (let i = 0; i < TIME_BITS; i++) timeMs = timeMs * 2 + bits[SEQUENCE_BITS + i]
        let c = 0
        for (let i = 0; i < 8; i++) c = c * 2 + bits[SEQUENCE_BITS + TIME_BITS + i]
        if (c === check(sequence, timeMs)) return { sequence, timeMs }
    }
    return undefined
}
