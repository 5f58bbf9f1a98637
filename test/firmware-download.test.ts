import test from "ava"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { download, DownloadError, MAX_REDIRECTS } from "../usb/download"
import { firmwareCacheDir, MAX_CACHE_BYTES, writeCached } from "../usb/firmware-cache"
import { checkFirmware } from "../usb/firmware"
import { githubRepository, RELEASE_MANIFEST, releaseFirmware, releasesUrl } from "../usb/release-firmware"
import { DCFG_OFFSET, STOCK_RELEASE, stockBoardConfig, stockFileName, stockFirmware } from "../usb/stock-firmware"
import { camscriptBin } from "./helpers/bin"
import { CHIP_IDS, espImage, stockReleaseImage, writeFirmwareFolder } from "./helpers/firmware-images"
import { tempDir } from "./helpers/cleanup"

// Both download paths of `camscript flash` against a loopback HTTP server
// (127.0.0.1 only) serving GitHub's release layout
// (<base>/download/<tag>/<file>): the stock DeviceScript runtime and
// camscript's own release with its manifest; a wrong hash, a truncated
// file, a missing release, a redirect loop, a server that never answers and
// no network (a closed port). No test touches a non-loopback address.

// this worker's cache: nothing of the user's is read or written
const cacheHome = tempDir("camscript-xdg-")
process.env.XDG_CACHE_HOME = cacheHome
const version = (JSON.parse(readFileSync(fromRoot("package.json"), "utf8")) as { version: string }).version

type Handler = (req: IncomingMessage, res: ServerResponse) => void
interface Loopback {
    base: string
    routes: Map<string, Handler>
    hits: string[]
    close(): Promise<void>
}

async function loopback(): Promise<Loopback> {
    const routes = new Map<string, Handler>()
    const hits: string[] = []
    const server: Server = createServer((req, res) => {
        hits.push(req.url ?? "")
        const route = routes.get(req.url ?? "")
        if (route) return route(req, res)
        res.writeHead(404).end("Not Found")
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
    const port = (server.address() as AddressInfo).port
    return {
        base: `http://127.0.0.1:${port}/releases`,
        routes,
        hits,
        close: () =>
            new Promise<void>((r) => {
                server.closeAllConnections()
                server.close(() => r())
            }),
    }
}

const body =
    (data: Uint8Array | string): Handler =>
    (_req, res) => {
        res.writeHead(200, { "content-length": Buffer.byteLength(data), "content-type": "application/octet-stream" })
        res.end(data)
    }
/** declares the whole length, sends `sent` bytes, then drops the connection */
const truncated =
    (data: Uint8Array, sent: number): Handler =>
    (_req, res) => {
        res.writeHead(200, { "content-length": data.length })
        res.write(data.subarray(0, sent), () => res.socket?.destroy())
    }
const redirect =
    (to: string): Handler =>
    (_req, res) =>
        res.writeHead(302, { location: to }).end()

/** a port nobody listens on: bound, then closed */
async function closedPort(): Promise<number> {
    const s = createServer()
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))
    const port = (s.address() as AddressInfo).port
    await new Promise<void>((r) => s.close(() => r()))
    return port
}

const failure = async (p: Promise<unknown>) => {
    try {
        await p
    } catch (e) {
        return e as DownloadError
    }
    throw new Error("expected a failure")
}

test("download: a file arrives whole; 404 is 'missing'; a redirect is followed", async (t) => {
    const server = await loopback()
    try {
        const data = new Uint8Array(70_000).map((_, i) => i * 7)
        server.routes.set("/releases/a.bin", body(data))
        server.routes.set("/releases/r.bin", redirect("/releases/a.bin"))
        t.deepEqual(await download(`${server.base}/a.bin`, { maxBytes: 70_000, what: "a" }), data)
        t.deepEqual(await download(`${server.base}/r.bin`, { maxBytes: 70_000, what: "a" }), data)
        const missing = await failure(download(`${server.base}/none.bin`, { maxBytes: 10, what: "the file" }))
        t.is(missing.failure, "missing")
        t.regex(missing.message, /^the file: not found \(404\) at http:\/\/127\.0\.0\.1:\d+\/releases\/none\.bin$/)
    } finally {
        await server.close()
    }
})

