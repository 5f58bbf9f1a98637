import { relative } from "node:path"
import FakeTimers from "@sinonjs/fake-timers"
import {
    boardBus,
    ButtonServer,
    createProxyBridge,
    disposeQuietly,
    type JDBus,
    JDServerServiceProvider,
    type JDServiceServer,
} from "./jacdac"
import { REGISTER_POLL_TIMER } from "./register-poll"
import type { BoardInfo } from "../project/boards"
import { type CompiledScript, type FirmwareKind, TOP_LEVEL_DONE_PANIC } from "../compiler/compile"
import { loadContract } from "./contract"
import { ethernetMac, SimEthernet } from "./drivers/ethernet"
import { accessPointMac, SimAccessPoint } from "./drivers/wifi-access-point"
import { SimWifiStation } from "./drivers/wifi-station"
import { SimStockWifi } from "./drivers/stock-wifi"
import { devsImageProblem } from "../formats/devs-image"
import { runtimeFor, runtimeRule } from "../project/runtime"
import { type CapturedFrame, SimCamera } from "./drivers/camera"
import { SimPower } from "./drivers/power"
import { type ServedRequest, SimCameraServer } from "./drivers/camera-server"
import type { Server } from "node:http"
import { SimHttpUpload } from "./drivers/http-upload"
import { type ReceivedUpload, WorldServers } from "./net/http-servers"
import { CAMERA_PIN_ORDER } from "../compiler/compile"
import { processClock } from "./clock"
import { type DriverKind, FirmwareDrivers } from "./firmware/drivers"
import { EspHttpServer } from "./firmware/esp-http-server"
import { Air, type Clock } from "./radio/air"
import { sourcePosition } from "../compiler/sourcemap"
import { Timeline, type TimelineEntry } from "./timeline"
import { type Route, SimSockets } from "./net/sockets"
import { realIoPending } from "./realio"
import { createVm, type DevsVm } from "./vm/devs-vm"
import { vmTimingFor } from "./vm/vm-clock"
import { vmStack } from "./vm/vm-stack"
import { provisionVmSettings } from "./settings-provision"
import type { Secret } from "../project/secrets"
import { gcHeapReader, type GcHeapStats } from "./vm/gc-heap"
import { Wire } from "./wired/wire"
import type { World } from "./world/world"

// One simulated camera: the compiled program on the DeviceScript VM, the
// board's network drivers on a jacdac-ts bus, and the world's radio, all on
// one clock. In virtual time (the default) the clock only moves when
// everything is idle, jumping to the next timer: simulated seconds cost
// milliseconds.

/** How long a script may run when no timeout is given (simulated). */
export const DEFAULT_SIM_TIMEOUT_MS = 10 * 60_000

export interface OutputLine {
    atMs: number
    text: string
}

/**
 * The most bytes of UTF-8 one console.log line carries: the runtime formats
 * each line into a buffer of JD_DMESG_LINE_BUFFER (300) bytes with its
 * "> " prefix and the C string's end (devicescript runtime/inc/
 * jd_user_config.h; measured: 296). Longer text is cut there, possibly
 * inside a character; a NUL ends the line (the runtime's C string).
 */
export const CONSOLE_LINE_MAX_BYTES = 296

/**
 * What a line that reached the bound ends with, so a reader knows the rest
 * may be lost (a line of exactly the bound cannot be told from a longer one).
 */
export const CUT_MARK = `…[a console.log line ends at ${CONSOLE_LINE_MAX_BYTES} bytes]`

/** A console.log line as the VM gave it: a line the runtime cut is marked, a broken last character dropped. */
export function consoleLine(atMs: number, text: string): OutputLine {
    if (Buffer.byteLength(text) < CONSOLE_LINE_MAX_BYTES - 3) return { atMs, text }
    // a character cut in half arrives as U+FFFD (the VM's UTF-8 decoding)
    const whole = text.replace(/\uFFFD+$/, "")
    // the last byte of the buffer may hold a whole character: at or near the bound is a cut
    const cut = whole !== text || Buffer.byteLength(text) >= CONSOLE_LINE_MAX_BYTES
    return cut ? { atMs, text: `${whole}${CUT_MARK}` } : { atMs, text }
}

