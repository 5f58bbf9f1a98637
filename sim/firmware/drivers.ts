import type { BoardInfo } from "../boards"
import { loadContract } from "../contract"
import type { Air, Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import { FirmwareBoard, type FirmwareService } from "./board"
import { FirmwareStationView } from "./station-view"

// `--driver firmware`: the board's network drivers are the firmware's C
// (firmware/main/*.c) in one WebAssembly instance. Which services exist
// follows the board's interfaces, as for the model drivers. The access point
// and Ethernet are still served by the model drivers (sim/drivers/) next to
// the C station.

export type DriverKind = "model" | "firmware"
export const DRIVER_KINDS: DriverKind[] = ["model", "firmware"]

export interface FirmwareDriversOptions {
    air: Air
    clock: Clock
    timeline: Timeline
    board: BoardInfo
    /** the camera's base MAC */
    mac: string
    onLog?: (line: string) => void
}

export class FirmwareDrivers {
    readonly board: FirmwareBoard
    readonly station?: FirmwareStationView
    /** the servers to put on the bus */
    readonly servers: FirmwareService[]

    constructor(o: FirmwareDriversOptions) {
        const wlan = o.board.interfaces.includes("wlan")
        const stationContract = wlan ? loadContract("wifi-station.md") : undefined
        this.board = new FirmwareBoard({
            air: o.air,
            clock: o.clock,
            timeline: o.timeline,
            mac: o.mac,
            services: { station: stationContract },
            onLog: o.onLog && ((line) => o.onLog!(`firmware: ${line}`)),
        })
        this.servers = this.board.servers
        const stationServer = this.board.server(stationContract)
        if (stationContract && stationServer)
            this.station = new FirmwareStationView(stationContract, stationServer, o.timeline)
    }

    dispose() {
        this.board.dispose()
    }
}