test("download: the size bound at the edge, declared or not; a truncated body is refused", async (t) => {
    const server = await loopback()
    try {
        const data = new Uint8Array(5000).fill(1)
        server.routes.set("/releases/a.bin", body(data))
        // no content-length: counted as it arrives
        server.routes.set("/releases/chunked.bin", (_req, res) => {
            res.writeHead(200)
            res.write(data.subarray(0, 2500))
            res.end(data.subarray(2500))
        })
        server.routes.set("/releases/cut.bin", truncated(data, 3000))
        t.is((await download(`${server.base}/a.bin`, { maxBytes: 5000, what: "a" })).length, 5000)
        const declared = await failure(download(`${server.base}/a.bin`, { maxBytes: 4999, what: "a" }))
        t.is(declared.failure, "too-big")
        t.regex(declared.message, /is 5000 bytes; the limit is 4999 bytes/)
        t.is((await download(`${server.base}/chunked.bin`, { maxBytes: 5000, what: "a" })).length, 5000)
        const counted = await failure(download(`${server.base}/chunked.bin`, { maxBytes: 4999, what: "a" }))
        t.is(counted.failure, "too-big")
        t.regex(counted.message, /sent more than 4999 bytes/)
        const cut = await failure(download(`${server.base}/cut.bin`, { maxBytes: 5000, what: "the image" }))
        t.is(cut.failure, "truncated")
        t.regex(
            cut.message,
            /the image: the download from 127\.0\.0\.1:\d+ stopped after 3000 of 5000 bytes: nothing was kept/,
        )
    } finally {
        await server.close()
    }
})

test("download: a redirect loop, too many redirects and a server that never answers each end with a message", async (t) => {
    const server = await loopback()
    try {
        server.routes.set("/releases/loop-a", redirect("/releases/loop-b"))
        server.routes.set("/releases/loop-b", redirect("/releases/loop-a"))
        for (let i = 0; i <= MAX_REDIRECTS + 1; i++)
            server.routes.set(`/releases/hop${i}`, redirect(`/releases/hop${i + 1}`))
        server.routes.set(`/releases/hop${MAX_REDIRECTS + 2}`, body("x"))
        // exactly MAX_REDIRECTS hops arrive; one more is refused
        server.routes.set(`/releases/edge`, redirect(`/releases/hop3`))
        server.routes.set(`/releases/over`, redirect(`/releases/hop2`))
        server.routes.set("/releases/silent", () => {}) // never answers
        const loop = await failure(download(`${server.base}/loop-a`, { maxBytes: 10, what: "m" }))
        t.is(loop.failure, "redirects")
        t.regex(loop.message, /the redirects go in a circle \(.*loop-a -> .*loop-b -> .*loop-a\)/)
        t.deepEqual(
            await download(`${server.base}/edge`, { maxBytes: 10, what: "m" }),
            new Uint8Array(Buffer.from("x")),
        )
        const many = await failure(download(`${server.base}/over`, { maxBytes: 10, what: "m" }))
        t.is(many.failure, "redirects")
        t.regex(many.message, new RegExp(`more than ${MAX_REDIRECTS} redirects`))
        const started = Date.now()
        const silent = await failure(download(`${server.base}/silent`, { maxBytes: 10, deadlineMs: 300, what: "m" }))
        t.is(silent.failure, "deadline")
        t.regex(silent.message, /no complete answer from 127\.0\.0\.1:\d+ within 0\.3 s/)
        t.true(Date.now() - started < 3000)
    } finally {
        await server.close()
    }
})

test("download: no network (a closed port) says so", async (t) => {
    const port = await closedPort()
    const e = await failure(download(`http://127.0.0.1:${port}/x`, { maxBytes: 10, what: "the manifest" }))
    t.is(e.failure, "network")
    t.regex(e.message, /^the manifest: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): no network, or the host is down/)
})

test.serial(
    "cache: private (0700 folder, 0600 files), written whole, and trimmed to its bound, the newest kept",
    (t) => {
        const dir = firmwareCacheDir()
        rmSync(dir, { recursive: true, force: true })
        t.is(dir, join(cacheHome, "camscript", "firmware"))
        const file = writeCached("probe.bin", new Uint8Array(10))
        t.is(statSync(dir).mode & 0o777, 0o700)
        t.is(statSync(file).mode & 0o777, 0o600)
        // two files over half the bound each: the older goes
        const half = new Uint8Array(MAX_CACHE_BYTES / 2 + 1)
        writeCached("old.bin", half)
        writeCached("new.bin", half)
        const left = readdirSync(dir)
        t.false(left.includes("old.bin"))
        t.true(left.includes("new.bin"))
        t.false(left.some((n) => n.endsWith(".part")))
        rmSync(dir, { recursive: true, force: true })
    },
)