export interface RunOptions {
    /** none: the VM runs what its flash holds (the virtual board, sim/virtual-board/) */
    script?: CompiledScript
    /**
     * Programs deployed one after another once the one before finishes, on
     * the same board: as a deploy on a board, only the program restarts; the
     * network drivers keep their links (the previous program's).
     */
    then?: CompiledScript[]
    world: World
    board: BoardInfo
    /** stop after this much simulated time (exit 124) */
    timeoutMs?: number
    /** run on the wall clock instead of virtual time */
    realtime?: boolean
    onOutput?: (line: OutputLine) => void
    onTimeline?: (entry: TimelineEntry) => void
    /** VM diagnostics (dmesg), for --verbose */
    onDiagnostic?: (line: string) => void
    /**
     * false: output and timeline go only to the callbacks, and the result's
     * `output` and `timeline` stay empty, so memory does not grow with the
     * length of the run (the CLI streams them). Default true.
     */
    keepRecords?: boolean
    /** once the program is deployed: a reader of the VM's own heap, to sample while it runs (soak tests) */
    onVmStarted?: (vm: { gcHeap: () => GcHeapStats }) => void
    /**
     * Serve these instead of the board's simulated drivers (tests that play a
     * misbehaving driver). The world still runs, but no driver on the bus acts on it.
     */
    testDrivers?: (env: { clock: Clock; timeline: Timeline }) => JDServiceServer[]
    /** the network drivers: the simulator's models (default) or the firmware's C in WebAssembly */
    driver?: DriverKind
    /** "stock": the board runs the stock DeviceScript firmware (only its Wi-Fi service, sim/drivers/stock-wifi.ts) */
    firmware?: FirmwareKind
    /** given the VM just before it starts (the virtual board wires it to a serial port) */
    beforeStart?: (vm: DevsVm) => void
    /**
     * The board's flash (settings storage and the deployed program): what a
     * simulated restart keeps, such as fast reconnect's memory. `data` is read
     * at start (absent: an empty flash) and replaced by every write.
     */
    flash?: { data?: Uint8Array }
    /**
     * Settings (secrets) written to the VM's settings store before the script
     * is deployed (`sim --secret`, the secrets file); the run starts that much
     * later in simulated time (milliseconds).
     */
    settings?: Secret[]
    /** ends the run with outcome "finished" */
    signal?: AbortSignal
    /** every frame the camera delivered to the script, with its JPEG bytes (--frames, camscript/testing) */
    onFrame?: (frame: CapturedFrame) => void
    /**
     * The host's view of the camera's HTTP server (`sim --serve`): an HTTP
     * server already listening (so a port clash is found before the run)
     * whose requests the camera's server answers, and its URL for the timeline.
     * Needs `realtime`: a person or a browser waits in wall time.
     */
    serve?: { server: Server; url: string }
    /** every request the camera's server answered, once it ended (camscript/testing) */
    onServed?: (request: ServedRequest) => void
    /** every request a world server received (sim --out, camscript/testing) */
    onUpload?: (upload: ReceivedUpload) => void
}

/** The image given to the simulator is one the board's runtime would not take. */
export class ImageRefusedError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "ImageRefusedError"
    }
}

export interface RunResult {
    outcome: "finished" | "error" | "timeout"
    exitCode: 0 | 1 | 124
    /** the script's uncaught error, with its source position */
    error?: string
    output: OutputLine[]
    timeline: TimelineEntry[]
    simulatedMs: number
    wallMs: number
}

export const VIRTUAL_FAKES: FakeTimers.FakeMethod[] = [
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "clearImmediate",
    "Date",
    "performance",
]

// captured before any run fakes them: wall time, and real waits for socket I/O
const wallNow = performance.now.bind(performance)
const realSetTimeout = setTimeout

/** The simulated board's Jacdac device id. */
const VM_DEVICE_ID = "ca3c0de0ca3c0de0"

/** A restart-driver event keeps the drivers' device off the bus this long (a driver task re-initialising). */
export const DRIVER_RESTART_MS = 3000

/** A world's press-button holds the button down this long (a finger's press). */
const BUTTON_PRESS_MS = 150

/** While a socket is open, virtual time moves in steps this small, each after a real millisecond. */
export const SOCKET_STEP_MS = 10

/** Silent VM ticks run back to back at most this many at a time before the loop yields. */
export const MAX_SILENT_TICKS = 5000

/**
 * Whether the next timer can run without a turn of the event loop: the VM's
 * own process tick (the DeviceScript WASM module reschedules `process2`
 * every 10 ms), or the bus's register poll (sim/jacdac.ts, boardBus). Either
 * one that sends nothing and prints nothing touches nothing outside itself.
 * Reads the fake clock's timer heap: @sinonjs/fake-timers and jacdac-ts are
 * pinned, and test/quiet-timers.test.ts checks both names.
 */
