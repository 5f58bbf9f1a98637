import { resolve } from "node:path"
import { chosenBoard, chosenFirmware, type Command, UsageError } from "./board-command"
import { closePort, openPort } from "../usb/ports"
import { projectSettings } from "../project/settings"
import { loadWorldFile } from "../sim/world/world"
import { VirtualBoard } from "../sim/virtual-board/board"
import { versionText } from "../project/runtime"

export const virtualBoardCommand: Command = {
    name: "virtual-board",
    summary: "the simulator as a board on a serial device (flash, deploy and monitor without hardware)",
    usage: `usage: camscript virtual-board --port DEVICE [--board ID] [--world FILE] [--flash FILE] [--firmware camscript|stock] [--download-mode]

Presents the simulator as a camera board on a serial device, such as one end
of a pseudo-terminal pair:  socat -d -d pty,raw,echo=0 pty,raw,echo=0
Give the virtual board one end and camscript flash / deploy / monitor the other.

It runs the DeviceScript VM and the simulated drivers on the wall clock,
behind the serial framing a real board uses (JDUSB, its log as text between
frames), and takes deploys through the VM's DeviceScript manager. In download
mode it is the ESP32 ROM serial loader instead: flashing writes the flash,
and leaving the loader boots what was flashed.

It plays the DeviceScript runtime the firmware pins (docs/hardware.md): the
same program store (the fstor partition at 0x1c0000, images up to 225,152
bytes), version rule and settings limits, and where that runtime ignores a
deploy or panics, the virtual board does too (a panic restarts it).

  --port DEVICE     the serial device to be the board on (required)
  --board ID        the board (default: the world's, else devicescript.json "board")
  --world FILE      the radio world (default: devicescript.json "world")
  --flash FILE      keep the board's flash in FILE (created erased: a blank board
                    until flashed). Without it the flash lives in memory and
                    starts with a runtime in it
  --firmware KIND   the firmware the board runs: camscript (default) or stock
                    (the stock DeviceScript firmware: its Wi-Fi service only)
  --download-mode   start as if IO0 were held to GND at reset: the ROM loader
Stops on Ctrl-C.
`,
    options: {
        port: { type: "string" },
        board: { type: "string" },
        world: { type: "string" },
        flash: { type: "string" },
        firmware: { type: "string" },
        "download-mode": { type: "boolean" },
    },
    async run(values, positionals) {
        if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
        if (typeof values.port !== "string")
            throw new UsageError("--port is required (the serial device to be the board on)")
        // the settings of the project it is started in, as sim and deploy read them
        const settings = projectSettings(process.cwd())
        const world = loadWorldFile(typeof values.world === "string" ? resolve(values.world) : settings.worldFile)
        const board = chosenBoard(values.board ?? world.board)
        const port = await openPort(values.port, 1_500_000)
        const note = (text: string) => process.stderr.write(`virtual-board: ${text}\n`)
        const vb = new VirtualBoard({
            port,
            board,
            world,
            flashFile: typeof values.flash === "string" ? resolve(values.flash) : undefined,
            downloadMode: values["download-mode"] === true,
            firmware: chosenFirmware(values.firmware),
            note,
        })
        note(
            `${board.id} (${vb.chip.name}, ${vb.flash.size >> 20} MiB flash, ${vb.runtime.firmware} firmware: ` +
                `DeviceScript ${versionText(vb.runtime.version)}, program store at 0x${vb.runtime.store.partitionOffset.toString(16)}) on ${values.port}`,
        )
        await vb.boot()
        await new Promise<void>((done) => {
            process.once("SIGINT", done)
            process.once("SIGTERM", done)
            port.once("close", (err?: Error) => {
                note(`the serial device closed${err ? ` (${err.message})` : ""}`)
                done()
            })
        })
        await vb.stop()
        await closePort(port)
        return 0
    },
}
