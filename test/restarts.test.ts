import test from "ava"
import { ConsoleLines } from "../usb/console-lines"
import { crashSummary } from "../usb/restarts"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"

// Crash loops on the board's console: every restart marked with its cause,
// and a watched span in which the program crashed ends with exit 1. The
// lines fed here are those the real runtime prints (usb/restarts.ts cites
// where each comes from); the end-to-end tests run the virtual board.

function feed(lines: string[], deployed = false) {
    const out: string[] = []
    let relogs = 0
    const c = new ConsoleLines({ deployed, print: (l) => out.push(l), chipRestarted: () => relogs++ })
    for (const l of lines) c.pushLine(l)
    c.flush()
    return { out, markers: out.filter((l) => l.startsWith("--- ")), restarts: c.restarts, relogs }
}

const SHA = "DevS-SHA256: " + "ab".repeat(32)
/** devsmgr.c, try.c and fibers.c's lines for one run of a program that throws */
const crashingRun = [
    "* start: (null) (null)",
    "> starting",
    "! Unhandled exception",
    SHA,
    "* Exception: Error",
    "*  message: boom",
    "*  at main_F0 (pc:12)",
    "* stop program",
]

test("a program crash loop: each restart after a crash is marked with the exception, and counted", (t) => {
    const { out, markers, restarts } = feed([...crashingRun, ...crashingRun, ...crashingRun], true)
    // the deploy's own start is not a restart
    t.deepEqual(markers, [
        "--- restart 1: the program crashed (Error: boom at main_F0 (pc:12) (no debug info: build or deploy the script with camscript to see file:line)); the runtime started it again ---",
        "--- restart 2: the program crashed (Error: boom at main_F0 (pc:12) (no debug info: build or deploy the script with camscript to see file:line)); the runtime started it again ---",
    ])
    t.is(out.filter((l) => l === "starting").length, 3)
    // the third crash came after the last restart: counted all the same
    t.is(restarts.crashes.length, 3)
    t.is(
        crashSummary(restarts, 15_000),
        "the program crashed 3 times in the 15.0 s watched (each time: Error: boom at main_F0 (pc:12) (no debug info: build or deploy the script with camscript to see file:line))",
    )
})

test("the VM's own panics (InfiniteLoop, OutOfMemory, Panic_N) are crashes named by their exception", (t) => {
    for (const name of ["InfiniteLoop", "OutOfMemory", "StackOverflow", "Panic_60123"]) {
        const { markers, restarts } = feed(
            [
                "* start: a 1",
                `! Exception: ${name}${name.startsWith("Panic") ? " at (gpc:40)" : ""}`,
                "!  at spin_F1 (pc:3)",
                "* stop program",
                "* start: a 1",
            ],
            true,
        )
        t.is(markers.length, 1, name)
        t.regex(markers[0], new RegExp(`^--- restart 1: the program crashed \\(${name} at spin_F1 \\(pc:3\\)`), name)
        t.is(restarts.crashes.length, 1, name)
    }
})

test("a restart the script asked for is marked but is no crash", (t) => {
    const { markers, restarts } = feed(["* start: a 1", "* RESTART requested", "* stop program", "* start: a 1"], true)
    t.deepEqual(markers, ["--- restart 1: the script asked for a restart; the runtime started it again ---"])
    t.is(restarts.crashes.length, 0)
    t.is(crashSummary(restarts, 1000), undefined)
})

test("a runtime panic restarts the chip: one marker at the ROM's reset line, naming HW PANIC!; the log asked for again", (t) => {
    // platform.c hw_panic, ESP-IDF's panic handler, the ROM after target_reset's deep sleep, then the runtime
    const { out, markers, restarts, relogs } = feed(
        [
            "* start: a 1",
            "HW PANIC!",
            "abort() was called at PC 0x400d1234 on core 0",
            "Rebooting...",
            "ets Jun  8 2016 00:22:57",
            "rst:0x5 (DEEPSLEEP_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
            "* start: a 1",
        ],
        true,
    )
    t.deepEqual(markers, [
        "--- restart 1: the chip restarted (DEEPSLEEP_RESET: a restart through deep sleep) after the runtime hit an internal check (HW PANIC!) and aborted ---",
    ])
    t.true(out.includes("  chip: HW PANIC!"))
    t.is(restarts.crashes.length, 1, "HW PANIC! and abort() are one failure")
    t.is(relogs, 1)
})

