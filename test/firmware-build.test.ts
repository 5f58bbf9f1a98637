import test from "ava"
import { execFile } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { listBoards } from "../project/boards"
import { readFirmwareManifest } from "../sim/firmware/manifest"
import { fromRoot } from "../project/paths"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"

// firmware/build.sh needs ESP-IDF, which these machines do not have: the
// image itself is built by .github/workflows/firmware.yml. What can be
// checked here: the script's syntax (bash -n, shellcheck), its refusals,
// and the manifest it writes, read back by the reader `camscript flash
// --firmware` uses.

const script = fromRoot("firmware/build.sh")

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((done) =>
        execFile(cmd, args, (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
}

function images(): string {
    const dir = tempDir("camscript-images-")
    for (const f of ["bootloader.bin", "partition-table.bin", "app.bin"])
        writeFileSync(join(dir, f), Buffer.alloc(100, 1))
    return dir
}

test("build.sh: bash accepts it", async (t) => {
    const syntax = await run("bash", ["-n", script])
    t.is(syntax.code, 0, syntax.out)
})

needs("shellcheck")("build.sh: shellcheck finds nothing", async (t) => {
    const check = await run("shellcheck", [script])
    t.is(check.code, 0, check.out)
})

test("build.sh: an unknown board is refused, naming the boards there are", async (t) => {
    const r = await run(script, ["no_such_board"])
    t.is(r.code, 1)
    t.regex(r.out, /no board "no_such_board"; boards: .*ai_thinker_esp32_cam/)
    const usage = await run(script, [])
    t.is(usage.code, 2)
    t.regex(usage.out, /usage: firmware\/build.sh <board-id>/)
})

test("build.sh: without ESP-IDF it says how to get it, instead of failing half-way", async (t) => {
    // node stays reachable (the script reads the board file with it); idf.py does not
    const r = await run("env", [`PATH=${dirname(process.execPath)}:/usr/bin:/bin`, script, "ai_thinker_esp32_cam"])
    t.is(r.code, 1)
    t.regex(r.out, /idf\.py not found: .*export\.sh.*container/)
})

test("build.sh: every board's manifest reads back with its chip's offsets", async (t) => {
    // ESP32: bootloader at 0x1000; ESP32-S3: at 0x0; then 0x8000 and 0x10000
    const bootloaderAt: Record<string, number> = { esp32: 0x1000, esp32s3: 0 }
    for (const board of listBoards()) {
        const dir = images()
        const r = await run(script, ["--manifest", board.id, dir])
        t.is(r.code, 0, r.out)
        const m = readFirmwareManifest(dir)
        const chip = JSON.parse(readFileSync(fromRoot(`boards/${board.id}.board.json`), "utf8")).archId
        t.is(m.chip, chip)
        t.is(m.board, board.id)
        t.deepEqual(
            m.flash.map((f) => [f.offset, f.file]),
            [
                [bootloaderAt[chip], "bootloader.bin"],
                [0x8000, "partition-table.bin"],
                [0x10000, "app.bin"],
            ],
        )
    }
})

test("manifest reader: each malformed manifest is refused saying what is allowed", (t) => {
    const dir = images()
    const write = (m: unknown) => writeFileSync(join(dir, "manifest.json"), JSON.stringify(m))
    const ok = { chip: "esp32", flash: [{ offset: 4096, file: "bootloader.bin" }] }
    write(ok)
    t.is(readFirmwareManifest(dir).flash[0].size, 100)
    const cases: [unknown, RegExp][] = [
        [{ ...ok, chip: "esp8266" }, /chip "esp8266" is not one of esp32, esp32s3/],
        [{ ...ok, flash: [] }, /flash must be a non-empty list/],
        [{ ...ok, flash: [{ offset: 4095, file: "bootloader.bin" }] }, /4095 is not a multiple of the 4096-byte/],
        [{ ...ok, flash: [{ offset: -4096, file: "bootloader.bin" }] }, /whole number of bytes >= 0/],
        [{ ...ok, flash: [{ offset: 4096, file: "../etc/passwd" }] }, /file name in the manifest's folder/],
        [{ ...ok, flash: [{ offset: 4096, file: "missing.bin" }] }, /missing.bin does not exist/],
        [
            {
                ...ok,
                flash: [
                    { offset: 4096, file: "bootloader.bin" },
                    { offset: 4096, file: "app.bin" },
                ],
            },
            /overlaps the image before it \(which ends at 4196\)/,
        ],
        [{ ...ok, extra: 1 }, /unknown key "extra"/],
    ]
    for (const [manifest, message] of cases) {
        write(manifest)
        t.throws(() => readFirmwareManifest(dir), { message }, JSON.stringify(manifest))
    }
    // the last allowed offset before an overlap: right where the previous image ends, rounded to a sector
    write({
        ...ok,
        flash: [
            { offset: 4096, file: "bootloader.bin" },
            { offset: 8192, file: "app.bin" },
        ],
    })
    t.is(readFirmwareManifest(dir).flash.length, 2)
})
