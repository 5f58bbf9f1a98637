import { relative } from "node:path"
import FakeTimers from "@sinonjs/fake-timers"
import { createProxyBridge, JDBus, JDServerServiceProvider } from "./jacdac"
import type { BoardInfo } from "./boards"
import { type CompiledScript, TOP_LEVEL_DONE_PANIC } from "./compile"
import { loadContract } from "./contract"
import { ethernetMac, SimEthernet } from "./drivers/ethernet"
import { accessPointMac, SimAccessPoint } from "./drivers/wifi-access-point"
import { SimWifiStation } from "./drivers/wifi-station"
import { processClock } from "./clock"
import { Air, type Clock } from "./radio/air"
import { sourcePosition } from "./sourcemap"
import { Timeline, type TimelineEntry } from "./timeline"
import { type Route, SimSockets } from "./net/sockets"
import { realIoPending } from "./realio"
import { createVm, type DevsVm } from "./vm/devs-vm"
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

export interface RunOptions {
    script: CompiledScript
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

const VIRTUAL_FAKES: FakeTimers.FakeMethod[] = [
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

/** A restart-driver event keeps the drivers' device off the bus this long (a driver task re-initialising). */
export const DRIVER_RESTART_MS = 3000

/** While a socket is open, virtual time moves in steps this small, each after a real millisecond. */
export const SOCKET_STEP_MS = 10

// Virtual time replaces the process's timers, so runs take turns.
let queue: Promise<unknown> = Promise.resolve()

export function runSimulation(options: RunOptions): Promise<RunResult> {
    const run = queue.then(() => simulate(options))
    queue = run.catch(() => undefined)
    return run
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
    const timeline = new Timeline(now)
    if (options.onTimeline) timeline.onEntry(options.onTimeline)
    const output: OutputLine[] = []
    const limitMs = options.timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS

    let vm: DevsVm | undefined
    let bus: JDBus | undefined
    let sockets: SimSockets | undefined
    let finish!: (r: Pick<RunResult, "outcome" | "exitCode" | "error">) => void
    const finished = new Promise<Pick<RunResult, "outcome" | "exitCode" | "error">>((res) => (finish = res))
    let done = false
    const end = (r: Pick<RunResult, "outcome" | "exitCode" | "error">) => {
        if (done) return
        done = true
        finish(r)
    }

    try {
        const air = new Air(options.world, clock, timeline)
        const wire = new Wire(options.world.ethernet, options.world, clock, timeline)
        bus = new JDBus([], { client: false, disableRoleManager: true } as ConstructorParameters<typeof JDBus>[1])
        // the board's interfaces decide which drivers exist
        const mac = options.world.camera.mac
        const station = options.board.interfaces.includes("wlan")
            ? new SimWifiStation(loadContract("wifi-station.md"), air, timeline, mac)
            : undefined
        const hardware = options.board.camscript?.ethernet
        const lan =
            options.board.interfaces.includes("lan") && hardware
                ? new SimEthernet(loadContract("ethernet.md"), wire, clock, timeline, hardware, ethernetMac(mac))
                : undefined
        const accessPoint = options.board.interfaces.includes("wlan")
            ? new SimAccessPoint(
                  loadContract("wifi-access-point.md"),
                  air,
                  timeline,
                  station,
                  accessPointMac(mac),
                  options.world.clients,
              )
            : undefined
        const drivers = new JDServerServiceProvider(
            "camscript-board",
            [station, accessPoint, lan].filter((s) => s !== undefined),
        )
        bus.addServiceProvider(drivers)
        // routing: Ethernet first when it holds an address, then Wi-Fi
        const routes = (): Route[] => {
            const out: Route[] = []
            if (lan && lan.address4.ip) out.push({ iface: "eth", ...lan.address4 })
            if (station && station.address4.ip) out.push({ iface: "wifi", ...station.address4 })
            return out
        }

        vm = await createVm()
        const theVm = vm
        const exception: string[] = []
        theVm.dmesg = (raw: string) => {
            const line = raw.replace(ANSI, "")
            options.onDiagnostic?.(line)
            if (line.startsWith("> ")) {
                const entry = { atMs: now(), text: line.slice(2) }
                output.push(entry)
                options.onOutput?.(entry)
            } else if (/^\* +(Exception|message|at )/.test(line) || /^! +at /.test(line)) {
                exception.push(line.replace(/^[*!] +/, ""))
            }
        }
        theVm.log = (...args: unknown[]) => options.onDiagnostic?.(args.join(" "))
        theVm.error = (...args: unknown[]) => options.onDiagnostic?.(args.join(" "))
        theVm.panicHandler = (code: number) => {
            theVm.devsStop()
            if (code === TOP_LEVEL_DONE_PANIC) return end({ outcome: "finished", exitCode: 0 })
            end({ outcome: "error", exitCode: 1, error: describeException(exception, code, options.script) })
        }
        // frames cross between VM and bus on a later turn: the VM drops
        // frames that arrive while it is executing
        const bridge = createProxyBridge((frame) => setImmediate(() => theVm.handlePacket(frame)))
        bridge.bus = bus
        theVm.sendPacket = (frame: Uint8Array) => {
            const copy = frame.slice()
            setImmediate(() => bridge.receiveFrameOrPacket(copy))
        }
        const theSockets = new SimSockets(theVm, routes, options.world.dnsZone, timeline)
        sockets = theSockets
        timeline.onEntry((e) => {
            if (e.source === "wifi" || e.source === "eth") theSockets.linkChanged()
            if (e.source === "wifi") accessPoint?.stationChanged()
        })
        theVm.devsSetDeviceId("ca3c0de0ca3c0de0")
        theVm.devsStart()
        const rc = theVm.devsDeploy(options.script.image)
        if (rc !== 0) throw new Error(`the VM refused the compiled image (code ${rc})`)
        air.start()
        wire.start()
        for (const ev of options.world.events) {
            if (ev.action !== "restart-driver") continue
            clock.setTimeout(() => {
                // the drivers' device leaves the bus and comes back as after a reset
                timeline.add("world", "restart-driver", `network drivers gone for ${DRIVER_RESTART_MS} ms`)
                const theBus = bus!
                theBus.removeServiceProvider(drivers)
                for (const d of [station, accessPoint, lan]) d?.restart()
                clock.setTimeout(() => {
                    const counters = drivers as unknown as { _restartCounter: number; _eventCounter?: number }
                    counters._restartCounter = 0
                    counters._eventCounter = undefined
                    theBus.addServiceProvider(drivers)
                }, DRIVER_RESTART_MS)
            }, ev.atMs - clock.now())
        }
        accessPoint?.startClients(options.world.events)
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
                } else await fake.nextAsync()
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
        const debug = console.debug
        try {
            vm?.devsStop()
            sockets?.dispose()
            console.debug = () => {} // jacdac-ts announces "bus: disposing."
            bus?.dispose()
        } finally {
            console.debug = debug
            fake?.uninstall()
        }
    }
}

/** "Error: boom" + "at src/user/x.ts:5:1" from the VM's exception lines. */
function describeException(lines: string[], code: number, script: CompiledScript): string {
    const head = lines.find((l) => l.startsWith("Exception:"))?.replace(/^Exception: */, "") ?? `panic ${code}`
    const message = lines.find((l) => l.startsWith("message:"))?.replace(/^message: */, "")
    const frames = lines
        .filter((l) => l.startsWith("at "))
        .map((l) => {
            const m = /^at (\S+) \(pc:(\d+)\)/.exec(l)
            const pos = m ? sourcePosition(script, m[1], Number(m[2])) : undefined
            return pos ? `    at ${pos}` : `    ${l}`
        })
    const first = message ? `${head}: ${message}` : head
    return [first, ...frames.slice(0, 6)].join("\n")
}
