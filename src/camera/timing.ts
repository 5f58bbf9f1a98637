// The camera's named waits and counts. Plain numbers and no imports: the
// image reads them, and so do the simulator's sensor model and the tests.

/**
 * Frames the driver throws away after every start and every size change
 * while auto-exposure and white balance settle (the first frames come out
 * dark or green). Each costs one frame period: 4 x 80 ms at UXGA on the
 * OV2640 at 20 MHz, 4 x 20 ms at CIF and below.
 */
export const SETTLE_FRAMES = 4

/** How long a capture waits for a frame before the driver gives up (esp32-camera's FB_GET_TIMEOUT, driver/esp_camera.c). */
export const CAPTURE_TIMEOUT_MS = 4000

/** A start (probe, buffers, settling frames) is answered well within this. */
export const INIT_ANSWER_MS = 10000
