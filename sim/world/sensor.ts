import { resolve } from "node:path"
import { parseDuration } from "../../project/duration"
import { decodeJpeg, type Picture } from "./picture"
import { readRegularFile } from "./world-text"

// A camera's sensor in the world file (`camera.sensor`): what it sees. The
// generated test card (the default), or JPEG files over time
// (`camera.sensor.images`), each in view from its `at` on (a day picture,
// then a night one).

/** An image file of a scene: at most this many bytes (a 5 MP JPEG is 2 to 3 MB). */
const MAX_SCENE_IMAGE_BYTES = 8 * 1024 * 1024
/** Camera name when the world gives none. */
export const DEFAULT_CAMERA_NAME = "camera"

export interface SceneImage {
    atMs: number
    file: string
    picture: Picture
}

export type SensorConfig = { scene: "test-card" } | { scene: "images"; images: SceneImage[] }

export interface RawSensor {
    images?: { at: number | string; file: string }[]
}

/** Checked sensor settings; problems are pushed with the field's path. */
export function normaliseSensor(raw: RawSensor | undefined, baseDir: string, problems: string[]): SensorConfig {
    if (raw?.images === undefined) return { scene: "test-card" }
    const images: SceneImage[] = []
    raw.images.forEach((entry, i) => {
        const at = `camera.sensor.images[${i}]`
        let atMs = 0
        try {
            atMs = parseDuration(entry.at)
        } catch (e) {
            problems.push(`${at}.at: ${(e as Error).message}`)
        }
        const file = resolve(baseDir, entry.file)
        try {
            const picture = decodeJpeg(readRegularFile(file, `${at}.file ${entry.file}`, MAX_SCENE_IMAGE_BYTES))
            images.push({ atMs, file, picture })
        } catch (e) {
            const msg = (e as Error).message
            problems.push(
                msg.startsWith(at) || msg.includes(`${at}.file`)
                    ? msg
                    : `${at}.file ${entry.file} is not a baseline JPEG (${msg})`,
            )
        }
    })
    images.sort((a, b) => a.atMs - b.atMs)
    if (images.length && images[0].atMs > 0)
        problems.push(`camera.sensor.images: the first image must start at 0 (it starts at ${images[0].atMs} ms)`)
    return { scene: "images", images }
}

/** The scene image in view at `timeMs` (the last one whose `at` has come). */
export function imageAt(images: SceneImage[], timeMs: number): SceneImage {
    let shown = images[0]
    for (const im of images) if (im.atMs <= timeMs) shown = im
    return shown
}