export function quietTimerIsNext(fake: object): boolean {
    const heap = (fake as unknown as { timerHeap?: { peek(): { func?: unknown; immediate?: boolean } | undefined } })
        .timerHeap
    const first = heap?.peek()
    if (typeof first?.func !== "function" || first.immediate) return false
    const name = first.func.name
    return name === "process2" || name === REGISTER_POLL_TIMER
}

// Virtual time replaces the process's timers, so runs take turns.
let queue: Promise<unknown> = Promise.resolve()

/** Run `work` once no other run holds the process's timers (a fleet run takes its turn too). */
export function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work)
    queue = run.catch(() => undefined)
    return run
}

export function runSimulation(options: RunOptions): Promise<RunResult> {
    return inTurn(() => simulate(options))
}

// "[0m" colour codes in VM messages
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

async function simulate(options: RunOptions): Promise<RunResult> {
    const wallStart = wallNow()
    const fake = options.realtime
        ? undefined
        : FakeTimers.install({ now: 0, toFake: VIRTUAL_FAKES, loopLimit: 1_000_000 })
    // every timer of the run (drivers, world events, the run's own limit)
    // goes through this clock, which takes delays of any length
    const clock: Clock = processClock(Date.now())
    const now = clock.now
    const keep = options.keepRecords ?? true
    const timeline = new Timeline(now, keep)
    if (options.onTimeline) timeline.onEntry(options.onTimeline)
    const output: OutputLine[] = []
    const limitMs = options.timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS

    let vm: DevsVm | undefined
    let bus: JDBus | undefined
    let sockets: SimSockets | undefined
    let firmware: FirmwareDrivers | undefined
    let stopServing: (() => void) | undefined
    let servers: WorldServers | undefined
    let finish!: (r: Pick<RunResult, "outcome" | "exitCode" | "error">) => void
    const finished = new Promise<Pick<RunResult, "outcome" | "exitCode" | "error">>((res) => (finish = res))
    let done = false
    // set whenever the VM reaches outside itself (a frame, a log line, a panic)
    let vmSpoke = false
    const end = (r: Pick<RunResult, "outcome" | "exitCode" | "error">) => {
        if (done) return
        done = true
        finish(r)
    }

    try {
        const air = new Air(options.world, clock, timeline)
        const wire = new Wire(options.world.ethernet, options.world, clock, timeline)
        bus = boardBus(() => (vmSpoke = true))
        // the board's interfaces decide which drivers exist
        const mac = options.world.camera.mac
        // the stock DeviceScript firmware: its Wi-Fi service instead of every camscript driver
        const stock = options.firmware === "stock"
        const stockWifi =
            stock && options.board.interfaces.includes("wlan") ? new SimStockWifi(air, timeline, mac) : undefined
        // the camera: the world's sensor model behind the board's wiring (not on the stock firmware)
        const cam = options.board.camscript?.camera
        const cameraHardware =
            cam && cam.sensor !== null && !stock
                ? {
                      sensor: cam.sensor,
                      pins: CAMERA_PIN_ORDER.map((signal) => cam.pins[signal]),
                      flashPin: cam.flashPin ?? -1,
                      psramBytes: options.board.camscript.psramBytes,
                  }
                : undefined
        // the world's HTTP(S) servers on loopback, which both upload drivers reach
        const worldServers = new WorldServers(options.world.servers, clock, timeline, options.onUpload)
        servers = worldServers
        await worldServers.start()
        // packets get through: the cable and switch, or a station that still hears its access point
        const carrying = (route: Route) =>
            route.iface === "eth"
                ? wire.linked
                : station instanceof SimWifiStation
                  ? station.carrying
                  : (firmware?.board.wifi.carrying ?? true)
        // deep sleep: set once the VM exists (below)
        let deepSleep: (ms: number) => void = () => undefined
        // the C camera server's sessions (esp_http_server), under --driver firmware on camera boards
        const httpd =
            options.driver === "firmware" && cameraHardware
                ? new EspHttpServer(clock, timeline, options.world.camera.name, options.onServed)
                : undefined
        firmware =
            options.driver === "firmware"
                ? new FirmwareDrivers({
                      air,
                      wire,
                      clock,
                      timeline,
                      board: options.board,
                      clients: options.world.clients,
                      mac,
                      onLog: options.onDiagnostic,
                      // the C's cam_board_power.c went to sleep: the session keeps the time
                      onDeepSleep: (ms) => deepSleep(ms),
                      camera: cameraHardware && {
                          hardware: cameraHardware,
                          name: options.world.camera.name,
                          scene: options.world.camera.sensor,
                          onFrame: options.onFrame,
                      },
                      httpd,
                      uploadWorld: {
                          clock,
                          timeline,
                          servers: worldServers,
                          dnsZone: options.world.dnsZone,
                          camera: options.world.camera.name,
                          routes: () => routes(),
                          carrying,
                      },
                  })
                : undefined
        const station = firmware
            ? firmware.station
            : options.board.interfaces.includes("wlan") && !stock
              ? new SimWifiStation(loadContract("wifi-station.md"), air, timeline, mac)
              : undefined
        const hardware = options.board.camscript?.ethernet
        const lan = firmware
            ? firmware.lan
            : options.board.interfaces.includes("lan") && hardware && !stock
              ? new SimEthernet(loadContract("ethernet.md"), wire, clock, timeline, hardware, ethernetMac(mac))
              : undefined
        const accessPoint = firmware
            ? firmware.accessPoint
            : options.board.interfaces.includes("wlan") && !stock
              ? new SimAccessPoint(
                    loadContract("wifi-access-point.md"),
                    air,
                    timeline,
                    station,
                    accessPointMac(mac),
                    options.world.clients,
                )
              : undefined
        // the model camera, unless the C drives it (firmware?.camera)
        const camera =
            cameraHardware && !firmware
                ? new SimCamera(
                      loadContract("camera.md"),
                      clock,
                      timeline,
                      cameraHardware,
                      options.world.camera.name,
                      options.world.camera.sensor,
                      options.onFrame,
                  )
                : undefined
        // deep sleep: the session powers the board down and boots it again (sim/drivers/power.ts);
        // under --driver firmware the C serves the contract (cam_board_power.c) and calls deepSleep
        const power =
            stock || firmware ? undefined : new SimPower(loadContract("board-power.md"), (ms) => deepSleep(ms))
        // the camera's HTTP server (services/camera-server.md), fed from the camera model's buffers
        const cameraServer = camera
            ? new SimCameraServer(
                  loadContract("camera-server.md"),
                  clock,
                  timeline,
                  camera,
                  options.world.camera.name,
                  options.serve?.url,
                  options.onServed,
              )
            : undefined
        if (options.serve) {
            if (!options.realtime)
                throw new Error("serve: the camera's server is reachable from the host only in a realtime run")
            if (firmware?.httpd) firmware.httpd.attach(options.serve.server)
            else if (!cameraServer) throw new Error(`serve: board ${options.board.id} has no camera to serve`)
            else cameraServer.attach(options.serve.server)
        }
        stopServing = () => {
            cameraServer?.shutdown()
            firmware?.httpd?.shutdown()
        }
        // routing: Ethernet first when it holds an address, then Wi-Fi
        const routes = (): Route[] => {
            const out: Route[] = []
            if (lan && lan.address4.ip) out.push({ iface: "eth", ...lan.address4 })
            if (station && station.address4.ip) out.push({ iface: "wifi", ...station.address4 })
            if (stockWifi && stockWifi.address4.ip) out.push({ iface: "wifi", ...stockWifi.address4 })
            return out
        }
        // the driver that uploads frames to the world's servers (not on the stock firmware; the C's under --driver firmware)
        const uploader =
            !stock && !firmware?.uploads
                ? new SimHttpUpload(
                      loadContract("http-upload.md"),
                      clock,
                      timeline,
                      routes,
                      options.world.dnsZone,
                      worldServers,
                      (index, sequence) => (camera ?? firmware?.camera)?.frameBytes(index, sequence),
                      options.world.camera.name,
                      carrying,
                  )
                : undefined
        // a push button (the Jacdac button service, ds.Button) when the world presses one
        const presses = options.world.events.filter((e) => e.action === "press-button")
        const button = presses.length ? new ButtonServer("button") : undefined
        const drivers = new JDServerServiceProvider(
            "camscript-board",
            // a test's own drivers stand in for the board's (built, but not on the bus)
            options.testDrivers?.({ clock, timeline }) ??
                [
                    ...(firmware?.servers ?? []),
                    station instanceof SimWifiStation ? station : undefined,
                    accessPoint instanceof SimAccessPoint ? accessPoint : undefined,
                    lan instanceof SimEthernet ? lan : undefined,
                    camera,
                    power,
                    cameraServer,
                    uploader,
                    button,
                    stockWifi,
                ].filter((s) => s !== undefined),
        )
        bus.addServiceProvider(drivers)

        vm = await createVm(vmTimingFor(fake))
        const theVm = vm
        const exception: string[] = []
        // a failed assertion inside the VM aborts it and nothing runs any
        // more: say so now instead of waiting for the time limit
        const crashed = (line: string) => {
            const m = /^assertion '.*' failed at (\S+)/.exec(line)
            if (m) end({ outcome: "error", exitCode: 1, error: describeVmAssertion(m[1], theVm, current) })
        }
        theVm.dmesg = (raw: string) => {
            vmSpoke = true
            const line = raw.replace(ANSI, "")
            options.onDiagnostic?.(line)
            crashed(line)
            if (line.startsWith("> ")) {
                const entry = consoleLine(now(), line.slice(2))
                if (keep) output.push(entry)
                options.onOutput?.(entry)
            } else if (/^\* +(Exception|message|at )/.test(line) || /^! +(at |Exception:|\.\.\.)/.test(line)) {
                exception.push(line.replace(/^[*!] +/, ""))
            }
        }
        theVm.log = (...args: unknown[]) => {
            vmSpoke = true
            options.onDiagnostic?.(args.join(" "))
            crashed(args.join(" "))
        }
        theVm.error = (...args: unknown[]) => {
            vmSpoke = true
            options.onDiagnostic?.(args.join(" "))
            crashed(args.join(" "))
        }
        let sleeping = false
        const programs = [...(options.then ?? [])]
        let current = options.script
        theVm.panicHandler = (code: number) => {
            vmSpoke = true
            theVm.devsStop()
            const next = code === TOP_LEVEL_DONE_PANIC ? programs.shift() : undefined
            if (next) {
                // the next program on the same board: the bus and its drivers stay as they are
                current = next
                setImmediate(() => {
                    timeline.add("sim", "restart", "the next program is deployed; the drivers keep their state")
                    theVm.devsStart()
                    const rc = theVm.devsDeploy(next.image)
                    if (rc !== 0)
                        end({ outcome: "error", exitCode: 1, error: `the VM refused the next program (code ${rc})` })
                })
                return
            }
            if (code === TOP_LEVEL_DONE_PANIC) return end({ outcome: "finished", exitCode: 0 })
            end({ outcome: "error", exitCode: 1, error: describeException(exception, code, current) })
        }
        deepSleep = (ms: number) => {
            if (sleeping) return
            sleeping = true
            timeline.add("sim", "deep-sleep", `for ${ms} ms: the program stops; radio, Ethernet and camera off`)
            theVm.devsStop()
            // after the command that asked for it has been handled (the bus is inside it now)
            const wakeAt = clock.now() + ms
            setImmediate(() => powerDown(wakeAt))
        }
        const powerDown = (wakeAt: number) => {
            // ESP-IDF stops Wi-Fi before deep sleep (esp_wifi_stop), which leaves the access point
            air.dissociate(mac)
            const sources = ["wifi", "ap", "eth"]
            ;[station, accessPoint, lan].forEach((d, i) => {
                if (!(d instanceof SimWifiStation || d instanceof SimAccessPoint || d instanceof SimEthernet)) return
                // the interface's band on the timeline and the report page ends here
                if (d.running) timeline.add(sources[i], "Stopped", "deep sleep", { state: "Stopped" })
                d.restart()
            })
            camera?.powerOff()
            // under --driver firmware the C already stopped (sim/firmware/board.ts): its views end their bands
            firmware?.powerOff()
            // the drivers' device stays on the bus (nobody listens while the VM is stopped);
            // it announces itself afresh at wake-up, as after a reset
            power?.wokeFromDeepSleep()
            clock.setTimeout(() => {
                timeline.add("sim", "wake", "the RTC timer ends the deep sleep; the program starts from its first line")
                // a fresh instance of the C: fresh RAM, RTC memory kept, its services started again;
                // then the runtime runs the deployed program from its first line, as devicescript-esp32's
                // app_main (main/main.c at f6aec45) does after every boot
                firmware?.wake()
                const counters = drivers as unknown as { _restartCounter: number; _eventCounter?: number }
                counters._restartCounter = 0
                counters._eventCounter = undefined
                sleeping = false
                theVm.devsStart()
                const rc = theVm.devsDeploy(current!.image)
                if (rc !== 0)
                    end({ outcome: "error", exitCode: 1, error: `the VM refused the program at wake-up (code ${rc})` })
            }, wakeAt - clock.now())
        }
        // frames cross between VM and bus on a later turn: the VM drops
        // frames that arrive while it is executing
        const bridge = createProxyBridge((frame) => setImmediate(() => theVm.handlePacket(frame)))
        bridge.bus = bus
        theVm.sendPacket = (frame: Uint8Array) => {
            vmSpoke = true
            const copy = frame.slice()
            setImmediate(() => bridge.receiveFrameOrPacket(copy))
        }
        const theSockets = new SimSockets(theVm, routes, options.world.dnsZone, timeline)
        sockets = theSockets
        timeline.onEntry((e) => {
            if (e.source === "wifi" || e.source === "eth") theSockets.linkChanged()
            if (e.source === "wifi") accessPoint?.stationChanged()
        })
        if (options.flash) {
            const store = options.flash
            theVm.flashLoad = () => store.data ?? new Uint8Array(0)
            theVm.flashSave = (data: Uint8Array) => {
                store.data = data.slice()
            }
        }
        options.beforeStart?.(theVm)
        // (an abort while the VM was loading has already fired)
        if (options.signal?.aborted) end({ outcome: "finished", exitCode: 0 })
        options.signal?.addEventListener("abort", () => end({ outcome: "finished", exitCode: 0 }))
        theVm.devsSetDeviceId(VM_DEVICE_ID)
        theVm.devsStart()
        // the VM plays the board's runtime: an image that runtime would not
        // take is refused by name here (the VM itself would assert and abort)
        const problem =
            options.script && devsImageProblem(options.script.image, runtimeRule(runtimeFor(options.firmware)))
        if (problem) throw new ImageRefusedError(`the image cannot run: ${problem}`)
        if (options.settings?.length) {
            // no program runs while they are written (a flash file may hold the last run's)
            theVm.devsDeploy(new Uint8Array(0))
            const writing = provisionVmSettings(bus, VM_DEVICE_ID, clock, options.settings)
            let settled = false
            writing.then(
                () => (settled = true),
                () => (settled = true),
            )
            // the VM and the bus need time to move: the run's loop has not started yet
            if (fake) while (!settled) await fake.nextAsync()
            await writing
        }
        const rc = options.script ? theVm.devsDeploy(options.script.image) : 0
        if (rc !== 0) throw new ImageRefusedError(`the VM refused the compiled image (code ${rc})`)
        options.onVmStarted?.({ gcHeap: gcHeapReader(theVm) })
        air.start()
        stockWifi?.start()
        wire.start()
        for (const ev of options.world.events) {
            if (ev.action !== "restart-driver") continue
            clock.setTimeout(() => {
                // the drivers' device leaves the bus and comes back as after a reset
                timeline.add("world", "restart-driver", `network drivers gone for ${DRIVER_RESTART_MS} ms`)
                const theBus = bus!
                theBus.removeServiceProvider(drivers)
                // the model drivers forget their state; the firmware's C keeps its own
                for (const d of [station, accessPoint, lan])
                    if (d instanceof SimWifiStation || d instanceof SimAccessPoint || d instanceof SimEthernet)
                        d.restart()
                clock.setTimeout(() => {
                    const counters = drivers as unknown as { _restartCounter: number; _eventCounter?: number }
                    counters._restartCounter = 0
                    counters._eventCounter = undefined
                    theBus.addServiceProvider(drivers)
                }, DRIVER_RESTART_MS)
            }, ev.atMs - clock.now())
        }
        accessPoint?.startClients(options.world.events)
        const cameraDriver = camera ?? firmware?.camera
        cameraDriver?.scheduleFaults(options.world.events)
        for (const press of presses)
            clock.setTimeout(() => {
                timeline.add("world", "press-button", `released after ${BUTTON_PRESS_MS} ms`)
                void button!.down()
                clock.setTimeout(() => void button!.up(), BUTTON_PRESS_MS)
            }, press.atMs - clock.now())
        const worldName = relative(process.cwd(), options.world.source) || options.world.source
        timeline.add("sim", "start", `world ${worldName}, board ${options.board.id}`)

        const limit = clock.setTimeout(() => end({ outcome: "timeout", exitCode: 124 }), limitMs)
        if (fake) {
            while (!done) {
                if (realIoPending()) {
                    // a real server (RADIUS) is being asked: time stands still meanwhile
                    await new Promise((r) => realSetTimeout(r, 1))
                } else if (theSockets.busy) {
                    // real bytes may be on their way: let them in before time moves on
                    await new Promise((r) => realSetTimeout(r, 1))
                    await fake.tickAsync(SOCKET_STEP_MS)
                } else {
                    // A VM tick (or a register poll of the bus) that sends
                    // nothing and prints nothing touches nothing outside
                    // itself, so it needs no turn of the event loop of its
                    // own: run such timers back to back. The first that
                    // speaks, and every other timer, go the usual way, so
                    // every timestamp stays what it was.
                    for (let n = 0; n < MAX_SILENT_TICKS && !done && quietTimerIsNext(fake); n++) {
                        vmSpoke = false
                        fake.next()
                        if (vmSpoke) break
                    }
                    if (!done) await fake.nextAsync()
                }
            }
        } else {
            await finished
        }
        clock.clearTimeout(limit)
        const result = await finished
        return {
            ...result,
            output,
            timeline: timeline.entries,
            simulatedMs: now(),
            wallMs: wallNow() - wallStart,
        }
    } finally {
        try {
            vm?.devsStop()
            stopServing?.()
            firmware?.dispose()
            sockets?.dispose()
            await servers?.close()
            if (bus) void disposeQuietly(bus)
        } finally {
            fake?.uninstall()
        }
    }
}

