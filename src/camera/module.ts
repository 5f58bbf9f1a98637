// The `camera` module of `import { camera } from "camscript"`: an object
// holding the class, the error and the frame size names (DeviceScript cannot
// `export * as camera`), so `new camera.Camera()` and `camera.VGA` read like
// the MicroPython drivers.
import { Camera, CameraError } from "./camera"
import { Frame } from "./frame"
import { CameraServer } from "./server"
import { frameSizeNames } from "./sizes"

export const camera = {
    Camera: Camera,
    CameraError: CameraError,
    Frame: Frame,
    /** every frame size name, in esp32-camera's order (smallest sensors' first); built when asked */
    frame_sizes: frameSizeNames,
    QQVGA: "QQVGA",
    QCIF: "QCIF",
    HQVGA: "HQVGA",
    QVGA: "QVGA",
    CIF: "CIF",
    HVGA: "HVGA",
    VGA: "VGA",
    SVGA: "SVGA",
    XGA: "XGA",
    HD: "HD",
    SXGA: "SXGA",
    UXGA: "UXGA",
    FHD: "FHD",
    QXGA: "QXGA",
    QHD: "QHD",
    WQXGA: "WQXGA",
    QSXGA: "QSXGA",
}

type CameraClass = Camera
type CameraErrorClass = CameraError
type FrameClass = Frame
type CameraServerClass = CameraServer

/** `camera.Camera`, `camera.Frame` and `camera.CameraError` name the types too (types only). */
export declare namespace camera {
    type Camera = CameraClass
    type Frame = FrameClass
    type CameraError = CameraErrorClass
    type CameraServer = CameraServerClass
}