// --- the stock runtime

function bareConfig(): Uint8Array {
    // the bare board's own configuration, as the release carries one (any valid blob will do)
    return stockBoardConfig({ ...loadBoard("ai_thinker_esp32_cam"), id: "esp32_bare" })
}

test.serial(
    "stock: the pinned release file is fetched, checked, cached (0600) and configured for the board at 0x9000",
    async (t) => {
        const server = await loopback()
        try {
            const board = loadBoard("freenove_esp32_wrover_cam")
            const image = stockReleaseImage("esp32", bareConfig())
            const path = `/releases/download/${STOCK_RELEASE.tag}/${stockFileName("esp32")}`
            t.is(stockFileName("esp32"), "devicescript-esp32-esp32_bare-0x1000.bin")
            t.is(stockFileName("esp32s3"), "devicescript-esp32s3-esp32s3_bare-0x0.bin")
            server.routes.set(path, body(image))
            const fw = await stockFirmware(board, { baseUrl: server.base })
            t.deepEqual(server.hits, [path])
            t.is(fw.regions.length, 1)
            t.is(fw.regions[0].offset, 0x1000)
            const config = stockBoardConfig(board)
            const at = DCFG_OFFSET - 0x1000
            t.deepEqual(fw.regions[0].data.subarray(at, at + config.length), config)
            // everything but the configuration is the release's bytes
            t.deepEqual(fw.regions[0].data.subarray(0x10000 - 0x1000), image.subarray(0x10000 - 0x1000))
            t.notThrows(() => checkFirmware(fw, "esp32"))
            const cached = join(firmwareCacheDir(), `stock-${STOCK_RELEASE.tag}-${stockFileName("esp32")}`)
            t.is(statSync(cached).mode & 0o777, 0o600)
            t.deepEqual(new Uint8Array(readFileSync(cached)), image) // the release's file, unpatched
            // the second time from the cache
            await stockFirmware(board, { baseUrl: server.base })
            t.is(server.hits.length, 1)
            // a damaged cache entry is not trusted: fetched again
            const damaged = new Uint8Array(image)
            damaged[0x10000 - 0x1000 + 400] ^= 1
            writeFileSync(cached, damaged)
            await stockFirmware(board, { baseUrl: server.base })
            t.is(server.hits.length, 2)
            // an ESP32-S3 board: the S3 file, merged from 0 (its bootloader's offset), configured the same way
            const s3 = loadBoard("espressif_esp32_s3_eye")
            const imageS3 = stockReleaseImage("esp32s3", bareConfig())
            server.routes.set(`/releases/download/${STOCK_RELEASE.tag}/${stockFileName("esp32s3")}`, body(imageS3))
            const fwS3 = await stockFirmware(s3, { baseUrl: server.base })
            t.is(fwS3.regions[0].offset, 0)
            const configS3 = stockBoardConfig(s3)
            t.deepEqual(fwS3.regions[0].data.subarray(DCFG_OFFSET, DCFG_OFFSET + configS3.length), configS3)
            t.notThrows(() => checkFirmware(fwS3, "esp32s3"))
        } finally {
            await server.close()
        }
    },
)

