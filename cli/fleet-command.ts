import type { OutputLine } from "../sim/session"
import type { ProjectSettings } from "../project/settings"
import { formatEntry } from "../sim/timeline"
import { formatSimTime } from "../project/duration"
import type { World } from "../sim/world/world"
import { type FleetResult, runFleet } from "../sim/fleet/fleet"
import { fleetMembers } from "../sim/fleet/members"
import { summaryTable } from "../sim/fleet/summary"

// `camscript sim --world site.json` for a world with `cameras`: every camera
// runs; each output and timeline line carries the camera's name; a table
// per camera closes the run. Exit codes as for one camera: 0 every script
// finished, 1 one threw, 124 the --timeout passed with scripts still running.

/** How lines of the site itself (world events, start) are labelled. */
const SITE = "site"

export interface FleetCommandOptions {
    timeoutMs?: number
    verbose?: boolean
    showTimeline: boolean
    /** stdout gets one JSON report per camera instead of the scripts' lines and the table */
    json?: boolean
}

export async function fleetCommand(
    world: World,
    settings: ProjectSettings,
    script: string | undefined,
    opts: FleetCommandOptions,
): Promise<number> {
    const members = await fleetMembers(world, settings, script)
    const outputs = new Map<string, OutputLine[]>(members.map((m) => [m.config.name, []]))
    const width = Math.max(SITE.length, ...members.map((m) => m.config.name.length))
    const stamp = (atMs: number) => `[${formatSimTime(atMs).padStart(9)}]`
    const result = await runFleet({
        world,
        members,
        timeoutMs: opts.timeoutMs,
        // printed as they come: a long run of many cameras must not hold them all
        keepRecords: false,
        onOutput: (camera, line) => {
            if (opts.json) outputs.get(camera)!.push(line)
            else process.stdout.write(`${stamp(line.atMs)} ${camera.padEnd(width)}  ${line.text}\n`)
        },
        onTimeline: opts.showTimeline
            ? (camera, e) => {
                  const text = formatEntry(e)
                  // "[   2.918s] wifi  GotAddress ..." -> "[   2.918s] cam-01  wifi  GotAddress ..."
                  const at = text.indexOf("] ") + 2
                  process.stderr.write(`${text.slice(0, at)}${(camera ?? SITE).padEnd(width)}  ${text.slice(at)}\n`)
              }
            : undefined,
        onDiagnostic: opts.verbose ? (camera, l) => process.stderr.write(`  vm ${camera}: ${l}\n`) : undefined,
    })
    if (opts.json) process.stdout.write(`${JSON.stringify(jsonReport(result, outputs), null, 2)}\n`)
    const table = summaryTable(
        result.cameras.map((c) => ({ name: c.name, script: c.script, link: c.link })),
        result.simulatedMs,
    )
    process.stderr.write(`\n${table}\n`)
    for (const c of result.cameras)
        if (c.error) process.stderr.write(`camscript: ${c.name}: the script threw: ${c.error}\n`)
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

/** `--json`: the run and each camera's figures and output, for other tools. */
function jsonReport(result: FleetResult, outputs: Map<string, OutputLine[]>) {
    return {
        outcome: result.outcome,
        exitCode: result.exitCode,
        simulatedMs: result.simulatedMs,
        cameras: result.cameras.map((c) => ({
            name: c.name,
            script: c.script,
            error: c.error,
            boots: c.boots,
            ...c.link,
            output: outputs.get(c.name) ?? [],
        })),
    }
}