/**
 * The VM's own panics (runtime/devicescript/devicescript.h), by the name it
 * prints on its "! Exception: <Name>" line: what happened in words, and
 * what to do about it.
 */
const INFINITE_LOOP_PANIC = 60001
/** runtime/devicescript/devicescript.h DEVS_PANIC_UNHANDLED_EXCEPTION */
const UNHANDLED_EXCEPTION_PANIC = 60005

const VM_PANICS: Record<number, { name: string; what: string; advice: string }> = {
    60001: {
        name: "InfiniteLoop",
        what: "infinite loop: the script ran 131072 VM steps without pausing, and the VM stopped it",
        advice: "a loop (or a long computation) never awaits; add `await time.sleep_ms(0)` inside it every so often, or split the work",
    },
    60004: {
        name: "OutOfMemory",
        what: "out of memory: the script filled the VM's heap (64 KB on the chip and here)",
        advice: "keep fewer or smaller objects alive: drop arrays and buffers you no longer need, and cap lists that grow",
    },
    // runtime/devicescript/utf8.c: a string's bytes are not UTF-8
    60129: {
        name: "InvalidUtf8",
        what: "a string holds text that is not UTF-8, which the VM cannot index",
        advice: "String.fromCharCode() takes whole code points here, not UTF-16 halves: write String.fromCharCode(0x1f600), or the character itself, instead of a surrogate (0xd800..0xdfff) or a surrogate pair",
    },
    60006: {
        name: "StackOverflow",
        what: "stack overflow: function calls nested more than 100 deep",
        advice: "a function probably calls itself without end; give the recursion a stop, or use a loop",
    },
}

