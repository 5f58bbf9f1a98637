import { boardBus, createProxyBridge, disposeQuietly, type JDBus, JDServerServiceProvider } from "../jacdac"
import type { BoardInfo } from "../../project/boards"
import { CAMERA_PIN_ORDER, type CompiledScript, TOP_LEVEL_DONE_PANIC } from "../../compiler/compile"
import { loadContract } from "../contract"
import { SimCamera } from "../drivers/camera"
import { ethernetMac, SimEthernet } from "../drivers/ethernet"
import { accessPointMac, SimAccessPoint } from "../drivers/wifi-access-point"
import { SimWifiStation } from "../drivers/wifi-station"
import { SimHttpUpload } from "../drivers/http-upload"
import { SimCameraServer } from "../drivers/camera-server"
import { type Route, SimSockets } from "../net/sockets"
import { Air } from "../radio/air"
import { consoleLine, describeException, type OutputLine } from "../session"
import { Timeline, type TimelineEntry } from "../timeline"
import { createVm, type DevsVm } from "../vm/devs-vm"
import { Wire } from "../wired/wire"
import type { CameraConfig } from "../world/world"
import type { Vec2 } from "../world/world"
import { PowerClock } from "./power-clock"
import type { Site } from "./site"

// One camera of a fleet: its own DeviceScript VM running its own script,
// its own jacdac-ts bus and simulated drivers (the single run's: station,
// access point, Ethernet, camera, the camera's server, uploads), and its own
// place in the site's air, which it shares (access points, their client
// limits, DHCP pools) with every other camera, as it shares the world's
// servers: each upload reaches them under this camera's name. Powering it off kills all of that;
// powering it on boots a fresh VM from the same image, as a real camera
// restarts its program from the beginning.

export type CameraState = "off" | "running" | "finished" | "error"

/** What a camera tells the fleet run. */
export interface CameraHooks {
    output(line: OutputLine): void
    timeline(entry: TimelineEntry): void
    diagnostic?(line: string): void
    /** the script finished or threw */
    settled(): void
}

// "[0m" colour codes in VM messages
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/** One power-up: everything that dies when the power is cut. */
interface PowerUp {
    power: PowerClock
    air: Air
    vm: DevsVm
    bus: JDBus
    sockets: SimSockets
    /** the camera's HTTP server: its streams end with the power */
    cameraServer?: SimCameraServer
}

export class FleetCamera {
    state: CameraState = "off"
    /** the script's uncaught error, with its source position */
    error?: string
    /** where the camera is now (move-camera events change it) */
    position: Vec2
    /** how many times it has been powered on */
    boots = 0
    readonly timeline: Timeline
    private up?: PowerUp

    constructor(
        readonly config: CameraConfig,
        readonly board: BoardInfo,
        private readonly script: CompiledScript,
        private readonly site: Site,
        private readonly hooks: CameraHooks,
    ) {
        this.position = [...config.position]
        this.timeline = new Timeline(() => site.clock.now(), false)
        this.timeline.onEntry((e) => hooks.timeline(e))
    }

    get name(): string {
        return this.config.name
    }

    /** Real socket bytes may be on their way: the fleet's clock crawls meanwhile. */
    get socketsBusy(): boolean {
        return this.up?.sockets.busy ?? false
    }

