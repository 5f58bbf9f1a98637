import test from "ava"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import { loadWorldFile } from "../sim/world/world"
import { fromRoot } from "../project/paths"
import { buildForBoard, readProgram, writeProgram } from "../usb/program"
import { sourcePosition } from "../compiler/sourcemap"
import { createHash } from "node:crypto"
import { tempDir } from "./helpers/cleanup"

// `camscript build`: the board's image, not the simulator's.

const board = loadBoard("ai_thinker_esp32_cam")
const dir = tempDir("camscript-build-")

test("a board image has no end-of-script marker: its top level ends without ending the program", async (t) => {
    const program = await buildForBoard(fromRoot("test/scripts/hello.ts"), board)
    const world = loadWorldFile(fromRoot("sim/worlds/default.json"))
    const r = await runSimulation({ script: program.script, world, board, timeoutMs: 5000 })
    t.deepEqual(
        r.output.map((o) => o.text),
        ["hello"],
    )
    // the simulator's image would have finished; the board's keeps running until the limit
    t.is(r.outcome, "timeout")
})

test("the image and its debug info are written side by side and read back with the user's file names", async (t) => {
    const out = join(dir, "hello.devs")
    const built = writeProgram(await buildForBoard(fromRoot("test/scripts/hello.ts"), board), out, board)
    t.true(existsSync(join(dir, "hello-dbg.json")))
    const back = readProgram(out)
    t.deepEqual(back.image, built.image)
    t.is(back.sha256, createHash("sha256").update(readFileSync(out)).digest("hex"))
    t.deepEqual([...back.script.userFiles.values()], [fromRoot("test/scripts/hello.ts")])
    // every pc of the program maps to the same file:line from the files as from the fresh build
    const main = built.script.dbg.functions.findIndex((f) => f.name === "main")
    const size = built.script.dbg.functions[main].size
    const positions = (s: typeof built.script) =>
        Array.from({ length: size }, (_, pc) => sourcePosition(s, `main_F${main}`, pc + 1))
    const fresh = positions(built.script)
    t.true(fresh.some((p) => /^main \(.*test\/scripts\/hello\.ts:1:1\)$/.test(p ?? "")))
    t.deepEqual(positions(back.script), fresh)
})
