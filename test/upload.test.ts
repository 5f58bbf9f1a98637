import test from "ava"
import { readFileSync } from "node:fs"
import { readFrameCode } from "../sim/camera/test-card"
import { decodeJpeg } from "../sim/camera/jpeg"
import { runScript, value } from "./helpers/run"

const CA = readFileSync("sim/worlds/pki/upload-ca.pem", "utf8")

const AP = {
    ssid: "my-network",
    security: "wpa2-psk",
    password: "my-password",
    channel: 6,
    position: [6, 2],
    dhcp: { subnet: "192.168.1.0/24", gateway: "192.168.1.1", dns: ["192.168.1.1"] },
}

function world(servers: object[], extra: object = {}) {
    return { board: "ai_thinker_esp32_cam", camera: { name: "porch" }, accessPoints: [AP], servers, ...extra }
}

/** A script that joins my-network, captures one frame and uploads it with `call` (an expression). */
function script(call: string, before = "") {
    return `
import * as ds from "@devicescript/core"
import { network, camera, upload } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
while (!wlan.isconnected()) await ds.sleep(100)
const cam = new camera.Camera()
await cam.init({ framesize: "QVGA" })
const frame = await cam.capture()
console.log(\`frame \${frame.sequence} \${frame.length}\`)
${before}
const r = await ${call}
const head = \`\${r.ok} \${r.status} \${r.reason} \${r.tls} \${r.attempts}\`
console.log(\`result \${head} \${r.ms} \${r.total_ms} \${r.sent} \${r.via}\`)
console.log(\`detail \${r.detail}\`)
await frame.release()
`
}

test("smoke", async (t) => {
    const run = await runScript(script(`upload.post("http://frames.camscript.test/in?cam=porch", frame, { headers: { Authorization: "Bearer x" } })`), {
        world: world([{ name: "frames", url: "http://frames.camscript.test/in" }]),
        timeout: "30s",
    })
    console.log(run.error, run.lines, run.timeline.filter((e) => e.source === "upload"))
    console.log(run.uploads.map((u) => ({ ...u, body: u.body.length })))
    t.pass()
})
