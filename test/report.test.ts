import test from "ava"
import { execFile } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import {
    clockTime,
    escapeHtml,
    MEANING_COLOUR,
    MIN_BAND_PX,
    readableDuration,
    reportHtml,
    stateMeaning,
    timeTicks,
} from "../cli/report-page"
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
    t.regex(html, /data-state="GotAddress" data-meaning="up" x="270\.0" y="0" width="360\.0"/)
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

// ---- issue 22.7: colours that match meaning, axes that match the band, short events visible, readable times

const HOUR = 3_600_000

/** A 6-hour run: Wi-Fi up with a 90-second outage at 01:30:00; Ethernet's cable unplugged for a minute. */
function sixHours() {
    return reportHtml({
        script: "watch.ts",
        world: "w.json",
        board: "wt32_eth01",
        outcome: "ran-for",
        simulatedMs: 6 * HOUR,
        output: [{ atMs: 1.5 * HOUR, text: "lost it" }],
        timeline: [
            { atMs: 0, source: "wifi", event: "Scanning", detail: "", state: "Scanning" },
            { atMs: 3000, source: "wifi", event: "GotAddress", detail: "", state: "GotAddress", rssiDbm: -50 },
            { atMs: 1.5 * HOUR, source: "wifi", event: "Idle", detail: "", state: "Idle", reason: "BeaconTimeout" },
            { atMs: 1.5 * HOUR + 1000, source: "wifi", event: "Scanning", detail: "", state: "Scanning" },
            {
                atMs: 1.5 * HOUR + 90_000,
                source: "wifi",
                event: "GotAddress",
                detail: "",
                state: "GotAddress",
                rssiDbm: -52,
            },
            { atMs: 0, source: "eth", event: "Started", detail: "", state: "Started" },
            { atMs: 1000, source: "eth", event: "LinkUp", detail: "", state: "LinkUp" },
            { atMs: 2000, source: "eth", event: "GotAddress", detail: "", state: "GotAddress", ip: "10.0.0.5" },
            { atMs: 2 * HOUR, source: "eth", event: "Started", detail: "", state: "Started", reason: "CableUnplugged" },
            { atMs: 2 * HOUR + 60_000, source: "eth", event: "LinkUp", detail: "", state: "LinkUp" },
            {
                atMs: 2 * HOUR + 61_000,
                source: "eth",
                event: "GotAddress",
                detail: "",
                state: "GotAddress",
                ip: "10.0.0.5",
            },
        ],
    })
}

test("state colours follow meaning: an unplugged cable is down (red), never connecting (amber)", (t) => {
    t.is(stateMeaning("eth", "Started", "CableUnplugged"), "down")
    t.is(stateMeaning("eth", "Started"), "down")
    t.is(stateMeaning("eth", "LinkUp"), "connecting")
    t.is(stateMeaning("eth", "GotAddress"), "up")
    t.is(stateMeaning("eth", "Stopped"), "off")
    t.is(stateMeaning("wifi", "Idle", "BeaconTimeout"), "down")
    t.is(stateMeaning("wifi", "Idle", "LeftByRequest"), "off")
    t.is(stateMeaning("wifi", "Idle"), "off")
    for (const s of ["Scanning", "Associating", "Handshaking", "ObtainingAddress"])
        t.is(stateMeaning("wifi", s), "connecting")
    t.is(stateMeaning("ap", "Starting"), "connecting")
    t.is(stateMeaning("ap", "Up"), "up")
    const html = sixHours()
    const unplugged =
        /<rect class="state" data-state="Started" data-meaning="down" [^>]*fill="([^"]+)"><title>02:00:00\.000 Started \(CableUnplugged\), 60 s<\/title>/.exec(
            html,
        )
    t.truthy(unplugged, "the minute without a cable is a down band")
    t.is(unplugged![1], MEANING_COLOUR.down)
    t.not(MEANING_COLOUR.down, MEANING_COLOUR.connecting)
})

