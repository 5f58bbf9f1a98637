import test from "ava"
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { listBoards } from "../project/boards"
import { readFirmwareManifest } from "../sim/firmware/manifest"
import { fromRoot } from "../project/paths"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"

// firmware/build.sh needs ESP-IDF, which these machines do not have: the
// image itself is built by .github/workflows/firmware.yml. What is checked
// here: the script's syntax (bash -n, shellcheck), its refusals, a replay of
// a whole build against a devicescript-esp32-shaped tree
// (test/fixtures/devicescript-esp32) with stand-ins for idf.py and
// esptool.py that fail where ESP-IDF and CMake would
// (test/fixtures/esp-idf-standin), the board configuration written by the
// real DeviceScript CLI's binpatch, and the manifests it writes, read back.

const script = fromRoot("firmware/build.sh")

function run(
    cmd: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; out: string }> {
    return new Promise((done) =>
        execFile(cmd, args, { ...opts, timeout: 120_000 }, (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
}

function images(): string {
    const dir = tempDir("camscript-images-")
    for (const f of ["bootloader.bin", "app.bin", "firmware.bin"]) writeFileSync(join(dir, f), Buffer.alloc(100, 1))
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
    // ESP32: bootloader at 0x1000; ESP32-S3: at 0x0
    const bootloaderAt: Record<string, number> = { esp32: 0x1000, esp32s3: 0 }
    for (const board of listBoards()) {
        const dir = images()
        const r = await run(script, ["--manifest", board.id, dir])
        t.is(r.code, 0, r.out)
        const m = readFirmwareManifest(dir)
        const chip = JSON.parse(readFileSync(fromRoot(`boards/${board.id}.board.json`), "utf8")).archId
        t.is(m.chip, chip)
        t.is(m.board, board.id)
        // one merged image (bootloader, partition table, board configuration, app) at the bootloader's offset
        t.deepEqual(
            m.flash.map((f) => [f.offset, f.file]),
            [[bootloaderAt[chip], "firmware.bin"]],
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

// ---- the replay: build.sh against a devicescript-esp32-shaped tree and stand-ins for ESP-IDF

const fixture = fromRoot("test/fixtures/devicescript-esp32")
const standins = fromRoot("test/fixtures/esp-idf-standin")

interface ToolCall {
    tool: string
    cwd: string
    args: string[]
}

interface Replay {
    code: number
    out: string
    src: string
    dist: string
    calls: ToolCall[]
}

/** An ESP-IDF folder as far as build.sh reads it: the version header. */
function espIdf(dir: string, version: string): string {
    const [major, minor, patch] = version.split(".")
    const idf = join(dir, "esp-idf")
    mkdirSync(join(idf, "components/esp_common/include"), { recursive: true })
    writeFileSync(
        join(idf, "components/esp_common/include/esp_idf_version.h"),
        `#define ESP_IDF_VERSION_MAJOR   ${major}\n#define ESP_IDF_VERSION_MINOR   ${minor}\n#define ESP_IDF_VERSION_PATCH   ${patch}\n`,
    )
    return idf
}

function calls(log: string): ToolCall[] {
    if (!existsSync(log)) return []
    return readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as ToolCall)
}

async function replay(board: string, idfVersion: string): Promise<Replay> {
    const dir = tempDir("camscript-build-")
    const src = join(dir, "devicescript-esp32")
    cpSync(fixture, src, { recursive: true })
    const dist = join(dir, "dist")
    const log = join(dir, "calls.jsonl")
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${standins}:${process.env.PATH}`,
        IDF_PATH: espIdf(dir, idfVersion),
        IDF_STANDIN_LOG: log,
        CAMSCRIPT_DEVICESCRIPT_ESP32: src,
        CAMSCRIPT_FIRMWARE_DIST: dist,
    }
    delete env.IDF_TARGET
    const r = await run(script, [board], { env })
    return { ...r, src, dist, calls: calls(log) }
}

// Both boards are built once and shared by the tests below (each build runs binpatch: seconds).
const esp32Build = replay("ai_thinker_esp32_cam", "5.0.5") // the first supported ESP-IDF
const esp32s3Build = replay("seeed_xiao_esp32s3_sense", "5.0.9") // the last 5.0 release

const read = (...p: string[]) => readFileSync(join(...p), "utf8")
const DCFG_MAGIC = Buffer.from("DCFG\n\x9b\xb4\xca", "latin1") // DeviceScript's DCFG_MAGIC0/1, little-endian

function checkImage(t: import("ava").ExecutionContext, r: Replay, board: string, bootloaderAt: number) {
    const m = readFirmwareManifest(join(r.dist, board))
    t.deepEqual(
        m.flash.map((f) => [f.offset, f.file]),
        [[bootloaderAt, "firmware.bin"]],
    )
    const image = readFileSync(join(r.dist, board, "firmware.bin"))
    const at = (flashOffset: number) => flashOffset - bootloaderAt
    t.is(image[at(bootloaderAt)], 0xe9, "the bootloader's image header first")
    t.deepEqual([...image.subarray(at(0x8000), at(0x8000) + 2)], [0xaa, 0x50], "the partition table at 0x8000")
    t.deepEqual(image.subarray(at(0x9000), at(0x9000) + 8), DCFG_MAGIC, "the board configuration at 0x9000")
    const devName = JSON.parse(read(fromRoot(`boards/${board}.board.json`))).devName as string
    t.true(image.subarray(at(0x9000), at(0xb000)).includes(Buffer.from(devName)), `${devName} in the configuration`)
    t.is(image[at(0x10000)], 0xe9, "the application at 0x10000")
    t.is(image[at(0x10000) + 12], m.chip === "esp32s3" ? 9 : 0, "the application's chip id")
}

test("build.sh replay, ESP32 at ESP-IDF 5.0.5: the prep files, one idf.py build in build-esp32, merged, board configuration at 0x9000", async (t) => {
    const r = await esp32Build
    t.is(r.code, 0, r.out)
    const idf = r.calls.filter((c) => c.tool === "idf.py")
    // never set-target (its fullclean deletes or refuses build/): one build, in the target's own folder
    t.deepEqual(
        idf.map((c) => [c.cwd, c.args]),
        [[r.src, ["-B", join(r.src, "build-esp32"), "-DIDF_TARGET=esp32", "build"]]],
    )
    const esptool = r.calls.filter((c) => c.tool === "esptool.py")
    t.is(esptool.length, 1)
    t.deepEqual(esptool[0].args.slice(0, 6), [
        "--chip",
        "esp32",
        "merge_bin",
        "-o",
        join(r.src, "build-esp32/combined.bin"),
        "--target-offset",
    ])

    // devicescript-esp32's Makefile `prep`, done by build.sh
    t.is(read(r.src, "build/options.cmake"), 'idf_build_set_property(COMPILE_OPTIONS "" APPEND)\n')
    const version = JSON.parse(read(fromRoot("package.json"))).version as string
    t.is(read(r.src, "build/version.c"), `const char app_fw_version[] = "v2.16.1-4-gf6aec45+camscript.${version}";\n`)
    t.is(
        read(r.src, "sdkconfig.defaults"),
        read(fixture, "boards/esp32/sdkconfig.esp32") +
            read(fixture, "boards/sdkconfig.common") +
            read(fromRoot("firmware/idf/sdkconfig.camscript")),
    )
    // no manifest of its own for the ESP32: the common one, with esp32-camera at its entries' indentation
    t.is(
        read(r.src, "main/idf_component.yml"),
        read(fixture, "boards/idf_component.yml").replace(
            "dependencies:\n",
            'dependencies:\n    espressif/esp32-camera: "==2.0.16"\n',
        ),
    )

    // the hooks
    t.regex(read(r.src, "main/jd_user_config.h"), /^#define JD_WIFI 0$/m)
    t.regex(read(r.src, "main/main.c"), /void app_init_services\(void\) \{\n {4}camscript_init_services\(\);/)
    t.regex(read(r.src, "main/CMakeLists.txt"), /PRIVATE CAMSCRIPT_WLAN=1 CAMSCRIPT_LAN=0 CAMSCRIPT_CAMERA=1\)/)
    t.true(existsSync(join(r.src, "main/camscript/cam_wifi_station_spec.h")))
    t.true(existsSync(join(r.src, "main/camscript/camscript_services.c")))

    checkImage(t, r, "ai_thinker_esp32_cam", 0x1000)
})

test("build.sh replay, ESP32-S3 at ESP-IDF 5.0.9: the chip's component manifest (esp_tinyusb), build-esp32s3, bootloader at 0x0", async (t) => {
    const r = await esp32s3Build
    t.is(r.code, 0, r.out)
    t.deepEqual(
        r.calls.filter((c) => c.tool === "idf.py").map((c) => c.args),
        [["-B", join(r.src, "build-esp32s3"), "-DIDF_TARGET=esp32s3", "build"]],
    )
    t.is(
        read(r.src, "main/idf_component.yml"),
        read(fixture, "boards/esp32s3/idf_component.yml").replace(
            "dependencies:\n",
            'dependencies:\n    espressif/esp32-camera: "==2.0.16"\n',
        ),
    )
    t.regex(read(r.src, "main/idf_component.yml"), /espressif\/esp_tinyusb/)
    checkImage(t, r, "seeed_xiao_esp32s3_sense", 0)
})

test("the idf.py stand-in fails where ESP-IDF and CMake do, so the replay can fail", async (t) => {
    const dir = tempDir("camscript-standin-")
    const src = join(dir, "src")
    cpSync(fixture, src, { recursive: true })
    const env: NodeJS.ProcessEnv = { ...process.env, IDF_PATH: espIdf(dir, "5.0.5") }
    delete env.IDF_TARGET
    const idf = (...args: string[]) => run(join(standins, "idf.py"), args, { env, cwd: src })
    writeFileSync(join(src, "sdkconfig.defaults"), read(fixture, "boards/esp32s3/sdkconfig.esp32s3"))

    // without the prep step: the top CMakeLists.txt's include()
    let r = await idf("build")
    t.is(r.code, 1)
    t.regex(r.out, /include could not find requested file:\n\n {4}build\/options\.cmake/)
    mkdirSync(join(src, "build"))
    writeFileSync(join(src, "build/options.cmake"), "")
    // then main/'s ../build/version.c
    r = await idf("build")
    t.is(r.code, 1)
    t.regex(r.out, /Cannot find source file:\n\n {4}\.\.\/build\/version\.c/)
    writeFileSync(join(src, "build/version.c"), "")
    // the old build.sh's first step: set-target's fullclean refuses a build/ that CMake did not make
    r = await idf("set-target", "esp32s3")
    t.is(r.code, 2)
    t.regex(r.out, /doesn't seem to be a CMake build directory\. Refusing to automatically delete files/)
    // the ESP32-S3 without its component manifest: main/usb.c has no tinyusb.h
    r = await idf("-B", join(src, "build-esp32s3"), "build")
    t.is(r.code, 1)
    t.regex(r.out, /main\/usb\.c:3:10: fatal error: tinyusb\.h: No such file or directory/)
    cpSync(join(fixture, "boards/esp32s3/idf_component.yml"), join(src, "main/idf_component.yml"))
    r = await idf("-B", join(src, "build-esp32s3"), "build")
    t.is(r.code, 0, r.out)
    t.regex(read(src, "sdkconfig"), /^CONFIG_BOOTLOADER_OFFSET_IN_FLASH=0x0$/m)
})

test("build.sh: an unsupported ESP-IDF stops before anything is built, naming the first supported one", async (t) => {
    for (const version of ["5.0.4", "5.0.2", "5.1.0", "5.3.4", "4.4.8"]) {
        const r = await replay("ai_thinker_esp32_cam", version)
        t.is(r.code, 1, version)
        t.true(
            r.out.includes(`ESP-IDF v${version} is not supported: the first supported is v5.0.5, and the 5.0 line`),
            r.out,
        )
        t.deepEqual(r.calls, [], `${version}: nothing run`)
    }
})

test("build.sh --release-manifest: every board's image under its release name, with size and SHA-256", async (t) => {
    const [a, b] = await Promise.all([esp32Build, esp32s3Build])
    const out = tempDir("camscript-release-")
    const r = await run(script, [
        "--release-manifest",
        "0.1.0",
        out,
        join(a.dist, "ai_thinker_esp32_cam"),
        join(b.dist, "seeed_xiao_esp32s3_sense"),
    ])
    t.is(r.code, 0, r.out)
    const m = JSON.parse(read(out, "camscript-firmware.json"))
    t.is(m.format, 1)
    t.is(m.camscript, "0.1.0")
    t.deepEqual(m.runtime, {
        devicescriptEsp32: "f6aec45d0a38e76b0019b975f185033e66e2f85d",
        devicescript: "2.16.0",
        espIdf: "5.0.5",
    })
    const expected = [
        ["ai_thinker_esp32_cam", "esp32", 0x1000, "0x1000", a.dist],
        ["seeed_xiao_esp32s3_sense", "esp32s3", 0, "0x0", b.dist],
    ] as const
    t.deepEqual(
        m.boards,
        expected.map(([board, chip, offset, hex, dist]) => {
            const data = readFileSync(join(dist, board, "firmware.bin"))
            return {
                board,
                chip,
                files: [
                    {
                        name: `camscript-0.1.0-${board}-${hex}.bin`,
                        offset,
                        size: data.length,
                        sha256: createHash("sha256").update(data).digest("hex"),
                    },
                ],
            }
        }),
    )
    for (const [board, , , hex, dist] of expected)
        t.deepEqual(
            readFileSync(join(out, `camscript-0.1.0-${board}-${hex}.bin`)),
            readFileSync(join(dist, board, "firmware.bin")),
        )

    const bad = await run(script, ["--release-manifest", "v0.1.0", out, join(a.dist, "ai_thinker_esp32_cam")])
    t.is(bad.code, 1)
    t.regex(bad.out, /version "v0\.1\.0" is not a version like 1\.2\.3/)
})

test("firmware.yml builds in the container of the ESP-IDF build.sh pins, and releases on a version tag", (t) => {
    const workflow = read(fromRoot(".github/workflows/firmware.yml"))
    const pinned = /^IDF_FIRST_SUPPORTED=(\S+)$/m.exec(read(script))?.[1]
    t.is(pinned, "5.0.5")
    t.regex(workflow, new RegExp(`container: espressif/idf:v${pinned!.replace(/\./g, "\\.")}\\n`))
    t.regex(workflow, new RegExp(`ESP_IDF_VERSION: "${pinned!.replace(/\./g, "\\.")}"`))
    t.regex(workflow, /tags: \["v\*"\]/)
    t.regex(workflow, /firmware\/build\.sh --release-manifest "\$version" release/)
})
