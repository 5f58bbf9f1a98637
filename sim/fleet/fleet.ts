import { relative } from "node:path"
import FakeTimers from "@sinonjs/fake-timers"
import type { BoardInfo } from "../../project/boards"
import { processClock } from "../clock"
import type { CompiledScript } from "../../compiler/compile"
import { realIoPending } from "../realio"
import {
    DEFAULT_SIM_TIMEOUT_MS,
    inTurn,
    MAX_SILENT_TICKS,
    type OutputLine,
    SOCKET_STEP_MS,
    VIRTUAL_FAKES,
    quietTimerIsNext,
} from "../session"
import { Timeline, type TimelineEntry } from "../timeline"
import type { CameraConfig } from "../world/world"
import type { World, WorldEvent } from "../world/world"
import { type CameraState, FleetCamera } from "./camera"
import { Site } from "./site"
import { vmTimingFor } from "../vm/vm-clock"
import { type LinkSummary, LinkWatch } from "./summary"
import { type ReceivedUpload, WorldServers } from "../net/http-servers"

// A fleet run: every camera of a world in one process, on the one virtual
// clock (the process's faked timers: the same scheduler as a single run,
// so the fleet takes its turn like any other run), each on its own VM with
// its own drivers, all sharing the site's access points. The loop is the
// single run's: jump from timer to timer, silent VM ticks back to back.

export interface FleetMember {
    config: CameraConfig
    board: BoardInfo
    script: CompiledScript
}

export interface FleetOptions {
    /** a world with `cameras` */
    world: World
    /** the world's cameras, each with its board and compiled script, in the world's order */
    members: FleetMember[]
    /** stop after this much simulated time (exit 124); default 10 minutes */
    timeoutMs?: number
    /** false: output and timelines go only to the callbacks (the CLI streams them). Default true. */
    keepRecords?: boolean
    onOutput?: (camera: string, line: OutputLine) => void
    /** `camera` undefined: the site's own line (world events, start) */
    onTimeline?: (camera: string | undefined, entry: TimelineEntry) => void
    onDiagnostic?: (camera: string, line: string) => void
    /** ends the run with outcome "finished" */
    signal?: AbortSignal
    /** every request a world server received, from any camera (sim --out) */
    onUpload?: (upload: ReceivedUpload) => void
}

export interface FleetCameraResult {
    name: string
    script: CameraState
    error?: string
    boots: number
    link: LinkSummary
    output: OutputLine[]
    timeline: TimelineEntry[]
}

export interface FleetResult {
    /** "error": some camera's script threw; "timeout": time ran out with some still running */
    outcome: "finished" | "error" | "timeout"
    exitCode: 0 | 1 | 124
    cameras: FleetCameraResult[]
    /** the site's own entries: start, access point events, site power, what the world's servers received */
    timeline: TimelineEntry[]
    /** every request the world's servers received, each with the camera that sent it (kept with keepRecords) */
    uploads: ReceivedUpload[]
    simulatedMs: number
    wallMs: number
}

const wallNow = performance.now.bind(performance)
const realSetTimeout = setTimeout

/** Whether any camera's sockets wait on real I/O; cameras found idle leave the set. */
function socketsBusy(site: Site): boolean {
    let busy = false
    for (const c of site.socketUsers) {
        if (c.socketsBusy) busy = true
        else site.socketUsers.delete(c)
    }
    return busy
}

export function runFleet(options: FleetOptions): Promise<FleetResult> {
    return inTurn(() => simulateFleet(options))
}

