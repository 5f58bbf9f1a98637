import { frameHeight, frameWidth } from "../../src/camera/sizes"

// How fast the simulated sensors deliver frames. Each OmniVision sensor
// reads out in a few window modes, and esp32-camera picks the smallest mode
// that holds the frame size asked (the OV2640 driver's set_framesize: CIF,
// SVGA or UXGA window), so the frame period follows the mode, not the size.
// Rates are the datasheets' headline figures at a 24 MHz input clock, scaled
// to the 20 MHz XCLK that esp32-camera's examples use (frame rate follows
// the pixel clock):
//   OV2640 (datasheet 2.2, "maximum image transfer rate"): UXGA/SXGA 15 fps,
//     SVGA 30 fps, CIF 60 fps
//   OV3660 (product brief): QXGA 15 fps, XGA 45 fps, VGA 60 fps
//   OV5640 (datasheet 2.03): QSXGA 15 fps, 1080p 30 fps, 720p 60 fps, VGA 90 fps
// These model the ESP32 at its best; a loaded Wi-Fi link and JPEG sizes on
// the real chip make it slower.

/** The input clock esp32-camera's examples give the sensor, and the datasheets' reference. */
const XCLK_MHZ = 20
const DATASHEET_XCLK_MHZ = 24

interface Mode {
    width: number
    height: number
    fps: number
}

const MODES: Record<string, Mode[]> = {
    OV2640: [
        { width: 400, height: 296, fps: 60 },
        { width: 800, height: 600, fps: 30 },
        { width: 1600, height: 1200, fps: 15 },
    ],
    OV3660: [
        { width: 640, height: 480, fps: 60 },
        { width: 1024, height: 768, fps: 45 },
        { width: 2048, height: 1536, fps: 15 },
    ],
    OV5640: [
        { width: 640, height: 480, fps: 90 },
        { width: 1280, height: 720, fps: 60 },
        { width: 1920, height: 1080, fps: 30 },
        { width: 2592, height: 1944, fps: 15 },
    ],
}

/**
 * Time from `esp_camera_init` to the first frame: the sensor's reset and
 * register upload over SCCB, and the buffers' allocation. esp32-camera waits
 * 10 ms after power-up and 10 ms after reset and writes a few hundred
 * registers at 100 kHz SCCB; 250 ms is the order seen on the bench.
 */
export const SENSOR_START_MS = 250

/** The sensor's frame period at frame size `index`, ms (whole ms: the virtual clock's unit). */
export function framePeriodMs(sensor: string, index: number): number {
    const modes = MODES[sensor] ?? MODES.OV2640
    const w = frameWidth(index)
    const h = frameHeight(index)
    const mode = modes.find((m) => w <= m.width && h <= m.height) ?? modes[modes.length - 1]
    return Math.round(1000 / ((mode.fps * XCLK_MHZ) / DATASHEET_XCLK_MHZ))
}
