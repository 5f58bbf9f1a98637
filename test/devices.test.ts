import test from "ava"
import { join } from "node:path"
import { mayHoldBoard } from "../usb/devices"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"

// `camscript devices`: every serial port and what answers on it.

const serial = needs("socat", test.serial)
test.after.always(stopEverything)
const dir = tempDir("camscript-devices-")

test("only ports of the USB vendors of ESP32 boards' serial chips are spoken to unasked", (t) => {
    t.true(mayHoldBoard({ path: "/dev/ttyUSB0", vendorId: 0x10c4, productId: 0xea60 }))
    t.true(mayHoldBoard({ path: "/dev/ttyACM0", vendorId: 0x303a }))
    // a 3D printer's Arduino (2341), a port with no USB ids
    t.false(mayHoldBoard({ path: "/dev/ttyACM1", vendorId: 0x2341 }))
    t.false(mayHoldBoard({ path: "/dev/ttyS0" }))
})

serial(
    "devices: a running board, one in download mode and a blank one, each told apart, as text and --json",
    async (t) => {
        const running = await ptyPair()
        const download = await ptyPair()
        const blank = await ptyPair()
        const boards = [
            await virtualBoard("--port", running.board, "--board", "wt32_eth01"),
            await virtualBoard("--port", download.board, "--download-mode"),
            await virtualBoard("--port", blank.board, "--flash", join(dir, "blank.flash")),
        ]
        try {
            const text = await camscript(
                "devices",
                "--port",
                running.host,
                "--port",
                download.host,
                "--port",
                blank.host,
            )
            t.is(text.code, 0, text.stderr)
            const lines = text.stdout.trimEnd().split("\n")
            t.is(lines.length, 3)
            t.regex(
                lines[0],
                /^\S+host {2}DeviceScript 2\.16\.0 runtime, wt32_eth01 \(Wireless-Tag WT32-ETH01\), (no program|program [0-9a-f]{16}…)$/,
            )
            t.regex(
                lines[1],
                /host {2}a board in download mode \(its ROM serial loader answered\): ready for camscript flash$/,
            )
            t.regex(lines[2], /host {2}nothing answered: no DeviceScript runtime, not in download mode/)

            const json = await camscript("devices", "--port", running.host, "--port", download.host, "--json")
            t.is(json.code, 0, json.stderr)
            const objects = json.stdout
                .trimEnd()
                .split("\n")
                .map((l) => JSON.parse(l))
            t.like(objects[0], {
                type: "device",
                path: running.host,
                usb: null,
                answer: "runtime",
                runtime: "2.16.0",
                board: "wt32_eth01",
            })
            t.deepEqual(objects[1], { type: "device", path: download.host, usb: null, answer: "download-mode" })
        } finally {
            for (const b of boards) await b.stop()
            for (const p of [running, download, blank]) p.stop()
        }
    },
)

test("devices: a port that cannot be opened is named with why; a stray argument is a usage error", async (t) => {
    const r = await camscript("devices", "--port", join(dir, "no-such-port"))
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /no-such-port {2}cannot be opened: .*no such serial port/)
    const stray = await camscript("devices", "extra")
    t.is(stray.code, 2)
    t.regex(stray.stderr, /unexpected argument "extra"\nusage: camscript devices/)
})