/**
 * A failed assertion inside the VM (a fault of the VM, which stops it): where
 * the script was, read from the VM's memory (sim/vm/vm-stack.ts), and what to do.
 */
function describeVmAssertion(at: string, vm: DevsVm, script: CompiledScript | undefined): string {
    const head = `the DeviceScript VM crashed (assertion failed at ${at}): a fault inside the VM, not an exception of the script`
    const stack = script ? vmStack(vm, script.image) : undefined
    const frames = collapseFrames(
        (stack ?? []).map(({ fn, pc }) => {
            const name = `${script!.dbg.functions[fn]?.name ?? "f"}`.replace(/_F\d+$/, "")
            return `    at ${sourcePosition(script!, `${name}_F${fn}`, pc) ?? `${name} (pc:${pc})`}`
        }),
    ).slice(0, 6)
    if (!frames.length) return `${head}; where in the script could not be read`
    const userPaths = script ? [...script.userFiles.values()].map((f) => relative(process.cwd(), f) || f) : []
    const own = frames.find((f) => userPaths.some((p) => f.includes(`(${p}:`)))
    return [
        head,
        ...frames,
        `  what to do: the VM was running ${own ? `the script's line ${own.trim().replace(/^at \S+ \((.*)\)$/, "$1")}` : "the first line above"}; ` +
            'a construct there is probably one the VM mishandles (docs/api.md, "The TypeScript subset"): write it another way',
    ].join("\n")
}

