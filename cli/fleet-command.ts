import type { ProjectSettings } from "../project/settings"
import { formatEntry } from "../sim/timeline"
import { formatSimTime, simStamp, stampWidth } from "../project/duration"
import { DEFAULT_SIM_TIMEOUT_MS } from "../sim/session"
import type { World } from "../sim/world/world"
import { runFleet } from "../sim/fleet/fleet"
import type { ReceivedUpload } from "../sim/net/http-servers"
import { fleetMembers } from "../sim/fleet/members"
import { summaryTable } from "../sim/fleet/summary"
import { nameText, printable, printableLines } from "../project/printable"
import { JSON_LINES_VERSION, type JsonLine, jsonLine, timelineLine } from "./json-lines"

// `camscript sim --world site.json` for a world with `cameras`: every camera
// runs; each output and timeline line carries the camera's name; a table
// per camera closes the run. Exit codes as for one camera: 0 every script
// finished, 1 one threw, 124 the --timeout passed with scripts still running.

/**
 * How lines of the site itself (world events, start) are labelled. Camera
 * names are printed through nameText, which quotes a name holding a
 * parenthesis: no camera's label can read "(site)", not even one named so.
 */
const SITE = "(site)"

export interface FleetCommandOptions {
    timeoutMs?: number
    verbose?: boolean
    showTimeline: boolean
    /** stdout gets one JSON object per line (docs/cli.md) instead of the scripts' lines and the table */
    json?: boolean
    /** the world file, for --json's start line */
    worldFile?: string
    /** what the world's servers received (--out) */
    onUpload?: (upload: ReceivedUpload) => void
}

export async function fleetCommand(
    world: World,
    settings: ProjectSettings,
    script: string | undefined,
    opts: FleetCommandOptions,
): Promise<number> {
    const members = await fleetMembers(world, settings, script)
    const emit = (line: JsonLine) => process.stdout.write(jsonLine(line))
    const label = (camera: string | undefined) => (camera === undefined ? SITE : nameText(camera))
    const width = Math.max(SITE.length, ...members.map((m) => label(m.config.name).length))
    const stamps = stampWidth(opts.timeoutMs ?? DEFAULT_SIM_TIMEOUT_MS)
    const stamp = (atMs: number) => simStamp(atMs, stamps)
    if (opts.json)
        emit({
            type: "start",
            version: JSON_LINES_VERSION,
            world: opts.worldFile ?? world.source,
            cameras: members.map((m) => m.config.name),
        })
    const result = await runFleet({
        world,
        members,
        timeoutMs: opts.timeoutMs,
        // printed as they come: a long run of many cameras must not hold them all
        keepRecords: false,
        onUpload: opts.onUpload,
        onOutput: (camera, line) => {
            if (opts.json) emit({ type: "output", camera, atMs: line.atMs, text: line.text })
            else process.stdout.write(`${stamp(line.atMs)} ${label(camera).padEnd(width)}  ${printable(line.text)}\n`)
        },
        onTimeline: opts.showTimeline
            ? (camera, e) => {
                  if (opts.json) return emit({ ...timelineLine(e), ...(camera !== undefined ? { camera } : {}) })
                  const text = formatEntry(e, stamps)
                  // "[   2.918s] wifi  GotAddress ..." -> "[   2.918s] cam-01  wifi  GotAddress ..."
                  const at = text.indexOf("] ") + 2
                  process.stderr.write(`${text.slice(0, at)}${label(camera).padEnd(width)}  ${text.slice(at)}\n`)
              }
            : undefined,
        onDiagnostic: opts.verbose
            ? (camera, l) => process.stderr.write(`  vm ${label(camera)}: ${printable(l)}\n`)
            : undefined,
    })
    if (opts.json) {
        for (const c of result.cameras)
            emit({
                type: "camera",
                name: c.name,
                script: c.script,
                ...(c.error !== undefined ? { error: c.error } : {}),
                boots: c.boots,
                ...c.link,
            })
        emit({
            type: "outcome",
            outcome: result.outcome,
            exitCode: result.exitCode,
            simulatedMs: result.simulatedMs,
            wallMs: Math.round(result.wallMs),
        })
    }
    const table = summaryTable(
        result.cameras.map((c) => ({ name: c.name, script: c.script, link: c.link })),
        result.simulatedMs,
    )
    process.stderr.write(`\n${table}\n`)
    for (const c of result.cameras)
        if (c.error) process.stderr.write(`camscript: ${label(c.name)}: the script threw: ${printableLines(c.error)}\n`)
    const summary = `${formatSimTime(result.simulatedMs)} simulated in ${(result.wallMs / 1000).toFixed(2)}s`
    switch (result.outcome) {
        case "finished":
            process.stderr.write(`camscript: every camera's script finished (${summary})\n`)
            break
        case "error":
            process.stderr.write(`camscript: a camera's script threw (${summary})\n`)
            break
        case "timeout":
            process.stderr.write(
                `camscript: --timeout ${formatSimTime(result.simulatedMs)} of simulated time passed; stopped (${summary})\n`,
            )
    }
    return result.exitCode
}
