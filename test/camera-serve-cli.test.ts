import test from "ava"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"
import { readFrameNumber } from "../testing/index"
import { camscriptMain } from "./helpers/main"
import { closeServePort, openServePort } from "../cli/serve-option"

// `camscript sim --serve PORT`: the port is checked and taken before the
// compile and the run; the run is in real time; the camera's server answers
// on 127.0.0.1:PORT while it lasts.

/** A port something else already listens on. */
async function takenPort(): Promise<{ port: number; close: () => Promise<void> }> {
    const s = createServer()
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))
    return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) }
}

test.serial("a port in use is a usage error before anything runs, naming the port", async (t) => {
    const taken = await takenPort()
    t.teardown(taken.close)
    const ran = await camscriptMain("sim", "examples/live-view.ts", "--serve", `${taken.port}`)
    t.is(ran.code, 2)
    t.regex(ran.stderr, new RegExp(`--serve ${taken.port}: port ${taken.port} on 127.0.0.1 is in use`))
    t.notRegex(ran.stderr, /compiling|compiled/)
    t.is(ran.stdout, "")
})

test.serial("--serve takes a port 1..65535 and is for one camera, not with --watch", async (t) => {
    for (const bad of ["0", "65536", "80x", ""]) {
        const ran = await camscriptMain("sim", "examples/live-view.ts", "--serve", bad)
        t.is(ran.code, 2, bad)
        t.regex(ran.stderr, /--serve: ".*" is not a port; give one of 1\.\.65535/, bad)
    }
    // a free port: taken and given back, then named to the command; another test may take it in
    // between (the command then says it is in use before anything else), so up to three are tried
    const onFreePort = async (...args: string[]) => {
        let ran = { code: 0, stdout: "", stderr: "" }
        for (let attempt = 0; attempt < 3; attempt++) {
            const free = await takenPort()
            await free.close()
            ran = await camscriptMain(...args, "--serve", `${free.port}`)
            if (!/ is in use /.test(ran.stderr)) break
        }
        return ran
    }
    const fleet = await onFreePort("sim", "--world", "sim/worlds/fleet-dhcp-pool.json")
    t.is(fleet.code, 2)
    t.regex(fleet.stderr, /--serve is for one camera: a world with cameras runs in virtual time/)
    const stock = await onFreePort("sim", "examples/live-view.ts", "--firmware", "stock")
    t.is(stock.code, 2)
    t.regex(stock.stderr, /--serve: the stock firmware has no camera server/)
    const noCamera = await onFreePort("sim", "examples/live-view.ts", "--board", "olimex_esp32_poe")
    t.is(noCamera.code, 2)
    t.regex(noCamera.stderr, /--serve: board olimex_esp32_poe has no camera to serve/)
    const watched = await camscriptMain("sim", "examples/live-view.ts", "--serve", "8080", "--watch")
    t.is(watched.code, 2)
    t.regex(watched.stderr, /not with --json, --realtime or --serve/)
})

test.serial("sim --serve: the example's live view answers on the host port, password first", async (t) => {
    const auth = { Authorization: `Basic ${Buffer.from("camera:aim-the-cam").toString("base64")}` }
    // a free port: taken and given back, then named to the command; another
    // test may take it in between (the command then refuses it, exit 2), so
    // up to three ports are tried
    let base = ""
    let running: ReturnType<typeof camscriptMain> | undefined
    let snap: Response | undefined
    for (let attempt = 0; attempt < 3 && !snap; attempt++) {
        const free = await takenPort()
        await free.close()
        base = `http://127.0.0.1:${free.port}`
        running = camscriptMain(
            "sim",
            "examples/live-view.ts",
            "--world",
            "sim/worlds/setup-network.json",
            "--serve",
            `${free.port}`,
            "--run-for",
            "8s",
        )
        let ended = false
        void running.then(() => (ended = true))
        // until the script serves, nothing answers on the camera's side
        // (while the script compiles and starts, the port answers 503: asked again)
        for (let i = 0; i < 600 && !snap && !ended; i++) {
            snap = await fetch(`${base}/capture`, { headers: auth }).catch(() => undefined)
            if (snap?.status === 503) snap = void (await snap.arrayBuffer())
            if (!snap) await new Promise((r) => setTimeout(r, 100))
        }
        if (!snap) {
            const r = await running
            t.true(r.code === 2 && /port/.test(r.stderr), `the command ended before serving: ${r.code} ${r.stderr}`)
        }
    }
    if (!snap) return t.fail("three ports were taken before the command could serve")
    const bytes = Buffer.from(await snap!.arrayBuffer())
    const refused = await fetch(`${base}/capture`)
    const wrong = await fetch(`${base}/capture`, {
        headers: { Authorization: `Basic ${Buffer.from("camera:guess").toString("base64")}` },
    })
    const ran = await running!
    t.is(ran.code, 0, ran.stderr)
    t.is(snap!.status, 200)
    t.is(snap!.headers.get("content-type"), "image/jpeg")
    t.truthy(readFrameNumber(bytes), "a test-card frame")
    t.is(refused.status, 401)
    t.is(refused.headers.get("www-authenticate"), 'Basic realm="camscript camera", charset="UTF-8"')
    t.is(wrong.status, 401)
    t.regex(ran.stderr, new RegExp(`the camera's server is on ${base} once the script calls cam.serve\\(\\)`))
    t.regex(ran.stdout, /live view: http:\/\/192\.168\.4\.1\/stream \(serving\)/)
    t.regex(ran.stdout, /snapshot opened \(200\) from 127\.0\.0\.1/)
    t.regex(ran.stdout, /snapshot unauthorized \(401\) from 127\.0\.0\.1/)
    // the timeline (stderr) tells the server's state and each request; the password never shows
    t.regex(
        ran.stderr,
        new RegExp(
            `server +Serving +port 80 stream /stream snapshot /capture, 10 fps, 1 stream client\\(s\\), password; host: ${base}`,
        ),
    )
    t.regex(ran.stderr, /server +snapshot 401 +\/capture from 127\.0\.0\.1/)
    t.notRegex(ran.stdout + ran.stderr, /aim-the-cam|guess|Y2FtZXJh/)
})

test("sim --serve: before the camera's server is up the host port answers 503 with Retry-After, never leaves a request hanging", async (t) => {
    const free = await takenPort()
    await free.close()
    const { server, url } = await openServePort(free.port)
    try {
        const res = await fetch(`${url}/stream`, { signal: AbortSignal.timeout(5000) })
        t.is(res.status, 503)
        t.is(res.headers.get("retry-after"), "1")
        t.regex(await res.text(), /starting/)
    } finally {
        await closeServePort(server)
    }
})
