import { join } from "node:path"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { deployProgram } from "../usb/deploy"
import { loadFirmware } from "../usb/firmware"
import { flashFirmware } from "../usb/flash"
import { buildForBoard } from "../usb/program"
import { writeFirmwareFolder } from "../test/helpers/firmware-images"
import { ptyPair, virtualBoard } from "../test/helpers/pty-pair"
import { missingParts } from "../tools/outside-programs"

// The hardware path over the virtual board (a socat pty pair as the cable):
// deploying the seed example, and flashing a 1 MB runtime image (it must fit
// the 1 MB factory partition of the board's table: usb/firmware.ts refuses
// a larger one before anything is written, as it should). A pty has
// no baud rate, so these are the protocol's costs, not a UART's: a real
// board at 1.5 Mbaud (deploy) or 921600 baud (flash) takes longer.

export async function hardwareRows(): Promise<[string, string][]> {
    const missing = missingParts("socat")
    if (missing.length) return [["virtual board", `socat is not installed (npm run setup): not measured`]]
    const board = loadBoard("ai_thinker_esp32_cam")
    const rows: [string, string][] = []
    const dir = mkdtempSync(join(tmpdir(), "camscript-bench-hw-"))

    const program = await buildForBoard(fromRoot("examples/wifi-station.ts"), board)
    let pty = await ptyPair()
    let vb = await virtualBoard("--port", pty.board)
    try {
        const full = await deployProgram(pty.host, program)
        const again = await deployProgram(pty.host, program)
        rows.push([
            `deploy examples/wifi-station.ts (${program.image.length} B) over the virtual board`,
            `${full.ms} ms`,
        ])
        rows.push(["deploy of the same image again (upload skipped)", `${again.ms} ms`])
    } finally {
        await vb.stop()
        pty.stop()
    }

    const firmware = writeFirmwareFolder(join(dir, "fw"), "esp32", 1_000_000)
    pty = await ptyPair()
    vb = await virtualBoard("--port", pty.board, "--flash", join(dir, "bench.flash"), "--download-mode")
    try {
        const r = await flashFirmware(pty.host, "esp32", loadFirmware(firmware.dir, "esp32"))
        rows.push([`flash a 1 MB runtime (${r.bytes} B in 3 regions, MD5-verified) to the virtual board`, `${r.ms} ms`])
    } finally {
        await vb.stop()
        pty.stop()
        rmSync(dir, { recursive: true, force: true })
    }
    return rows
}
