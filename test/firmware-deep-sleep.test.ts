import test from "ava"
import { loadContract } from "../sim/contract"
import { FirmwareBoard } from "../sim/firmware/board"
import { jdpack } from "../sim/jacdac"
import { Air } from "../sim/radio/air"
import { Timeline } from "../sim/timeline"
import { parseWorld } from "../sim/world/world"
import { ManualClock } from "./helpers/manual-clock"

// Deep sleep under --driver firmware, below the VM: the C power driver
// (firmware/main/cam_board_power.c) calls esp_deep_sleep_start(), and the
// board (sim/firmware/board.ts) drops its WebAssembly instance as the chip
// loses power, then boots a fresh instance of the module at wake(): every C
// static at its initial value (fresh DRAM), only the RTC_DATA_ATTR segment
// kept (ESP-IDF v5.0.5 docs/en/api-guides/deep-sleep-stub.rst: "Data in
// RTC memory is initialised whenever the SoC restarts, except when waking
// from deep sleep"). Both halves are checked: an instance that is not
// rebooted keeps the DRAM mark below; one whose RTC memory is not carried
// over loses the power driver's own sleep mark, and its wake cause reads
// PowerOn.

const station = loadContract("wifi-station.md")
const power = loadContract("board-power.md")

/** The board's instance memory and scratch, read as the tests of the C do (not part of the board's API). */
interface Inside {
    exports: {
        memory: { buffer: ArrayBuffer }
        sim_scratch(): number
        sim_rtc_memory_start(): number
        sim_rtc_memory_end(): number
    }
}

function rtcMemory(board: FirmwareBoard): Uint8Array {
    const x = (board as unknown as Inside).exports
    const start = x.sim_rtc_memory_start()
    return new Uint8Array(x.memory.buffer, start, x.sim_rtc_memory_end() - start)
}

function scratchTail(board: FirmwareBoard): Uint8Array {
    const x = (board as unknown as Inside).exports
    // the scratch is 1024 bytes; commands use its start and wipe what they used
    return new Uint8Array(x.memory.buffer, x.sim_scratch() + 512, 512)
}

function setUp() {
    const world = parseWorld({ accessPoints: [] }, "(deep sleep test)")
    const clock = new ManualClock()
    const timeline = new Timeline(() => clock.now())
    const air = new Air(world, clock, timeline)
    const sleeps: number[] = []
    const board = new FirmwareBoard({
        air,
        clock,
        timeline,
        mac: world.camera.mac,
        services: { station, power },
        onDeepSleep: (ms) => sleeps.push(ms),
    })
    const powerIndex = board.servers.findIndex((s) => s.contract === power)
    const replies: { command: number; data: Uint8Array }[] = []
    board.servers[powerIndex].reply = (command, data) => replies.push({ command, data })
    const wakeCause = (): string => {
        replies.length = 0
        const get = 0x1000 | power.packet("const", "wake_cause").code
        board.command(powerIndex, get, new Uint8Array(0))
        clock.advance(1)
        const r = replies.find((x) => x.command === get)
        if (!r) throw new Error("the power driver did not answer wake_cause")
        return power.enumName("WakeCause", r.data[0])
    }
    const deepSleep = (ms: number) => {
        const cmd = power.packet("command", "deep_sleep")
        board.command(powerIndex, cmd.code, jdpack(cmd.format, [ms]))
        clock.advance(1)
    }
    return { board, clock, sleeps, wakeCause, deepSleep, powerIndex }
}

test("firmware deep sleep: the C's esp_deep_sleep_start() powers the board down; wake() boots a fresh instance (DRAM fresh) whose power driver reads DeepSleepTimer (RTC memory kept)", (t) => {
    const { board, clock, sleeps, wakeCause, deepSleep } = setUp()
    t.is(board.boots, 1)
    t.is(wakeCause(), "PowerOn")
    // a mark in the instance's RAM (DRAM on the chip): it must not survive the sleep
    scratchTail(board).fill(0xa5)
    deepSleep(600_000)
    t.deepEqual(sleeps, [600_000], "the C asked for the duration it was given")
    t.true(board.sleeping)
    // asleep, the chip runs nothing: a command is lost, no pass is scheduled
    clock.advance(10_000)
    t.deepEqual(sleeps, [600_000])
    board.wake()
    t.false(board.sleeping)
    t.is(board.boots, 2)
    t.true(
        scratchTail(board).every((b) => b === 0),
        "the instance's RAM survived the deep sleep: the module was not rebooted",
    )
    t.is(wakeCause(), "DeepSleepTimer", "the power driver's RTC mark was lost, or the reset reason not passed")
})

test("firmware deep sleep: the power driver's RTC mark (its one RTC_DATA_ATTR variable) is cleared at every boot and set again before each sleep; a zero duration is refused by the C", (t) => {
    const { board, sleeps, wakeCause, deepSleep } = setUp()
    // the sleep mark: a u32 in the C, which clang -O2 may keep as one byte (it is only ever the mark or 0)
    t.true(rtcMemory(board).length >= 1, "no RTC memory: RTC_DATA_ATTR does not reach the rtc_data segment")
    // the C refuses 0 ms (the bytecode never sends it): the board stays up
    deepSleep(0)
    t.deepEqual(sleeps, [])
    t.false(board.sleeping)
    deepSleep(1000)
    board.wake()
    t.is(wakeCause(), "DeepSleepTimer")
    // read at boot, then cleared: a later runtime reset through deep sleep (devicescript-esp32's
    // target_reset) would not read as this driver's own sleep
    t.true(
        rtcMemory(board).every((b) => b === 0),
        "the sleep mark was not cleared at boot",
    )
    // a second sleep and wake: the mark set again before it, read and cleared after it
    deepSleep(1)
    t.deepEqual(sleeps, [1000, 1])
    board.wake()
    t.is(board.boots, 3)
    t.is(wakeCause(), "DeepSleepTimer")
    // wake() without a sleep does nothing (the RTC timer only fires for a sleeping chip)
    board.wake()
    t.is(board.boots, 3)
})
