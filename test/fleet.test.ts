import test from "ava"
import { fromRoot } from "../project/paths"
import { WORLD_DEFAULTS } from "../sim/world/world"
import { camera, entries, runFleetWorld } from "./helpers/fleet"
import { runFile, scriptFile } from "./helpers/run"
import { defaultWorldJson } from "./helpers/worlds"

// Many cameras in one world: one clock, a VM and drivers each, the access
// points (their client limit, DHCP pool) shared.

const station = fromRoot("examples/wifi-station.ts")
const watcher = fromRoot("test/scripts/watch-link.ts")
const defaultWorld = defaultWorldJson<{ accessPoints: object[] }>()

test("a fleet of one camera where the single camera stands gives the single run's timeline, to the millisecond", async (t) => {
    const single = await runFile(station, { world: "default" })
    const fleet = await runFleetWorld(
        {
            board: "ai_thinker_esp32_cam",
            accessPoints: defaultWorld.accessPoints,
            cameras: [{ name: "only", position: [0, 0], mac: WORLD_DEFAULTS.cameraMac }],
        },
        { script: station, timeout: "2m" },
    )
    const cam = camera(fleet, "only")
    const view = (e: { atMs: number; source: string; event: string; detail: string }) =>
        `${e.atMs} ${e.source} ${e.event} ${e.detail}`
    const linkOf = (xs: { atMs: number; source: string; event: string; detail: string }[]) =>
        xs.filter((e) => e.source === "wifi" || e.event === "dhcp-lease").map(view)
    t.deepEqual(linkOf(cam.timeline), linkOf(single.timeline))
    t.deepEqual(
        cam.output.map((l) => `${l.atMs} ${l.text}`),
        single.output.map((l) => `${l.atMs} ${l.text}`),
    )
    t.is(fleet.outcome, "finished")
    t.is(cam.link.firstLinkMs, 2918)
})

const twoSlots = {
    board: "ai_thinker_esp32_cam",
    accessPoints: [
        {
            ssid: "my-network",
            security: "wpa2-psk",
            password: "my-password",
            position: [6, 2],
            maxClients: 2,
            dhcp: { subnet: "192.168.1.0/24" },
        },
    ],
    cameras: [
        { name: "a", position: [0, 0] },
        { name: "b", position: [10, 0] },
        { name: "c", position: [20, 0] },
    ],
}

test("an AP of 2 clients takes the first two cameras and refuses the third, which retries by its back-off", async (t) => {
    const r = await runFleetWorld(twoSlots, { script: watcher, timeout: "12s" })
    t.is(r.outcome, "timeout")
    t.is(camera(r, "a").link.ip, "192.168.1.100")
    t.is(camera(r, "b").link.ip, "192.168.1.101")
    const c = camera(r, "c")
    t.is(c.link.firstLinkMs, undefined)
    t.is(c.link.finalReason, "AssocRejected")
    const refused = entries(c, "world", "assoc-refused")
    t.true(refused.length >= 3, `${refused.length} refusals`)
    t.regex(refused[0].detail, /^my-network is full \(2 of 2\): refused 24:0a:c4:01:00:0c$/)
    // the station's policy: retries 0.5 s, 1 s, 2 s after each refusal (src/network/station.ts)
    const idles = entries(c, "wifi", "Idle").filter((e) => e.detail.includes("AssocRejected"))
    const scans = entries(c, "wifi", "Scanning")
    const waits = idles.slice(0, 3).map((idle) => scans.find((s) => s.atMs > idle.atMs)!.atMs - idle.atMs)
    // each wait is the back-off plus the bus: 1 ms for the refusal to reach the script, 1 ms for the retry to reach the driver
    t.deepEqual(waits, [500 + 2, 1000 + 2, 2000 + 2])
    // the script reads the refusal as a status, and keeps running
    t.true(c.output.some((l) => /connected=false status=203/.test(l.text)))
    t.is(c.script, "running")
})

