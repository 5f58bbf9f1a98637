import { createHash } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { type BoardInfo, loadBoard } from "../../project/boards"
import { compileScript, type FirmwareKind } from "../../compiler/compile"
import type { DriverKind } from "../../sim/firmware/drivers"
import { fromRoot } from "../../project/paths"
import { type RunResult, runSimulation } from "../../sim/session"
import { projectSettings } from "../../project/settings"
import type { CapturedFrame } from "../../sim/drivers/camera"
import type { ReceivedUpload } from "../../sim/net/http-servers"
import { parseDuration } from "../../project/duration"
import { tempDir } from "./cleanup"
import { compileBatched } from "./script-batch"
import { loadWorldFile, parseWorld, type World } from "../../sim/world/world"

// Runs a camera script the way `camscript sim` does: compiled to bytecode,
// on the VM, against a world, on the virtual clock.

export interface ScriptRun extends RunResult {
    /** the script's console output, without times */
    lines: string[]
    /** every frame the camera delivered, with its JPEG */
    frames: CapturedFrame[]
    /** every request the world's servers received */
    uploads: ReceivedUpload[]
}

/** What a run shows: everything but its wall time (for comparing two runs to the millisecond). */
export function runShown(run: ScriptRun) {
    const { outcome, exitCode, error, output, timeline, simulatedMs } = run
    return { outcome, exitCode, error, output, timeline, simulatedMs }
}

export interface RunScriptOptions {
    /** a world file under sim/worlds ("wrong-password"), a path, or a world object */
    world?: string | object
    /** board id, or a board object (for boards that do not exist) */
    board?: string | BoardInfo
    /** simulated time limit, e.g. "30s" */
    timeout?: string
    /** the network drivers: "model" (default) or "firmware" (the C in WebAssembly) */
    driver?: DriverKind
    /** the board's runtime: "camscript" (default) or "stock" (the stock DeviceScript firmware) */
    firmware?: FirmwareKind
    /** the board's flash, kept from run to run as a restart would (fast reconnect) */
    flash?: { data?: Uint8Array }
    /** scripts deployed on the same board after the first finishes (the drivers keep their links) */
    then?: string[]
    /** build the script on its own, not with the file's other scripts: its stack traces read `main` (helpers/script-batch.ts) */
    alone?: boolean
}

// one folder per test file, removed once its tests are done (helpers/cleanup.ts)
let scriptsDir: string | undefined

/** Write `source` to a file outside the project (as a user's script would be). */
export function scriptFile(source: string): string {
    scriptsDir ??= tempDir("camscript-test-scripts-")
    const file = join(scriptsDir, `s${createHash("sha1").update(source).digest("hex").slice(0, 12)}.ts`)
    writeFileSync(file, source)
    return file
}

export function world(spec: string | object | undefined): World {
    if (spec === undefined) return loadWorldFile(fromRoot("sim/worlds/default.json"))
    if (typeof spec === "object") return parseWorld(spec, "(test world)")
    if (/^[\w-]+$/.test(spec)) return loadWorldFile(fromRoot(`sim/worlds/${spec}.json`))
    return loadWorldFile(spec)
}

export async function runFile(file: string, options: RunScriptOptions = {}): Promise<ScriptRun> {
    const w = world(options.world)
    const board =
        typeof options.board === "object"
            ? options.board
            : loadBoard(options.board ?? w.board ?? "ai_thinker_esp32_cam")
    const target = { board, hostname: projectSettings(fromRoot()).network.hostname, firmware: options.firmware }
    // built together with the scripts other tests of the file ask for now (helpers/script-batch.ts)
    const compile = (f: string) => (options.alone ? compileScript(f, target) : compileBatched(f, target))
    const script = await compile(file)
    // the scripts deployed after it too, asked for together
    const then = await Promise.all((options.then ?? []).map((source) => compile(scriptFile(source))))
    const frames: CapturedFrame[] = []
    const uploads: ReceivedUpload[] = []
    const result = await runSimulation({
        onFrame: (f) => frames.push(f),
        onUpload: (u) => uploads.push(u),
        script,
        then,
        world: w,
        board,
        timeoutMs: options.timeout !== undefined ? parseDuration(options.timeout) : 120_000,
        driver: options.driver,
        firmware: options.firmware,
        flash: options.flash,
    })
    return { ...result, lines: result.output.map((l) => l.text), frames, uploads }
}

/** Run a script given as source text. */
export function runScript(source: string, options: RunScriptOptions = {}): Promise<ScriptRun> {
    return runFile(scriptFile(source), options)
}

/** The script's output line that starts with `prefix`, without the prefix. */
export function value(run: ScriptRun, prefix: string): string | undefined {
    const line = run.lines.find((l) => l.startsWith(prefix))
    return line === undefined ? undefined : line.slice(prefix.length).trim()
}

/** Timeline entries of one source ("wifi", "world") as "event detail" strings. */
export function events(run: ScriptRun, source = "wifi"): string[] {
    return run.timeline.filter((e) => e.source === source).map((e) => `${e.event} ${e.detail}`.trim())
}

/** Everything a run printed or recorded, for secret scans. */
export function everything(run: ScriptRun): string {
    return JSON.stringify({ output: run.output, timeline: run.timeline, error: run.error })
}
