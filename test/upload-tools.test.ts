import test from "ava"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { tempDir } from "./helpers/cleanup"
import { camscriptMain } from "./helpers/main"
import { scriptFile } from "./helpers/run"
import { readFrameNumber, runSource } from "../testing/index"
import { UPLOAD_INDEX, uploadFileName } from "../sim/net/upload-files"
import { reportHtml } from "../cli/report-page"
import { sameBytes } from "./helpers/bytes"

// What a person and a user's test see of what the world's servers received:
// `camscript sim --out DIR` and camscript/testing's run.uploads / received().

const TWO_UPLOADS = `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "QQVGA" })
for (let i = 0; i < 2; i++) {
    const frame = await cam.capture()
    const r = await upload.post("http://frames.camscript.test/in", frame, { headers: { Authorization: "Bearer tok-123" } })
    console.log(\`\${frame.sequence} \${r.status}\`)
    await frame.release()
    await ds.sleep(1000)
}
const f = await cam.capture()
const r = await upload.post("http://full.camscript.test/in", f, { retry: { attempts: 1 } })
console.log(\`full \${r.status}\`)
await f.release()
`

const WORLD = {
    board: "ai_thinker_esp32_cam",
    camera: { name: "porch" },
    accessPoints: [
        {
            ssid: "my-network",
            security: "wpa2-psk",
            password: "my-password",
            position: [6, 2],
            dhcp: { subnet: "192.168.1.0/24", dns: ["192.168.1.1"] },
        },
    ],
    servers: [
        { name: "frames", url: "http://frames.camscript.test/in" },
        { name: "full", url: "http://full.camscript.test/in", maxBytes: 100 },
    ],
}

test("uploadFileName: arrival time in 9 digits, camera, server", (t) => {
    t.is(uploadFileName({ atMs: 33012.4, camera: "porch", server: "frames" }), "000033012-porch-frames.jpg")
})

test("camscript sim --out DIR keeps each kept upload as a private JPEG named by time, camera and server, and indexes every request without header values", async (t) => {
    const dir = join(tempDir("camscript-out-"), "received")
    const world = join(tempDir("camscript-out-world-"), "w.json")
    writeFileSync(world, JSON.stringify(WORLD))
    const r = await camscriptMain("sim", scriptFile(TWO_UPLOADS), "--world", world, "--out", dir, "--no-timeline")
    t.is(r.code, 0, r.stderr)
    const sequences = r.stdout
        .trim()
        .split("\n")
        .filter((l) => / 201$/.test(l))
        .map((l) => Number(/\] (\d+) 201$/.exec(l)![1]))
    t.is(sequences.length, 2)
    const index = readFileSync(join(dir, UPLOAD_INDEX), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    t.deepEqual(
        index.map((e) => [e.server, e.camera, e.method, e.status, e.via]),
        [
            ["frames", "porch", "POST", 201, "wifi"],
            ["frames", "porch", "POST", 201, "wifi"],
            ["full", "porch", "POST", 413, "wifi"],
        ],
    )
    const jpegs = readdirSync(dir)
        .filter((f) => f.endsWith(".jpg"))
        .sort()
    t.deepEqual(
        jpegs,
        index.filter((e) => e.status === 201).map((e) => e.file),
    )
    t.is(index[2].file, undefined)
    jpegs.forEach((f, i) => {
        t.regex(f, /^\d{9}-porch-frames\.jpg$/)
        t.is(readFrameNumber(readFileSync(join(dir, f)))?.sequence, sequences[i])
        t.is(statSync(join(dir, f)).mode & 0o777, 0o600)
    })
    t.is(statSync(dir).mode & 0o777, 0o700)
    // header names, never their values
    t.true(index[0].headers.includes("authorization"))
    t.false(readFileSync(join(dir, UPLOAD_INDEX), "utf8").includes("tok-123"))
})

test("camscript sim --out in a folder that does not exist: refused before the run (exit 2)", async (t) => {
    const dir = join(tempDir("camscript-out-"), "missing", "received")
    const r = await camscriptMain("sim", scriptFile(TWO_UPLOADS), "--out", dir, "--no-timeline")
    t.is(r.code, 2)
    t.regex(r.stderr, /--out .*: the folder .*missing does not exist \(create it first\)/)
    t.false(existsSync(dir))
})

test("camscript/testing: run.uploads and received(server): the bytes, headers and times each server got", async (t) => {
    const run = await runSource(TWO_UPLOADS, { world: WORLD })
    t.is(run.outcome, "finished", run.error)
    const frames = run.received("frames")
    t.is(frames.length, 2)
    frames.forEach((u, i) => {
        t.is(u.headers.authorization, "Bearer tok-123")
        t.is(u.headers["content-type"], "image/jpeg")
        sameBytes(t, u.body, run.frames[i].jpeg)
        t.is(readFrameNumber(u.body)?.sequence, run.frames[i].sequence)
        t.true(u.atMs > run.frames[i].capturedAtMs)
    })
    t.deepEqual(
        run.received("full").map((u) => [u.status, u.kept, u.body.length]),
        [[413, false, 0]],
    )
    t.is(run.uploads.length, 3)
})

test("the report page draws captures as ticks and uploads as bars (taken green, failed red) on the links' time axis", async (t) => {
    const run = await runSource(TWO_UPLOADS, { world: WORLD })
    const html = reportHtml({
        script: "s.ts",
        world: "w.json",
        board: "ai_thinker_esp32_cam",
        outcome: run.outcome,
        simulatedMs: run.simulatedMs,
        output: run.output,
        timeline: run.timeline,
    })
    t.is([...html.matchAll(/<line class="capture"/g)].length, 3)
    t.is([...html.matchAll(/<rect class="upload" data-ok="true"/g)].length, 2)
    t.is([...html.matchAll(/<rect class="upload" data-ok="false"/g)].length, 1)
    t.regex(html, /Frames: 3 captured, 3 uploads \(1 failed\)/)
    // the failed one says why; the Wi-Fi lane is drawn beside
    t.regex(html, /upload #\d+ \d+ B POST http:\/\/full\.camscript\.test\/in via wifi: 413 in \d+ ms/)
    t.regex(html, /data-iface="wifi"/)
    t.false(html.includes("tok-123"))
})