test.serial(
    "stock: another version, another project, a damaged or truncated file, a missing file and no network are refused, nothing kept",
    async (t) => {
        const server = await loopback()
        try {
            const board = loadBoard("seeed_xiao_esp32s3_sense")
            const path = `/releases/download/${STOCK_RELEASE.tag}/${stockFileName("esp32s3")}`
            const cached = join(firmwareCacheDir(), `stock-${STOCK_RELEASE.tag}-${stockFileName("esp32s3")}`)
            rmSync(firmwareCacheDir(), { recursive: true, force: true })
            const attempt = async (handler: Handler | undefined, message: RegExp) => {
                if (handler) server.routes.set(path, handler)
                else server.routes.delete(path)
                await t.throwsAsync(stockFirmware(board, { baseUrl: server.base }), { message }, String(message))
                t.false(existsSync(cached), `nothing cached after ${message}`)
            }
            await attempt(
                body(stockReleaseImage("esp32s3", bareConfig(), { version: "v2.15.0" })),
                /the application says it is version "v2\.15\.0", but the pinned release is v2\.16\.1: refused/,
            )
            await attempt(
                body(stockReleaseImage("esp32s3", bareConfig(), { project: "blink" })),
                /the application is "blink", not devicescript-esp32's "espjd"/,
            )
            const good = stockReleaseImage("esp32s3", bareConfig())
            const damaged = new Uint8Array(good)
            damaged[0x10000 + 1000] ^= 0x40
            await attempt(
                body(damaged),
                /application \(partition "factory"\) at 0x10000 is refused: .*the file is damaged/,
            )
            await attempt(truncated(good, good.length - 100), /stopped after \d+ of \d+ bytes: nothing was kept/)
            // a file that ends early but says so (a shorter body served whole)
            await attempt(body(good.subarray(0, good.length - 1)), /truncated/)
            await attempt(
                body(stockReleaseImage("esp32", bareConfig())),
                /built for ESP32, but the board has an ESP32-S3/,
            )
            await attempt(
                undefined,
                /not found \(404\).*\n.*has no devicescript-esp32s3-esp32s3_bare-0x0\.bin in v2\.16\.1/,
            )
            const port = await closedPort()
            await t.throwsAsync(stockFirmware(board, { baseUrl: `http://127.0.0.1:${port}/releases` }), {
                message: /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
            })
        } finally {
            await server.close()
        }
    },
)

// --- camscript's own release

function releaseLayout(server: Loopback, boardId: string, chip: "esp32" | "esp32s3") {
    const folder = writeFirmwareFolder(tempDir("camscript-rel-"), chip, 20_000)
    const names = ["bootloader", "partition-table", "camscript"]
    const flash = folder.regions.map((r, i) => ({
        offset: r.offset,
        file: `${boardId}-${names[i]}.bin`,
        size: r.data.length,
        sha256: createHash("sha256").update(r.data).digest("hex"),
    }))
    const manifest = {
        format: 1,
        camscript: version,
        runtime: { devicescriptEsp32: "f6aec45", devicescript: "2.16.0", espIdf: "5.0.5" },
        boards: [{ board: boardId, chip, files: flash.map((f) => ({ ...f, name: f.file, file: undefined })) }],
    }
    const tag = `/releases/download/v${version}`
    server.routes.set(`${tag}/${RELEASE_MANIFEST}`, body(JSON.stringify(manifest)))
    folder.regions.forEach((r, i) => server.routes.set(`${tag}/${flash[i].file}`, body(r.data)))
    return { folder, manifest, flash, tag }
}

// serial: they count what the cache saves, and clear it between cases
test.serial(
    "release: the installed version's manifest and files are fetched and each checked against it",
    async (t) => {
        const server = await loopback()
        try {
            const board = loadBoard("ai_thinker_esp32_cam")
            const { folder, flash, tag } = releaseLayout(server, board.id, "esp32")
            const fw = await releaseFirmware(board, { baseUrl: server.base })
            t.deepEqual(
                fw.regions.map((r) => [r.offset, r.name]),
                flash.map((f) => [f.offset, f.file]),
            )
            fw.regions.forEach((r, i) => t.deepEqual(r.data, folder.regions[i].data))
            t.notThrows(() => checkFirmware(fw, "esp32"))
            t.deepEqual(server.hits, [`${tag}/${RELEASE_MANIFEST}`, ...flash.map((f) => `${tag}/${f.file}`)])
            // cached by hash: the next flash fetches only the manifest
            await releaseFirmware(board, { baseUrl: server.base })
            t.is(server.hits.length, 5)
        } finally {
            await server.close()
        }
    },
)

