import { relative } from "node:path"
import { type BoardInfo, loadBoard } from "./boards"
import type { FoundSettings } from "./settings"

// Which board a run or a build is for. The user's latest word wins: the
// --board flag, then the project's devicescript.json, then the board the
// world file names, then camscript's default. When a choice overrides
// another that was given, one line says so: a world written for the
// WT32-ETH01 run on an ESP32-CAM behaves differently, and must not do so
// silently.

export interface BoardChoice {
    board: BoardInfo
    /** "board X (--board) overrides devicescript.json's board Y", when one was overridden */
    notice?: string
}

export function chooseBoard(opts: {
    flag?: string
    settings: FoundSettings
    world?: { board?: string; source: string }
}): BoardChoice {
    const { flag, settings, world } = opts
    const fromSettings = settings.given.board ? settings.board : undefined
    const settingsName = settings.file ? `${shown(settings.file)}` : "devicescript.json"
    const candidates: { id: string; from: string }[] = []
    if (flag !== undefined) candidates.push({ id: flag, from: "--board" })
    if (fromSettings !== undefined) candidates.push({ id: fromSettings, from: settingsName })
    if (world?.board !== undefined) candidates.push({ id: world.board, from: `the world (${shown(world.source)})` })
    const chosen = candidates[0] ?? { id: settings.board, from: "camscript's default" }
    const board = loadBoard(chosen.id)
    const overridden = candidates.slice(1).filter((c) => c.id !== chosen.id)
    const notice = overridden.length
        ? `board ${chosen.id} (from ${chosen.from}) overrides ${overridden.map((c) => `${c.id} from ${c.from}`).join(" and ")}`
        : undefined
    return { board, notice }
}

function shown(file: string): string {
    const rel = relative(process.cwd(), file)
    return rel && !rel.startsWith("..") ? rel : file
}