    /** Boot: a fresh VM from the image, fresh drivers; the site's air as it is now. */
    async powerOn(): Promise<void> {
        if (this.up) return
        this.boots++
        const site = this.site
        const power = new PowerClock(site.clock)
        const mac = this.config.mac
        // the world as this camera stands in it; the access points are the site's
        const view = {
            ...site.world,
            camera: {
                position: this.position,
                antennaGainDbi: this.config.antennaGainDbi,
                mac,
                name: this.config.name,
                sensor: { scene: "test-card" as const },
            },
            events: [],
        }
        const air = new Air(view, power, this.timeline, site.accessPoints)
        const wlan = this.board.interfaces.includes("wlan")
        const station = wlan ? new SimWifiStation(loadContract("wifi-station.md"), air, this.timeline, mac) : undefined
        const hardware = this.board.camscript?.ethernet
        // no cable in a fleet (the world has no per-camera wiring): a LAN port reports no link
        const lan =
            this.board.interfaces.includes("lan") && hardware
                ? new SimEthernet(
                      loadContract("ethernet.md"),
                      new Wire(undefined, view, power, this.timeline),
                      power,
                      this.timeline,
                      hardware,
                      ethernetMac(mac),
                  )
                : undefined
        const accessPoint = wlan
            ? new SimAccessPoint(
                  loadContract("wifi-access-point.md"),
                  air,
                  this.timeline,
                  station,
                  accessPointMac(mac),
                  site.world.clients,
              )
            : undefined
        // the board's sensor, showing this camera's test card (named after it), as a single run's camera
        const cam = this.board.camscript?.camera
        const sensor =
            cam && cam.sensor !== null
                ? new SimCamera(
                      loadContract("camera.md"),
                      power,
                      this.timeline,
                      {
                          sensor: cam.sensor,
                          pins: CAMERA_PIN_ORDER.map((signal) => cam.pins[signal]),
                          flashPin: cam.flashPin ?? -1,
                          psramBytes: this.board.camscript.psramBytes,
                      },
                      this.config.name,
                      view.camera.sensor,
                  )
                : undefined
        const routes = (): Route[] => {
            const out: Route[] = []
            if (lan && lan.address4.ip) out.push({ iface: "eth", ...lan.address4 })
            if (station && station.address4.ip) out.push({ iface: "wifi", ...station.address4 })
            return out
        }
        // the camera's HTTP server (reached by nobody outside the fleet: it runs in virtual time)
        const cameraServer = sensor
            ? new SimCameraServer(loadContract("camera-server.md"), power, this.timeline, sensor, this.config.name)
            : undefined
        // uploads to the site's servers, filed under this camera's name; no cable in a fleet, so Wi-Fi only
        const uploader = new SimHttpUpload(
            loadContract("http-upload.md"),
            power,
            this.timeline,
            routes,
            site.world.dnsZone,
            site.servers,
            (index, sequence) => sensor?.frameBytes(index, sequence),
            this.config.name,
            (route) => route.iface === "wifi" && station !== undefined && station.carrying,
        )
        const bus = boardBus(() => (site.spoke = true))
        bus.addServiceProvider(
            new JDServerServiceProvider(
                `camscript-${this.name}`,
                [station, accessPoint, lan, sensor, cameraServer, uploader].filter((s) => s !== undefined),
            ),
        )

        const vm = await createVm(site.vmTiming())
        const exception: string[] = []
        const alive = () => power.powered && this.up?.vm === vm
        vm.dmesg = (raw: string) => {
            site.spoke = true
            const line = raw.replace(ANSI, "")
            this.hooks.diagnostic?.(line)
            if (line.startsWith("> ")) this.hooks.output(consoleLine(site.clock.now(), line.slice(2)))
            else if (/^\* +(Exception|message|at )/.test(line) || /^! +(at |Exception:|\.\.\.)/.test(line))
                exception.push(line.replace(/^[*!] +/, ""))
        }
        vm.log = (...args: unknown[]) => {
            site.spoke = true
            this.hooks.diagnostic?.(args.join(" "))
        }
        vm.error = vm.log
        vm.panicHandler = (code: number) => {
            site.spoke = true
            // the panic comes from inside the VM's process tick, which re-arms
            // itself after this returns: stop it again once it has
            vm.devsStop()
            setImmediate(() => vm.devsStop())
            if (!alive()) return
            if (code === TOP_LEVEL_DONE_PANIC) this.state = "finished"
            else {
                this.state = "error"
                this.error = describeException(exception, code, this.script)
            }
            this.hooks.settled()
        }
        // frames cross between VM and bus on a later turn (the VM drops
        // frames that arrive while it runs); none crosses after a power cut
        const bridge = createProxyBridge((frame) =>
            setImmediate(() => {
                if (alive()) vm.handlePacket(frame)
            }),
        )
        bridge.bus = bus
        vm.sendPacket = (frame: Uint8Array) => {
            site.spoke = true
            const copy = frame.slice()
            setImmediate(() => {
                if (alive()) bridge.receiveFrameOrPacket(copy)
            })
        }
        const sockets = new SimSockets(vm, routes, site.world.dnsZone, this.timeline, () => site.socketUsers.add(this))
        this.timeline.onEntry((e) => {
            if (!alive()) return
            if (e.source === "wifi" || e.source === "eth") sockets.linkChanged()
            if (e.source === "wifi") accessPoint?.stationChanged()
        })
        this.up = { power, air, vm, bus, sockets, cameraServer }
        site.airs.add(air)
        this.state = "running"
        vm.devsSetDeviceId(`ca3c${mac.replace(/:/g, "")}`)
        vm.devsStart()
        const rc = vm.devsDeploy(this.script.image)
        if (rc !== 0) throw new Error(`${this.name}: the VM refused the compiled image (code ${rc})`)
        accessPoint?.startClients(site.world.events)
        this.timeline.add("cam", "power-on", `board ${this.board.id}${this.boots > 1 ? `, boot ${this.boots}` : ""}`)
    }

    /** The power is cut: the VM, the drivers and their timers stop; the AP forgets the station. */
    powerOff() {
        const up = this.up
        if (!up) return
        this.up = undefined
        up.power.cut()
        this.site.airs.delete(up.air)
        up.air.dissociate(this.config.mac)
        up.vm.devsStop()
        up.sockets.dispose()
        up.cameraServer?.shutdown()
        void disposeQuietly(up.bus)
        if (this.state === "running") this.state = "off"
        this.timeline.add("cam", "power-off")
    }

    /** The camera is carried to `to`: its drivers re-check the link. */
    moveTo(to: Vec2) {
        this.position = [...to]
        this.timeline.add("world", "move-camera", `to [${to.join(", ")}]`)
        if (!this.up) return
        this.up.air.cameraPosition = [...to]
        this.up.air.changed()
    }

    /** End of the run. */
    dispose() {
        const up = this.up
        if (!up) return
        this.up = undefined
        up.power.cut()
        up.vm.devsStop()
        up.sockets.dispose()
        up.cameraServer?.shutdown()
        void disposeQuietly(up.bus)
    }
}
