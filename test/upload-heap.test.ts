import test from "ava"
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import { parseWorld } from "../sim/world/world"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { scriptFile } from "./helpers/run"

// No frame byte passes through the VM's heap: an upload names the frame by
// its handle and the driver reads the JPEG from the camera's buffer. Over
// 300 uploads of a VGA frame (28 KB, almost half the 64 KB heap) the heap
// the collector keeps stays flat, while the server receives every byte.
// (The same check with a leak is test/camera-heap.test.ts's second test.)

const UPLOADS = 300
const EVERY = 10

const SCRIPT = `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "VGA" })
const frame = await cam.capture()
let ok = 0
for (let i = 1; i <= ${UPLOADS}; i++) {
    const r = await upload.post("http://frames.camscript.test/in", frame)
    if (r.ok) ok++
    if (i % ${EVERY} === 0) console.log(\`n \${i} \${ok}\`)
}
await frame.release()
`

test(`the VM heap stays flat over ${UPLOADS} uploads of a VGA frame: the driver sends from the camera's buffer`, async (t) => {
    const board = loadBoard("ai_thinker_esp32_cam")
    const compiled = await compileScript(scriptFile(SCRIPT), { board, hostname: "camscript" })
    const samples: { n: number; ok: number; vm: GcHeapStats }[] = []
    let gcHeap: (() => GcHeapStats) | undefined
    let frameBytes = 0
    let received = 0
    let same = true
    let first: Uint8Array | undefined
    const result = await runSimulation({
        script: compiled,
        world: parseWorld(
            {
                camera: { position: [0, 0] },
                accessPoints: [
                    {
                        ssid: "my-network",
                        security: "wpa2-psk",
                        password: "my-password",
                        position: [6, 2],
                        dhcp: { subnet: "192.168.1.0/24", dns: ["192.168.1.1"] },
                    },
                ],
                servers: [{ name: "frames", url: "http://frames.camscript.test/in" }],
            },
            "(heap world)",
        ),
        board,
        timeoutMs: 600_000,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onFrame: (f) => (frameBytes = f.bytes.length),
        onUpload: (u) => {
            received++
            first ??= u.body
            same &&= Buffer.from(u.body).equals(Buffer.from(first))
        },
        onOutput: (line) => {
            const m = /^n (\d+) (\d+)$/.exec(line.text)
            if (m && gcHeap) samples.push({ n: Number(m[1]), ok: Number(m[2]), vm: gcHeap() })
        },
    })
    t.is(result.outcome, "finished", result.error)
    t.is(received, UPLOADS)
    t.true(same && first?.length === frameBytes, "every upload carried the frame's bytes")
    t.is(samples[samples.length - 1].ok, UPLOADS)
    const max = (from: number, to: number) =>
        Math.max(...samples.filter((s) => s.n >= from && s.n <= to).map((s) => s.vm.keptBytes))
    const warm = max(30, 100)
    const end = max(200, UPLOADS)
    t.log(`kept ${warm} B at uploads 30..100, ${end} B at 200..${UPLOADS}; the frame is ${frameBytes} B`)
    t.true(frameBytes > 20_000, `a VGA frame: ${frameBytes} B`)
    t.true(end - warm < 512, `grew ${end - warm} B`)
})