test("chip resets by a watchdog or a brownout are crashes; power on and the reset button are not", (t) => {
    const watchdog = feed(["rst:0x7 (TG0WDT_SYS_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", "* start: a 1"])
    t.deepEqual(watchdog.markers, [
        "--- restart 1: the chip restarted (TG0WDT_SYS_RESET: timer group 0's watchdog) ---",
    ])
    t.deepEqual(watchdog.restarts.crashes, ["the chip reset by timer group 0's watchdog"])

    const brownout = feed([
        "Brownout detector was triggered",
        "rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
    ])
    t.deepEqual(brownout.markers, [
        "--- restart 1: the chip restarted (RTCWDT_BROWN_OUT_RESET: a brownout: the supply voltage dropped) after a brownout: the supply voltage dropped ---",
    ])
    t.is(brownout.restarts.crashes.length, 1)

    for (const reset of ["rst:0x1 (POWERON_RESET),boot:0x13", "rst:0x10 (RTCWDT_RTC_RESET),boot:0x13"]) {
        const r = feed([reset, "* start: a 1"])
        t.is(r.markers.length, 1, reset)
        t.is(r.restarts.crashes.length, 0, reset)
    }
})

test("monitor: a start with no cause on the console is marked as such; the deploy's own start is not", (t) => {
    t.deepEqual(feed(["* start: a 1", "> hi"]).markers, [
        "--- restart 1: the program started again (no cause on the console: a deploy, or a crash before the monitor began) ---",
    ])
    t.deepEqual(feed(["* start: a 1", "> hi"], true).markers, [])
})

test("--timestamps: each line starts with the seconds since following began", (t) => {
    const out: string[] = []
    const c = new ConsoleLines({ timestamps: true, print: (l) => out.push(l) })
    c.pushLine("> hi")
    t.regex(out[0], /^\[ {3}0\.\d{3}s\] hi$/)
})

test("deploy --for and --timestamps without --monitor are refused, not ignored", async (t) => {
    for (const option of [["--for", "10s"], ["--timestamps"]]) {
        const r = await camscript("deploy", "test/scripts/crash-loop.ts", ...option)
        t.is(r.code, 2, option[0])
        t.regex(r.stderr, new RegExp(`${option[0]} applies to --monitor only .*add --monitor`), option[0])
    }
})

const serial = needs("socat", test.serial)
test.after.always(stopEverything)

serial("a crash loop on the virtual board: deploy --monitor and monitor mark each restart and exit 1", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        // the program throws 0.5 s after it starts; the runtime starts it again 5 s after a crash:
        // crashes at about 0.5 s and 6 s, the next restart at 11 s, past the 9 s watched (room for a loaded machine)
        const r = await camscript(
            "deploy",
            "test/scripts/crash-loop.ts",
            "--port",
            pty.host,
            "--monitor",
            "--for",
            "9s",
        )
        t.is(r.code, 1, r.stderr)
        // what deploy said goes with a miss, so a failure on a loaded machine says why
        t.regex(r.stdout, /^! Error: boom\n {4}at main \(test\/scripts\/crash-loop\.ts:7:1\)$/m, r.stderr)
        t.regex(
            r.stdout,
            /^--- restart 1: the program crashed \(Error: boom at main \(test\/scripts\/crash-loop\.ts:7:1\)\); the runtime started it again ---\nstarting$/m,
        )
        t.regex(
            r.stderr,
            /camscript deploy: the program crashed 2 times in the 9\.\d s watched \(each time: Error: boom at main \(test\/scripts\/crash-loop\.ts:7:1\)\)/,
        )
        // monitor joins the loop wherever it is (a 5.5 s cycle): 12 s hold a whole restart, its start
        // and its crash, and two crashes or three; the summary must count the crashes the console showed
        const m = await camscript("monitor", "--port", pty.host, "--for", "12s")
        t.is(m.code, 1, m.stderr)
        t.regex(m.stdout, /^--- restart \d: .*---\nstarting\n! Error: boom$/m)
        const seen = m.stdout.match(/^! Error: boom$/gm)?.length ?? 0
        t.true(seen === 2 || seen === 3, m.stdout)
        t.regex(m.stderr, new RegExp(`camscript monitor: the program crashed ${seen} times in the 12\\.\\d s watched`))
    } finally {
        await vb.stop()
        pty.stop()
    }
})

test("a JD_ASSERT on the board: jd_assert_fail's line names the cause of the chip's restart, one crash", (t) => {
    const { out, markers, restarts } = feed(
        [
            "* start: a 1",
            "assertion 'r == NULL || devs_is_map(r)' failed at devicescript/objects.c:865 in devs_object_get_attached_rw",
            "HW PANIC!",
            "abort() was called at PC 0x400d1234 on core 0",
            "rst:0x5 (DEEPSLEEP_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
            "* start: a 1",
        ],
        true,
    )
    t.deepEqual(markers, [
        "--- restart 1: the chip restarted (DEEPSLEEP_RESET: a restart through deep sleep) after the runtime failed an internal assertion at devicescript/objects.c:865 ---",
    ])
    t.true(out.some((l) => l.startsWith("  chip: assertion 'r == NULL")))
    t.deepEqual(restarts.crashes, ["the runtime failed an internal assertion at devicescript/objects.c:865"])
})
