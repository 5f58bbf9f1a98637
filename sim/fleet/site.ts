import { Air, type Clock, type LiveAccessPoint } from "../radio/air"
import type { Timeline } from "../timeline"
import type { WorldServers } from "../net/http-servers"
import type { World } from "../world/world"
import type { VmTiming } from "../vm/vm-clock"

// What the cameras of a fleet share: one clock, the access points as they
// are now (power, password, DHCP leases, associated stations), the world's
// HTTP(S) servers every camera uploads to, and the world's timed events on
// them. Each camera hears the access points from
// its own place through its own Air; the site's Air applies the access
// points' events once and tells every camera's Air.

export class Site {
    /** the access points every camera's Air shares */
    readonly accessPoints: LiveAccessPoint[]
    /** the Airs of the cameras powered now, told of every change */
    readonly airs = new Set<Air>()
    /** set whenever a VM reaches outside itself (the run loop's batching of silent VM ticks reads it) */
    spoke = false
    /**
     * Cameras whose sockets became busy since the run loop last found them
     * idle: the loop checks these, not every camera, so a step costs the same
     * with 10 cameras or 1,000 (checking all of them on every step made a
     * fleet's cost grow with the square of its size).
     */
    readonly socketUsers = new Set<{ readonly socketsBusy: boolean }>()
    private readonly air: Air
    /** access points still booting after site-power-on */
    private readonly booting = new Set<unknown>()

    constructor(
        readonly world: World,
        readonly clock: Clock,
        readonly timeline: Timeline,
        /** the world's servers (sim/net/http-servers.ts), running on loopback for the whole run */
        readonly servers: WorldServers,
        /** each camera's VM clock and tick timer: the run's fake clock, or the stall guard in real time (sim/vm/vm-clock.ts) */
        readonly vmTiming: () => VmTiming = () => ({}),
    ) {
        // the access points' own events; the cameras' and the site's are the fleet's
        const apEvents = world.events.filter((e) => e.accessPoint !== undefined && e.camera === undefined)
        this.air = new Air({ ...world, events: apEvents }, clock, timeline)
        this.accessPoints = this.air.accessPoints
        this.air.onChange(() => this.changed())
    }

    /** Schedule the access points' timed events. */
    start() {
        this.air.start()
    }

    /** Every camera re-checks its link. */
    changed() {
        for (const air of this.airs) air.changed()
    }

    /**
     * The site's power: every access point goes off (forgetting its
     * stations), or comes back, beaconing once its bootTime has passed.
     */
    setPower(on: boolean) {
        for (const t of this.booting) this.clock.clearTimeout(t)
        this.booting.clear()
        for (const ap of this.accessPoints) {
            ap.stations.clear()
            ap.poweredOn = on && ap.config.bootMs === 0
            if (!on || ap.config.bootMs === 0) continue
            const t = this.clock.setTimeout(() => {
                this.booting.delete(t)
                ap.poweredOn = true
                this.timeline.add("world", "ap-booted", ap.config.name)
                this.changed()
            }, ap.config.bootMs)
            this.booting.add(t)
        }
        this.changed()
    }
}
