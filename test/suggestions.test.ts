import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseCommandArgs } from "../cli/args"
import { JsonSyntaxError, parseJson } from "../project/json-text"
import { editDistance, suggestions } from "../project/suggest"
import { BoardError, loadBoard } from "../project/boards"
import { parseWorld, WorldError, loadWorldFile } from "../sim/world/world"
import { camscriptMain } from "./helpers/main"
import { projectSettings, SettingsError } from "../project/settings"
import { tempDir } from "./helpers/cleanup"

// "Did you mean" for every typo a new user makes, help per command, and
// JSON errors with line and column.

const dir = tempDir("camscript-suggest-")
function file(name: string, text: string): string {
    mkdirSync(dir, { recursive: true })
    const f = join(dir, name)
    writeFileSync(f, text)
    return f
}

function worldProblems(json: object): string {
    const e = (() => {
        try {
            parseWorld(json, "w.json")
        } catch (err) {
            return err
        }
    })()
    if (!(e instanceof WorldError)) throw new Error("expected a WorldError")
    return e.message
}

test.serial("edit distance counts a swap of neighbours as one edit", (t) => {
    t.is(editDistance("wrld", "world"), 1)
    t.is(editDistance("wrold", "world"), 1)
    t.is(editDistance("abc", "abc"), 0)
    t.is(editDistance("", "abc"), 3)
})

test.serial("suggestions: nothing close gives nothing, a far word is not forced onto a name", (t) => {
    t.deepEqual(suggestions("fly", ["sim", "boards", "clean", "build", "deploy"]), [])
    t.deepEqual(suggestions("zzzzzz", ["world", "timeout"]), [])
})

test.serial("unknown command `simulate` suggests sim, exit 2, no full usage", async (t) => {
    const r = await camscriptMain("simulate", "x.ts")
    t.is(r.code, 2)
    t.regex(r.stderr, /unknown command "simulate"; did you mean "sim"\?/)
    t.notRegex(r.stderr, /camscript boards/)
})

test.serial("unknown flag `--wrld` suggests --world with a one-line usage, not Node's text", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--wrld", "x.json")
    t.is(r.code, 2)
    t.is(
        r.stderr.split("\n")[0],
        "camscript sim: unknown option --wrld; did you mean --world?",
        "the first line names the option and the suggestion",
    )
    t.regex(r.stderr, /^usage: camscript sim <script\.ts>/m)
    t.regex(r.stderr, /camscript help sim/)
    t.notRegex(r.stderr, /positional|'--/, "none of Node's parseArgs text")
    t.true(r.stderr.split("\n").length <= 4, r.stderr)
})

test.serial("a flag of a board command gets the same treatment (`build --bord`)", async (t) => {
    const r = await camscriptMain("build", "x.ts", "--bord", "y")
    t.is(r.code, 2)
    t.regex(r.stderr, /camscript build: unknown option --bord; did you mean --board\?/)
})

test.serial("a flag's value is required: --world at the end", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--world")
    t.is(r.code, 2)
    t.regex(r.stderr, /--world needs a value: --world FILE/)
})

test.serial("args: --name=value, -- ends options, a boolean refuses a value", (t) => {
    const spec = { world: { type: "string" as const }, json: { type: "boolean" as const } }
    t.deepEqual(parseCommandArgs(["a.ts", "--world=w.json", "--", "--json"], spec), {
        values: { world: "w.json" },
        positionals: ["a.ts", "--json"],
    })
    t.throws(() => parseCommandArgs(["--json=yes"], spec), { message: /--json takes no value/ })
})

test.serial("board ids: hyphens and case are folded before anything else", (t) => {
    for (const typed of ["ai-thinker-esp32-cam", "AI_Thinker_ESP32_CAM", "esp32-cam", "ESP32-CAM"]) {
        const e = t.throws(() => loadBoard(typed), { instanceOf: BoardError })
        t.regex(e!.message, new RegExp(`unknown board "${typed}"; did you mean "ai_thinker_esp32_cam"`), typed)
    }
    const e = t.throws(() => loadBoard("wt32-eth01"), { instanceOf: BoardError })
    t.regex(e!.message, /did you mean "wt32_eth01"\?/)
})

test("board ids typed without their separators find the board: esp32cam, ESP32CAM, wt32eth01", (t) => {
    for (const [typed, meant] of [
        ["esp32cam", "ai_thinker_esp32_cam"],
        ["ESP32CAM", "ai_thinker_esp32_cam"],
        ["aithinker-esp32cam", "ai_thinker_esp32_cam"],
        ["wt32eth01", "wt32_eth01"],
        ["esp32campoe", undefined],
    ] as const) {
        const found = suggestions(typed, ["ai_thinker_esp32_cam", "esp32_cam_w5500", "wt32_eth01", "olimex_esp32_poe"])
        if (meant) t.is(found[0], meant, typed)
        else t.deepEqual(found, [], typed)
    }
    // a word of 3 letters or fewer is not matched inside a longer name without separators
    t.deepEqual(suggestions("eth", ["wt32_eth01"]), [])
})