test.serial(
    "release: a wrong hash, a wrong size, a truncated file, another board or chip, a missing release and no network",
    async (t) => {
        const board = loadBoard("olimex_esp32_poe")
        const cases: [string, (s: Loopback, l: ReturnType<typeof releaseLayout>) => void, RegExp][] = [
            [
                "wrong hash",
                (s, l) => s.routes.set(`${l.tag}/${l.flash[2].file}`, body(espImage(CHIP_IDS.esp32, 20_000, 99))),
                /olimex_esp32_poe-camscript\.bin: its SHA-256 is [0-9a-f]{64} but the manifest says [0-9a-f]{64}: .*nothing was kept/,
            ],
            [
                "longer than the manifest says",
                (s, l) => s.routes.set(`${l.tag}/${l.flash[0].file}`, body(new Uint8Array(l.flash[0].size + 1))),
                /is \d+ bytes; the limit is \d+ bytes .*the manifest says \d+ bytes; refused/,
            ],
            [
                "truncated",
                (s, l) => s.routes.set(`${l.tag}/${l.flash[2].file}`, truncated(l.folder.regions[2].data, 1000)),
                /stopped after 1000 of \d+ bytes: nothing was kept/,
            ],
            [
                "shorter, served whole",
                (s, l) => s.routes.set(`${l.tag}/${l.flash[2].file}`, body(l.folder.regions[2].data.subarray(1))),
                /\d+ bytes arrived but the manifest says \d+: the file is truncated/,
            ],
            [
                "another board only",
                (s, l) =>
                    s.routes.set(
                        `${l.tag}/${RELEASE_MANIFEST}`,
                        body(
                            JSON.stringify({
                                ...l.manifest,
                                boards: [{ ...l.manifest.boards[0], board: "wt32_eth01" }],
                            }),
                        ),
                    ),
                /has firmware for wt32_eth01, not olimex_esp32_poe\nThere is no camscript firmware release v.* for olimex_esp32_poe yet/,
            ],
            [
                "another chip",
                (s, l) =>
                    s.routes.set(
                        `${l.tag}/${RELEASE_MANIFEST}`,
                        body(
                            JSON.stringify({
                                ...l.manifest,
                                boards: [{ ...l.manifest.boards[0], chip: "esp32s3" }],
                            }),
                        ),
                    ),
                /boards\.olimex_esp32_poe\.chip is esp32s3, but olimex_esp32_poe has an esp32: refused/,
            ],
            [
                "another version",
                (s, l) =>
                    s.routes.set(
                        `${l.tag}/${RELEASE_MANIFEST}`,
                        body(JSON.stringify({ ...l.manifest, camscript: "9.9.9" })),
                    ),
                /the manifest is for camscript 9\.9\.9, but this is camscript/,
            ],
            [
                "a file name that climbs out",
                (s, l) =>
                    s.routes.set(
                        `${l.tag}/${RELEASE_MANIFEST}`,
                        body(
                            JSON.stringify({
                                ...l.manifest,
                                boards: [
                                    {
                                        board: board.id,
                                        chip: "esp32",
                                        files: [{ ...l.manifest.boards[0].files[0], name: "../../x.bin" }],
                                    },
                                ],
                            }),
                        ),
                    ),
                /files\[0\]\.name must be a release asset name/,
            ],
            [
                "a missing release",
                (s, l) => s.routes.delete(`${l.tag}/${RELEASE_MANIFEST}`),
                /not found \(404\) at .*camscript-firmware\.json\nThere is no camscript firmware release v.* yet\. Either:\n.*--firmware stock.*\n.*firmware\/build\.sh olimex_esp32_poe/,
            ],
        ]
        for (const [name, spoil, message] of cases) {
            const server = await loopback()
            try {
                spoil(server, releaseLayout(server, board.id, "esp32"))
                // never from a previous case's cache
                rmSync(firmwareCacheDir(), { recursive: true, force: true })
                await t.throwsAsync(releaseFirmware(board, { baseUrl: server.base }), { message }, name)
            } finally {
                await server.close()
            }
        }
        const port = await closedPort()
        await t.throwsAsync(releaseFirmware(board, { baseUrl: `http://127.0.0.1:${port}/releases` }), {
            message: /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
        })
    },
)

test("the CLI: no release yet says what to do; --firmware stock with no network says so; both before any port", async (t) => {
    const server = await loopback()
    const port = await closedPort()
    try {
        const env = { XDG_CACHE_HOME: tempDir("camscript-xdg-cli-") }
        const noRelease = await camscriptBin(
            ["flash", "--board", "ai_thinker_esp32_cam", "--port", "/dev/camscript-no-such-port"],
            { env: { ...env, CAMSCRIPT_RELEASES_URL: server.base } },
        )
        t.is(noRelease.code, 1, noRelease.stderr)
        t.regex(noRelease.stderr, /There is no camscript firmware release v.* for ai_thinker_esp32_cam yet/)
        t.regex(noRelease.stderr, /camscript flash --board ai_thinker_esp32_cam --firmware stock/)
        t.notRegex(noRelease.stderr, /no-such-port/)
        const offline = await camscriptBin(
            [
                "flash",
                "--board",
                "ai_thinker_esp32_cam",
                "--firmware",
                "stock",
                "--port",
                "/dev/camscript-no-such-port",
            ],
            { env: { ...env, CAMSCRIPT_STOCK_RELEASES_URL: `http://127.0.0.1:${port}/releases` } },
        )
        t.is(offline.code, 1, offline.stderr)
        t.regex(offline.stderr, /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): no network/)
    } finally {
        await server.close()
    }
})

