import test from "ava"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { camscript } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"

// `camscript sim --world site.json`: every camera of the world, lines named
// by camera, a table per camera at the end.

const dir = tempDir("camscript-fleet-cli-")
function site(name: string, world: object): string {
    mkdirSync(dir, { recursive: true })
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(world))
    return file
}

const ap = { ssid: "my-network", security: "wpa2-psk", password: "my-password", position: [6, 2], maxClients: 1 }

test("sim --world with cameras runs them all: output and timeline carry the camera's name, a table closes the run", async (t) => {
    const world = site("two.json", {
        accessPoints: [ap],
        cameras: [
            { name: "porch", position: [0, 0], script: fromRoot("examples/wifi-station.ts") },
            { name: "yard-east", position: [3, 0], script: fromRoot("examples/wifi-station.ts") },
        ],
    })
    const r = await camscript("sim", "--world", world, "--timeout", "20s")
    // one place on the AP: yard-east never gets in, so its script never finishes
    t.is(r.code, 124, r.stderr)
    t.regex(r.stdout, /^\[ +2\.987s\] porch {6}link up\n$/)
    t.regex(r.stderr, /\] yard-east {2}world assoc-refused {2}my-network is full \(1 of 1\)/)
    t.regex(r.stderr, /\] \(site\) {5}sim {3}start/)
    t.regex(r.stderr, /camera +first link +outages +time down +link at end +script/)
    t.regex(r.stderr, /porch +2\.918s +0 +0\.000s {2}GotAddress 192\.168\.1\.100 +finished/)
    t.regex(r.stderr, /yard-east +never +0 +- {2}Idle \(AssocRejected, AP full\) +running/)
    t.regex(r.stderr, /1 of 2 camera\(s\) hold an address at 20\.000s; 1 never got one/)
    // the site's password appears in no line, whatever the cameras went through
    t.false(`${r.stdout}${r.stderr}`.includes("my-password"))
})

test("a camera without a script, and none given, is a usage error naming it", async (t) => {
    const world = site("noscript.json", { accessPoints: [ap], cameras: [{ name: "lonely", position: [0, 0] }] })
    const r = await camscript("sim", "--world", world)
    t.is(r.code, 2)
    t.regex(r.stderr, /camera\(s\) "lonely" name no "script"; give one in the world file or on the command line/)
})

test("a fleet does not run on the firmware drivers or in real time (yet): said, exit 2", async (t) => {
    const world = site("one.json", { accessPoints: [ap], cameras: [{ name: "x", position: [0, 0] }] })
    const r = await camscript("sim", "examples/wifi-station.ts", "--world", world, "--driver", "firmware")
    t.is(r.code, 2)
    t.regex(r.stderr, /a world with cameras runs in virtual time on the simulator's drivers/)
})

test("--json reports each camera: its figures and its output", async (t) => {
    const world = site("json.json", {
        accessPoints: [ap],
        cameras: [
            { name: "linked", position: [0, 0], script: fromRoot("examples/wifi-station.ts") },
            { name: "quiet", position: [1, 0] },
        ],
    })
    const r = await camscript("sim", fromRoot("test/scripts/hello.ts"), "--world", world, "--json", "--no-timeline")
    t.is(r.code, 0, r.stderr)
    // one object per line, each with a type (docs/cli.md): the cameras' figures on their own lines
    const all = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    t.like(all.at(-1), { type: "outcome", outcome: "finished", exitCode: 0 })
    t.deepEqual(
        all
            .filter((l) => l.type === "camera")
            .map((c) => [
                c.name,
                c.firstLinkMs,
                c.ip,
                c.finalState,
                all.filter((l) => l.type === "output" && l.camera === c.name).map((l) => l.text),
            ]),
        [
            ["linked", 2918, "192.168.1.100", "GotAddress", ["link up"]],
            ["quiet", undefined, undefined, "Stopped", ["hello"]],
        ],
    )
    // one camera: --json is a line per record instead (docs/cli.md), ending with the outcome
    const single = await camscript("sim", "examples/wifi-station.ts", "--json")
    t.is(single.code, 0, single.stderr)
    const last = JSON.parse(single.stdout.trim().split("\n").pop() ?? "{}") as { type?: string; outcome?: string }
    t.deepEqual([last.type, last.outcome], ["outcome", "finished"])
})
