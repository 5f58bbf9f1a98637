import { adjust, drawTestCard, NEUTRAL_LOOK, orient, type Look, type Picture } from "./test-card"
import { imageAt, type SensorConfig } from "../world/sensor"

// What the simulated sensor exposes for one frame: the world's scene (the
// test card or the image of the time) through the sensor's settings. Shared
// by both drivers (sim/drivers/camera.ts, the model; sim/firmware/
// esp-camera.ts, under the C), so that they deliver the same pictures.

/** The contract's SensorSetting numbers (services/camera.md) the picture depends on. */
export const SENSOR_SETTING = {
    Brightness: 0,
    Contrast: 1,
    Saturation: 2,
    VFlip: 3,
    HMirror: 4,
    AutoExposure: 5,
    ExposureValue: 6,
    AutoGain: 7,
    GainValue: 8,
    WhiteBalance: 9,
    WhiteBalanceMode: 10,
    Quality: 11,
} as const

/** The look of a frame from the sensor settings (by SensorSetting number) and the light. */
export function sensorLook(s: Record<number, number>, flash: boolean, settling: boolean): Look {
    const S = SENSOR_SETTING
    const manualExposure = s[S.AutoExposure] === 0
    const manualGain = s[S.AutoGain] === 0
    // auto exposure aims at the target; manual exposure (0..1200 lines) and gain (0..30) scale the light
    const exposure =
        (manualExposure ? (s[S.ExposureValue] ?? 300) / 300 : 1) * (manualGain ? 1 + (s[S.GainValue] ?? 0) / 10 : 1)
    return {
        ...NEUTRAL_LOOK,
        brightness: s[S.Brightness] ?? 0,
        contrast: s[S.Contrast] ?? 0,
        saturation: s[S.Saturation] ?? 0,
        vflip: s[S.VFlip] === 1,
        hmirror: s[S.HMirror] === 1,
        exposure,
        flash,
        settling,
    }
}

export interface FrameScene {
    /** the camera's name, drawn on the test card */
    name: string
    scene: SensorConfig
}

/** The picture of frame `sequence`, exposed from `startMs`, at w x h. */
export function renderFrame(
    camera: FrameScene,
    w: number,
    h: number,
    sequence: number,
    startMs: number,
    look: Look,
): Picture {
    if (camera.scene.scene === "test-card")
        return drawTestCard(w, h, { name: camera.name, sequence, timeMs: startMs }, look)
    const src = imageAt(camera.scene.images, startMs).picture
    const p: Picture = { width: w, height: h, data: new Uint8Array(w * h * 4) }
    for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
            const k = (Math.floor((y * src.height) / h) * src.width + Math.floor((x * src.width) / w)) * 4
            const rgb = adjust([src.data[k], src.data[k + 1], src.data[k + 2]], look)
            const o = (y * w + x) * 4
            p.data[o] = rgb[0]
            p.data[o + 1] = rgb[1]
            p.data[o + 2] = rgb[2]
            p.data[o + 3] = 255
        }
    orient(p, look.hmirror, look.vflip)
    return p
}
