// Restarts on the board's console, each with its cause, so a crash loop no
// longer reads like a program that keeps saying hello. What the real
// runtime prints, and when (DeviceScript 2.16.4, devicescript-esp32 2.16.1):
//
// - a program that crashes: fibers.c devs_panic prints "! Unhandled
//   exception" (try.c devs_unhandled_exn, then the exception and its stack),
//   "! Exception: InfiniteLoop" / "OutOfMemory" / "StackOverflow", or
//   "! Exception: Panic_<code> at (gpc:N)"; devsmgr.c devsmgr_process then
//   stops it ("* stop program") and starts it again 5 s later (1 s for a
//   restart the script asked for, "* RESTART requested"); each start prints
//   "* start: <name> <version>" (devsmgr.c run_img);
// - the runtime itself failing: jacdac-c jd_util.c jd_assert_fail prints
//   "assertion '<expr>' failed at <file>:<line> in <fn>" for a JD_ASSERT, then
//   platform.c hw_panic prints "HW PANIC!" and
//   calls abort(); ESP-IDF's panic handler prints "abort() was called" (a CPU
//   fault: "Guru Meditation Error"), then "Rebooting..."; devicescript-esp32
//   wraps panic_restart (CMakeLists.txt --wrap=panic_restart, main/dmesg.c)
//   to restart through deep sleep (platform.c target_reset), so the ROM's
//   next line says rst:0x5 (DEEPSLEEP_RESET);
// - the chip reset for a cause of its own: the ROM's "rst:0xN (NAME)" line
//   (esp-idf components/esp32/include/rom/rtc.h RESET_REASON): a watchdog, a
//   brownout (ESP-IDF's brownout handler prints "Brownout detector was
//   triggered" first), the reset button, power.

/** What the ROM's reset reasons mean, and whether the reset is a failure. */
const RESET_REASONS: Record<string, { words: string; crash: boolean }> = {
    POWERON_RESET: { words: "power on", crash: false },
    SW_RESET: { words: "a software reset", crash: false },
    OWDT_RESET: { words: "the legacy watchdog", crash: true },
    DEEPSLEEP_RESET: { words: "a restart through deep sleep", crash: false },
    SDIO_RESET: { words: "an SDIO reset", crash: false },
    TG0WDT_SYS_RESET: { words: "timer group 0's watchdog", crash: true },
    TG1WDT_SYS_RESET: { words: "timer group 1's watchdog", crash: true },
    RTCWDT_SYS_RESET: { words: "the RTC watchdog", crash: true },
    INTRUSION_RESET: { words: "an intrusion reset", crash: true },
    TGWDT_CPU_RESET: { words: "a timer group watchdog", crash: true },
    SW_CPU_RESET: { words: "a software restart of the CPU", crash: false },
    RTCWDT_CPU_RESET: { words: "the RTC watchdog", crash: true },
    EXT_CPU_RESET: { words: "the other core", crash: false },
    RTCWDT_BROWN_OUT_RESET: { words: "a brownout: the supply voltage dropped", crash: true },
    RTCWDT_RTC_RESET: { words: "the RTC watchdog or the reset button", crash: false },
}

/** A restart seen on the console, and why. */
export interface Restart {
    /** 1, 2, ... in the watched span */
    n: number
    cause: string
    /** a crash (not a deploy, a power-on, a restart the script asked for) */
    crash: boolean
}

export class RestartTracker {
    readonly restarts: Restart[] = []
    /** crashes seen, in order (a crash the span ended before the restart of counts too) */
    readonly crashes: string[] = []
    /** why the program or chip is going down, until it starts again */
    private pending: { cause: string; crash: boolean } | undefined
    /** the chip's restart was marked at its ROM line: the program's start that follows is part of it */
    private chipRestarted = false
    private started = 0

    /** @param firstStartIsOurs the first program start is the deploy's own (deploy --monitor), not a restart */
    constructor(private readonly firstStartIsOurs = false) {}

