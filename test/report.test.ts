import test from "ava"
import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { escapeHtml, reportHtml } from "../cli/report-page"
import { camscriptMain } from "./helpers/main"
import { scriptFile } from "./helpers/run"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"
import { programPath } from "../tools/outside-programs"

// `camscript sim --report FILE.html`: a self-contained page of the link's
// states and RSSI over simulated time, the world's events, the output;
// rendered in headless Chromium (`npm run setup` installs it; without it
// that test is skipped: test/helpers/needs.ts).

const CHROMIUM = programPath("chromium")

function chromium(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) =>
        execFile(
            CHROMIUM!,
            ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", ...args],
            { maxBuffer: 32 * 1024 * 1024, timeout: 120_000 },
            (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        ),
    )
}

test("the page escapes what it shows and draws one band per state", (t) => {
    const html = reportHtml({
        script: "a<b>.ts",
        world: "w.json",
        board: "ai_thinker_esp32_cam",
        outcome: "finished",
        simulatedMs: 1000,
        output: [{ atMs: 500, text: "<script>alert(1)</script>" }],
        timeline: [
            { atMs: 100, source: "wifi", event: "Scanning", detail: "", state: "Scanning" },
            { atMs: 300, source: "wifi", event: "GotAddress", detail: "", state: "GotAddress", rssiDbm: -50 },
            { atMs: 600, source: "world", event: "power-off", detail: "my-network" },
            { atMs: 700, source: "wifi", event: "Idle", detail: "", state: "Idle", reason: "BeaconTimeout" },
        ],
    })
    t.false(html.includes("<script>alert"), "output is text, never markup")
    t.true(html.includes(escapeHtml("<script>alert(1)</script>")))
    t.false(/<script|src=|href=/i.test(html), "self-contained: no script, no external file")
    t.is(html.match(/<rect class="state"/g)?.length, 3)
    // the band of GotAddress spans 300..700 ms of a 1000 ms run on a 900 px lane
    t.regex(html, /data-state="GotAddress" x="270\.0" y="0" width="360\.0"/)
    // RSSI drawn from GotAddress to the Idle that ends it, not beyond
    t.regex(html, /<polyline class="rssi" points="270\.0,\S+ 630\.0,\S+"\/>/)
    t.is(html.match(/<line class="event"/g)?.length, 1)
})

needs("chromium", test.serial)(
    "sim --report writes the page; Chromium renders it, shows the run, logs no console error",
    async (t) => {
        const dir = tempDir("camscript-report-")
        const file = join(dir, "run.html")
        const script = scriptFile(`import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
wlan.on_change((c) => console.log(\`change \${c.state}\`))
await wlan.connect("my-network", "my-password")
`)
        const r = await camscriptMain(
            "sim",
            script,
            "--world",
            "sim/worlds/ap-power-cycle.json",
            "--run-for",
            "60s",
            "--no-timeline",
            "--report",
            file,
        )
        t.is(r.code, 0, r.stderr)
        const html = readFileSync(file, "utf8")
        t.false(html.includes("my-password"), "no secret on the page")
        const dom = await chromium(["--dump-dom", `file://${file}`])
        t.is(dom.code, 0, dom.stderr)
        t.regex(dom.stdout, /<section class="iface" data-iface="wifi">/)
        t.regex(dom.stdout, /<b id="outcome">ran-for<\/b>/)
        t.regex(dom.stdout, /power-off my-network/)
        t.regex(dom.stdout, /power-on my-network/)
        t.regex(dom.stdout, /change got-address/)
        t.true((dom.stdout.match(/data-state="GotAddress"/g)?.length ?? 0) >= 2, "up before the power cycle and after")
        t.notRegex(dom.stderr, /CONSOLE|Uncaught|Refused to load/, "no error in the page's console")
        const shot = join(dir, "run.png")
        const png = await chromium([`--screenshot=${shot}`, "--window-size=1400,900", `file://${file}`])
        t.is(png.code, 0, png.stderr)
        t.true(existsSync(shot) && readFileSync(shot).length > 10_000, "the page rendered to an image")
    },
)

test.serial("--report needs an .html name (exit 2)", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--report", "out.txt")
    t.is(r.code, 2)
    t.regex(r.stderr, /--report out\.txt: the report is a page: name it \*\.html/)
})
