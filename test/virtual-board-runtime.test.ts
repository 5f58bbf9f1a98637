import test from "ava"
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { buildForBoard, writeProgram } from "../usb/program"
import { ConsoleLines } from "../usb/console-lines"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"
import { deployWith, ticksImage } from "./helpers/board-programs"
import { helperScript } from "./helpers/helper-script"

// The virtual board against the pinned runtime's rules, in a file of its own
// so that it runs beside virtual-board.test.ts (both wait on real-time serial
// lines). A socat pty pair is the cable. Serial: each test runs a VM in real time.

const serial = needs("socat", test.serial)
// the pairs and boards a failed test could not stop
test.after.always(stopEverything)

// made by the first test that runs: a folder made at load stays behind when every test is
// skipped (no socat), since ava then runs no hooks
let dir: string | undefined
const workDir = () => (dir ??= tempDir("camscript-vb-runtime-"))
const board = loadBoard("ai_thinker_esp32_cam")
const ticks = () => ticksImage(workDir(), board)

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
            [helperScript("raw-board"), port, JSON.stringify(steps)],
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
                const image = await ticks()
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
            const image = await ticks()
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
            const image = await ticks()
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
            const image = await ticks()
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
            // deployed: the first program start is the test's own deploy (whether the log caught it
            // depends on how quickly logging was switched on), as for deploy --monitor
            const lines = new ConsoleLines({ print: (l) => shown.push(l), deployed: true })
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

serial("a runtime that does not answer a deploy is reported as such, not as a board that went away", async (t) => {
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        // the host believes in a 512 KiB store; the board's takes at most 225,152 bytes and ignores 225,184
        const r = await deployWith(pty.host, await ticks(), String(LARGEST + 32), "512")
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
            const image = await ticks()
            const first = await camscript("deploy", image, "--port", pty.host)
            t.is(first.code, 0, first.stderr)
            const wt32 = loadBoard("wt32_eth01")
            const wired = writeProgram(
                await buildForBoard(fromRoot("test/scripts/board-ticks.ts"), wt32),
                join(workDir(), "wired-ticks.devs"),
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
