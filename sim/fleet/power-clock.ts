import type { Clock } from "../radio/air"

// The clock one power-up of a camera sees. Its drivers keep timers (a scan
// under way, a DHCP answer due, beacon loss); when the camera loses power,
// all of them must die with it, or a dead camera would still take a lease
// or print a link state. Cutting the power clears every timer armed
// through this clock and makes later ones no-ops.

export class PowerClock implements Clock {
    private readonly armed = new Set<unknown>()
    private on = true

    constructor(private readonly site: Clock) {}

    now(): number {
        return this.site.now()
    }

    setTimeout(fn: () => void, ms: number): unknown {
        if (!this.on) return undefined
        const handle: unknown = this.site.setTimeout(() => {
            this.armed.delete(handle)
            if (this.on) fn()
        }, ms)
        this.armed.add(handle)
        return handle
    }

    clearTimeout(handle: unknown) {
        if (!this.armed.delete(handle)) return
        this.site.clearTimeout(handle)
    }

    /** The power is cut: no timer of this power-up fires any more. */
    cut() {
        this.on = false
        for (const h of this.armed) this.site.clearTimeout(h)
        this.armed.clear()
    }

    get powered(): boolean {
        return this.on
    }
}
