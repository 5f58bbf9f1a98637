import test from "ava"
import { execFile, spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { BOARD_VENDORS, listSerialPorts } from "../usb/ports"
import { writeFirmwareFolder } from "./helpers/firmware-images"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"
import { deployWith, ticksImage } from "./helpers/board-programs"
import { helperScript } from "./helpers/helper-script"

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
const ticks = () => ticksImage(dir, board)

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

        const image = await ticks()
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
        const r = await camscript("deploy", await ticks(), "--port", pty.host)
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
        const r = await camscript("deploy", await ticks(), "--port", pty.host)
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
        const image = await ticks()
        // in a process of its own: serialport's native binding does not belong in ava's worker thread
        const out = await new Promise<string>((done) =>
            execFile(
                process.execPath,
                [helperScript("deploy-and-pull"), "deploy", pty.host, image, String(pty.pid)],
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
                [helperScript("deploy-and-pull"), "flash", pty.host, big.dir, String(pty.pid)],
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
            const image = readFileSync(await ticks())
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
            const older = await deployWith(pty.host, await ticks(), "0", "256", "", "17")
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
        const r = await camscript("deploy", await ticks(), "--port", pty.host)
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
    const r = await camscript("deploy", await ticks())
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
