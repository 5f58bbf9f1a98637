// npm run bench:upload: uploads in the simulator. The VM heap over 1,000
// uploads of one VGA frame (flat: the driver sends from the camera's buffer,
// the VM holds the handle), the simulated time one upload takes (HTTP and
// HTTPS, from the model's figures) and the host's wall time per upload (real
// loopback HTTP), through the model driver and the C (`--driver firmware`). Not a test: wall figures vary with the machine's load;
// docs/upload.md keeps a run's figures.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import type { GcHeapStats } from "../sim/vm/gc-heap"
import { parseWorld } from "../sim/world/world"
import type { DriverKind } from "../sim/firmware/drivers"

const UPLOADS = 1000
const EVERY = 50
const board = loadBoard("ai_thinker_esp32_cam")
const CA = "sim/worlds/pki/upload-ca.pem"

const SCRIPT = (url: string, options: string) => `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "VGA" })
const frame = await cam.capture()
let ms = 0
for (let i = 1; i <= ${UPLOADS}; i++) {
    const r = await upload.post("${url}", frame${options})
    ms += r.ms
    if (!r.ok) console.log(\`failed \${r.reason}\`)
    if (i % ${EVERY} === 0) console.log(\`n \${i} \${ms}\`)
}
await frame.release()
`

async function run(name: string, url: string, options: string, driver: DriverKind = "model") {
    // the script in a folder of its own, removed after the compile
    const dir = mkdtempSync(join(tmpdir(), "camscript-bench-"))
    const file = join(dir, "upload.ts")
    writeFileSync(file, SCRIPT(url, options))
    const script = await compileScript(file, { board, hostname: "camscript" }).finally(() =>
        rmSync(dir, { recursive: true, force: true }),
    )
    const world = parseWorld(
        {
            camera: { position: [0, 0], name: "bench" },
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
                { name: "http", url: "http://frames.camscript.test/in" },
                {
                    name: "https",
                    url: "https://uploads.camscript.test/in",
                    tls: { certFile: "sim/worlds/pki/upload-server.pem", keyFile: "sim/worlds/pki/upload-server.key" },
                },
            ],
        },
        "(bench world)",
    )
    const samples: { n: number; ms: number; vm: GcHeapStats }[] = []
    let gcHeap: (() => GcHeapStats) | undefined
    let frameBytes = 0
    let received = 0
    const started = performance.now()
    const result = await runSimulation({
        script,
        world,
        board,
        driver,
        timeoutMs: 3_600_000,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onFrame: (f) => (frameBytes = f.bytes.length),
        onUpload: () => received++,
        onOutput: (l) => {
            const m = /^n (\d+) (\d+)$/.exec(l.text)
            if (m && gcHeap) samples.push({ n: Number(m[1]), ms: Number(m[2]), vm: gcHeap() })
            else console.log(l.text)
        },
    })
    const wall = performance.now() - started
    const max = (from: number, to: number) =>
        Math.max(...samples.filter((s) => s.n >= from && s.n <= to).map((s) => s.vm.keptBytes))
    const last = samples[samples.length - 1]
    console.log(
        `| ${name} | ${frameBytes} | ${received} | ${(last.ms / UPLOADS).toFixed(1)} ms | ${(wall / UPLOADS).toFixed(1)} ms | ${max(100, 300)} B | ${max(700, UPLOADS)} B | ${result.outcome} |`,
    )
}

async function main() {
    console.log(
        "| upload | frame bytes | received | simulated ms per upload | host wall ms per upload | VM heap kept, uploads 100..300 | 700..1000 | outcome |",
    )
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |")
    await run("HTTP, VGA", "http://frames.camscript.test/in", "")
    const ca = readFileSync(CA, "utf8")
    await run("HTTPS, VGA", "https://uploads.camscript.test/in", `, { caCert: ${JSON.stringify(ca)} }`)
    // the C driver on its FreeRTOS task in the WebAssembly module, over the simulated esp_http_client
    await run("HTTP, VGA, --driver firmware", "http://frames.camscript.test/in", "", "firmware")
    await run(
        "HTTPS, VGA, --driver firmware",
        "https://uploads.camscript.test/in",
        `, { caCert: ${JSON.stringify(ca)} }`,
        "firmware",
    )
}

void main()
