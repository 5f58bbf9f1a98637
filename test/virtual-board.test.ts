import test from "ava"
import { execFile, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { BOARD_VENDORS, listSerialPorts } from "../usb/ports"
import { buildForBoard, writeProgram } from "../usb/program"
import { writeFirmwareFolder } from "./helpers/firmware-images"
import { ConsoleLines } from "../usb/console-lines"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"

// The hardware path end to end, with a socat pty pair as the cable and
// `camscript virtual-board` as the board: the real clients (esptool-js,
// jacdac-ts) on the host side. Serial: each test runs a VM in real time.

const serial = needs("socat", test.serial)
// the pairs and boards a failed test could not stop
test.after.always(stopEverything)

const dir = tempDir("camscript-vb-")
const firmware32 = writeFirmwareFolder(join(dir, "fw-esp32"), "esp32", 200_000)
const firmwareS3 = writeFirmwareFolder(join(dir, "fw-esp32s3"), "esp32s3", 50_000)
const board = loadBoard("ai_thinker_esp32_cam")
let ticks: string | undefined
async function ticksImage(): Promise<string> {
    if (!ticks)
        ticks = writeProgram(
            await buildForBoard(fromRoot("test/scripts/board-ticks.ts"), board),
            join(dir, "ticks.devs"),
            board,
        ).file!
    return ticks
}

serial("flash a blank board, deploy, monitor shows the output; the same image again is skipped", async (t) => {
    const pty = await ptyPair()
    const flashFile = join(dir, "e2e.flash")
    const vb = await virtualBoard("--port", pty.board, "--flash", flashFile, "--download-mode")
    try {
        const flashed = await camscript("flash", "--board", board.id, "--port", pty.host, "--firmware", firmware32.dir)
        t.is(flashed.code, 0, flashed.stderr)
        t.regex(flashed.stdout, /every region verified by MD5/)
        // what the board's flash holds is exactly the images at their offsets
        const flash = readFileSync(flashFile)
        for (const r of firmware32.regions) t.true(flash.subarray(r.offset, r.offset + r.data.length).equals(r.data))
        await vb.waitFor(/runtime booting/)

        const image = await ticksImage()
        const first = await camscript("deploy", image, "--port", pty.host)
        t.is(first.code, 0, first.stderr)
        t.regex(first.stdout, /^deployed \d+ bytes in [\d.]+ s \(sha256 [0-9a-f]{16}… checked\)\n$/)

        const monitor = await camscript("monitor", "--port", pty.host, "--for", "2s")
        t.is(monitor.code, 0, monitor.stderr)
        t.regex(monitor.stdout, /^tick \d+$/m)

        const again = await camscript("deploy", image, "--port", pty.host, "--monitor", "--for", "1.5s")
        t.is(again.code, 0, again.stderr)
        t.regex(again.stdout, /^upload skipped: the board already holds this image/)
        // skipped, but restarted: the program says hello again
        t.regex(again.stdout, /^hello from the board$/m)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("an ESP32-S3 board (chip told by GET_SECURITY_INFO, bootloader at 0) is flashed and boots", async (t) => {
    const pty = await ptyPair()
    const flashFile = join(dir, "s3-ok.flash")
    const vb = await virtualBoard(
        "--port",
        pty.board,
        "--board",
        "espressif_esp32_s3_eye",
        "--flash",
        flashFile,
        "--download-mode",
    )
    try {
        const r = await camscript(
            "flash",
            "--board",
            "espressif_esp32_s3_eye",
            "--port",
            pty.host,
            "--firmware",
            firmwareS3.dir,
        )
        t.is(r.code, 0, r.stderr)
        t.regex(r.stdout, /to the ESP32-S3 in/)
        const flash = readFileSync(flashFile)
        t.is(flash.length, 8 << 20)
        for (const region of firmwareS3.regions)
            t.true(flash.subarray(region.offset, region.offset + region.data.length).equals(region.data))
        await vb.waitFor(/runtime booting/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial(
    "a script whose Wi-Fi fails: deploy --monitor shows the error at the script's file:line, and exits 1 for the crash",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const r = await camscript(
                "deploy",
                "test/scripts/wifi-fails.ts",
                "--port",
                pty.host,
                "--monitor",
                "--for",
                "10s",
            )
            // the program crashed while watched (the runtime restarts it 5 s later): exit 1, said on stderr
            t.is(r.code, 1, r.stderr)
            t.regex(r.stderr, /camscript deploy: the program crashed (once|2 times) in the 10\.\d s watched/)
            t.regex(r.stdout, /^waiting for the link$/m)
            t.regex(r.stdout, /^! LinkTimeoutError: Wi-Fi did not come up in 2000 ms: status 201, no access point/m)
            t.regex(r.stdout, /^ +at main \(test\/scripts\/wifi-fails\.ts:8:1\)$/m)
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

serial("a board with no runtime answers nothing: deploy says to run camscript flash", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board, "--flash", join(dir, "blank.flash"))
    try {
        t.regex(vb.notes(), /no runtime in flash \(invalid header: 0xffffffff\)/)
        const r = await camscript("deploy", await ticksImage(), "--port", pty.host)
        t.is(r.code, 1)
        t.regex(r.stderr, /answers nothing.*\n.*run `camscript flash --board <id>` first/)
        // nothing on stdout: the Jacdac bus is disposed once, while its chatter is held back ("bus: disposing.")
        t.is(r.stdout, "")
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("monitor --raw shows the boot ROM's messages of a board with nothing flashed", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board, "--flash", join(dir, "raw.flash"))
    try {
        const r = await camscript("monitor", "--port", pty.host, "--raw", "--for", "3s")
        t.is(r.code, 0, r.stderr)
        // the ROM complains every 2 s: at least once in 3 s
        t.regex(
            r.stdout,
            /rst:0x10 \(RTCWDT_RTC_RESET\),boot:0x13 \(SPI_FAST_FLASH_BOOT\)\r\ninvalid header: 0xffffffff/,
        )
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("a board in download mode when a deploy is asked: said so, with what to do", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board, "--download-mode")
    try {
        const r = await camscript("deploy", await ticksImage(), "--port", pty.host)
        t.is(r.code, 1)
        t.regex(r.stderr, /is in download mode \(its ROM serial loader answered\)/)
        t.regex(r.stderr, /Release IO0/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("flashing a board that is running (not in download mode): hold IO0 to GND and reset", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        const r = await camscript("flash", "--board", board.id, "--port", pty.host, "--firmware", firmware32.dir)
        t.is(r.code, 1)
        t.regex(r.stderr, /did not enter download mode/)
        t.regex(r.stderr, /hold IO0 \(BOOT\) to GND, press and release reset/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("an image for another chip is refused before anything is written", async (t) => {
    const pty = await ptyPair()
    const flashFile = join(dir, "wrong-chip.flash")
    const vb = await virtualBoard("--port", pty.board, "--flash", flashFile, "--download-mode")
    try {
        const r = await camscript("flash", "--board", board.id, "--port", pty.host, "--firmware", firmwareS3.dir)
        t.is(r.code, 1)
        t.regex(r.stderr, /bootloader\.bin is built for ESP32-S3, but the board has an ESP32: nothing was written/)
        // the loader was never even spoken to
        t.notRegex(vb.notes(), /flasher stub running/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("the chip on the port is not the board's: refused before anything is written", async (t) => {
    const pty = await ptyPair()
    const flashFile = join(dir, "s3.flash")
    const vb = await virtualBoard(
        "--port",
        pty.board,
        "--board",
        "espressif_esp32_s3_eye",
        "--flash",
        flashFile,
        "--download-mode",
    )
    try {
        const r = await camscript("flash", "--board", board.id, "--port", pty.host, "--firmware", firmware32.dir)
        t.is(r.code, 1)
        t.regex(r.stderr, /the chip on .* is an ESP32-S3, but this board has an ESP32: nothing was written/)
        t.notRegex(vb.notes(), /bytes written/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("the board vanishes mid-deploy: the error says what state it is in and what to run", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        const image = await ticksImage()
        // in a process of its own: serialport's native binding does not belong in ava's worker thread
        const out = await new Promise<string>((done) =>
            execFile(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    fromRoot("test/helpers/deploy-and-pull.ts"),
                    "deploy",
                    pty.host,
                    image,
                    String(pty.pid),
                ],
                { cwd: fromRoot() },
                (_err, stdout) => done(stdout),
            ),
        )
        const { pulled, error } = JSON.parse(out) as { pulled: boolean; error: string | null }
        t.true(pulled, error ?? "")
        t.regex(error ?? "", /went away during the deploy, after about \d+ of \d+ bytes/)
        t.regex(error ?? "", /runs no program now.*run `camscript deploy` again/s)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial("the board vanishes mid-flash: the error says its flash may be half written and what to run", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board, "--flash", join(dir, "pulled.flash"), "--download-mode")
    try {
        const big = writeFirmwareFolder(join(dir, "fw-big"), "esp32", 600_000)
        const out = await new Promise<string>((done) =>
            execFile(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    fromRoot("test/helpers/deploy-and-pull.ts"),
                    "flash",
                    pty.host,
                    big.dir,
                    String(pty.pid),
                ],
                { cwd: fromRoot() },
                (_err, stdout) => done(stdout),
            ),
        )
        const { pulled, error } = JSON.parse(out) as { pulled: boolean; error: string | null }
        t.true(pulled, error ?? "")
        t.regex(error ?? "", /went away while writing camscript\.bin/)
        t.regex(error ?? "", /flash may be partly written.*run `camscript flash` again/s)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial(
    "an image for a bytecode version the runtime does not run is refused before the port; a board with an older runtime refuses it before the upload",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            // the same program, its header claiming bytecode 3.0.0 (bytes 8..11: patch u16, minor, major)
            const image = readFileSync(await ticksImage())
            image.set([0, 0, 0, 3], 8)
            const future = join(dir, "future.devs")
            writeFileSync(future, image)
            const r = await camscript("deploy", future, "--port", pty.host)
            t.is(r.code, 2)
            t.regex(
                r.stderr,
                /future\.devs: it is bytecode 3\.0\.0, which the camscript firmware's runtime \(DeviceScript 2\.16\.0\) does not run \(it runs 2\.7 to 2\.16\); nothing was sent to the board/,
            )
            // a host that expects runtime 2.17 meets the board's 2.16.0: refused on what the board says
            const older = await deployWith(pty.host, await ticksImage(), "0", "256", "", "17")
            t.regex(
                older.error ?? "",
                /the board's runtime is DeviceScript 2\.16\.0, which runs bytecode 2\.7 to 2\.16, but this image is bytecode 2\.17\.\d+ .*nothing was sent/,
            )
            t.notRegex(vb.notes(), /deploy of \d+ bytes asked/)
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

serial("a busy port is named as busy", async (t) => {
    const pty = await ptyPair()
    // flock(1) takes the same lock serialport takes when it opens a port
    // its own process group: flock and the sleep it runs end together
    const holder = spawn("flock", ["--nonblock", pty.host, "sleep", "60"], { stdio: "ignore", detached: true })
    await new Promise((r) => setTimeout(r, 300))
    try {
        const r = await camscript("deploy", await ticksImage(), "--port", pty.host)
        t.is(r.code, 1)
        t.regex(r.stderr, /is busy: another program holds it open/)
    } finally {
        if (holder.pid) process.kill(-holder.pid)
        pty.stop()
    }
})

test("no board plugged in: deploy lists what it looked for and what it saw, exit 1", async (t) => {
    if (listSerialPorts().some((p) => p.vendorId !== undefined && p.vendorId in BOARD_VENDORS))
        return t.pass("a board-like USB serial port is plugged in here: nothing to test")
    // a whole image: a damaged one is refused before any port is looked for
    const r = await camscript("deploy", await ticksImage())
    t.is(r.code, 1)
    t.regex(r.stderr, /^camscript deploy: no board found: no serial port from a USB vendor that ESP32 boards use/)
    t.regex(r.stderr, /ports seen:\n/)
})

test("each hardware command has its own --help, and camscript --help lists them", async (t) => {
    const top = await camscript("--help")
    for (const name of ["build", "flash", "deploy", "run", "monitor", "devices", "virtual-board"]) {
        t.regex(top.stdout, new RegExp(`camscript ${name} `))
        const r = await camscript(name, "--help")
        t.is(r.code, 0)
        t.regex(r.stdout, new RegExp(`^usage: camscript ${name}`))
    }
    const bad = await camscript("flash", "--port", "/dev/null")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /--board is required/)
})

// ---- the virtual board is the pinned runtime (project/runtime.ts): each
// rule probed at its edge with raw requests to the manager (no camscript
// checks in between), as the real runtime answers them

interface RawOut {
    results: Record<string, unknown>[]
    log: string[]
    error?: string
}

function rawBoard(port: string, steps: object[]): Promise<RawOut> {
    return new Promise((done) =>
        execFile(
            process.execPath,
            ["--import", "tsx", fromRoot("test/helpers/raw-board.ts"), port, JSON.stringify(steps)],
            { cwd: fromRoot(), maxBuffer: 16 << 20 },
            (_err, stdout) => done(JSON.parse(stdout) as RawOut),
        ),
    )
}

const LARGEST = 55 * 4096 - 128

for (const firmware of ["camscript", "stock"])
    serial(
        `${firmware} firmware: the store's edges: 225,184 and 229,248 ignored without an answer, misaligned ignored, 229,280 restarts the board with its program`,
        async (t) => {
            const pty = await ptyPair()
            const vb = await virtualBoard("--port", pty.board, "--firmware", firmware)
            try {
                t.regex(
                    vb.notes(),
                    new RegExp(`${firmware} firmware: DeviceScript 2\\.16\\.0, program store at 0x1c0000`),
                )
                const image = await ticksImage()
                const before = await rawBoard(pty.host, [
                    { op: "deploy", file: image },
                    { op: "sha" },
                    { op: "deploy-size", size: LARGEST - 1 },
                    { op: "sha" },
                    { op: "deploy-size", size: LARGEST + 32 },
                    { op: "deploy-size", size: 56 * 4096 - 128 },
                    { op: "sha" },
                ])
                t.is(before.error, undefined)
                const sha = createHash("sha256").update(readFileSync(image)).digest("hex")
                t.deepEqual(before.results, [
                    { ok: true },
                    { sha },
                    // misaligned: ignored before the program is stopped
                    { answered: false },
                    { sha },
                    // no room: ignored, but the program was stopped and the manager lost it until a restart
                    { answered: false },
                    { answered: false },
                    { sha: "0".repeat(64) },
                ])
                t.regex(vb.notes(), /deploy of 225151 bytes asked: not a multiple of 32/)
                t.regex(vb.notes(), /deploy of 225184 bytes asked: no room in the store/)
                t.regex(vb.notes(), /deploy of 229248 bytes asked: no room in the store/)
                t.notRegex(vb.notes(), /runtime panic/)
                const after = await rawBoard(pty.host, [
                    { op: "deploy-size", size: 56 * 4096 - 128 + 32 },
                    { op: "wait", ms: 1500 },
                    { op: "sha" },
                ])
                t.deepEqual(after.results, [{ answered: false }, {}, { sha }])
                t.regex(
                    vb.notes(),
                    /runtime panic \(jd_fstor\.c: JD_ASSERT in data_page_used \(57 pages asked of a store with 56 data pages\)\): restarting/,
                )
                t.regex(after.log.join("\n"), /HW PANIC!/)
                // the VM lives on: the board restarted and runs the program it had
                t.regex(vb.notes(), /runtime booting[\s\S]*runtime panic[\s\S]*runtime booting/)
            } finally {
                await vb.stop()
                pty.stop()
            }
        },
    )

serial(
    "the largest image the store takes (225,152 bytes) is stored and runs; the board says its runtime and what board it is",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const image = await ticksImage()
            const padded = new Uint8Array(LARGEST)
            padded.set(readFileSync(image))
            const r = await rawBoard(pty.host, [
                { op: "identity" },
                { op: "deploy", file: image, size: LARGEST },
                { op: "sha" },
                { op: "wait", ms: 1500 },
            ])
            t.is(r.error, undefined)
            t.deepEqual(r.results[0], {
                version: (2 << 24) | (16 << 16),
                product: Number.parseInt(board.productId, 16),
                name: board.name,
            })
            t.deepEqual(r.results[1], { ok: true })
            t.deepEqual(r.results[2], { sha: createHash("sha256").update(padded).digest("hex") })
            t.regex(r.log.join("\n"), /hello from the board/)
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

serial(
    "the version rule: bytecode 2.7 and 2.16 run, 2.6, 2.17 and 3.16 are stored but refused with 1050",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const image = await ticksImage()
            const outcome = async (major: number, minor: number) => {
                const r = await rawBoard(pty.host, [
                    { op: "deploy", file: image, major, minor },
                    { op: "wait", ms: 1200 },
                ])
                t.deepEqual(r.results[0], { ok: true }, `${major}.${minor}`)
                const text = r.log.join("\n")
                return /verification failure: 1050/.test(text)
                    ? "refused"
                    : /hello from the board/.test(text)
                      ? "runs"
                      : text
            }
            t.is(await outcome(2, 16), "runs")
            t.is(await outcome(2, 17), "refused")
            t.is(await outcome(2, 7), "runs")
            t.is(await outcome(2, 6), "refused")
            t.is(await outcome(3, 16), "refused")
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

serial(
    "a header-only image restarts the board (a JD_ASSERT on the real one) and the board keeps its program",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const image = await ticksImage()
            const sha = createHash("sha256").update(readFileSync(image)).digest("hex")
            const r = await rawBoard(pty.host, [
                { op: "deploy", file: image },
                { op: "deploy", file: image, size: 64 },
                { op: "wait", ms: 1500 },
                { op: "sha" },
            ])
            t.deepEqual(r.results[1], { ok: false, error: r.results[1].error })
            t.deepEqual(r.results[3], { sha })
            t.regex(
                vb.notes(),
                /runtime panic \(verify\.c: JD_ASSERT\(size > sizeof\(devs_img_header_t\)\) for a 64-byte image\)/,
            )
            // what a monitor makes of the console: one restart, through deep sleep as devicescript-esp32 resets, after HW PANIC!
            const shown: string[] = []
            const lines = new ConsoleLines({ print: (l) => shown.push(l) })
            for (const l of r.log) lines.pushLine(l)
            lines.flush()
            t.deepEqual(
                shown.filter((l) => l.startsWith("--- ")),
                [
                    "--- restart 1: the chip restarted (DEEPSLEEP_RESET: a restart through deep sleep) after the runtime hit an internal check (HW PANIC!) and aborted ---",
                ],
                r.log.join("\n"),
            )
            t.is(lines.restarts.crashes.length, 1)
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

serial(
    "settings: a 14-byte key with a 217-byte value is kept and read back; 218 bytes are kept but never answered; a 15-byte key is dropped",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const k14 = "k".repeat(14)
            const r = await rawBoard(pty.host, [
                { op: "set-setting", key: k14, valueBytes: 231 - 14 },
                { op: "get-setting", key: k14 },
                { op: "set-setting", key: k14, valueBytes: 231 - 14 + 1 },
                { op: "get-setting", key: k14 },
                { op: "set-setting", key: "k".repeat(15), valueBytes: 10 },
                { op: "get-setting", key: "k".repeat(15) },
            ])
            t.is(r.error, undefined)
            t.deepEqual(r.results, [
                { sent: 232, acked: true },
                { answered: true, valueBytes: 217 },
                // stored (the SET fits its frame), but the answer (key, NUL, value) does not fit one packet's 232 bytes
                { sent: 233, acked: true },
                { answered: false },
                // settings.c drops a key over 14 bytes before anything else: not even the ACK the command asked for
                { sent: 26, acked: false },
                { answered: false },
            ])
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)

function deployWith(port: string, ...args: string[]): Promise<{ error: string | null; skipped?: boolean }> {
    return new Promise((done) =>
        execFile(
            process.execPath,
            ["--import", "tsx", fromRoot("test/helpers/deploy-with.ts"), port, ...args],
            { cwd: fromRoot() },
            (_err, stdout) => done(JSON.parse(stdout) as { error: string | null }),
        ),
    )
}

serial("a runtime that does not answer a deploy is reported as such, not as a board that went away", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        // the host believes in a 512 KiB store; the board's takes at most 225,152 bytes and ignores 225,184
        const r = await deployWith(pty.host, await ticksImage(), String(LARGEST + 32), "512")
        t.regex(
            r.error ?? "",
            /the runtime on .* did not answer the deploy of 225,184 bytes: a DeviceScript runtime ignores, without a word, an image it cannot store/,
        )
        t.notRegex(r.error ?? "", /went away/)
        t.regex(vb.notes(), /deploy of 225184 bytes asked: no room/)
    } finally {
        await vb.stop()
        pty.stop()
    }
})

serial(
    "an image built for another board is refused by what the board says it is; its program keeps running",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const image = await ticksImage()
            const first = await camscript("deploy", image, "--port", pty.host)
            t.is(first.code, 0, first.stderr)
            const wt32 = loadBoard("wt32_eth01")
            const wired = writeProgram(
                await buildForBoard(fromRoot("test/scripts/board-ticks.ts"), wt32),
                join(dir, "wired-ticks.devs"),
                wt32,
            ).file!
            // no --board: the image's debug info says wt32_eth01, the board says it is an ESP32-CAM
            const r = await camscript("deploy", wired, "--port", pty.host)
            t.is(r.code, 1)
            t.regex(
                r.stderr,
                /the board on .* says it is ai_thinker_esp32_cam \(AI-Thinker ESP32-CAM, product 0x3f5d34da\), but this image was built for wt32_eth01 \(Wireless-Tag WT32-ETH01\); nothing was sent/,
            )
            t.notRegex(vb.notes(), /deploy of \d+ bytes asked[\s\S]*deploy of \d+ bytes asked/)
            // the board still runs the first program: its hash, and its output
            const again = await camscript("deploy", image, "--port", pty.host, "--monitor", "--for", "1.5s")
            t.regex(again.stdout, /^upload skipped: the board already holds this image/)
            t.regex(again.stdout, /^tick \d+$/m)
        } finally {
            await vb.stop()
            pty.stop()
        }
    },
)
