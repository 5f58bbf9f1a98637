import test from "ava"
import { spawn } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { camscript } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"

// The `camscript` command as a user runs it (the bundled bin), with its
// exit codes: 0 finished, 1 script error, 2 usage/world/board, 124 timeout.

const userDir = tempDir("camscript-cli-user-")
function userFile(name: string, text: string): string {
    mkdirSync(userDir, { recursive: true })
    const file = join(userDir, name)
    writeFileSync(file, text)
    return file
}

test("sim: the spec's example prints 'link up' stamped with simulated time, exit 0", async (t) => {
    const r = await camscript("sim", "examples/wifi-station.ts")
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /^\[ +2\.\d{3}s\] link up\n$/)
    t.regex(r.stderr, /wifi +GotAddress +ap=my-network \(02:ca:00:00:00:01, ch 6\) rssi=-44 dBm ip=192\.168\.1\.100/)
    t.regex(r.stderr, /script finished/)
})

test("sim: a script anywhere on disk, importing its own helper, runs", async (t) => {
    userFile("helper.ts", `export function greet(who: string) { return "hello " + who }\n`)
    const main = userFile(
        "main.ts",
        `import { network } from "camscript"\nimport { greet } from "./helper"\nconsole.log(greet(\`status \${new network.WLAN(network.WLAN.IF_STA).status()}\`))\n`,
    )
    const r = await camscript("sim", main, "--no-timeline")
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /hello status 1000/)
})

test("sim: an uncaught error exits 1 with the message and the user's file:line", async (t) => {
    const file = userFile("throws.ts", `console.log("before")\nthrow new Error("camera on fire")\n`)
    const r = await camscript("sim", file, "--no-timeline")
    t.is(r.code, 1)
    t.regex(r.stdout, /before/)
    t.regex(r.stderr, /the script threw: Error: camera on fire\n +at main \(.*throws\.ts:2:1\)/)
})

