import { describeRuntime, type RuntimeAnswer } from "./deploy"
import { HardwareError } from "./errors"
import { openJacdacLink } from "./jacdac-link"
import { BOARD_VENDORS, closePort, listSerialPorts, openPort, type SeenPort } from "./ports"
import { romLoaderAnswers } from "./rom-probe"

// `camscript devices`: the serial ports, and what answers on each. A port
// is spoken to only when it may hold a board: its USB vendor is one whose
// serial chips ESP32 boards use (ports.ts BOARD_VENDORS), or it was named
// with --port. Bytes sent to any other device (a 3D printer, a modem) could
// make it do something, so those are listed, not probed.

/** How long a runtime has to announce itself on Jacdac (a running one does within a second). */
const RUNTIME_ANSWER_MS = 3000

type Answer = "runtime" | "download-mode" | "nothing" | "cannot-open" | "not-probed"

export interface DeviceReport {
    port: SeenPort
    answer: Answer
    runtime?: RuntimeAnswer
    /** why the port could not be opened */
    error?: string
}

export function mayHoldBoard(port: SeenPort): boolean {
    return port.vendorId !== undefined && port.vendorId in BOARD_VENDORS
}

async function probeDevice(port: SeenPort, probe: boolean): Promise<DeviceReport> {
    if (!probe) return { port, answer: "not-probed" }
    // a busy or forbidden port is told as such before jacdac-ts hides why
    try {
        await closePort(await openPort(port.path, 115200))
    } catch (e) {
        if (e instanceof HardwareError) return { port, answer: "cannot-open", error: e.message }
        throw e
    }
    const link = await openJacdacLink(port.path)
    try {
        const manager = await link.manager(RUNTIME_ANSWER_MS)
        if (manager) return { port, answer: "runtime", runtime: await describeRuntime(manager) }
    } finally {
        await link.close()
    }
    return { port, answer: (await romLoaderAnswers(port.path)) ? "download-mode" : "nothing" }
}

/** The ports to show: those named (probed), else every serial port seen (those that may hold a board probed). */
export async function listDevices(named: string[]): Promise<DeviceReport[]> {
    const seen = listSerialPorts()
    const ports = named.length ? named.map((path) => seen.find((p) => p.path === path) ?? { path }) : seen
    const out: DeviceReport[] = []
    // one at a time: two probes must not hold two ports of one adapter at once
    for (const port of ports) out.push(await probeDevice(port, named.length > 0 || mayHoldBoard(port)))
    return out
}
