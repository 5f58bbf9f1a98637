import { execFile } from "node:child_process"
import { join } from "node:path"
import type { BoardInfo } from "../../project/boards"
import { fromRoot } from "../../project/paths"
import { buildForBoard, writeProgram } from "../../usb/program"
import { helperScript } from "./helper-script"

// Programs for the virtual-board tests: test/scripts/board-ticks.ts built
// for a board and written as a program file (once per folder: the tests
// deploy it often), and a deploy with the host's view of the board altered
// (helpers/deploy-with.ts, in a process of its own).

const built = new Map<string, string>()

export async function ticksImage(dir: string, board: BoardInfo): Promise<string> {
    const key = `${dir}\0${board.id}`
    let file = built.get(key)
    if (!file) {
        file = writeProgram(
            await buildForBoard(fromRoot("test/scripts/board-ticks.ts"), board),
            join(dir, "ticks.devs"),
            board,
        ).file!
        built.set(key, file)
    }
    return file
}

/** helpers/deploy-with.ts: port, program file, then its optional size, store KiB, board id and bytecode minor */
export function deployWith(port: string, ...args: string[]): Promise<{ error: string | null; skipped?: boolean }> {
    return new Promise((done) =>
        execFile(process.execPath, [helperScript("deploy-with"), port, ...args], { cwd: fromRoot() }, (_err, stdout) =>
            done(JSON.parse(stdout) as { error: string | null }),
        ),
    )
}
