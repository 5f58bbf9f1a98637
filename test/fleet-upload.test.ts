import test from "ava"
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { decodeJpeg } from "../sim/camera/jpeg"
import { UPLOAD_INDEX } from "../sim/net/upload-files"
import { tempDir } from "./helpers/cleanup"
import { camera, runFleetWorld } from "./helpers/fleet"
import { camscriptMain } from "./helpers/main"
import { scriptFile } from "./helpers/run"

// A fleet's cameras upload as a single camera does (sim/fleet/camera.ts
// gives each the upload driver and the camera's server): to the world's
// servers, which keep every request under the name of the camera that sent
// it (the server tells the senders apart by the connection's own port).
// Each camera says who it is in a header and picks its own frame size, so
// the server's record is checked against what the camera itself sent.

/** One camera's script: join, one frame of `size`, uploaded to the shared server saying who sent it. */
const snap = (name: string, size: string) => `
import { camera, network, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(20000)
const cam = new camera.Camera()
await cam.init({ framesize: "${size}" })
const frame = await cam.capture()
const r = await upload.post("http://frames.camscript.test/in", frame, { headers: { "X-Sender": "${name}" } })
console.log(\`\${r.ok} \${r.status} \${r.via} \${frame.width}x\${frame.height}\`)
await frame.release()
`

const fleetWorld = (server: object) => ({
    board: "ai_thinker_esp32_cam",
    accessPoints: [{ ssid: "my-network", security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] }],
    servers: [{ name: "frames", url: "http://frames.camscript.test/in", ...server }],
    cameras: [
        { name: "porch", position: [0, 0], script: scriptFile(snap("porch", "QVGA")) },
        { name: "garden", position: [1, 0], script: scriptFile(snap("garden", "VGA")) },
    ],
})

test("two cameras of a fleet upload to one world server; the server keeps each upload under its camera's name", async (t) => {
    const result = await runFleetWorld(fleetWorld({}), { timeout: "1m" })
    t.is(result.outcome, "finished", result.cameras.map((c) => c.error ?? "").join("\n"))
    t.deepEqual(
        camera(result, "porch").output.map((l) => l.text),
        ["true 201 wifi 320x240"],
    )
    t.deepEqual(
        camera(result, "garden").output.map((l) => l.text),
        ["true 201 wifi 640x480"],
    )
    const received = result.uploads.map((u) => {
        const p = decodeJpeg(u.body)
        return `${u.server} ${u.camera} ${u.headers["x-sender"]} ${u.method} ${u.path} ${u.status} ${u.via} ${p.width}x${p.height}`
    })
    t.deepEqual(received.sort(), [
        "frames garden garden POST /in 201 wifi 640x480",
        "frames porch porch POST /in 201 wifi 320x240",
    ])
    // both cameras joined and uploaded in the same second: one server, two senders
    const [a, b] = result.uploads.map((u) => u.atMs)
    t.true(Math.abs(a - b) < 1000, `${a} ${b}`)
    // the site's timeline says what the server received, never a header
    const lines = result.timeline.filter((e) => e.source === "upload" && e.event === "received")
    t.is(lines.length, 2)
    t.false(lines.some((e) => e.detail.includes("X-Sender") || e.detail.includes("garden")))
})

test("a fleet camera's upload to a server that is down fails as a single camera's does: refused, nothing kept", async (t) => {
    const result = await runFleetWorld(fleetWorld({ behaviour: "down" }), { timeout: "1m" })
    t.is(result.outcome, "finished")
    t.deepEqual(
        camera(result, "porch").output.map((l) => l.text),
        ["false 0 wifi 320x240"],
    )
    t.deepEqual(result.uploads, [])
})

test("camscript sim --world <fleet> --out DIR keeps every camera's upload, each file and index line named by its camera", async (t) => {
    const dir = join(tempDir("camscript-fleet-out-"), "received")
    const world = join(tempDir("camscript-fleet-out-world-"), "site.json")
    writeFileSync(world, JSON.stringify(fleetWorld({})))
    const r = await camscriptMain("sim", "--world", world, "--out", dir, "--no-timeline", "--timeout", "1m")
    t.is(r.code, 0, r.stderr)
    const index = readFileSync(join(dir, UPLOAD_INDEX), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { camera: string; server: string; status: number; file: string })
    t.deepEqual(index.map((e) => `${e.camera} ${e.server} ${e.status}`).sort(), [
        "garden frames 201",
        "porch frames 201",
    ])
    for (const e of index) {
        t.regex(e.file, new RegExp(`^\\d{9}-${e.camera}-frames\\.jpg$`))
        const size = decodeJpeg(readFileSync(join(dir, e.file)))
        t.is(`${size.width}x${size.height}`, e.camera === "porch" ? "320x240" : "640x480")
        t.is(statSync(join(dir, e.file)).mode & 0o777, 0o600)
    }
    t.is(readdirSync(dir).filter((f) => f.endsWith(".jpg")).length, 2)
})
