// Aim the camera on site: it hosts its own setup network, and a phone that
// joins it opens the live view at http://192.168.4.1/stream (a snapshot at
// /capture). The password is HTTP Basic: it keeps out someone who guessed
// the network's key, not someone reading the air (docs/streaming.md).
//   npx camscript sim examples/live-view.ts --world sim/worlds/setup-network.json --serve 8080
//   then open http://127.0.0.1:8080/stream (user "camera", password "aim-the-cam")
import { camera, network } from "camscript"

const ap = new network.WLAN(network.WLAN.IF_AP)
await ap.config({ ssid: "camscript-setup", key: "setup-1234", channel: 6, max_clients: 2 })
await ap.active(true)

const cam = new camera.Camera()
if (!(await cam.init({ framesize: camera.VGA, fb_count: 2 })))
    throw new Error(`camera: ${cam.status("reason")}: ${cam.status("detail")}`)
const server = await cam.serve({ port: 80, fps: 10, password: "aim-the-cam" })
console.log(`live view: http://${ap.ifconfig()[0]}${server.status("stream")} (${server.status()})`)

server.on_client((c) => console.log(`${c.kind} ${c.event} (${c.status}) from ${c.address}`))
