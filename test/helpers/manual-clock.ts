import type { Clock } from "../../sim/radio/air"

// A clock for tests that drive the C drivers' WebAssembly module by hand,
// with no VM: time moves only when the test says (advance), and timers due
// by then fire in order of time, then of setting.

/** A clock whose time moves only when the test says. */
export class ManualClock implements Clock {
    private t = 0
    private timers: { at: number; fn: () => void; id: number }[] = []
    private next = 1
    now() {
        return this.t
    }
    setTimeout(fn: () => void, ms: number) {
        const id = this.next++
        this.timers.push({ at: this.t + Math.max(0, ms), fn, id })
        return id
    }
    clearTimeout(h: unknown) {
        this.timers = this.timers.filter((x) => x.id !== h)
    }
    advance(ms: number) {
        const end = this.t + ms
        for (;;) {
            this.timers.sort((a, b) => a.at - b.at || a.id - b.id)
            const due = this.timers[0]
            if (!due || due.at > end) break
            this.timers.shift()
            this.t = due.at
            due.fn()
        }
        this.t = end
    }
}
