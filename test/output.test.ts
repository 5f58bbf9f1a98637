import test from "ava"
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { hasUnprintable, nameText, printable, printableStream } from "../project/printable"
import { formatEntry, Timeline } from "../sim/timeline"
import { typedEntry } from "../sim/timeline-fields"
import { REPORT_OUTPUT_LINES, REPORT_TIMELINE_ENTRIES, reportCollector, ReportFileError } from "../cli/report-file"
import { checkDestination, DestinationError } from "../project/destinations"
import { ConsoleLines } from "../usb/console-lines"
import { camscriptMain } from "./helpers/main"
import { runScript, scriptFile } from "./helpers/run"
import { CONSOLE_LINE_MAX_BYTES, CUT_MARK } from "../sim/session"
import { tempDir } from "./helpers/cleanup"

// Output that must not fail after the run and must not lie (issue 23.4):
// destinations checked before the run, bounded reports, typed fields from
// values, one JSON object per line, control characters escaped.

const dir = tempDir("camscript-output-")

function worldWith(ssid: string): string {
    const file = join(dir, `w-${Buffer.from(ssid).toString("hex").slice(0, 40)}.json`)
    writeFileSync(
        file,
        JSON.stringify({
            camera: { position: [0, 0] },
            accessPoints: [{ ssid, security: "wpa2-psk", password: "my-password", channel: 6, position: [6, 2] }],
        }),
    )
    return file
}

const joinScript = (ssid: string) =>
    scriptFile(`import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect(${JSON.stringify(ssid)}, "my-password")
await wlan.wait_connected(15000)
console.log("up")
`)

// ---- control characters

test("printable escapes every C0 and C1 control, DEL, the line separators and bidi controls; nothing else", (t) => {
    for (let c = 0; c < 0x20; c++) {
        const out = printable(`a${String.fromCharCode(c)}b`)
        t.false(hasUnprintable(out), `U+${c.toString(16)}`)
        t.regex(out, /^a\\(x[0-9a-f]{2}|n|r|t)b$/)
    }
    t.is(printable("\n\r\t\u001b\u0000"), "\\n\\r\\t\\x1b\\x00")
    t.is(printable("\u007f\u0080\u009b\u009f"), "\\x7f\\x80\\x9b\\x9f")
    t.is(printable("\u2028\u2029\u202e\u2066\u2069"), "\\u2028\\u2029\\u202e\\u2066\\u2069")
    // the edges just inside: space, tilde, NBSP, the character after the bidi isolates
    const plain = " ~\u00a0\u206aé😀网络\u202f\u2065"
    t.is(printable(plain), plain)
    // a stream keeps its line breaks and tabs, nothing else
    t.is(printableStream("a\r\nb\tc\u001b[2J\u0000"), "a\r\nb\tc\\x1b[2J\\x00")
})

test("nameText: a plain word stays bare; a name that could pass for fields is quoted", (t) => {
    t.is(nameText("my-network"), "my-network")
    t.is(nameText("Café_😀"), "Café_😀")
    t.is(nameText("a rssi=-1 dBm ip=6.6.6.6"), '"a rssi=-1 dBm ip=6.6.6.6"')
    t.is(nameText("x\n[ 9.999s] wifi  GotAddress"), '"x\\n[ 9.999s] wifi  GotAddress"')
    t.is(nameText("\u001b[31m"), '"\\u001b[31m"')
    t.is(nameText("(site)"), '"(site)"')
    t.is(nameText(""), '""')
})

test("a timeline line is one line whatever its detail holds", (t) => {
    const line = formatEntry({
        atMs: 1,
        source: "wifi",
        event: "Idle",
        detail: "ap=x\n[ 9.999s] wifi  GotAddress \u001b[2J",
    })
    t.false(line.includes("\n"))
    t.false(line.includes("\u001b"))
    t.true(line.endsWith("ap=x\\n[ 9.999s] wifi  GotAddress \\x1b[2J"))
})

test("monitor: what the board sends is shown escaped, ESC sequences and NUL included", (t) => {
    const printed: string[] = []
    const lines = new ConsoleLines({ print: (l) => printed.push(l) })
    lines.push(new TextEncoder().encode("> hi\u001b]0;pwned\u0007 \u0000x\n! boom\u001b[2J\n"))
    t.deepEqual(printed, ["hi\\x1b]0;pwned\\x07 \\x00x", "! boom\\x1b[2J"])
})

