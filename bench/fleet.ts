// npm run bench:fleet: wall time, CPU time and memory for N cameras joining
// one access point in one process (N = 1, 10, 100, 200, 1000 by default, or the
// numbers given). Each N runs in a child process of its own, so one run's
// memory does not flatter or burden the next; the table puts them side by
// side. Not a test: the figures vary with the machine and its load.
import { execFileSync } from "node:child_process"
import { fleetMembers } from "../sim/fleet/members"
import { runFleet } from "../sim/fleet/fleet"
import { fromRoot } from "../project/paths"
import { projectSettings } from "../project/settings"
import { parseWorld } from "../sim/world/world"

const GOAL_CAMERAS = 1000
const GOAL_WALL_MS = 60_000
const GOAL_MB_PER_CAMERA = 2

interface Figures {
    n: number
    /** from the first VM's creation to the last camera's "link up" */
    wallMs: number
    cpuMs: number
    simulatedMs: number
    linked: number
    /** resident set growth from before the run to the moment the last camera linked */
    rssMb: number
    heapMb: number
}

/** n cameras on a square grid within 30 m of one access point on a /16 (a pool of 65,435 addresses from .100). */
function siteWorld(n: number) {
    // a square grid, 3 m apart, closer for big fleets: every camera within 30 m of the AP
    const side = Math.ceil(Math.sqrt(n))
    const spacing = Math.min(3, 30 / side)
    return parseWorld(
        {
            board: "ai_thinker_esp32_cam",
            accessPoints: [
                {
                    ssid: "my-network",
                    security: "wpa2-psk",
                    password: "my-password",
                    position: [0, 0],
                    dhcp: { subnet: "10.9.0.0/16" },
                },
            ],
            cameras: Array.from({ length: n }, (_, i) => ({
                name: `cam-${i + 1}`,
                position: [1 + (i % side) * spacing, 1 + Math.floor(i / side) * spacing],
            })),
        },
        fromRoot("bench/(fleet).json"),
    )
}

async function one(n: number): Promise<Figures> {
    const world = siteWorld(n)
    // the spec's example: the script finishes once its link is up
    const members = await fleetMembers(world, projectSettings(fromRoot()), fromRoot("examples/wifi-station.ts"))
    globalThis.gc?.()
    const before = process.memoryUsage()
    const cpu0 = process.cpuUsage()
    let linked = 0
    let at: NodeJS.MemoryUsage = before
    const result = await runFleet({
        world,
        members,
        timeoutMs: 60_000,
        keepRecords: false,
        onOutput: (_camera, line) => {
            if (line.text !== "link up") return
            linked++
            // every VM is still alive here: the fleet's peak
            if (linked === n) at = process.memoryUsage()
        },
    })
    const cpu = process.cpuUsage(cpu0)
    return {
        n,
        wallMs: result.wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        simulatedMs: result.simulatedMs,
        linked,
        rssMb: (at.rss - before.rss) / 2 ** 20,
        heapMb: (at.heapUsed - before.heapUsed) / 2 ** 20,
    }
}

function main() {
    const arg = process.argv.indexOf("--one")
    if (arg >= 0) {
        void one(Number(process.argv[arg + 1])).then((f) => process.stdout.write(JSON.stringify(f)))
        return
    }
    const sizes = process.argv
        .slice(2)
        .map(Number)
        .filter((x) => x > 0)
    const rows: Figures[] = []
    for (const n of sizes.length ? sizes : [1, 10, 100, 200, 1000]) {
        const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", __filename, "--one", String(n)], {
            cwd: fromRoot(),
            encoding: "utf8",
            maxBuffer: 16 * 2 ** 20,
        })
        const f = JSON.parse(out) as Figures
        rows.push(f)
        process.stderr.write(`  ${n} camera(s) done\n`)
    }
    const head = [
        "cameras",
        "linked",
        "simulated",
        "wall",
        "wall/camera",
        "CPU",
        "CPU/camera",
        "RSS +",
        "RSS/camera",
        "JS heap +",
    ]
    const body = rows.map((f) => [
        String(f.n),
        String(f.linked),
        `${(f.simulatedMs / 1000).toFixed(3)} s`,
        `${(f.wallMs / 1000).toFixed(2)} s`,
        `${(f.wallMs / f.n).toFixed(0)} ms`,
        `${(f.cpuMs / 1000).toFixed(2)} s`,
        `${(f.cpuMs / f.n).toFixed(0)} ms`,
        `${f.rssMb.toFixed(1)} MB`,
        `${(f.rssMb / f.n).toFixed(2)} MB`,
        `${f.heapMb.toFixed(1)} MB`,
    ])
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ")
    process.stdout.write(
        `N cameras joining one access point (examples/wifi-station.ts each, one process per N)\n${line(head)}\n${body.map(line).join("\n")}\n`,
    )
    // issue 23's goal: 1,000 cameras in under 60 s, at most 2 MB each, and a camera's cost flat
    const big = rows.find((f) => f.n === GOAL_CAMERAS)
    if (big) {
        const met = big.linked === big.n && big.wallMs < GOAL_WALL_MS && big.rssMb / big.n <= GOAL_MB_PER_CAMERA
        process.stdout.write(
            `goal: ${GOAL_CAMERAS} cameras all linked in under ${GOAL_WALL_MS / 1000} s wall, at most ${GOAL_MB_PER_CAMERA} MB each: ${met ? "met" : "NOT met"} (${big.linked} linked, ${(big.wallMs / 1000).toFixed(1)} s, ${(big.rssMb / big.n).toFixed(2)} MB each; CPU ${(big.cpuMs / 1000).toFixed(1)} s)\n`,
        )
    }
}

main()