async function simulateFleet(options: FleetOptions): Promise<FleetResult> {
    const { world } = options
    if (!world.cameras) throw new Error("runFleet needs a world with cameras")
    // world.ts refuses "ethernet" beside "cameras": the cameras' ports see no cable
    const wallStart = wallNow()
    const keep = options.keepRecords ?? true
    const fake = FakeTimers.install({ now: 0, toFake: VIRTUAL_FAKES, loopLimit: 1_000_000 })
    const cameras: FleetCamera[] = []
    let servers: WorldServers | undefined
    try {
        const clock = processClock(Date.now())
        const siteTimeline = new Timeline(clock.now, keep)
        if (options.onTimeline) siteTimeline.onEntry((e) => options.onTimeline!(undefined, e))
        // the world's servers, one set for every camera, as a single run's (sim/session.ts)
        const uploads: ReceivedUpload[] = []
        servers = new WorldServers(world.servers, clock, siteTimeline, (u) => {
            if (keep) uploads.push(u)
            options.onUpload?.(u)
        })
        await servers.start()
        const site = new Site(world, clock, siteTimeline, servers, () => vmTimingFor(fake))
        let finishedCount = 0
        let done = false
        const records = new Map<FleetCamera, { output: OutputLine[]; timeline: TimelineEntry[]; watch: LinkWatch }>()
        for (const m of options.members) {
            const rec = { output: [] as OutputLine[], timeline: [] as TimelineEntry[], watch: new LinkWatch() }
            const name = m.config.name
            const cam: FleetCamera = new FleetCamera(m.config, m.board, m.script, site, {
                output: (line) => {
                    if (keep) rec.output.push(line)
                    options.onOutput?.(name, line)
                },
                timeline: (e) => {
                    rec.watch.feed(e)
                    if (keep) rec.timeline.push(e)
                    options.onTimeline?.(name, e)
                },
                diagnostic: options.onDiagnostic ? (l) => options.onDiagnostic!(name, l) : undefined,
                settled: () => {
                    // counted on each settle: a count kept by hand would miss a camera that boots again
                    finishedCount = 0
                    for (const c of cameras) if (c.state === "finished" || c.state === "error") finishedCount++
                    if (finishedCount === cameras.length) done = true
                },
            })
            cameras.push(cam)
            records.set(cam, rec)
        }
        const byName = new Map(cameras.map((c) => [c.name, c]))
        // a camera powered on by an event boots while time stands still
        const booting = new Set<Promise<void>>()
        let bootError: unknown
        const boot = (cam: FleetCamera) => {
            const p = cam.powerOn().catch((e: unknown) => {
                bootError ??= e
            })
            booting.add(p)
            void p.finally(() => booting.delete(p))
        }
        const apply = (ev: WorldEvent) => {
            const cam = ev.camera !== undefined ? byName.get(ev.camera)! : undefined
            switch (ev.action) {
                case "site-power-off":
                    siteTimeline.add(
                        "world",
                        ev.action,
                        `${site.accessPoints.length} access point(s), ${cameras.length} camera(s)`,
                    )
                    site.setPower(false)
                    for (const c of cameras) c.powerOff()
                    return
                case "site-power-on":
                    siteTimeline.add(
                        "world",
                        ev.action,
                        `${site.accessPoints.length} access point(s), ${cameras.length} camera(s)`,
                    )
                    site.setPower(true)
                    for (const c of cameras) boot(c)
                    return
                case "power-off":
                    return cam!.powerOff()
                case "power-on":
                    return boot(cam!)
                case "move-camera":
                    return cam!.moveTo(ev.to!)
            }
        }

        for (const cam of cameras) await cam.powerOn()
        site.start()
        for (const ev of world.events) {
            if (ev.camera === undefined && !ev.action.startsWith("site-")) continue // the access points' (Site)
            clock.setTimeout(() => apply(ev), ev.atMs - clock.now())
        }
        const worldName = relative(process.cwd(), world.source) || world.source
        siteTimeline.add("sim", "start", `world ${worldName}, ${cameras.length} camera(s)`)
        if (cameras.every((c) => c.state === "finished" || c.state === "error")) done = true

        let timedOut = false
        const limit = clock.setTimeout(() => {
            timedOut = true
            done = true
        }, options.timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS)
        options.signal?.addEventListener("abort", () => (done = true))
        while (!done) {
            if (booting.size) {
                await Promise.all([...booting])
                if (bootError) throw bootError
            } else if (realIoPending()) {
                await new Promise((r) => realSetTimeout(r, 1))
            } else if (socketsBusy(site)) {
                await new Promise((r) => realSetTimeout(r, 1))
                await fake.tickAsync(SOCKET_STEP_MS)
            } else {
                // silent VM ticks and register polls (of any camera) touch nothing outside themselves: run them back to back
                for (let n = 0; n < MAX_SILENT_TICKS && !done && quietTimerIsNext(fake); n++) {
                    site.spoke = false
                    fake.next()
                    if (site.spoke) break
                }
                if (!done) await fake.nextAsync()
            }
        }
        clock.clearTimeout(limit)
        const endMs = clock.now()
        const results: FleetCameraResult[] = cameras.map((c) => {
            const rec = records.get(c)!
            return {
                name: c.name,
                script: c.state,
                error: c.error,
                boots: c.boots,
                link: rec.watch.summary(endMs),
                output: rec.output,
                timeline: rec.timeline,
            }
        })
        const failed = results.some((r) => r.script === "error")
        const outcome = failed ? "error" : timedOut ? "timeout" : "finished"
        return {
            outcome,
            exitCode: failed ? 1 : timedOut ? 124 : 0,
            cameras: results,
            timeline: siteTimeline.entries,
            uploads,
            simulatedMs: endMs,
            wallMs: wallNow() - wallStart,
        }
    } finally {
        try {
            for (const c of cameras) c.dispose()
            await servers?.close()
        } finally {
            fake.uninstall()
        }
    }
}
