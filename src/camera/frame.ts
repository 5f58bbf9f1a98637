import type { CameraLink, FrameAnswer } from "./link"

/**
 * A captured frame: a handle, not the bytes. The JPEG stays in the driver's
 * frame buffer `index` (PSRAM on the chip, host memory in the simulator)
 * until `release()`; the VM holds only these few numbers, whatever the
 * frame's size.
 *
 * The VM has no finalisers, so a frame the script merely drops is NOT
 * released: its buffer stays taken until `release()` (or deinit(), or a
 * new init()). A script that holds every buffer gets an error from the next
 * capture(), never a hang.
 *
 * @devsWhenUsed (its methods enter the image's prototypes only when called: none for a script without the camera)
 */
export class Frame {
    /** pixels */
    readonly width: number
    readonly height: number
    /** bytes of JPEG in the driver's buffer */
    readonly length: number
    /** "jpeg" (the only format of this version) */
    readonly format: string
    /** the frame's number since the camera first started: every frame the sensor delivered counts */
    readonly sequence: number
    /** ds.millis() when the frame's exposure started */
    readonly time: number
    /** the driver's frame buffer that holds it */
    readonly index: number
    /** buffers filled before the call that a fresh capture gave back */
    readonly discarded: number
    private readonly link: CameraLink
    private readonly generation: number
    private done = false

    constructor(link: CameraLink, a: FrameAnswer) {
        this.link = link
        this.generation = link.generation
        this.width = a.width
        this.height = a.height
        this.length = a.length
        this.format = "jpeg"
        this.sequence = a.sequence
        this.time = a.time
        this.index = a.index
        this.discarded = a.discarded
    }

    /** Whether the buffer was given back (release(), deinit() or a new init()). */
    released(): boolean {
        return this.done || this.generation !== this.link.generation
    }

    /** Give the buffer back to the camera. A second call does nothing. */
    async release(): Promise<void> {
        if (this.done) return
        this.done = true
        await this.link.release(this.sequence, this.index, this.generation)
    }
}
