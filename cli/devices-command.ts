import { type Command, UsageError } from "./board-command"
import { type DeviceReport, listDevices } from "../usb/devices"
import { BOARD_VENDORS } from "../usb/ports"
import { lastProgram } from "../usb/program"
import { printable } from "../project/printable"

export const devicesCommand: Command = {
    name: "devices",
    summary: "the serial ports, and what answers on each (a runtime, a board in download mode)",
    usage: `usage: camscript devices [--port DEVICE]... [--json]

Lists the serial ports and what answers on each: a DeviceScript runtime
(its version, the board it says it is, the program it holds: "the last
deployed here" when it is the project's last build or deploy), a board in
download mode (its ROM serial loader), or nothing. Only ports whose USB
vendor makes ESP32 boards' serial chips (Espressif 303a, Silicon Labs 10c4,
WCH 1a86, FTDI 0403) are spoken to; others are listed as not probed, since
bytes sent to another device could make it act. Each probe takes up to
about 4 s.

  --port DEVICE   probe this port (repeatable), whatever its vendor: also
                  ports that are not USB, as a virtual board's pseudo-terminal
  --json          one JSON object per port and line
`,
    options: { port: { type: "string", multiple: true }, json: { type: "boolean" } },
    async run(values, positionals) {
        if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
        const reports = await listDevices((values.port as string[] | undefined) ?? [])
        const last = lastProgram()
        if (values.json === true) {
            for (const r of reports) process.stdout.write(`${JSON.stringify(jsonOf(r, last?.sha256))}\n`)
            return 0
        }
        if (reports.length === 0) {
            process.stderr.write("no serial ports found (is the board plugged in with a data cable?)\n")
            return 0
        }
        const width = Math.max(...reports.map((r) => r.port.path.length))
        for (const r of reports)
            process.stdout.write(`${r.port.path.padEnd(width)}  ${usbText(r)}${answerText(r, last?.sha256)}\n`)
        return 0
    },
}

function usbText(r: DeviceReport): string {
    const p = r.port
    if (p.vendorId === undefined) return ""
    const id = `${hex4(p.vendorId)}:${hex4(p.productId ?? 0)}`
    const vendor = BOARD_VENDORS[p.vendorId]
    return `USB ${id}${vendor ? ` ${vendor}` : ""}${p.product ? ` "${printable(p.product)}"` : ""}: `
}

function hex4(n: number): string {
    return n.toString(16).padStart(4, "0")
}

function answerText(r: DeviceReport, lastSha: string | undefined): string {
    switch (r.answer) {
        case "not-probed":
            return "not probed (not a USB vendor of ESP32 boards; --port to probe it)"
        case "cannot-open":
            return `cannot be opened: ${r.error}`
        case "download-mode":
            return "a board in download mode (its ROM serial loader answered): ready for camscript flash"
        case "nothing":
            return "nothing answered: no DeviceScript runtime, not in download mode (a new board needs camscript flash)"
        case "runtime": {
            const rt = r.runtime!
            const board = rt.board
                ? `${rt.board.id} (${rt.board.name})`
                : rt.productId !== undefined
                  ? `product 0x${rt.productId.toString(16)}, not a board camscript knows`
                  : "a board that does not say which"
            return `DeviceScript ${rt.runtime ?? "(version not read)"} runtime, ${board}, ${programText(rt.programSha256, lastSha)}`
        }
    }
}

function programText(sha: string | undefined, lastSha: string | undefined): string {
    if (sha === undefined) return "program not read"
    if (sha === "") return "no program"
    return `program ${sha.slice(0, 16)}…${sha === lastSha ? " (the last built or deployed here)" : ""}`
}

function jsonOf(r: DeviceReport, lastSha: string | undefined) {
    const rt = r.runtime
    return {
        type: "device",
        path: r.port.path,
        usb:
            r.port.vendorId === undefined
                ? null
                : {
                      vendorId: hex4(r.port.vendorId),
                      productId: hex4(r.port.productId ?? 0),
                      product: r.port.product ?? null,
                  },
        answer: r.answer,
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(rt
            ? {
                  runtime: rt.runtime ?? null,
                  board: rt.board?.id ?? null,
                  productId: rt.productId === undefined ? null : `0x${rt.productId.toString(16)}`,
                  programSha256: rt.programSha256 || null,
                  lastDeployedHere: rt.programSha256 !== undefined && rt.programSha256 === lastSha,
              }
            : {}),
    }
}