// ---- typed fields from values

test("typed fields come from the driver's values, never from the detail text", (t) => {
    const tl = new Timeline(() => 5)
    tl.add("wifi", "GotAddress", "ap=a rssi=-1 dBm ip=6.6.6.6 (02:00:00:00:00:01, ch 6) rssi=-44 dBm", {
        state: "GotAddress",
        rssiDbm: -44,
        ssid: "a rssi=-1 dBm ip=6.6.6.6",
        ip: "192.168.1.100",
    })
    t.deepEqual(typedEntry(tl.entries[0]), {
        atMs: 5,
        source: "wifi",
        event: "GotAddress",
        detail: "ap=a rssi=-1 dBm ip=6.6.6.6 (02:00:00:00:00:01, ch 6) rssi=-44 dBm",
        state: "GotAddress",
        rssiDbm: -44,
        ssid: "a rssi=-1 dBm ip=6.6.6.6",
        ip: "192.168.1.100",
    })
    // text alone gives no field
    tl.add("wifi", "scan-done", "reason=AuthFailed rssi=-1 dBm ip=6.6.6.6")
    t.deepEqual(Object.keys(typedEntry(tl.entries[1])), ["atMs", "source", "event", "detail"])
})

for (const driver of ["model", "firmware"]) {
    for (const ssid of ["x rssi=-1 dBm ip=6.6.6.6\n\u001b[2J", "a\n[ 9.999s] wifi  GotAddress"]) {
        test.serial(
            `an SSID cannot forge --json's fields or the timeline's lines: ${JSON.stringify(ssid)} (${driver} driver)`,
            async (t) => {
                const r = await camscriptMain(
                    "sim",
                    joinScript(ssid),
                    "--world",
                    worldWith(ssid),
                    "--driver",
                    driver,
                    "--json",
                )
                t.is(r.code, 0, r.stderr)
                const lines = r.stdout
                    .trim()
                    .split("\n")
                    .map((l) => JSON.parse(l) as Record<string, unknown>)
                const up = lines.filter((l) => l.type === "timeline" && l.state === "GotAddress")
                t.is(up.length, 1)
                t.is(up[0].ssid, ssid)
                t.is(up[0].ip, "192.168.1.100")
                t.true(typeof up[0].rssiDbm === "number" && (up[0].rssiDbm as number) < -30)
                // the text timeline: every line is the timeline's or camscript's, no forged one, no ESC
                const text = await camscriptMain(
                    "sim",
                    joinScript(ssid),
                    "--world",
                    worldWith(ssid),
                    "--driver",
                    driver,
                )
                t.is(text.code, 0, text.stderr)
                t.false(text.stderr.includes("\u001b"))
                for (const l of text.stderr.trim().split("\n")) t.regex(l, /^(\[ +\d+\.\d{3}s\] |camscript: )/)
                t.is(text.stderr.match(/^\[ +\d+\.\d{3}s\] wifi +GotAddress/gm)?.length, 1)
                t.true(text.stderr.includes(`ap=${printable(JSON.stringify(ssid))} (`))
            },
        )
    }
}

test.serial("a script's output with control characters is printed escaped", async (t) => {
    const r = await camscriptMain("sim", scriptFile('console.log("a\\u001b[2Jb\\u0007c")\n'), "--no-timeline")
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /^\[ +\d+\.\d{3}s\] a\\x1b\[2Jb\\x07c\n$/)
})

// ---- destinations checked before the run

test("checkDestination: a missing folder, a folder, a device, a path through a file are refused; a new or existing file is not", (t) => {
    const missing = join(dir, "nope", "r.html")
    t.throws(() => checkDestination(missing, "--report x"), { instanceOf: DestinationError, message: /does not exist/ })
    t.throws(() => checkDestination(dir, "--report x"), { message: /is a folder/ })
    t.throws(() => checkDestination("/dev/full", "--flash x"), { message: /not a regular file/ })
    const file = join(dir, "plain")
    writeFileSync(file, "")
    t.throws(() => checkDestination(join(file, "r.html"), "--report x"), { message: /not a folder/ })
    t.notThrows(() => checkDestination(join(dir, "new.html"), "--report x"))
    t.notThrows(() => checkDestination(file, "--report x"))
})

