import { createHash } from "node:crypto"
import { writePrivateFile } from "../project/destinations"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import type * as Api from "../testing"
import { chooseBoard } from "../project/board-choice"
import { compileScript } from "../compiler/compile"
import { fromRoot } from "../project/paths"
import { runSimulation } from "../sim/session"
import { projectSettings } from "../project/settings"
import { secretsFromValues } from "../project/secrets"
import { typedEntry } from "../sim/timeline-fields"
import { parseDuration } from "../project/duration"
import { loadWorldFile, parseWorld, type World } from "../sim/world/world"
import type { CapturedFrame } from "../sim/drivers/camera"
import { servedBy } from "./served"
import type { ReceivedUpload } from "../sim/net/http-servers"
import { decodeJpeg } from "../sim/camera/jpeg"
import { readFrameCode } from "../sim/camera/test-card"

// `camscript/testing` (declared in ../testing.d.ts, which this file must
// satisfy): what test/helpers/run.ts does for camscript's own tests, for
// users' tests of their own scripts.

const DEFAULT_TIMEOUT = "2m"

function worldFor(spec: string | object | undefined, fallback: string): World {
    if (spec === undefined) return loadWorldFile(fallback)
    if (typeof spec === "object") return parseWorld(spec, "(world object)")
    // a bare name is one of camscript's worlds
    if (/^[\w-]+$/.test(spec)) return loadWorldFile(fromRoot(`sim/worlds/${spec}.json`))
    return loadWorldFile(resolve(spec))
}

export const runScript: typeof Api.runScript = async (file, options = {}) => {
    const settings = projectSettings(file)
    const world = worldFor(options.world, settings.worldFile)
    const { board } = chooseBoard({ flag: options.board, settings, world })
    const script = await compileScript(file, { board, hostname: settings.network.hostname })
    if (options.runFor !== undefined && options.timeout !== undefined)
        throw new Error("runScript: give timeout or runFor, not both")
    const frames: Api.Frame[] = []
    const serving = await servedBy(options.serve)
    const uploads: Api.Upload[] = []
    const result = await runSimulation({
        onUpload: (u: ReceivedUpload) => uploads.push({ ...u }),
        script,
        world,
        board,
        timeoutMs: parseDuration(options.runFor ?? options.timeout ?? DEFAULT_TIMEOUT),
        driver: options.driver,
        onFrame: (f: CapturedFrame) =>
            frames.push({
                camera: f.camera,
                sequence: f.sequence,
                width: f.width,
                height: f.height,
                length: f.bytes.length,
                quality: f.quality,
                exposureStartMs: f.exposureStartMs,
                capturedAtMs: f.capturedAtMs,
                flash: f.flash,
                jpeg: f.bytes,
            }),
        settings: options.secrets ? secretsFromValues(options.secrets, "runScript(): secrets") : undefined,
        ...serving.options,
    }).finally(() => serving.close())
    serving.check()
    const ranFor = options.runFor !== undefined && result.outcome === "timeout"
    return scriptRun({
        outcome: ranFor ? "ran-for" : result.outcome,
        exitCode: ranFor ? 0 : result.exitCode,
        error: result.error,
        output: result.output,
        timeline: result.timeline.map(typedEntry),
        simulatedMs: result.simulatedMs,
        frames,
        served: serving.served,
        uploads,
    })
}

export const readFrameNumber: typeof Api.readFrameNumber = (jpeg) => {
    const code = readFrameCode(decodeJpeg(jpeg))
    return code && { sequence: code.sequence, timeMs: code.timeMs }
}

export const runSource: typeof Api.runSource = async (source, options) => {
    // a folder of its own (0700), removed after the run: nothing is left in the
    // user's temporary folder; the source may hold a password: 0600 (project/destinations.ts)
    const dir = mkdtempSync(join(tmpdir(), "camscript-source-"))
    try {
        const file = join(dir, `s${createHash("sha1").update(source).digest("hex").slice(0, 12)}.ts`)
        writePrivateFile(file, source)
        return await runScript(file, options)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
}

type RunData = Pick<Api.ScriptRun, "outcome" | "exitCode" | "error" | "output" | "timeline" | "simulatedMs"> &
    Partial<Pick<Api.ScriptRun, "frames" | "served" | "uploads">>

export function scriptRun(data: RunData): Api.ScriptRun {
    const states = (iface: Api.Interface) => data.timeline.filter((e) => e.source === iface && e.state !== undefined)
    return {
        ...data,
        frames: data.frames ?? [],
        served: data.served ?? [],
        uploads: data.uploads ?? [],
        received: (server) => (data.uploads ?? []).filter((u) => u.server === server),
        lines: data.output.map((l) => l.text),
        statesSeen: (iface = "wifi") => states(iface).map((e) => e.state!),
        timeToLinkUp: ({ from = 0, iface = "wifi" } = {}) => {
            const start =
                typeof from === "number"
                    ? from
                    : data.timeline.find((e) => e.source === "world" && e.event === from)?.atMs
            if (start === undefined) return undefined
            const up = states(iface).find((e) => e.atMs >= start && e.state === "GotAddress")
            return up === undefined ? undefined : up.atMs - start
        },
        lastFailureReason: (iface = "wifi") =>
            states(iface)
                .filter((e) => e.reason !== undefined)
                .pop()?.reason,
    }
}