test("a camera that loses power frees its place: the refused one gets in at its next retry", async (t) => {
    const r = await runFleetWorld(
        { ...twoSlots, events: [{ at: "20s", action: "power-off", camera: "a" }] },
        { script: watcher, timeout: "40s" },
    )
    const a = camera(r, "a")
    const c = camera(r, "c")
    t.is(a.script, "off")
    t.is(a.link.finalState, "off")
    t.is(a.link.outages, 1)
    t.is(a.link.downMs, 40_000 - 20_000)
    t.truthy(c.link.firstLinkMs)
    t.true(c.link.firstLinkMs! > 20_000 && c.link.firstLinkMs! < 20_000 + 8_000 + 2_000, `${c.link.firstLinkMs}`)
    // the freed address is not reused: a's lease is remembered for it
    t.is(c.link.ip, "192.168.1.102")
})

test("a camera's own script runs; the command line's is for the others", async (t) => {
    const r = await runFleetWorld(
        {
            accessPoints: defaultWorld.accessPoints,
            cameras: [
                { name: "own", position: [0, 0], script: "../examples/wifi-station.ts" },
                { name: "given", position: [1, 0] },
            ],
        },
        { script: fromRoot("test/scripts/hello.ts"), timeout: "1m" },
    )
    t.is(r.outcome, "finished")
    t.deepEqual(
        camera(r, "own").output.map((l) => l.text),
        ["link up"],
    )
    t.deepEqual(
        camera(r, "given").output.map((l) => l.text),
        ["hello"],
    )
})

test("a camera carried out of range loses its link alone; carried back, it rejoins", async (t) => {
    const r = await runFleetWorld(
        {
            accessPoints: defaultWorld.accessPoints,
            cameras: [
                { name: "stays", position: [0, 0] },
                { name: "walks", position: [1, 0] },
            ],
            events: [
                { at: "10s", action: "move-camera", camera: "walks", to: [500, 0] },
                { at: "30s", action: "move-camera", camera: "walks", to: [1, 0] },
            ],
        },
        { script: watcher, timeout: "50s" },
    )
    const stays = camera(r, "stays")
    const walks = camera(r, "walks")
    t.is(stays.link.outages, 0)
    t.is(walks.link.outages, 1)
    // beacons lost for 6 s (sim/radio/timing.ts BEACON_LOSS_MS) after the move
    const drop = entries(walks, "wifi", "Idle").filter((e) => e.atMs > 10_000)[0]
    t.is(drop.atMs, 10_000 + 6_000)
    t.is(drop.detail.split(" ")[0], "reason=BeaconTimeout")
    t.truthy(walks.link.ip)
    t.true(walks.link.upSinceMs! > 30_000)
    t.deepEqual(
        entries(walks, "world", "move-camera").map((e) => e.detail),
        ["to [500, 0]", "to [1, 0]"],
    )
})

test("every camera of a fleet has its board's sensor: each captures its own frames, on the shared clock", async (t) => {
    const script = scriptFile(`
import { camera } from "camscript"
const cam = new camera.Camera()
console.log(\`init \${await cam.init({ framesize: "QQVGA" })}\`)
const f = await cam.capture()
console.log(\`frame \${f.width}x\${f.height} seq \${f.sequence} at \${f.time}\`)
await f.release()
await cam.deinit()
`)
    const fleet = await runFleetWorld(
        {
            board: "ai_thinker_esp32_cam",
            accessPoints: [],
            cameras: [
                { name: "porch", position: [0, 0] },
                { name: "garden", position: [10, 0] },
            ],
        },
        { script, timeout: "30s" },
    )
    t.is(fleet.outcome, "finished")
    for (const name of ["porch", "garden"]) {
        const cam = camera(fleet, name)
        t.is(cam.script, "finished", cam.error)
        t.deepEqual(cam.output[0]?.text, "init true")
        t.regex(cam.output[1]?.text ?? "", /^frame 160x120 seq \d+ at \d+$/)
        // the camera's own sensor delivered it
        t.is(entries(cam, "camera", "frame").length, 1)
    }
})
