import test from "ava"
import { needs } from "./helpers/needs"
import { tempDir } from "./helpers/cleanup"
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { DCFG_OFFSET, STOCK_RELEASE, stockBoardConfig, stockFileName } from "../usb/stock-firmware"
import { camscriptBin } from "./helpers/bin"
import { stockReleaseImage, writeFirmwareFolder } from "./helpers/firmware-images"
import { ptyPair, virtualBoard } from "./helpers/pty-pair"
import { helperScript } from "./helpers/helper-script"

// `camscript flash` end to end with the virtual board on a socat pty pair:
// the stock runtime from a loopback release server written to a blank
// board, and a board that dies mid-write while its USB adapter stays.
// Serial: each test runs a board process in real time.

const serial = needs("socat", test.serial)

let folder: string | undefined
/**
 * The file's folder, made by the first test that runs: a file whose tests
 * are all skipped (no socat) runs no hooks, so a folder made at load would
 * be left behind.
 */
const dir = () => (folder ??= tempDir("camscript-flash-hw-"))

serial(
    "--firmware stock: the pinned release from the (loopback) release server lands at 0x1000 with the board's configuration at 0x9000",
    async (t) => {
        const board = loadBoard("ai_thinker_esp32_cam")
        const bare = stockBoardConfig({ ...board, id: "esp32_bare" })
        const image = stockReleaseImage("esp32", bare, { appBytes: 60_000 })
        const served: string[] = []
        const server = createServer((req, res) => {
            served.push(req.url ?? "")
            if (req.url === `/releases/download/${STOCK_RELEASE.tag}/${stockFileName("esp32")}`)
                res.writeHead(200, { "content-length": image.length }).end(image)
            else res.writeHead(404).end()
        })
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases`
        const pty = await ptyPair()
        const flashFile = join(dir(), "stock.flash")
        const vb = await virtualBoard("--port", pty.board, "--flash", flashFile, "--download-mode")
        try {
            const r = await camscriptBin(["flash", "--board", board.id, "--firmware", "stock", "--port", pty.host], {
                env: { CAMSCRIPT_STOCK_RELEASES_URL: base, XDG_CACHE_HOME: join(dir(), "cache") },
            })
            t.is(r.code, 0, r.stderr)
            t.regex(
                r.stderr,
                /DeviceScript's stock runtime, microsoft\/devicescript-esp32 v2\.16\.1, configured for ai_thinker_esp32_cam/,
            )
            t.regex(r.stderr, /espjd v2\.16\.1/)
            t.deepEqual(served, [`/releases/download/${STOCK_RELEASE.tag}/${stockFileName("esp32")}`])
            const flash = new Uint8Array(readFileSync(flashFile))
            const config = stockBoardConfig(board)
            t.deepEqual(flash.subarray(DCFG_OFFSET, DCFG_OFFSET + config.length), config)
            t.deepEqual(flash.subarray(0x10000, 0x10000 + image.length - 0xf000), image.subarray(0xf000))
            t.deepEqual(flash.subarray(0x1000, 0x1000 + 0x5000), image.subarray(0, 0x5000))
        } finally {
            await vb.stop()
            pty.stop()
            server.close()
        }
    },
)

serial(
    "the board dies mid-write while the USB adapter stays: flash ends within its stall deadline, saying so",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board, "--flash", join(dir(), "dies.flash"), "--download-mode")
        try {
            const big = writeFirmwareFolder(join(dir(), "fw-big"), "esp32", 600_000)
            const stallMs = 2000
            const out = await new Promise<string>((done) =>
                execFile(
                    process.execPath,
                    [helperScript("flash-and-kill"), pty.host, big.dir, String(vb.process.pid), String(stallMs)],
                    { cwd: fromRoot(), timeout: 60_000 },
                    (_err, stdout) => done(stdout),
                ),
            )
            const { killed, error, ms } = JSON.parse(out) as { killed: boolean; error: string | null; ms: number }
            t.log(error, ms)
            t.true(killed, error ?? "")
            t.regex(error ?? "", /stopped answering while camscript\.bin was being written/)
            t.regex(error ?? "", /flash may be partly written.*run `camscript flash` again/s)
            // the deadline, not esptool-js's own waits, decides: well under a minute
            t.true(ms < stallMs + 5000, `${ms} ms after the board died`)
        } finally {
            await vb.stop().catch(() => {})
            pty.stop()
        }
    },
)
