import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { CapturedFrame } from "../drivers/camera"

// `camscript sim --frames DIR`: every frame the script captured, kept as a
// JPEG named by camera and sequence (porch-000123.jpg), so a person can look
// at what the script saw.

/** The file name of a kept frame: the camera's name, then the sequence number in six digits (or more). */
export function frameFileName(frame: Pick<CapturedFrame, "camera" | "sequence">): string {
    return `${frame.camera}-${String(frame.sequence).padStart(6, "0")}.jpg`
}

/** A sink for the session's onFrame that writes each frame into `dir` (created if missing). */
export function frameWriter(dir: string): (frame: CapturedFrame) => void {
    mkdirSync(dir, { recursive: true })
    return (frame) => writeFileSync(join(dir, frameFileName(frame)), frame.bytes)
}
