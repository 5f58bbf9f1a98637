import * as ds from "@devicescript/core"

// What a script still has to do once its top level has returned. On a board
// the program simply goes on; the simulator must decide when a run is over.
// It is over when the top level has returned and nothing is pending:
//   - no `on_change` handler is registered (each holds the run until its
//     unsubscribe function is called),
//   - no timer of the script is armed (`setTimeout` until it fires or is
//     cleared, `setInterval` until cleared), and no timer callback is
//     still running (one awaiting a socket, a sleep, a connect).
// camscript's own timers (DHCP waits, reconnects) use the originals kept
// below and hold nothing: they serve the script's work, they are not work.

let registered = 0
let armed: number[] = []
let running = 0
const settled = ds.emitter<number>()

/** How many things the script still waits on (handlers, timers, running timer callbacks). */
export function _pendingWork(): number {
    return registered + armed.length + running
}

function changed() {
    if (_pendingWork() === 0) settled.emit(0)
}

/** Holds the run while a handler is registered; the returned function unregisters it (once). */
export function _holdWhileRegistered(unsubscribe: () => void): () => void {
    registered++
    let held = true
    return () => {
        unsubscribe()
        if (held) {
            held = false
            registered--
            changed()
        }
    }
}

// Timers are camscript's own: a fiber per timer that sleeps and then calls.
// (Wrapping @devicescript/core's setTimeout is not possible: the compiler
// binds `ds.setTimeout = ...` statically, so a wrapper would call itself.)

/** Longest single VM sleep; longer waits go in pieces (see time.ts: 32-bit wake times). */
const PIECE_MS = 600000

interface Timer {
    id: number
    cancelled: boolean
    /** counted in `armed` (a script's timer), or not (camscript's own) */
    held: boolean
}

let nextId = 1
const timers: Timer[] = []

async function sleepUntil(end: number) {
    while (true) {
        const left = end - ds.millis()
        if (left <= 0) return
        await ds.sleep(left < PIECE_MS ? left : PIECE_MS)
    }
}

function find(id: number): Timer | undefined {
    for (const t of timers) if (t.id === id) return t
    return undefined
}

function drop(t: Timer) {
    const i = timers.indexOf(t)
    if (i >= 0) timers.insert(i, -1)
    if (t.held && disarm(t.id)) changed()
}

function startTimer(cb: ds.Callback, ms: number, repeat: boolean, held: boolean): number {
    const period = typeof ms === "number" && ms >= 1 ? ms : 1
    const t: Timer = { id: nextId++, cancelled: false, held }
    timers.push(t)
    if (held) armed.push(t.id)
    const fiber = async () => {
        let due = ds.millis() + period
        while (true) {
            await sleepUntil(due)
            if (t.cancelled) return
            if (!repeat) {
                timers.insert(timers.indexOf(t), -1)
                if (held) disarm(t.id)
            }
            if (held) running++
            try {
                await cb()
            } finally {
                if (held) {
                    running--
                    changed()
                }
            }
            if (!repeat || t.cancelled) return
            // a late tick is not made up for: the next is a period after this one ended, at the latest
            due = Math.max(due + period, ds.millis() + 1)
        }
    }
    fiber.start()
    return t.id
}

function stopTimer(id: number) {
    const t = find(id)
    if (!t) return
    t.cancelled = true
    drop(t)
}

/** Timers for camscript's own use: they hold nothing. */
export const _internal = {
    setTimeout: (cb: ds.Callback, ms: number) => startTimer(cb, ms, false, false),
    clearTimeout: stopTimer,
    setInterval: (cb: ds.Callback, ms: number) => startTimer(cb, ms, true, false),
    clearInterval: stopTimer,
}

function disarm(id: number): boolean {
    const i = armed.indexOf(id)
    if (i < 0) return false
    armed.insert(i, -1)
    return true
}

;(ds as typeof ds).setTimeout = function (cb, ms) {
    return startTimer(cb, ms, false, true)
}
;(ds as typeof ds).setInterval = function (cb, ms) {
    return startTimer(cb, ms, true, true)
}
;(ds as typeof ds).clearTimeout = function (id) {
    stopTimer(id)
}
;(ds as typeof ds).clearInterval = function (id) {
    stopTimer(id)
}

/** Returns once the script has nothing pending (the simulator's image then ends the run). */
export async function _untilIdle(): Promise<void> {
    while (_pendingWork() > 0) await ds.wait(settled)
}
