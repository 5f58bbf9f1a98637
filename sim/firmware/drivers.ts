import type { BoardInfo } from "../../project/boards"
import { loadContract } from "../contract"
import type { Air, Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { FirmwareBoard, type FirmwareCameraHardware, type FirmwareService } from "./board"
import { FirmwareCameraView } from "./camera-view"
import { FirmwareStationView } from "./station-view"
import { FirmwareEthernetView } from "./ethernet-view"
import { FirmwareAccessPointView } from "./access-point-view"
import type { ClientConfig } from "../world/world"
import type { Wire } from "../wired/wire"
import type { UploadWorld } from "../net/upload-connection"
import type { EspHttpServer } from "./esp-http-server"

// `--driver firmware`: the board's drivers are the firmware's C
// (firmware/main/*.c) in one WebAssembly instance. Which services exist
// follows the board's interfaces, as for the model drivers: the station and
// the access point on boards with Wi-Fi, Ethernet on boards with a port,
// the camera on boards with a sensor, and the upload driver beside it;
// the board's power (deep sleep) on every board.

export type DriverKind = "model" | "firmware"
export const DRIVER_KINDS: DriverKind[] = ["model", "firmware"]

export interface FirmwareDriversOptions {
    air: Air
    clock: Clock
    timeline: Timeline
    board: BoardInfo
    wire: Wire
    /** the world's phones and laptops (they join the access point) */
    clients: ClientConfig[]
    /** the camera's base MAC */
    mac: string
    /** the board's camera and the world's sensor (boards with a camera) */
    camera?: FirmwareCameraHardware
    /** with a camera: the upload driver's world (the C's esp_http_client reaches these servers) */
    uploadWorld?: UploadWorld
    /** with a camera: the sessions the C's camera server answers (esp_http_server) */
    httpd?: EspHttpServer
    onLog?: (line: string) => void
    /** the C's deep sleep (cam_board_power.c): the board is off until wake() */
    onDeepSleep?: (ms: number) => void
}

export class FirmwareDrivers {
    readonly board: FirmwareBoard
    readonly station?: FirmwareStationView
    readonly lan?: FirmwareEthernetView
    readonly accessPoint?: FirmwareAccessPointView
    readonly camera?: FirmwareCameraView
    /** the C's camera server's sessions (services/camera-server.md), when the board serves */
    readonly httpd?: EspHttpServer
    /** the C's upload driver serves services/http-upload.md (no model driver then) */
    readonly uploads: boolean
    /** the servers to put on the bus */
    readonly servers: FirmwareService[]

    constructor(o: FirmwareDriversOptions) {
        const wlan = o.board.interfaces.includes("wlan")
        const stationContract = wlan ? loadContract("wifi-station.md") : undefined
        const accessPointContract = wlan ? loadContract("wifi-access-point.md") : undefined
        const hardware = o.board.camscript?.ethernet
        const ethernetContract =
            o.board.interfaces.includes("lan") && hardware ? loadContract("ethernet.md") : undefined
        const cameraContract = o.camera ? loadContract("camera.md") : undefined
        const uploadContract = o.camera && o.uploadWorld ? loadContract("http-upload.md") : undefined
        const cameraServerContract = o.camera && o.httpd ? loadContract("camera-server.md") : undefined
        const powerContract = loadContract("board-power.md")
        this.board = new FirmwareBoard({
            air: o.air,
            clock: o.clock,
            timeline: o.timeline,
            mac: o.mac,
            services: {
                station: stationContract,
                accessPoint: accessPointContract,
                ethernet: ethernetContract,
                camera: cameraContract,
                upload: uploadContract,
                cameraServer: cameraServerContract,
                power: powerContract,
            },
            camera: o.camera,
            uploadWorld: o.uploadWorld,
            httpd: o.httpd,
            clients: o.clients,
            wire: o.wire,
            ethernetHardware: hardware,
            onLog: o.onLog && ((line) => o.onLog!(`firmware: ${line}`)),
            onDeepSleep: o.onDeepSleep,
        })
        this.servers = this.board.servers
        this.uploads = this.board.server(uploadContract) !== undefined
        const httpdServer = this.board.server(cameraServerContract)
        if (httpdServer && cameraServerContract && o.httpd) {
            this.httpd = o.httpd
            const httpd = o.httpd
            const serve = cameraServerContract.spec.packets.find((p) => p.kind === "command" && p.name === "serve")
            // the serve command's paths, for what each request was (services/camera-server.md:
            // port u16, max_fps u8, stream_clients u8, retry_after_s u8, stream_path string0, snapshot_path string0)
            httpdServer.onCommand = (code, data) => {
                if (code !== serve?.identifier) return
                const [stream = "", snapshot = ""] = Buffer.from(data.subarray(5)).toString("utf8").split("\0")
                httpd.paths = { stream, snapshot }
            }
        }
        const stationServer = this.board.server(stationContract)
        if (stationContract && stationServer)
            this.station = new FirmwareStationView(stationContract, stationServer, o.timeline)
        const accessPointServer = this.board.server(accessPointContract)
        if (accessPointContract && accessPointServer && this.board.softAp)
            this.accessPoint = new FirmwareAccessPointView(
                accessPointContract,
                accessPointServer,
                o.timeline,
                this.board.softAp,
            )
        const ethernetServer = this.board.server(ethernetContract)
        if (ethernetContract && ethernetServer)
            this.lan = new FirmwareEthernetView(ethernetContract, ethernetServer, o.timeline)
        const cameraServer = this.board.server(cameraContract)
        if (cameraContract && cameraServer && this.board.camera)
            this.camera = new FirmwareCameraView(cameraContract, cameraServer, o.timeline, this.board.camera, () =>
                o.clock.now(),
            )
    }

    /**
     * The board went into deep sleep (the C's esp_deep_sleep_start, already
     * handled by the board): what the rest of the simulator knows of the
     * interfaces and the camera ends here, as the model drivers' restart() does.
     */
    powerOff() {
        this.station?.powerOff()
        this.accessPoint?.powerOff()
        this.lan?.powerOff()
        this.camera?.powerOff()
    }

    /** The RTC timer ended the deep sleep: a fresh instance of the C boots. */
    wake() {
        this.board.wake()
    }

    dispose() {
        this.board.dispose()
    }
}