    /** The program crashed: its exception or panic line (`Error: boom`), with the script's position when known. */
    programCrashed(what: string): void {
        if (this.pending) return
        this.pending = { cause: `the program crashed (${what})`, crash: true }
        this.crashes.push(what)
    }

    /** More about the crash, once the console says it (the exception's message, its first frame). */
    detail(what: string): void {
        if (!this.pending?.crash || this.crashes.length === 0) return
        this.crashes[this.crashes.length - 1] = what
        this.pending.cause = `the program crashed (${what})`
    }

    /** A line of the board's console; a restart marker to print, or undefined. */
    line(line: string): string | undefined {
        let m: RegExpExecArray | null
        if (line === "* RESTART requested") {
            this.pending ??= { cause: "the script asked for a restart", crash: false }
        } else if ((m = /^assertion '.*' failed at (\S+?)(?: in \S+)?$/.exec(line))) {
            // jacdac-c jd_util.c jd_assert_fail prints it, then calls hw_panic ("HW PANIC!")
            this.chipFailed(`the runtime failed an internal assertion at ${m[1]}`)
        } else if (/^HW PANIC!/.test(line)) {
            this.chipFailed("the runtime hit an internal check (HW PANIC!) and aborted")
        } else if ((m = /^Guru Meditation Error: *(.*)/.exec(line))) {
            this.chipFailed(`a CPU fault: Guru Meditation Error: ${m[1]}`)
        } else if (/^abort\(\) was called/.test(line)) {
            this.chipFailed("abort() was called")
        } else if (/^Brownout detector was triggered/.test(line)) {
            this.chipFailed("a brownout: the supply voltage dropped")
        } else if ((m = /^rst:(0x[0-9a-f]+) \(([A-Z0-9_]+)\)/i.exec(line))) {
            const reason = RESET_REASONS[m[2]]
            const what = `${m[2]}${reason ? `: ${reason.words}` : ""}`
            const before = this.pending
            this.pending = undefined
            if (before) return this.mark(`the chip restarted (${what}) after ${before.cause}`, before.crash, true)
            if (reason?.crash) this.crashes.push(`the chip reset by ${reason.words}`)
            return this.mark(`the chip restarted (${what})`, reason?.crash ?? false, true)
        } else if (/^\* start:/.test(line)) {
            this.started++
            if (this.chipRestarted) {
                this.chipRestarted = false
                return undefined
            }
            const before = this.pending
            this.pending = undefined
            if (this.started === 1 && this.firstStartIsOurs && !before) return undefined
            if (before) return this.mark(`${before.cause}; the runtime started it again`, before.crash)
            return this.mark(
                "the program started again (no cause on the console: a deploy, or a crash before the monitor began)",
                false,
            )
        }
        return undefined
    }

    private chipFailed(cause: string): void {
        // "HW PANIC!" is followed by "abort() was called": one failure, named by its first line
        if (this.pending?.crash) return
        this.crashes.push(cause)
        this.pending = { cause, crash: true }
    }

    private mark(cause: string, crash: boolean, chip = false): string {
        this.chipRestarted = chip
        const restart = { n: this.restarts.length + 1, cause, crash }
        this.restarts.push(restart)
        return `--- restart ${restart.n}: ${cause} ---`
    }
}

/** The line that ends a watched span in which the program crashed: how often, and the first and last cause. */
export function crashSummary(tracker: RestartTracker, watchedMs: number): string | undefined {
    const c = tracker.crashes
    if (c.length === 0) return undefined
    const times = c.length === 1 ? "once" : `${c.length} times`
    const span = `${(watchedMs / 1000).toFixed(1)} s`
    const which =
        c.length === 1
            ? c[0]
            : c[0] === c[c.length - 1]
              ? `each time: ${c[0]}`
              : `first: ${c[0]}; last: ${c[c.length - 1]}`
    return `the program crashed ${times} in the ${span} watched (${which})`
}