for (const [flag, name] of [
    ["--report", "missing-folder/run.html"],
    ["--report", "."],
    ["--flash", "/dev/full"],
    ["--flash", "missing-folder/f.bin"],
] as const) {
    test.serial(
        `${flag} ${name}: refused before the run, exit 2, no stack, --json ends with its outcome`,
        async (t) => {
            const target = name.startsWith("/") ? name : name === "." ? dir : join(dir, name)
            const shown = flag === "--report" && name === "." ? `${dir}/` : target
            const started = performance.now()
            const r = await camscriptMain(
                "sim",
                "examples/wifi-station.ts",
                flag,
                flag === "--report" && name === "." ? dir : shown,
                "--json",
            )
            t.is(r.code, 2, r.stderr)
            t.notRegex(r.stderr, /\n\s+at |internal error/)
            t.regex(r.stderr, new RegExp(`camscript( sim)?: ${flag}`))
            const last = JSON.parse(r.stdout.trim().split("\n").pop()!) as { type: string; outcome: string }
            t.deepEqual([last.type, last.outcome], ["outcome", "not-run"])
            t.false(r.stdout.includes('"type":"start"'), "refused before the run started")
            t.true(performance.now() - started < 30_000)
        },
    )
}

test.serial("a report that cannot be written after the run is said (exit 2), never a stack trace", async (t) => {
    const sub = join(dir, "goes-away")
    mkdirSync(sub, { recursive: true })
    const file = join(sub, "run.html")
    const report = reportCollector(file)
    rmSync(sub, { recursive: true })
    t.throws(() => report.write({ script: "s", world: "w", board: "b", outcome: "finished", simulatedMs: 1 }), {
        instanceOf: ReportFileError,
        message: `--report ${file}: not written: its folder does not exist`,
    })
})

test("a report keeps the first and last output lines and says how many it left out; the timeline up to its bound", (t) => {
    const file = join(dir, "bounded.html")
    const report = reportCollector(file)
    const out = report.tee(() => {})
    const total = REPORT_OUTPUT_LINES * 5 + 3
    for (let i = 0; i < total; i++) out({ atMs: i, text: `line ${i}` })
    const tl = report.teeTimeline(undefined)
    for (let i = 0; i < REPORT_TIMELINE_ENTRIES + 7; i++)
        tl({
            atMs: i,
            source: "wifi",
            event: i % 2 ? "GotAddress" : "Idle",
            detail: "",
            state: i % 2 ? "GotAddress" : "Idle",
        })
    report.write({ script: "s", world: "w", board: "b", outcome: "finished", simulatedMs: total })
    const html = readFileSync(file, "utf8")
    const half = REPORT_OUTPUT_LINES / 2
    t.true(html.includes(`>line ${half - 1}<`))
    t.false(html.includes(`>line ${half}<`))
    t.false(html.includes(`>line ${total - half - 1}<`))
    t.true(html.includes(`>line ${total - half}<`))
    t.true(html.includes(`>line ${total - 1}<`))
    t.true(html.includes(`… ${total - REPORT_OUTPUT_LINES} line(s) not kept`))
    t.regex(html, new RegExp(`keeps its first ${REPORT_TIMELINE_ENTRIES} entries \\(7 more not kept\\)`))
})

// ---- fleets: one object per line, with `type`

const fleetDir = tempDir("camscript-fleet-json-")
const ap = { ssid: "my-network", security: "wpa2-psk", password: "my-password", position: [6, 2] }

