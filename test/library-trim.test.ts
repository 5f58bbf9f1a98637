import { readFileSync } from "node:fs"
import test from "ava"
import { compileScript } from "../compiler/compile"
import { camscriptImports, trimmedEntry } from "../compiler/library-trim"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { runScript, scriptFile } from "./helpers/run"

// A script carries only the camscript modules it imports
// (compiler/library-trim.ts): the camera, uploads, settings and deep sleep
// stay out of a script that never names them, and anything the analysis
// cannot see through keeps the whole library.

const index = readFileSync(fromRoot("src/index.ts"), "utf8")
const OPTIONAL_EXPORTS = {
    camera: 'export { camera } from "./camera/module"',
    upload: 'export { upload } from "./upload/upload"',
    settings: 'export { settings } from "./settings"',
    machine: 'export { machine } from "./machine"',
}

const names = (...files: string[]) => camscriptImports(files)

test("the names a script imports from camscript are read from its import lines, types and renames included", (t) => {
    t.deepEqual(
        [
            ...names(
                'import { network, time as t } from "camscript"\n',
                "import type { UploadResult } from 'camscript'",
            )!,
        ],
        ["network", "time", "UploadResult"],
    )
    t.deepEqual([...names('import { type CameraOptions, network } from "camscript"')!], ["CameraOptions", "network"])
    // a mention in a comment is no import
    t.deepEqual([...names('// import * as cs from "camscript"\nimport { network } from "camscript"')!], ["network"])
    // a script that does not import camscript at all needs none of the optional modules
    t.deepEqual([...names('console.log("hi")')!], [])
})

test("a namespace or default import, a re-export, require, import() or the entry's own path keeps the whole library", (t) => {
    for (const text of [
        'import * as cs from "camscript"',
        'import cs from "camscript"',
        'export { camera } from "camscript"',
        'export * from "camscript"',
        'const cs = require("camscript")',
        'const cs = await import("camscript")',
        'import { camera } from "camscript/src/index"',
        'import { network } from "camscript"\nimport * as all from "camscript"',
    ])
        t.is(names(text), undefined, text)
    t.is(trimmedEntry(index, undefined), undefined)
})

test("each optional module stays exactly when one of its exported names is imported", (t) => {
    const only = (...imported: string[]) => trimmedEntry(index, new Set(imported)) ?? index
    const none = only("network")
    for (const [module, line] of Object.entries(OPTIONAL_EXPORTS)) {
        t.true(index.includes(line), `src/index.ts still has ${line}`)
        t.false(none.includes(line), `${module} is left out of a network-only script`)
        t.true(only("network", module).includes(line), `${module} stays when imported`)
    }
    // a type of a module keeps it (its declarations live in the module's files)
    t.true(only("UploadResult").includes(OPTIONAL_EXPORTS.upload))
    t.false(only("UploadResult").includes(OPTIONAL_EXPORTS.camera))
    t.true(only("ServeOptions").includes(OPTIONAL_EXPORTS.camera))
    // the network, time and the board are always in
    for (const kept of ["export const network", 'export { time } from "./time"', 'from "./board"'])
        t.true(none.includes(kept), kept)
    // all four imported: nothing to trim
    t.is(trimmedEntry(index, new Set(["camera", "upload", "settings", "machine"])), undefined)
})

const board = loadBoard("ai_thinker_esp32_cam")
const build = (source: string) => compileScript(scriptFile(source), { board, hostname: "camscript" })
const functions = (s: Awaited<ReturnType<typeof build>>) => new Set(s.dbg.functions.map((f) => f.name))

test("a Wi-Fi script's image holds no camera or upload code; importing one brings in that one; importing all four brings in everything", async (t) => {
    const wifi = `import { network } from "camscript"\nconst w = new network.WLAN(network.WLAN.IF_STA)\nconsole.log(\`\${w.isconnected()}\`)\n`
    const withCamera = `import { camera, network } from "camscript"\nconsole.log(\`\${typeof camera.Camera} \${network.STAT_IDLE}\`)\n`
    const everything = `import { camera, machine, network, settings, upload } from "camscript"\nconsole.log(\`\${typeof camera} \${typeof machine} \${typeof settings} \${typeof upload} \${network.STAT_IDLE}\`)\n`
    const [w, c, e] = await Promise.all([build(wifi), build(withCamera), build(everything)])
    t.false(functions(w).has("CameraLink"))
    t.false(functions(w).has("UploadLink"))
    t.false(functions(w).has("deepsleep"))
    t.true(functions(c).has("CameraLink"))
    t.false(functions(c).has("UploadLink"))
    for (const name of ["CameraLink", "UploadLink", "deepsleep"]) t.true(functions(e).has(name), name)
    t.log(`image bytes: Wi-Fi only ${w.image.length}, with the camera ${c.image.length}, everything ${e.image.length}`)
    t.true(w.image.length < c.image.length && c.image.length < e.image.length)
})

test("a trimmed script runs as before: the network-only spec example connects and the camera script captures", async (t) => {
    const wifi = await runScript(
        'import { network, time } from "camscript"\nconst w = new network.WLAN(network.WLAN.IF_STA)\nawait w.active(true)\nawait w.connect("my-network", "my-password")\nwhile (!w.isconnected()) await time.sleep_ms(100)\nconsole.log(`up ${w.ifconfig()[0]}`)\n',
        { timeout: "30s" },
    )
    t.is(wifi.outcome, "finished", wifi.error)
    t.regex(wifi.lines.join("\n"), /^up \d+\.\d+\.\d+\.\d+$/m)
    const cam = await runScript(
        'import { camera } from "camscript"\nconst c = new camera.Camera()\nawait c.init({ framesize: "96X96" })\nconst f = await c.capture()\nconsole.log(`frame ${f.sequence} ${f.length > 0}`)\nawait f.release()\n',
        { world: { camera: { position: [0, 0] }, accessPoints: [] }, timeout: "10s" },
    )
    t.is(cam.outcome, "finished", cam.error)
    t.is(cam.lines.length, 1)
    t.regex(cam.lines[0], /^frame \d+ true$/)
})
