import * as ds from "@devicescript/core"
import { requireCamscriptDriver } from "./board"
import { checkContractVersion, DRIVER_ANSWER_MS } from "./network/link"
import { memoryWritten } from "./network/reconnect"
import { checkDeepSleepMs } from "./machine-checks"

// MicroPython's `machine` power functions, so a battery camera's loop ports
// line by line: `machine.deepsleep(ms)` and, on the next boot,
// `machine.reset_cause() == machine.DEEPSLEEP_RESET`. The board's power
// driver (services/board-power.md) does the sleeping; this module checks and
// decides. Nothing is built before first use: a script that never sleeps
// pays no heap for it.

/** The major version of services/board-power.md this module drives. */
export const POWER_CONTRACT_VERSION = 1

/** MicroPython's reset causes on the ESP32 (ports/esp32/modmachine: PWRON_RESET = 1 ... SOFT_RESET = 5). */
export const PWRON_RESET = 1
export const HARD_RESET = 2
export const WDT_RESET = 3
export const DEEPSLEEP_RESET = 4
export const SOFT_RESET = 5
/** MicroPython's wake reasons are ESP-IDF's esp_sleep_wakeup_cause_t: ESP_SLEEP_WAKEUP_TIMER is 4. */
export const TIMER_WAKE = 4

/** Deep sleep waits at most this long for fast reconnect's flash write (two settings round trips take a few ms). */
export const MEMORY_WRITE_WAIT_MS = 2000

/** services/board-power.md WakeCause */
const WAKE_DEEP_SLEEP_TIMER = 1

let driver: ds.CamPower = undefined
let wakeCause = -1

function power(): ds.CamPower {
    if (!driver) driver = new ds.CamPower()
    return driver
}

/** The driver's wake cause, read once per boot (a const register: it cannot change until the next boot). */
async function readWakeCause(what: string): Promise<number> {
    requireCamscriptDriver("power", what)
    if (wakeCause >= 0) return wakeCause
    const p = power()
    await checkContractVersion(
        p.contractVersion,
        POWER_CONTRACT_VERSION,
        "power driver",
        `${what}: no camscript power driver answered in ${DRIVER_ANSWER_MS} ms: the board's firmware lacks it; flash the camscript firmware (camscript flash)`,
    )
    wakeCause = await p.wakeCause.read()
    return wakeCause
}

/**
 * Sleep for `time_ms`, then boot again and run the program from its first
 * line (MicroPython's `machine.deepsleep`). Radio, Ethernet and camera stop;
 * variables are lost; settings (and with them fast reconnect's memory of the
 * access point, channel and lease) stay. Never returns.
 */
export async function deepsleep(time_ms: number): Promise<void> {
    checkDeepSleepMs(time_ms, "machine.deepsleep(): time_ms")
    await readWakeCause("machine.deepsleep()")
    // fast reconnect's memory of the link just made is what makes the next
    // wake-up quick: let its flash write finish (a write cut by the power
    // going down would be lost, on the chip as here)
    await memoryWritten(MEMORY_WRITE_WAIT_MS)
    await power().deepSleep(time_ms)
    // the board is going down: nothing after this line runs
    while (true) await ds.sleep(DRIVER_ANSWER_MS)
}

/** Why the board started: `machine.DEEPSLEEP_RESET` after a deep sleep, else `machine.PWRON_RESET`. */
export async function reset_cause(): Promise<number> {
    return (await readWakeCause("machine.reset_cause()")) === WAKE_DEEP_SLEEP_TIMER ? DEEPSLEEP_RESET : PWRON_RESET
}

/** What woke the board from deep sleep: `machine.TIMER_WAKE`, or 0 when it did not wake from one. */
export async function wake_reason(): Promise<number> {
    return (await readWakeCause("machine.wake_reason()")) === WAKE_DEEP_SLEEP_TIMER ? TIMER_WAKE : 0
}

/** `machine` as the entries export it (`import { machine } from "camscript"`). */
export const machine = {
    deepsleep: deepsleep,
    reset_cause: reset_cause,
    wake_reason: wake_reason,
    PWRON_RESET: PWRON_RESET,
    HARD_RESET: HARD_RESET,
    WDT_RESET: WDT_RESET,
    DEEPSLEEP_RESET: DEEPSLEEP_RESET,
    SOFT_RESET: SOFT_RESET,
    TIMER_WAKE: TIMER_WAKE,
}
