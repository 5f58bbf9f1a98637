import type * as Jacdac from "../node_modules/jacdac-ts/dist/types/src/jacdac"

// jacdac-ts's bus polls registers like a dashboard: every 50 ms (virtual) it
// walks every register of every device it knows, keeps those a client is
// thought to wait on, and sends each a GET when it is due; then it tells its
// service providers to refresh (a button server's hold events, a sensor
// server's streaming). jacdac-ts 1.33.7, src/jdom/bus.ts,
// handleRefreshRegisters.
//
// On a simulated board's bus the walk finds something to ask only while a
// device is new (its control registers, the DeviceScript manager's status
// code); the rest of the time it finds nothing, and its arrays were about
// two fifths of everything a simulation allocated (a heap profile of a
// group of test files: 2 of 4.7 GB), so the collector ran that much more.
//
// So on a board's bus (sim/jacdac.ts, boardBus) a poll walks the registers
// only while one may be waiting: it walks only when a register passes the
// walk's filter (the same conditions, read without copying, below), and
// once none does, later polls do not even look until something that could
// make one happens on the bus: a packet processed (an announce, a report, a
// NACK), a frame sent, a device found, changed or gone. Time alone never
// makes a register a candidate (it only makes a candidate due), so a poll
// skipped is one whose walk would have sent nothing. What the poll does
// besides the walk (the refresh of the service providers) is done every
// time, under the same conditions. test/register-poll.test.ts runs
// scenarios with and without the shortcut and compares every timestamp.

type Bus = Jacdac.JDBus
type AnyFn = (...args: unknown[]) => unknown

/** What the shortcut reads of a bus's internals (jacdac-ts 1.33.7). */
interface DeviceInternals {
    announced: boolean
    lost: boolean
    firmwareUpdater?: unknown
    _services?: { specification?: unknown; _registers?: Jacdac.JDRegister[] }[]
}

interface BusInternals {
    _devices: DeviceInternals[]
    _serviceProviders: { emit(event: string): unknown }[]
    _streaming: boolean
    interactionMode: number
    emit(event: string): unknown
}

/** jacdac-ts constants (src/jdom/constants.ts) */
const REFRESH = "refresh"
const REPORT_RECEIVE = "reportReceive"
const REPORT_UPDATE = "reportUpdate"
/** an optional register is asked at most this many times (REGISTER_OPTIONAL_POLL_COUNT) */
const OPTIONAL_POLL_COUNT = 3
/** BusInteractionMode.Active */
const ACTIVE = 0
/** What can make a register a candidate again (event names of src/jdom/constants.ts). */
const WAKE_EVENTS = ["packetProcess", "frameSend", "deviceConnect", "deviceFound", "deviceChange", "deviceAnnounce"]

interface Gate {
    /** whether a walk could find a register to ask */
    mayAsk: boolean
    walks: number
    skips: number
}

/** The name of the poll's timer function (the bus binds its handleRefreshRegisters): the run loop knows it by it (sim/session.ts). */
export const REGISTER_POLL_TIMER = "bound handleRefreshRegisters"

const gates = new WeakMap<object, Gate>()
let enabled = true
let installed = false

/** Turn the shortcut off (and on again): for the test that it changes nothing but time. */
export function useRegisterPollShortcut(on: boolean) {
    enabled = on
}

/** How many polls of a board's bus walked its registers, and how many skipped the walk. */
export function registerPollCounts(bus: Bus): { walks: number; skips: number } {
    const gate = gates.get(bus)
    return { walks: gate?.walks ?? 0, skips: gate?.skips ?? 0 }
}

/** Whether a device is one the walk looks at: announced, not lost, not being flashed. */
function polled(d: DeviceInternals): boolean {
    return d.announced && !d.lost && !d.firmwareUpdater
}

/**
 * Whether any register passes the walk's filter: one it would keep, and ask
 * when due. Reads the bus's own lists rather than the copies its getters
 * make (that copying was most of the walk's cost): a service not yet made,
 * or one whose registers were never made, has no register with a listener
 * or a refresh pending, so it has no candidate.
 */
function anyCandidate(bus: BusInternals): boolean {
    if (bus._streaming) return true
    for (const device of bus._devices) {
        if (!polled(device)) continue
        for (const service of device._services ?? []) {
            if (!service.specification) continue
            for (const reg of service._registers ?? []) {
                if (reg.notImplemented) continue
                const wanted =
                    reg.needsRefresh || reg.listenerCount(REPORT_RECEIVE) > 0 || reg.listenerCount(REPORT_UPDATE) > 0
                if (!wanted) continue
                const spec = reg.specification
                if (reg.data && spec?.kind === "const") continue
                if (spec?.optional && reg.lastGetAttempts >= OPTIONAL_POLL_COUNT) continue
                return true
            }
        }
    }
    return false
}

/**
 * Put the gate in front of every bus's poll. Called once, before any bus
 * is made: the bus binds its poll when it starts, in its constructor.
 */
export function installRegisterPollGate(JDBus: { prototype: object }) {
    if (installed) return
    installed = true
    const proto = JDBus.prototype as { handleRefreshRegisters: AnyFn }
    const walk = proto.handleRefreshRegisters
    // the same name, so its timer is still REGISTER_POLL_TIMER
    proto.handleRefreshRegisters = {
        handleRefreshRegisters(this: BusInternals) {
            const gate = gates.get(this)
            // woken (or a walk last time): a register may be waiting now; the
            // walk only if one is. After a walk the flag stays up, so the next
            // poll looks again: the walk's GETs leave their registers waiting
            // for the answer, and once none waits the polls stop looking
            if (gate && enabled && gate.mayAsk) gate.mayAsk = anyCandidate(this)
            if (!gate || !enabled || gate.mayAsk) {
                walk.call(this)
                if (gate) gate.walks++
                return
            }
            gate.skips++
            // the rest of the poll, as the walk would have done it
            if (this.interactionMode !== ACTIVE) return
            if (!this._devices.some(polled)) return
            this.emit(REFRESH)
            for (const provider of this._serviceProviders) provider.emit(REFRESH)
        },
    }.handleRefreshRegisters
}

/** Gate a board's bus: its polls skip the walk while no register can be waiting. */
export function gateRegisterPoll(bus: Bus) {
    const gate: Gate = { mayAsk: true, walks: 0, skips: 0 }
    gates.set(bus, gate)
    for (const event of WAKE_EVENTS) bus.on(event, () => (gate.mayAsk = true))
}
