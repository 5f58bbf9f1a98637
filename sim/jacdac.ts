// jacdac-ts ships its typings outside its package "exports", so TypeScript
// cannot find them by the package name: take the types from their file
// (erased at run time) and the values from the package itself.
import type * as Jacdac from "../node_modules/jacdac-ts/dist/types/src/jacdac"
import { gateRegisterPoll, installRegisterPollGate } from "./register-poll"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jd = require("jacdac-ts") as typeof Jacdac

export type Packet = Jacdac.Packet
export type JDBus = Jacdac.JDBus
export type JDServiceServer = Jacdac.JDServiceServer
export type JDService = Jacdac.JDService
export const {
    ButtonServer,
    JDBus,
    JDServiceServer,
    JDServerServiceProvider,
    createProxyBridge,
    jdpack,
    jdunpack,
    serviceSpecifications,
    loadServiceSpecifications,
    SettingsClient,
    SRV_SETTINGS,
} = jd

installRegisterPollGate(jd.JDBus)

/**
 * The Jacdac bus between one simulated board's VM and its drivers.
 * `onFrame` hears every frame the bus sends, at once (before any promise
 * job): the run loop uses it to tell a register poll that sent nothing from
 * one that did (sim/session.ts, quietTimerIsNext).
 *
 * jacdac-ts's bus is also a dashboard's client: every 50 ms (virtual) it
 * polls registers (sim/register-poll.ts). The poll stays (the VM sees the
 * same packets at the same times), but it walks the registers only while
 * one may be waiting, and a poll that sent nothing needs no turn of the
 * event loop of its own.
 */
export function boardBus(onFrame: () => void): JDBus {
    const bus = new JDBus([], { client: false, disableRoleManager: true } as ConstructorParameters<typeof JDBus>[1])
    bus.on(jd.FRAME_SEND, onFrame)
    gateRegisterPoll(bus)
    return bus
}

/** Dispose of a bus without the "bus: disposing." line jacdac-ts writes on the console as it starts to. */
export function disposeQuietly(bus: JDBus): Promise<void> {
    const debug = console.debug
    console.debug = () => {}
    try {
        return bus.dispose()
    } finally {
        console.debug = debug
    }
}