test.serial(
    "fleet --json: one object per line, each with a type: start, timeline, output, camera, outcome",
    async (t) => {
        const world = join(fleetDir, "two.json")
        writeFileSync(
            world,
            JSON.stringify({
                accessPoints: [ap],
                cameras: [
                    { name: "site", position: [0, 0], script: join(process.cwd(), "examples/wifi-station.ts") },
                    { name: "b.c", position: [1, 0] },
                ],
            }),
        )
        const r = await camscriptMain("sim", "test/scripts/hello.ts", "--world", world, "--json", "--timeout", "30s")
        t.is(r.code, 0, r.stderr)
        const lines = r.stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        t.true(lines.every((l) => typeof l.type === "string"))
        t.is(lines[0].type, "start")
        t.deepEqual(lines[0].cameras, ["site", "b.c"])
        t.deepEqual(lines.at(-1), { ...lines.at(-1), type: "outcome", outcome: "finished", exitCode: 0 })
        t.deepEqual(
            lines.filter((l) => l.type === "output").map((l) => [l.camera, l.text]),
            [
                ["b.c", "hello"],
                ["site", "link up"],
            ].sort((a, b) => (a[0] === "b.c" ? -1 : b[0] === "b.c" ? 1 : 0)),
        )
        const cams = lines.filter((l) => l.type === "camera")
        t.deepEqual(
            cams.map((c) => [c.name, c.ip, c.finalState]),
            [
                ["site", "192.168.1.100", "GotAddress"],
                ["b.c", undefined, "Stopped"],
            ],
        )
        // the site's own timeline lines carry no camera; a camera named "site" is still a camera
        t.true(lines.some((l) => l.type === "timeline" && l.camera === undefined && l.source === "sim"))
        t.true(lines.some((l) => l.type === "timeline" && l.camera === "site" && l.state === "GotAddress"))
        // on the terminal: the site is "(site)", the camera named site is "site"
        const text = await camscriptMain("sim", "test/scripts/hello.ts", "--world", world, "--timeout", "30s")
        t.regex(text.stderr, /\] \(site\) +sim {3}start/)
        t.regex(text.stderr, /\] site +wifi {2}GotAddress/)
        t.notRegex(text.stderr, /\] site +sim {3}start/)
        t.regex(text.stdout, /\] b\.c +hello/)
    },
)

test.serial(
    "fleet --json usage errors end with the same outcome line; a missing camera script names the camera",
    async (t) => {
        const world = join(fleetDir, "missing.json")
        writeFileSync(
            world,
            JSON.stringify({
                accessPoints: [ap],
                cameras: [{ name: "porch", position: [0, 0], script: join(fleetDir, "no-such.ts") }],
            }),
        )
        const r = await camscriptMain("sim", "--world", world, "--json")
        t.is(r.code, 2)
        t.regex(r.stderr, /camera "porch": .*no-such\.ts: no such file/)
        const lines = r.stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        t.is(lines.length, 1)
        t.like(lines[0], { type: "outcome", outcome: "not-run", exitCode: 2 })
        const usage = await camscriptMain("sim", "--world", world, "--json", "--report", join(fleetDir, "r.html"))
        t.is(usage.code, 2)
        t.like(JSON.parse(usage.stdout.trim()), { type: "outcome", outcome: "not-run", exitCode: 2 })
    },
)

test.after.always(() => {
    for (const d of [dir, fleetDir]) if (existsSync(d)) rmSync(d, { recursive: true, force: true })
    void statSync
    void chmodSync
})

// ---- console.log's line bound

test("a console.log line at the runtime's bound is marked, a character cut in half dropped; one byte under is not", async (t) => {
    const e = "é".repeat(200)
    const r = await runScript(
        `console.log("a${e}")\nconsole.log("${"x".repeat(400)}")\nconsole.log("${"x".repeat(CONSOLE_LINE_MAX_BYTES)}")\nconsole.log("${"x".repeat(CONSOLE_LINE_MAX_BYTES - 1)}")\n`,
    )
    t.is(r.outcome, "finished", r.error)
    // "a" and 147 whole é: 295 bytes; the half é that made 296 is dropped, the mark says where the line ended
    t.is(r.lines[0], `a${"é".repeat(147)}${CUT_MARK}`)
    t.is(r.lines[1], `${"x".repeat(CONSOLE_LINE_MAX_BYTES)}${CUT_MARK}`)
    t.is(r.lines[2], `${"x".repeat(CONSOLE_LINE_MAX_BYTES)}${CUT_MARK}`)
    t.is(r.lines[3], "x".repeat(CONSOLE_LINE_MAX_BYTES - 1))
    t.is(CUT_MARK, "…[a console.log line ends at 296 bytes]")
})