test.serial(
    "firmware/build.sh --release-manifest writes what `camscript flash` reads: two boards' images served as a release",
    async (t) => {
        rmSync(firmwareCacheDir(), { recursive: true, force: true })
        const dist = tempDir("camscript-dist-")
        const built: Record<string, { offset: number; data: Uint8Array }> = {}
        for (const [id, chip] of [
            ["ai_thinker_esp32_cam", "esp32"],
            ["espressif_esp32_s3_eye", "esp32s3"],
        ] as const) {
            // build.sh's per-board output: one merged image and manifest.json { board, chip, flash: [{ offset, file }] }
            const offset = chip === "esp32" ? 0x1000 : 0x0
            const data = stockReleaseImage(chip, stockBoardConfig(loadBoard(id)), {
                version: "v0.1.0",
                project: "camscript",
            })
            mkdirSync(join(dist, id))
            writeFileSync(join(dist, id, "firmware.bin"), data)
            writeFileSync(
                join(dist, id, "manifest.json"),
                JSON.stringify({ board: id, chip, flash: [{ offset, file: "firmware.bin" }] }),
            )
            built[id] = { offset, data }
        }
        const out = tempDir("camscript-assets-")
        const made = spawnSync(
            "bash",
            [
                fromRoot("firmware/build.sh"),
                "--release-manifest",
                version,
                out,
                ...Object.keys(built).map((id) => join(dist, id)),
            ],
            { encoding: "utf8" },
        )
        t.is(made.status, 0, made.stderr)
        const server = await loopback()
        try {
            for (const name of readdirSync(out))
                server.routes.set(`/releases/download/v${version}/${name}`, body(readFileSync(join(out, name))))
            for (const [id, b] of Object.entries(built)) {
                const board = loadBoard(id)
                const fw = await releaseFirmware(board, { baseUrl: server.base })
                t.deepEqual(
                    fw.regions.map((r) => [r.offset, r.name, Buffer.from(r.data).toString("hex")]),
                    [
                        [
                            b.offset,
                            `camscript-${version}-${id}-0x${b.offset.toString(16)}.bin`,
                            Buffer.from(b.data).toString("hex"),
                        ],
                    ],
                )
                t.notThrows(() => checkFirmware(fw, board.archId))
            }
        } finally {
            await server.close()
            rmSync(dist, { recursive: true, force: true })
            rmSync(out, { recursive: true, force: true })
        }
    },
)

test.serial(
    "the release repository: package.json's repository in its usual spellings; the override; none is said plainly",
    (t) => {
        for (const spelling of [
            "git+https://github.com/camscript/camscript.git",
            "https://github.com/camscript/camscript",
            "git@github.com:camscript/camscript.git",
            "github:camscript/camscript",
            "camscript/camscript",
            { type: "git", url: "https://github.com/camscript/camscript.git" },
        ])
            t.is(githubRepository(spelling), "camscript/camscript", JSON.stringify(spelling))
        t.is(githubRepository("https://gitlab.com/camscript/camscript"), undefined)
        t.is(githubRepository(undefined), undefined)
        // the installed package names one (the placeholder until the project has its public home)
        const pkg = JSON.parse(readFileSync(fromRoot("package.json"), "utf8"))
        t.is(githubRepository(pkg.repository), "camscript/camscript")
        const before = process.env.CAMSCRIPT_RELEASES_URL
        try {
            delete process.env.CAMSCRIPT_RELEASES_URL
            t.is(
                releasesUrl({ version: "0.1.0", repository: pkg.repository }),
                "https://github.com/camscript/camscript/releases",
            )
            t.throws(() => releasesUrl({ version: "0.1.0" }), {
                message:
                    /package\.json names no GitHub repository .*use --firmware stock, or a folder built by firmware\/build\.sh/,
            })
            process.env.CAMSCRIPT_RELEASES_URL = "http://127.0.0.1:9/mirror/"
            t.is(releasesUrl({ version: "0.1.0" }), "http://127.0.0.1:9/mirror")
        } finally {
            if (before === undefined) delete process.env.CAMSCRIPT_RELEASES_URL
            else process.env.CAMSCRIPT_RELEASES_URL = before
        }
    },
)