test("axes match the band: dBm on Wi-Fi, none on Ethernet", (t) => {
    const html = sixHours()
    const lane = (iface: string) =>
        new RegExp(`<section class="iface" data-iface="${iface}">[\\s\\S]*?</section>`).exec(html)![0]
    t.regex(lane("wifi"), /-50 dBm<\/text>/)
    t.notRegex(lane("eth"), /dBm/)
    t.notRegex(lane("eth"), /class="rssi"/)
    t.regex(lane("eth"), /<svg viewBox="0 0 900 28"/)
})

test("a 90-second outage in 6 hours is drawn at least MIN_BAND_PX wide, on top, and listed with its time and length", (t) => {
    const html = sixHours()
    // 90 s of 6 h on 900 px is 0.375 px: drawn MIN_BAND_PX wide
    const bands = [
        ...html.matchAll(
            /<rect class="state" data-state="(\w+)" data-meaning="(\w+)" x="([\d.]+)" y="0" width="([\d.]+)"/g,
        ),
    ]
    const idle = bands.find((b) => b[1] === "Idle")!
    t.is(Number(idle[4]), MIN_BAND_PX)
    t.is(Number(idle[3]), 225)
    // drawn after (over) every up band of its lane
    const wifi = bands.filter((b) => html.indexOf(b[0]) < html.indexOf('data-iface="eth"'))
    t.true(wifi.findIndex((b) => b[2] !== "up") > wifi.findLastIndex((b) => b[2] === "up"))
    t.regex(
        html,
        /<ul class="outages" data-iface="wifi"><li><b>01:30:00\.000<\/b> 90 s: Idle, BeaconTimeout<\/li><\/ul>/,
    )
    t.regex(
        html,
        /<ul class="outages" data-iface="eth"><li><b>02:00:00\.000<\/b> 61 s: Started, CableUnplugged<\/li><\/ul>/,
    )
})

test("times read as people read them: 6 h, 01:30:00; never 21600.000s", (t) => {
    const html = sixHours()
    t.false(html.includes("21600.000s"))
    t.regex(html, /after <b id="span">6 h<\/b> of simulated time/)
    const ticks = [...html.matchAll(/<span style="left:[\d.]+%;transform:translateX\(-\d+%\)">([^<]+)<\/span>/g)].map(
        (m) => m[1],
    )
    t.deepEqual(ticks, ["00:00:00", "01:00:00", "02:00:00", "03:00:00", "04:00:00", "05:00:00", "06:00:00"])
    t.deepEqual([0, 250, 2500, 59_000, 100_000, 90 * 60_000, 6 * HOUR, 26 * HOUR, 49 * HOUR].map(readableDuration), [
        "0 ms",
        "250 ms",
        "2.5 s",
        "59 s",
        "2 min",
        "1 h 30 min",
        "6 h",
        "26 h",
        "2 d 1 h",
    ])
    t.is(clockTime(1.5 * HOUR, 6 * HOUR), "01:30:00")
    t.is(clockTime(90_000, 10 * 60_000), "1:30")
    t.is(clockTime(12_500, 30_000), "12.5 s")
    t.is(clockTime(1.5 * HOUR + 250, 6 * HOUR, true), "01:30:00.250")
    t.deepEqual(timeTicks(60_000), [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
})

needs("chromium", test.serial)(
    "Chromium renders the 6-hour page: the outage is visible, the axis readable",
    async (t) => {
        const dir = tempDir("camscript-report-6h-")
        const file = join(dir, "six-hours.html")
        writeFileSync(file, sixHours())
        const dom = await chromium(["--dump-dom", `file://${file}`])
        t.is(dom.code, 0, dom.stderr)
        t.regex(dom.stdout, /data-state="Idle" data-meaning="down" x="225\.0" y="0" width="3\.0"/)
        t.regex(dom.stdout, />06:00:00<\/span>/)
        t.regex(dom.stdout, /<b>01:30:00\.000<\/b> 90 s: Idle, BeaconTimeout/)
        t.regex(dom.stdout, /<h3>Wi-Fi station: 1 outage<\/h3>/)
        t.notRegex(dom.stderr, /CONSOLE|Uncaught|Refused to load/)
        const shot = join(dir, "six-hours.png")
        const png = await chromium([`--screenshot=${shot}`, "--window-size=1400,900", `file://${file}`])
        t.is(png.code, 0, png.stderr)
        t.true(existsSync(shot) && readFileSync(shot).length > 10_000)
    },
)
