import test from "ava"
import fc from "fast-check"
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { listBoards, loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { parseEspImage } from "../formats/esp-image"
import { PartitionTableError, parsePartitionTable } from "../formats/partition-table"
import { checkFirmware, type Firmware, FirmwareError, type FlashRegion, loadFirmware } from "../usb/firmware"
import { DCFG_OFFSET, patchBoardConfig, stockBoardConfig } from "../usb/stock-firmware"
import { camscript } from "./helpers/pty-pair"
import { tempDir } from "./helpers/cleanup"
import {
    CHIP_IDS,
    espImage,
    partitionTable,
    SINGLE_APP,
    stockReleaseImage,
    writeFirmwareFolder,
} from "./helpers/firmware-images"

// Everything `camscript flash` checks before a port is touched (issue 23
// item 2): the images' formats as ESP-IDF's bootloader reads them, the
// regions' layout against the partition table and the flash size, and the
// board configuration the stock runtime gets, byte for byte as DeviceScript's
// own CLI writes it.

const dir = tempDir("camscript-flash-checks-")
const one = (offset: number, data: Uint8Array, name = "x.bin"): Firmware => ({
    regions: [{ offset, data, name }],
    source: name,
})
const fw32 = writeFirmwareFolder(join(dir, "ok32"), "esp32", 30_000)
const regions32 = (): FlashRegion[] =>
    loadFirmware(fw32.dir, "esp32").regions.map((r) => ({ ...r, data: new Uint8Array(r.data) }))

test("ESP image: a whole image is read as ESP-IDF reads it (segments, checksum, appended SHA-256, app description)", (t) => {
    const img = espImage(CHIP_IDS.esp32s3, 5000, 9, { app: { version: "v2.16.1", project: "espjd" } })
    const parsed = parseEspImage(img)
    t.is(parsed.length, img.length)
    t.is(parsed.chipName, "ESP32-S3")
    t.is(parsed.flashBytes, 4 << 20)
    t.is(
        parsed.sha256,
        createHash("sha256")
            .update(img.subarray(0, img.length - 32))
            .digest("hex"),
    )
    t.is(parsed.app?.version, "v2.16.1")
    t.is(parsed.app?.projectName, "espjd")
    t.is(parsed.app?.idfVersion, "v5.0.2")
    // no app description in a bootloader
    t.is(parseEspImage(espImage(0, 5000, 9)).app, undefined)
    // without an appended hash the checksum alone is checked
    const plain = espImage(0, 5000, 9, { hashAppended: 0 })
    t.is(parseEspImage(plain).sha256, undefined)
    plain[100] ^= 1
    t.throws(() => parseEspImage(plain), { message: /checksum byte is 0x[0-9a-f]+ but its segments give/ })
})

test("ESP image: every truncation is caught, the last byte included; a damaged byte fails the SHA-256", (t) => {
    const img = espImage(0, 3000, 4)
    t.notThrows(() => parseEspImage(img))
    for (const cut of [1, 31, 32, 33, img.length - 40, img.length - 24, 20])
        t.throws(
            () => parseEspImage(img.subarray(0, img.length - cut)),
            { message: /truncated|no ESP image header/ },
            `cut ${cut}`,
        )
    const damaged = new Uint8Array(img)
    damaged[img.length - 40] ^= 0x80 // the checksum byte's block, covered by the hash
    t.throws(() => parseEspImage(damaged), { message: /damaged/ })
    const hashHit = new Uint8Array(img)
    hashHit[img.length - 1] ^= 1
    t.throws(() => parseEspImage(hashHit), { message: /SHA-256 is [0-9a-f]+… but the image says/ })
    t.throws(() => parseEspImage(new Uint8Array(0)), { message: /it is empty/ })
})

test("partition table: entries and the MD5 entry are read; a damaged entry or missing end is refused", (t) => {
    const table = partitionTable(SINGLE_APP)
    t.deepEqual(
        parsePartitionTable(table).map((p) => [p.label, p.offset, p.size]),
        SINGLE_APP.map((p) => [p.label, p.offset, p.size]),
    )
    const bad = new Uint8Array(table)
    bad[40] ^= 1 // nvs's neighbour's offset: the MD5 no longer matches
    t.throws(() => parsePartitionTable(bad), { message: /MD5 entry does not match/ })
    t.throws(() => parsePartitionTable(table.subarray(0, 4 * 32)), { message: /no end-of-table marker/ })
})

test("a firmware folder as ESP-IDF writes it passes; the check reports the flash size and the application", (t) => {
    const check = checkFirmware(loadFirmware(fw32.dir, "esp32"), "esp32")
    t.is(check.flashBytes, 4 << 20)
    t.deepEqual(
        check.apps.map((a) => [a.offset, a.projectName, a.version]),
        [[0x10000, "camscript", "v0.1.0"]],
    )
})

test("refused before the port: an empty region, a .devs program, bytes with no image header", (t) => {
    t.throws(() => checkFirmware(one(0x10000, new Uint8Array(0), "empty.bin"), "esp32"), {
        instanceOf: FirmwareError,
        message: /empty\.bin is empty \(0 bytes\): nothing to write at 0x10000; allowed: an ESP-IDF image/,
    })
    const devs = new Uint8Array(4096)
    devs.set([0x44, 0x65, 0x76, 0x53, 0x0a, 0x7e, 0x6a, 0x9a], 0)
    t.throws(() => checkFirmware(one(0x10000, devs, "main.devs"), "esp32"), {
        message: /main\.devs is a DeviceScript program \(a \.devs image\), not firmware: .*camscript deploy main\.devs/,
    })
    t.throws(() => checkFirmware(one(0x10000, new Uint8Array(4096).fill(0x42), "junk.bin"), "esp32"), {
        message: /junk\.bin at 0x10000 has no ESP image header \(it starts 42 42 42 42\): refused\. allowed: /,
    })
    // a region that is not the table at 0x8000
    const r = regions32()
    r[1].data = new Uint8Array(0xc00).fill(0x11)
    t.throws(() => checkFirmware({ regions: r, source: "x" }, "esp32"), {
        message: /partition-table\.bin: what goes at 0x8000 is not a partition table \(it starts 11 11 11 11/,
    })
})

test("refused before the port: a truncated or damaged image names the file and why", (t) => {
    const r = regions32()
    r[2].data = r[2].data.subarray(0, r[2].data.length - 1)
    t.throws(() => checkFirmware({ regions: r, source: "x" }, "esp32"), {
        message:
            /camscript\.bin: the application \(partition "factory"\) at 0x10000 is refused: it ends before its appended SHA-256.*truncated/,
    })
    const d = regions32()
    d[0].data[500] ^= 0xff
    t.throws(() => checkFirmware({ regions: d, source: "x" }, "esp32"), {
        message: /bootloader\.bin: the bootloader at 0x1000 is refused: its checksum byte/,
    })
})

test("refused before the port: past the end of the flash, at the last byte and one over", (t) => {
    // an image built for 4 MB: a region ending exactly at 4 MB passes, one byte more is refused
    const app = espImage(0, 3000, 3)
    const end = 4 << 20
    const padded = (length: number) => {
        const d = new Uint8Array(length).fill(0xff)
        d.set(app)
        return d
    }
    t.notThrows(() => checkFirmware(one(end - 0x1000, padded(0x1000)), "esp32"))
    t.throws(() => checkFirmware(one(end - 0x1000, padded(0x1001)), "esp32"), {
        message:
            /x\.bin at 0x3ff000 is 4097 bytes and ends at 0x400001, past the end of the 4 MB flash the firmware is built for \(0x400000\): refused/,
    })
    // the size comes from the image: the same bytes built for 8 MB pass
    const app8 = espImage(0, 3000, 3, { flashSizeCode: 3 })
    const d8 = new Uint8Array(0x1001).fill(0xff)
    d8.set(app8)
    t.notThrows(() => checkFirmware(one(end - 0x1000, d8), "esp32"))
    // offsets off the 4 KB sector
    t.throws(() => checkFirmware(one(0x10004, app), "esp32"), { message: /not on a 4096-byte flash sector/ })
})

test("refused before the port: an application bigger than its partition, and one where the table has none", (t) => {
    const r = regions32()
    r[1].data = partitionTable([...SINGLE_APP.slice(0, 2), { ...SINGLE_APP[2], size: r[2].data.length - 1 }])
    t.throws(() => checkFirmware({ regions: r, source: "x" }, "esp32"), {
        message: new RegExp(
            `the application is ${r[2].data.length} bytes, but its partition "factory" at 0x10000 holds ${r[2].data.length - 1}: it would not fit`,
        ),
    })
    r[1].data = partitionTable([...SINGLE_APP.slice(0, 2), { ...SINGLE_APP[2], size: r[2].data.length }])
    t.notThrows(() => checkFirmware({ regions: r, source: "x" }, "esp32"))
    const moved = regions32()
    moved[2].offset = 0x20000
    t.throws(() => checkFirmware({ regions: moved, source: "x" }, "esp32"), {
        message: /camscript\.bin: the partition table has no application partition at 0x20000 \("factory" at 0x10000\)/,
    })
})

test("refused before the port: images for the other chip, in a folder and inside a merged file", (t) => {
    const s3 = writeFirmwareFolder(join(dir, "s3"), "esp32s3", 4096)
    t.throws(() => checkFirmware(loadFirmware(s3.dir, "esp32"), "esp32"), {
        message: /bootloader\.bin is built for ESP32-S3, but the board has an ESP32: nothing was written/,
    })
    const merged = stockReleaseImage("esp32s3", new Uint8Array(8).fill(0xff))
    t.throws(() => checkFirmware(one(0, merged, "s3-merged.bin"), "esp32"), {
        message: /s3-merged\.bin.*no ESP image header|built for ESP32-S3/,
    })
    t.notThrows(() => checkFirmware(one(0, merged, "s3-merged.bin"), "esp32s3"))
})

test("every file goes through the bounded reader: /dev/zero, a FIFO and a folder named by flasher_args.json are refused at once", (t) => {
    const d = join(dir, "hostile")
    mkdirSync(d)
    writeFileSync(join(d, "flasher_args.json"), JSON.stringify({ flash_files: { "0x1000": "/dev/zero" } }))
    t.throws(() => loadFirmware(d, "esp32"), { message: /outside the manifest's folder/ })
    symlinkSync("/dev/zero", join(d, "zero.bin"))
    writeFileSync(join(d, "flasher_args.json"), JSON.stringify({ flash_files: { "0x1000": "zero.bin" } }))
    t.throws(() => loadFirmware(d, "esp32"), { message: /zero\.bin is a character device, not a regular file/ })
    execFileSync("mkfifo", [join(d, "fifo.bin")])
    writeFileSync(join(d, "flasher_args.json"), JSON.stringify({ flash_files: { "0x1000": "fifo.bin" } }))
    t.throws(() => loadFirmware(d, "esp32"), { message: /fifo\.bin is a FIFO \(named pipe\), not a regular file/ })
    // the manifest itself, and a file given directly
    const m = join(dir, "hostile-manifest")
    mkdirSync(m)
    symlinkSync("/dev/zero", join(m, "flasher_args.json"))
    t.throws(() => loadFirmware(m, "esp32"), { message: /flasher_args\.json is a character device/ })
    t.throws(() => loadFirmware("/dev/zero", "esp32"), { message: /\/dev\/zero is a character device/ })
})

test("firmware/build.sh's manifest.json ({ flash: [{ offset, file }] }) is read like flasher_args.json", (t) => {
    const d = join(dir, "buildsh")
    mkdirSync(d)
    for (const [i, r] of fw32.regions.entries()) writeFileSync(join(d, `f${i}.bin`), r.data)
    writeFileSync(
        join(d, "manifest.json"),
        JSON.stringify({
            board: "ai_thinker_esp32_cam",
            chip: "esp32",
            flash: fw32.regions.map((r, i) => ({ offset: r.offset, file: `f${i}.bin` })),
        }),
    )
    const fw = loadFirmware(d, "esp32")
    t.deepEqual(
        fw.regions.map((r) => [r.offset, r.data.length]),
        fw32.regions.map((r) => [r.offset, r.data.length]),
    )
    t.notThrows(() => checkFirmware(fw, "esp32"))
})

test("the CLI refuses a bad image before it looks for a port, saying what was wrong and what is allowed", async (t) => {
    const d = join(dir, "cli-devs")
    mkdirSync(d)
    const devs = new Uint8Array(4096)
    devs.set([0x44, 0x65, 0x76, 0x53], 0)
    writeFileSync(join(d, "main.devs"), devs)
    const r = await camscript(
        "flash",
        "--board",
        "ai_thinker_esp32_cam",
        "--port",
        "/dev/camscript-no-such-port",
        "--firmware",
        join(d, "main.devs"),
    )
    t.is(r.code, 1, r.stderr)
    t.regex(r.stderr, /is a DeviceScript program \(a \.devs image\), not firmware/)
    t.notRegex(r.stderr, /no-such-port/)
})

// The DeviceScript CLI (a dependency) writes the configuration for a board
// file with `binpatch`, as devicescript-esp32's CI does for its own boards:
// ours must be the same bytes.
function devicescriptBinpatch(
    arch: "esp32" | "esp32s3",
    boards: { id: string; json: object }[],
    bin: Uint8Array,
): Map<string, Uint8Array> {
    const work = tempDir("camscript-binpatch-")
    // devicescript-esp32 v2.16.1 boards/<arch>/arch.json: the fields binpatch reads
    const archJson = {
        id: arch,
        name: arch,
        dcfgOffset: "0x9000",
        binFlashOffset: arch === "esp32" ? "0x1000" : "0x0",
        binGenericFlashOffset: "0x10000",
        flashPageSize: 4096,
        fstorOffset: "0x1c0000",
        pins:
            arch === "esp32"
                ? { io: "0,2,4,5,12-15,18,19,21-23,25-27,32,33", input: "io,34-39" }
                : { io: "0-18,21,33-48", input: "io" },
    }
    writeFileSync(join(work, "arch.json"), JSON.stringify(archJson))
    for (const b of boards) writeFileSync(join(work, `${b.id}.board.json`), JSON.stringify(b.json))
    writeFileSync(join(work, "in.bin"), bin)
    writeFileSync(join(work, "in.elf"), "")
    mkdirSync(join(work, "out"))
    execFileSync(
        process.execPath,
        [
            fromRoot("node_modules/@devicescript/cli/built/devicescript-cli.cjs"),
            "binpatch",
            "--bin",
            "in.bin",
            "--outdir",
            "out",
            ...boards.map((b) => `${b.id}.board.json`),
        ],
        { cwd: work, stdio: "pipe" },
    )
    const suffix = arch === "esp32" ? "0x1000" : "0x0"
    return new Map(
        boards.map((b) => [
            b.id,
            new Uint8Array(readFileSync(join(work, "out", `devicescript-${arch}-${b.id}-${suffix}.bin`))),
        ]),
    )
}

const withoutOurs = (id: string) => {
    const json = JSON.parse(readFileSync(fromRoot("boards", `${id}.board.json`), "utf8"))
    delete json.camscript
    return json
}

test("the board configuration at 0x9000 is byte for byte what DeviceScript's binpatch writes, for every board", (t) => {
    for (const arch of ["esp32", "esp32s3"] as const) {
        const boards = listBoards().filter((b) => b.archId === arch)
        const erased = new Uint8Array(0x10000).fill(0xff)
        const theirs = devicescriptBinpatch(
            arch,
            boards.map((b) => ({ id: b.id, json: withoutOurs(b.id) })),
            erased,
        )
        for (const board of boards) {
            const ours = patchBoardConfig(erased, arch, stockBoardConfig(board), 0x2000)
            t.true(Buffer.from(ours).equals(Buffer.from(theirs.get(board.id)!)), `${board.id}: differs from binpatch`)
            t.is(ours[DCFG_OFFSET - (arch === "esp32" ? 0x1000 : 0)], 0x44, board.id) // "DCFG"
        }
    }
})

test("over the bare board's configuration: padded to its length, as binpatch does; something else there is refused", (t) => {
    const board = loadBoard("ai_thinker_esp32_cam")
    // a "bare" board with more pins than ours, so its configuration is the longer one
    const bare = {
        devName: "Espressif ESP32 (bare)",
        productId: "0x3ff6ffeb",
        pins: Object.fromEntries(
            [4, 13, 14, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34, 35, 36, 39].map((p) => [`P${p}`, p]),
        ),
    }
    const withBare = devicescriptBinpatch(
        "esp32",
        [{ id: "esp32_bare", json: bare }],
        new Uint8Array(0x10000).fill(0xff),
    ).get("esp32_bare")!
    const theirs = devicescriptBinpatch("esp32", [{ id: board.id, json: withoutOurs(board.id) }], withBare).get(
        board.id,
    )!
    const ours = patchBoardConfig(withBare, "esp32", stockBoardConfig(board), 0x2000)
    t.true(Buffer.from(ours).equals(Buffer.from(theirs)))
    const taken = new Uint8Array(0x10000).fill(0xff)
    taken.fill(0x12, 0x8000, 0x8010)
    t.throws(() => patchBoardConfig(taken, "esp32", stockBoardConfig(board), 0x2000), {
        message: /holds something else at 0x9000: not patched/,
    })
    t.throws(() => patchBoardConfig(new Uint8Array(0x10000).fill(0xff), "esp32", stockBoardConfig(board), 100), {
        message: /the board configuration is \d+ bytes; the dcfg partition holds 100/,
    })
})

test("garbage never crashes the checks: any bytes at any region are refused by name or pass, never a RangeError", (t) => {
    const header = espImage(0, 1000, 1).subarray(0, 32)
    fc.assert(
        fc.property(
            fc.uint8Array({ maxLength: 3000 }),
            fc.boolean(),
            fc.constantFrom(0, 0x1000, 0x8000, 0x9000, 0x10000),
            (bytes, withHeader, offset) => {
                const data = new Uint8Array(bytes.length + (withHeader ? header.length : 0))
                if (withHeader) data.set(header)
                data.set(bytes, withHeader ? header.length : 0)
                try {
                    checkFirmware(one(offset, data), "esp32")
                } catch (e) {
                    if (!(e instanceof FirmwareError)) throw e
                }
                try {
                    parsePartitionTable(data)
                } catch (e) {
                    if (!(e instanceof PartitionTableError)) throw e
                }
            },
        ),
        { numRuns: 2000 },
    )
    t.pass()
})