/** "at f (x.ts:3:5)" repeated n times in a row becomes one line saying so. */
function collapseFrames(frames: string[]): string[] {
    const out: string[] = []
    for (let i = 0; i < frames.length;) {
        let j = i + 1
        while (j < frames.length && frames[j] === frames[i]) j++
        out.push(j - i > 1 ? `${frames[i]} (${j - i} times)` : frames[i])
        i = j
    }
    return out
}

/** "Error: boom" + "at src/user/x.ts:5:1" from the VM's exception lines. */
export function describeException(lines: string[], code: number, script: CompiledScript | undefined): string {
    const head = lines.find((l) => l.startsWith("Exception:"))?.replace(/^Exception: */, "")
    const message = lines.find((l) => l.startsWith("message:"))?.replace(/^message: */, "")
    const userPaths = script ? [...script.userFiles.values()].map((f) => relative(process.cwd(), f) || f) : []
    const isUser = (pos: string) => userPaths.some((p) => pos.includes(`(${p}:`))
    const all = lines
        .filter((l) => l.startsWith("at ") || l === "...")
        .map((l, i) => {
            const m = /^at (\S+) \(pc:(\d+)\)/.exec(l)
            // the watchdog stops a loop at the instruction it was about to run, not after a failing one
            const exact = i === 0 && code === INFINITE_LOOP_PANIC
            const pos = m && script ? sourcePosition(script, m[1], Number(m[2]), exact) : undefined
            return pos ? `    at ${pos}` : `    ${l}`
        })
    const frames = collapseFrames(all).slice(0, 6)
    // deep in the library (a reconnect loop out of memory in station.ts): name the script's line that called in
    if (!frames.some(isUser)) {
        const caller = all.find(isUser)
        if (caller) frames.push("    ...", `${caller} (the script's line that called in)`)
    }
    const panic = VM_PANICS[code]
    if (panic)
        return [`${panic.what} (VM panic ${code}, ${panic.name})`, ...frames, `  what to do: ${panic.advice}`].join(
            "\n",
        )
    if (head === undefined && message !== undefined)
        // `throw { message: "x" }`: the VM prints the message and the stack, no "Exception:" line
        return [`${message} (a thrown object, not an Error)`, ...frames].join("\n")
    const first = head ? (message ? `${head}: ${message}` : head) : `VM panic ${code}`
    if (head !== undefined && !frames.length && code === UNHANDLED_EXCEPTION_PANIC && script) {
        // `throw 42`, `throw "str"`: the VM keeps a stack only on an object; the script's throws of other values say where
        const sites = primitiveThrows(script, head)
        if (sites.length)
            return [
                `${first} (a thrown ${/^-?\d/.test(head) ? "number" : "value"}, not an Error: the VM keeps no stack for it; throw new Error(...) to get one)`,
                ...sites.slice(0, 6).map((p) => `    thrown at ${p}${sites.length > 1 ? " ?" : ""}`),
                ...(sites.length > 6 ? [`    ... and ${sites.length - 6} more`] : []),
            ].join("\n")
    }
    return [first, ...frames].join("\n")
}

/**
 * The `throw` statements of the script's own files that do not throw an
 * Error made there (`throw new ...`), as file:line:column; those whose
 * operand is written as the value shown (`42`, `"str"`) when there are any.
 */
function primitiveThrows(script: CompiledScript, shown: string): string[] {
    const all: { at: string; operand: string }[] = []
    for (const [inBuild, original] of script.userFiles) {
        const text = script.dbg.sources.find((s) => s.path === inBuild)?.text
        if (text === undefined) continue
        const path = relative(process.cwd(), original) || original
        // comments blanked (same length), so positions stay
        const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "))
        for (const m of code.matchAll(/\bthrow\s+(?!new\s)([^;\n}]*)/g)) {
            const before = code.slice(0, m.index).split("\n")
            all.push({ at: `${path}:${before.length}:${before[before.length - 1].length + 1}`, operand: m[1].trim() })
        }
    }
    const literal = all.filter((t) => [shown, JSON.stringify(shown), `'${shown}'`, `\`${shown}\``].includes(t.operand))
    return (literal.length ? literal : all).map((t) => t.at)
}