test.serial("a world's board with hyphens: a suggestion, never a regular expression", (t) => {
    const m = worldProblems({ board: "esp32-cam", accessPoints: [] })
    t.regex(m, /board: unknown board "esp32-cam"; did you mean "ai_thinker_esp32_cam"/)
    t.notRegex(m, /\^\[|pattern/)
})

test.serial("world field typos: accesPoints, txPower", (t) => {
    t.regex(worldProblems({ accesPoints: [] }), /unknown field "accesPoints"; did you mean "accessPoints"\?/)
    t.regex(
        worldProblems({ accessPoints: [{ ssid: "x", security: "open", position: [0, 0], txPower: 10 }] }),
        /accessPoints\[0\]: unknown field "txPower"; did you mean "txPowerDbm"\?/,
    )
    t.regex(
        worldProblems({ accessPoints: [], clients: [{ name: "c", position: [0, 0], joins: "x", at: 0, txPower: 1 }] }),
        /clients\[0\]: unknown field "txPower"; did you mean "txPowerDbm"\?/,
    )
})

test.serial("event action typos: power-of, unplug-cabel", (t) => {
    t.regex(
        worldProblems({ accessPoints: [], events: [{ at: 0, action: "power-of", accessPoint: "x" }] }),
        /events\[0\]\.action must be one of .*; did you mean "power-off"/,
    )
    t.regex(
        worldProblems({ accessPoints: [], events: [{ at: 0, action: "unplug-cabel" }] }),
        /did you mean "unplug-cable"/,
    )
})

test.serial("JSON errors in a world file give line and column, not an offset, and quote no text", (t) => {
    const f = file("broken.json", '{\n  "accessPoints": [\n    { "ssid": "secret-ssid" "security": "open" }\n  ]\n}\n')
    const e = t.throws(() => loadWorldFile(f), { instanceOf: WorldError })
    t.regex(e!.message, /not valid JSON: line 3, column 29: expected "," or "}"/)
    t.notRegex(e!.message, /position|secret-ssid/)
})

test.serial("JSON locator: trailing comma, end of file, unclosed string, bad escape", (t) => {
    const at = (text: string) => {
        const e = t.throws(() => parseJson(text), { instanceOf: JsonSyntaxError })
        return `${e!.line}:${e!.column} ${e!.problem}`
    }
    t.is(at('{"a": 1,\n}'), '2:1 expected another field (a trailing comma is not allowed), found "}"')
    t.is(at("[1, 2,]"), '1:7 expected another value (a trailing comma is not allowed), found "]"')
    t.is(at('{"a": 1'), '1:8 expected "," or "}", found the end of the file')
    t.is(at('{"a": "pass'), '1:12 expected the closing " of a string')
    t.is(at('{"a": "p\\qss"}'), '1:10 expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)')
    t.is(at(""), "1:1 expected a value, found the end of the file")
    t.is(at("{} x"), '1:4 expected the end of the file after the value, found "x"')
    t.deepEqual(parseJson('{"a": [1, -2.5e3, true, null, "\\u00e9"]}'), { a: [1, -2500, true, null, "é"] })
})

test.serial("devicescript.json: JSON errors with line and column, setting typos with a suggestion", (t) => {
    mkdirSync(join(dir, "p1"), { recursive: true })
    file("p1/devicescript.json", '{\n  "board": "ai_thinker_esp32_cam",\n  "wrold": "w.json"\n}\n')
    t.throws(() => projectSettings(join(dir, "p1/main.ts")), {
        instanceOf: SettingsError,
        message: /devicescript\.json: unknown setting "wrold"; did you mean "world"\?/,
    })
    mkdirSync(join(dir, "p2"), { recursive: true })
    file("p2/devicescript.json", '{\n  "board": "ai_thinker_esp32_cam"\n  "world": "w.json"\n}\n')
    t.throws(() => projectSettings(join(dir, "p2/main.ts")), {
        instanceOf: SettingsError,
        message: /devicescript\.json: not valid JSON: line 3, column 3: expected "," or "}"/,
    })
})

test.serial("per-command help: `sim --help` and `help sim` print sim's own help, exit 0", async (t) => {
    const a = await camscriptMain("sim", "--help")
    const b = await camscriptMain("help", "sim")
    t.is(a.code, 0)
    t.is(b.code, 0)
    t.is(a.stdout, b.stdout)
    t.regex(a.stdout, /^usage: camscript sim <script\.ts>/)
    t.regex(a.stdout, /--world FILE/)
    t.notRegex(a.stdout, /camscript clean/, "not the global help")
    const build = await camscriptMain("help", "build")
    t.regex(build.stdout, /^usage: camscript build/)
    const bad = await camscriptMain("help", "simulate")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /did you mean "sim"/)
})

test.serial("--version prints package.json's version", async (t) => {
    const { version } = (await import("../package.json", { with: { type: "json" } })).default as { version: string }
    const r = await camscriptMain("--version")
    t.is(r.code, 0)
    t.is(r.stdout, `camscript ${version}\n`)
})
