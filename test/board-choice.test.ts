import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { chooseBoard } from "../project/board-choice"
import { projectSettings, SettingsError } from "../project/settings"
import { camscriptMain } from "./helpers/main"
import { tempDir } from "./helpers/cleanup"

// --board, then the project's devicescript.json, then the world's board;
// a notice when one overrides another; a typo in devicescript.json is an error.

const root = tempDir("camscript-board-choice-")
function project(name: string, settings: object | undefined): string {
    const dir = join(root, name)
    mkdirSync(join(dir, "src"), { recursive: true })
    if (settings) writeFileSync(join(dir, "devicescript.json"), JSON.stringify(settings))
    const script = join(dir, "src/main.ts")
    writeFileSync(script, 'console.log("hi")\n')
    return script
}
const world = { board: "wt32_eth01", source: "w.json" }

test.serial("the nearest devicescript.json above the script is the project's, its world relative to it", (t) => {
    const script = project("nearest", { board: "olimex_esp32_poe", world: "worlds/w.json" })
    const s = projectSettings(script)
    t.is(s.file, join(root, "nearest/devicescript.json"))
    t.is(s.worldFile, join(root, "nearest/worlds/w.json"))
    t.true(s.given.board)
})

test.serial("precedence: flag, then devicescript.json, then the world, each overriding with a notice", (t) => {
    const withBoard = projectSettings(project("with-board", { board: "olimex_esp32_poe" }))
    const flag = chooseBoard({ flag: "m5stack_timer_camera_x", settings: withBoard, world })
    t.is(flag.board.id, "m5stack_timer_camera_x")
    t.regex(
        flag.notice!,
        /^board m5stack_timer_camera_x \(from --board\) overrides olimex_esp32_poe from .*devicescript\.json and wt32_eth01 from the world \(w\.json\)$/,
    )
    const settings = chooseBoard({ settings: withBoard, world })
    t.is(settings.board.id, "olimex_esp32_poe")
    t.regex(
        settings.notice!,
        /^board olimex_esp32_poe \(from .*devicescript\.json\) overrides wt32_eth01 from the world/,
    )
    const noBoard = projectSettings(project("no-board", { network: { hostname: "cam" } }))
    const fromWorld = chooseBoard({ settings: noBoard, world })
    t.is(fromWorld.board.id, "wt32_eth01")
    t.is(fromWorld.notice, undefined, "nothing was overridden")
    t.is(chooseBoard({ settings: noBoard }).board.id, "ai_thinker_esp32_cam", "camscript's default")
    t.is(chooseBoard({ flag: "wt32_eth01", settings: noBoard, world }).notice, undefined, "agreeing is no override")
})

test.serial("a board typo in devicescript.json is an error with a suggestion (exit 2), not ignored", async (t) => {
    const script = project("typo", { board: "ai-thinker-esp32-cam" })
    t.throws(() => projectSettings(script), {
        instanceOf: SettingsError,
        message: /devicescript\.json: board: unknown board "ai-thinker-esp32-cam"; did you mean "ai_thinker_esp32_cam"/,
    })
    // even when the world names a board of its own
    const w = join(root, "typo/w.json")
    writeFileSync(w, JSON.stringify({ board: "wt32_eth01", accessPoints: [] }))
    const r = await camscriptMain("sim", script, "--world", w)
    t.is(r.code, 2)
    t.regex(r.stderr, /unknown board "ai-thinker-esp32-cam"; did you mean "ai_thinker_esp32_cam"/)
})

test.serial("sim --board: a typo gets a suggestion, exit 2", async (t) => {
    const r = await camscriptMain("sim", project("flag-typo", undefined), "--board", "esp32-cam")
    t.is(r.code, 2)
    t.regex(r.stderr, /unknown board "esp32-cam"; did you mean "ai_thinker_esp32_cam"/)
})

test.serial("sim --board overrides the world's board, says so in one line, and the run uses it", async (t) => {
    const script = project("flag-run", undefined)
    const w = join(root, "flag-run/w.json")
    writeFileSync(w, JSON.stringify({ board: "wt32_eth01", accessPoints: [] }))
    const r = await camscriptMain("sim", script, "--world", w, "--board", "ai_thinker_esp32_cam")
    t.is(r.code, 0, r.stderr)
    const notices = r.stderr.split("\n").filter((l) => l.includes("overrides"))
    t.regex(r.stderr, /start +world .*, board ai_thinker_esp32_cam\n/)
    t.deepEqual(notices, [
        `camscript: board ai_thinker_esp32_cam (from --board) overrides wt32_eth01 from the world (${w})`,
    ])
})