test("sim: a compile error exits 1 with the user's file(line,col) and message, no stack trace", async (t) => {
    const file = userFile(
        "typo.ts",
        `import { network } from "camscript"\nconst w = new network.WLAN(network.WLAN.IF_STA)\nw.conect("x")\n`,
    )
    const r = await camscript("sim", file)
    t.is(r.code, 1)
    t.regex(r.stderr, /typo\.ts\(3,3\): error TS2551: Property 'conect' does not exist/)
    t.notRegex(r.stderr, /at \w+ \(.*\.js:\d+/)
})

test("sim: --timeout stops a script that never ends, exit 124", async (t) => {
    const file = userFile("forever.ts", `import { time } from "camscript"\nwhile (true) await time.sleep_ms(1000)\n`)
    const r = await camscript("sim", file, "--timeout", "90s", "--no-timeline")
    t.is(r.code, 124)
    t.regex(r.stderr, /--timeout 90\.000s of simulated time passed/)
})

test("sim: a broken world exits 2 naming the field", async (t) => {
    const world = userFile(
        "bad-world.json",
        JSON.stringify({ accessPoints: [{ ssid: "x", security: "wep", position: [0, 0] }] }),
    )
    const r = await camscript("sim", "examples/wifi-station.ts", "--world", world)
    t.is(r.code, 2)
    t.regex(
        r.stderr,
        /bad-world\.json: accessPoints\[0\]\.security must be one of "open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise"/,
    )
})

test("sim: a world naming an unknown board exits 2 listing the boards", async (t) => {
    const world = userFile("board-world.json", JSON.stringify({ board: "nonexistent_cam", accessPoints: [] }))
    const r = await camscript("sim", "examples/wifi-station.ts", "--world", world)
    t.is(r.code, 2)
    t.regex(r.stderr, /unknown board "nonexistent_cam" \(known boards: .*ai_thinker_esp32_cam/)
})

test("usage errors exit 2 and say what was wrong and what is allowed", async (t) => {
    const noScript = await camscript("sim")
    t.is(noScript.code, 2)
    t.regex(noScript.stderr, /^camscript sim: sim needs a script\nusage: camscript sim <script\.ts> \[--world FILE\]/)
    const unknown = await camscript("fly")
    t.is(unknown.code, 2)
    t.regex(unknown.stderr, /^camscript: unknown command "fly"; the commands are .*\n/)
    const listed = /the commands are (.*)\n/.exec(unknown.stderr)![1].split(", ")
    t.deepEqual([...listed].sort(), [
        "boards",
        "build",
        "clean",
        "deploy",
        "devices",
        "flash",
        "help",
        "init",
        "monitor",
        "run",
        "sim",
        "test",
        "virtual-board",
    ])
    const option = await camscript("sim", "examples/wifi-station.ts", "--colour")
    t.is(option.code, 2)
    t.regex(option.stderr, /^camscript sim: unknown option --colour\n/)
    t.regex(option.stderr, /\[--verbose\] \[--no-timeline\]/, "the options sim takes")
    t.regex(option.stderr, /camscript help sim for all of sim's options/)
    const bad = await camscript("sim", "examples/wifi-station.ts", "--timeout", "soon")
    t.is(bad.code, 2)
    t.regex(bad.stderr, /--timeout: "soon" is not a duration/)
})

test("clean takes no arguments: one given is a usage error, and clean removes nothing", async (t) => {
    const clean = await camscript("clean", "examples/wifi-station.ts")
    t.is(clean.code, 2)
    t.regex(
        clean.stderr,
        /^camscript clean: clean takes no arguments, got "examples\/wifi-station\.ts"\nusage: camscript clean\n/,
    )
    t.notRegex(clean.stdout, /removed/)
})

test("a reader that goes away (camscript boards | head -1) ends the run quietly, exit 0", async (t) => {
    const child = spawn(process.execPath, [fromRoot("bin/camscript.cjs"), "boards"], {
        cwd: fromRoot(),
        stdio: ["ignore", "pipe", "pipe"],
    })
    // closed before the command writes anything: its first write meets a closed pipe
    child.stdout.destroy()
    let stderr = ""
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    t.is(stderr, "")
    t.is(code, 0)
})

test("a missing script is a usage error, exit 2", async (t) => {
    const r = await camscript("sim", "no/such/script.ts")
    t.is(r.code, 2)
    t.regex(r.stderr, /no\/such\/script\.ts: no such file/)
})

test("flash and monitor: a stray argument gets the mistake and the usage line, not the whole help", async (t) => {
    for (const command of ["flash", "monitor"]) {
        const r = await camscript(command, "extra")
        t.is(r.code, 2, command)
        t.is(r.stderr.split("\n").length, 4, `${command}: three lines and the final newline, got:\n${r.stderr}`)
        t.regex(
            r.stderr,
            new RegExp(`^camscript ${command}: unexpected argument "extra"\\nusage: camscript ${command} `),
        )
        t.regex(r.stderr, new RegExp(`\\(camscript help ${command} for all of ${command}'s options\\)\\n$`))
        t.is(r.stdout, "")
    }
})

/** The board files as they are on disk, read here without camscript's loader. */
function boardFiles(): { id: string; archId: string; interfaces: string[]; sensor: string | null }[] {
    const dir = fromRoot("boards")
    return readdirSync(dir)
        .filter((f) => f.endsWith(".board.json"))
        .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")))
        .map((b) => ({
            id: b.id,
            archId: b.archId,
            interfaces: b.camscript.interfaces,
            sensor: b.camscript.camera.sensor,
        }))
        .sort((a, b) => a.id.localeCompare(b.id))
}

test("boards lists every board file, one line each, with its chip, interfaces, sensor and PSRAM", async (t) => {
    const r = await camscript("boards")
    t.is(r.code, 0, r.stderr)
    const files = boardFiles()
    const lines = r.stdout.trimEnd().split("\n")
    t.deepEqual(
        lines.map((l) => l.split(/ +/)[0]),
        files.map((b) => b.id),
    )
    const cam = lines.find((l) => l.startsWith("ai_thinker_esp32_cam "))!
    t.regex(cam, /^ai_thinker_esp32_cam +esp32 +wlan +OV2640 +4 MB +AI-Thinker ESP32-CAM$/)
    t.regex(
        lines.find((l) => l.startsWith("wt32_eth01 "))!,
        / wlan\+lan +- +none +/,
    )
})

test("boards WORD narrows the list: interfaces and chips as whole words, ids, names and sensors by part", async (t) => {
    const files = boardFiles()
    const ids = (out: string) =>
        out
            .trimEnd()
            .split("\n")
            .map((l) => l.split(/ +/)[0])
    const lan = await camscript("boards", "lan")
    t.is(lan.code, 0, lan.stderr)
    t.deepEqual(
        ids(lan.stdout),
        files.filter((b) => b.interfaces.includes("lan")).map((b) => b.id),
        "lan is not found inside wlan",
    )
    const s3 = await camscript("boards", "ESP32-S3", "ov2640")
    t.deepEqual(
        ids(s3.stdout),
        files.filter((b) => b.archId === "esp32s3" && b.sensor === "OV2640").map((b) => b.id),
    )
    t.true(ids(s3.stdout).length > 0)
    const none = await camscript("boards", "lan", "ov3660")
    t.is(none.code, 1)
    t.is(none.stdout, "")
    t.regex(none.stderr, /^camscript boards: no board matches "lan" "ov3660"; camscript boards lists them all\n$/)
})

test("boards --json: one object per board and line, typed, in the same order", async (t) => {
    const r = await camscript("boards", "--json")
    t.is(r.code, 0, r.stderr)
    const lines = r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
    const files = boardFiles()
    t.deepEqual(
        lines.map((l) => l.id),
        files.map((b) => b.id),
    )
    for (const [i, l] of lines.entries()) {
        t.is(l.type, "board")
        t.is(l.chip, files[i].archId)
        t.deepEqual(l.interfaces, files[i].interfaces)
        t.is(l.camera, files[i].sensor)
        t.is(typeof l.psramBytes, "number")
        t.true(l.file.endsWith(`${l.id}.board.json`))
    }
    const filtered = await camscript("boards", "lan", "--json")
    t.deepEqual(
        filtered.stdout
            .trimEnd()
            .split("\n")
            .map((l) => JSON.parse(l).id),
        files.filter((b) => b.interfaces.includes("lan")).map((b) => b.id),
    )
})
