import { type BoardInfo, listBoards } from "../project/boards"
import { fold } from "../project/suggest"

// `camscript boards [WORD...] [--json]`: the board catalogue (boards/), as
// PlatformIO's `pio boards <filter>` lists its own. Each word narrows the
// list: a board is shown when every word is found in its id, name, chip,
// network interfaces ("wlan", "lan") or camera sensor, case, hyphens and
// underscores folded (chip and interfaces match whole words), so `boards lan` lists the Ethernet boards and
// `boards s3 ov2640` the ESP32-S3 boards with that sensor.

export const BOARDS_USAGE = `usage: camscript boards [WORD...] [--json]

Lists the boards: id, chip, network interfaces, camera sensor, PSRAM, name.
Each WORD narrows the list to the boards whose id, name, chip, interfaces
(wlan, lan) or camera sensor contain it (e.g. camscript boards lan,
camscript boards s3). Exits 1 when no board matches.

  --json   one JSON object per board and line: id, name, chip, interfaces,
           camera (sensor or null), psramBytes, file
`

/** What `boards --json` prints for a board, one object per line; it only grows. */
interface BoardLine {
    type: "board"
    id: string
    name: string
    chip: string
    interfaces: string[]
    camera: string | null
    psramBytes: number
    file: string
}

const boardLine = (b: BoardInfo): BoardLine => ({
    type: "board",
    id: b.id,
    name: b.name,
    chip: b.archId,
    interfaces: b.interfaces,
    camera: b.camscript.camera.sensor,
    psramBytes: b.camscript.psramBytes,
    file: b.file,
})

/**
 * Whether a folded filter word fits a board: a part of its id, name or
 * camera sensor, or exactly its chip or one of its interfaces (so "lan" is
 * not found inside "wlan", nor "esp32" inside "esp32s3").
 */
function fits(b: BoardInfo, word: string): boolean {
    const exact = [b.archId, ...b.interfaces].map(compact)
    const within = [b.id, b.name, b.camscript.camera.sensor ?? "no camera"].map(compact)
    return exact.includes(word) || within.some((h) => h.includes(word))
}

/** folded, then without separators: "ESP32-S3" is "esp32s3", as the chip is named */
const compact = (s: string) => fold(s).replace(/_/g, "")

function matchingBoards(words: string[], boards = listBoards()): BoardInfo[] {
    const wanted = words.map(compact).filter((w) => w)
    return boards.filter((b) => wanted.every((w) => fits(b, w)))
}

const psram = (bytes: number) => (bytes ? `${bytes / 1048576} MB` : "none")

export function boardsCommand(values: Record<string, unknown>, positionals: string[]): number {
    const found = matchingBoards(positionals)
    if (values.json === true) {
        for (const b of found) process.stdout.write(`${JSON.stringify(boardLine(b))}\n`)
    } else {
        for (const b of found)
            process.stdout.write(
                `${b.id.padEnd(28)} ${b.archId.padEnd(8)} ${b.interfaces.join("+").padEnd(9)} ` +
                    `${(b.camscript.camera.sensor ?? "-").padEnd(7)} ${psram(b.camscript.psramBytes).padEnd(5)} ${b.name}\n`,
            )
    }
    if (!found.length) {
        process.stderr.write(
            `camscript boards: no board matches ${positionals.map((p) => JSON.stringify(p)).join(" ")}; ` +
                "camscript boards lists them all\n",
        )
        return 1
    }
    return 0
}
