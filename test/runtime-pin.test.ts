import test from "ava"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import {
    DEVICESCRIPT_ESP32_REVISIONS,
    deployAnswer,
    largestImage,
    RUNTIMES,
    runtimeTakesVersion,
    SETTING_KEY_MAX_BYTES,
    SETTING_KEY_MAX_CHARS,
    settingValueMax,
    storeGeometry,
    versionText,
} from "../project/runtime"
import { compileScript, CompileError } from "../compiler/compile"
import { devsVersion, devsImageProblem, emptyDevsImage } from "../formats/devs-image"
import { runtimeRule } from "../project/runtime"
import { ImageRefusedError, runSimulation } from "../sim/session"
import { createVm } from "../sim/vm/devs-vm"
import { loadWorldFile } from "../sim/world/world"
import { codeOnly, interfacesConstructed } from "../compiler/interface-use"
import { camscript } from "./helpers/pty-pair"
import { tempDir } from "./helpers/cleanup"

// The compiler and the runtime the firmware pins, held together: the
// image's version against the pinned runtime's rule (devsmgr/verify.c), the
// program store's size as jd_fstor.c computes it, and the simulator's VM
// playing that store. The figures expected here are computed from the
// partition table and page size by hand (256 KB / 4 KB = 64 pages; 4 header
// pages, twice; 56 data pages; an entry gets at most 55), not by the code
// under test.

const board = loadBoard("ai_thinker_esp32_cam")
const world = loadWorldFile(fromRoot("sim/worlds/default.json"))
const LARGEST = 55 * 4096 - 128 // 225,152

let hello: Awaited<ReturnType<typeof compileScript>> | undefined
async function helloImage() {
    hello ??= await compileScript(fromRoot("test/scripts/hello.ts"), { board, hostname: "cam" })
    return hello
}

function padded(image: Uint8Array, size: number): Uint8Array {
    const out = new Uint8Array(size)
    out.set(image.subarray(0, Math.min(size, image.length)))
    return out
}

test("firmware/build.sh pins a devicescript-esp32 revision whose runtime is the one project/runtime.ts describes", (t) => {
    const script = readFileSync(fromRoot("firmware/build.sh"), "utf8")
    const pin = /^DEVICESCRIPT_ESP32_REV=([0-9a-f]{40})$/m.exec(script)?.[1]
    t.truthy(pin, "build.sh names DEVICESCRIPT_ESP32_REV as a full commit")
    const known = DEVICESCRIPT_ESP32_REVISIONS.find((r) => r.commit === pin)
    t.truthy(known, `build.sh pins ${pin}: add it to DEVICESCRIPT_ESP32_REVISIONS with the runtime it carries`)
    t.deepEqual(
        known?.runtime,
        RUNTIMES.camscript.version,
        `build.sh pins ${known?.name}, runtime ${known && versionText(known.runtime)}, but the camscript profile says ${versionText(RUNTIMES.camscript.version)}`,
    )
})

test("the compiler's images are taken by the pinned runtimes' version rule (ours and stock)", async (t) => {
    const image = (await helloImage()).image
    const v = devsVersion(image)
    // @devicescript/cli 2.16.4 writes 2.16.4: bytes 8..11 = 04 00 10 02
    t.deepEqual([...image.subarray(8, 12)], [v.patch & 0xff, v.patch >> 8, v.minor, v.major])
    for (const firmware of ["camscript", "stock"] as const)
        t.true(
            runtimeTakesVersion(RUNTIMES[firmware].version, v),
            `image ${versionText(v)} against ${firmware}'s runtime ${versionText(RUNTIMES[firmware].version)}`,
        )
    // the VM the simulator and the virtual board run comes from the same CLI as the compiler:
    // its rule (minor up to its own) equals the pinned runtime's only while the minors agree
    t.is(v.minor, RUNTIMES.camscript.version.minor)
    t.is(v.major, RUNTIMES.camscript.version.major)
})

test("the version rule at its edges: major equal, minor 7 up to the runtime's, patch ignored", (t) => {
    const runtime = { major: 2, minor: 16, patch: 0 }
    const at = (major: number, minor: number, patch = 0) => runtimeTakesVersion(runtime, { major, minor, patch })
    t.true(at(2, 16, 65535))
    t.false(at(2, 17))
    t.true(at(2, 7))
    t.false(at(2, 6))
    t.false(at(3, 16))
    t.false(at(1, 16))
    // the old pin (runtime 2.11.6) refused every image of this compiler
    t.false(runtimeTakesVersion({ major: 2, minor: 11, patch: 6 }, { major: 2, minor: 16, patch: 4 }))
})

test("the program store of runtime 2.16: 225,152 bytes, and what the manager does at each edge", (t) => {
    for (const firmware of ["camscript", "stock"] as const) {
        const p = RUNTIMES[firmware]
        const g = storeGeometry(p)
        t.deepEqual(
            {
                pages: g.pages,
                header: g.headerPages,
                data: g.dataPages,
                entry: g.largestEntryPages,
                index: g.indexBytes,
            },
            { pages: 64, header: 4, data: 56, entry: 55, index: 16384 },
        )
        t.is(largestImage(p), LARGEST)
        t.is(deployAnswer(p, LARGEST), "accepted")
        t.is(deployAnswer(p, LARGEST + 32), "no-room")
        t.is(deployAnswer(p, 56 * 4096 - 128), "no-room") // 229,248
        t.is(deployAnswer(p, 56 * 4096 - 128 + 32), "panic") // 229,280
        t.is(deployAnswer(p, LARGEST - 1), "misaligned")
        t.is(deployAnswer(p, 2 * 1024 * 1024), "panic")
        t.is(p.heapBytes, 64 * 1024)
        t.is(p.store.partitionOffset, 0x1c0000)
    }
})

test("settings: a value that can be read back is one packet's data (232 bytes) less the key and its NUL", (t) => {
    t.is(settingValueMax("wifi_ssid"), 232 - 1 - 9)
    t.is(settingValueMax("a".repeat(13)), 218)
    t.is(SETTING_KEY_MAX_CHARS, 13)
    t.is(SETTING_KEY_MAX_BYTES, 14)
})

test("the simulator's VM has the board runtime's store: 225,152 bytes stored, 225,184 and 229,248 ignored", async (t) => {
    const image = (await helloImage()).image
    const results: Record<number, number> = {}
    for (const size of [LARGEST, LARGEST + 32, 56 * 4096 - 128]) {
        const vm = await createVm()
        vm.dmesg = () => {}
        vm.sendPacket = () => {}
        vm.devsSetDeviceId("ca3c0de0ca3c0de0")
        vm.devsStart()
        results[size] = vm.devsDeploy(padded(image, size))
        vm.devsStop()
    }
    // devsmgr_deploy: 0 stored and verified; -1 deploy_start refused (no free pages)
    t.deepEqual(results, { [LARGEST]: 0, [LARGEST + 32]: -1, [56 * 4096 - 128]: -1 })
})

test("the simulator's VM has 4 MB of WebAssembly memory (the pinned module declares 16 MB), and the largest program stored fits in its first 1 MB", async (t) => {
    // tools/postinstall.mjs writes the module's memory as 64 pages; the
    // simulations use under 600 KB of it (docs/architecture.md)
    const image = padded((await helloImage()).image, LARGEST)
    const vm = await createVm()
    vm.dmesg = () => {}
    vm.sendPacket = () => {}
    vm.devsSetDeviceId("ca3c0de0ca3c0de0")
    // started and stopped with nothing awaited between: the file's simulations fake the timers
    vm.devsStart()
    const answer = vm.devsDeploy(image)
    vm.devsStop()
    t.is(answer, 0)
    t.is(vm.HEAPU8.length, 4 * 1024 * 1024)
    let last = vm.HEAPU8.length - 1
    while (last > 0 && vm.HEAPU8[last] === 0) last--
    t.true(last < 1024 * 1024, `the highest byte written is at ${last}`)
})

test("camscript sim runs an image of 225,152 bytes (the largest the board takes) to its end", async (t) => {
    const script = await helloImage()
    const r = await runSimulation({
        script: { ...script, image: padded(script.image, LARGEST) },
        world,
        board,
        timeoutMs: 5000,
    })
    t.is(r.outcome, "finished", r.error)
    t.deepEqual(
        r.output.map((o) => o.text),
        ["hello"],
    )
})

for (const [what, size] of [
    ["225,184 bytes (one alignment step past the store)", LARGEST + 32],
    ["229,280 bytes (where the board's store asserts)", 56 * 4096 - 128 + 32],
    ["2 MB", 2 * 1024 * 1024],
] as const)
    test(`camscript sim refuses an image of ${what} by name, and the next run still works`, async (t) => {
        const script = await helloImage()
        const e = await t.throwsAsync(
            runSimulation({ script: { ...script, image: padded(script.image, size) }, world, board, timeoutMs: 5000 }),
            { instanceOf: ImageRefusedError },
        )
        t.regex(
            e!.message,
            new RegExp(
                `is ${size.toLocaleString("en-US")} bytes, but the camscript firmware's runtime \\(DeviceScript 2\\.16\\.0\\) keeps at most 225,152 bytes in its program store`,
            ),
        )
        const again = await runSimulation({ script, world, board, timeoutMs: 5000 })
        t.is(again.outcome, "finished")
    })

test("camscript sim refuses a header-only image and garbage by name (the VM would assert)", async (t) => {
    const script = await helloImage()
    const header = script.image.slice(0, 64)
    const e = await t.throwsAsync(
        runSimulation({ script: { ...script, image: header }, world, board, timeoutMs: 5000 }),
        { instanceOf: ImageRefusedError },
    )
    t.regex(e!.message, /it is 64 bytes: a DeviceScript image is more than its 112-byte header/)
    const garbage = new Uint8Array(4096).fill(0xb8)
    const g = await t.throwsAsync(
        runSimulation({ script: { ...script, image: garbage }, world, board, timeoutMs: 5000 }),
        { instanceOf: ImageRefusedError },
    )
    t.regex(g!.message, /not a DeviceScript image/)
})

test("image checks at their edges: empty, 5 bytes, the header alone, one byte short, version, size", async (t) => {
    const image = (await helloImage()).image
    const rule = runtimeRule(RUNTIMES.camscript)
    t.regex(devsImageProblem(new Uint8Array(0), rule)!, /it is empty \(0 bytes\)/)
    t.regex(devsImageProblem(new Uint8Array(5), rule)!, /it is 5 bytes, too short/)
    t.regex(devsImageProblem(image.slice(0, 112), rule)!, /more than its 112-byte header/)
    t.regex(devsImageProblem(image.slice(0, image.length - 32), rule)!, /it is cut short: its sections run to byte/)
    t.is(devsImageProblem(image, rule), undefined)
    t.is(devsImageProblem(padded(image, LARGEST), rule), undefined)
    t.regex(devsImageProblem(padded(image, LARGEST + 32), rule)!, /keeps at most 225,152 bytes/)
    const v17 = image.slice()
    v17[10] = 17
    t.regex(devsImageProblem(v17, rule)!, /bytecode 2\.17\.4, which .* does not run \(it runs 2\.7 to 2\.16\)/)
    const v7 = image.slice()
    v7[10] = 7
    t.is(devsImageProblem(v7, rule), undefined)
    const v6 = image.slice()
    v6[10] = 6
    t.regex(devsImageProblem(v6, rule)!, /bytecode 2\.6\.4/)
})

test("interfaces a script constructs: comments, strings and types do not count", (t) => {
    const text = [
        'import { network } from "camscript"',
        "// new network.LAN() in a comment",
        'const s = "new network.LAN()"',
        "let l: network.LAN | undefined",
        "/* new network.WLAN()",
        "*/ const w = new network.WLAN(network.WLAN.IF_STA)",
        "const lan = new  network . LAN()",
    ].join("\n")
    t.is(codeOnly(text).length, text.length)
    t.deepEqual(
        interfacesConstructed(text).map((u) => [u.iface, u.line, u.column]),
        [
            ["wlan", 6, 14],
            ["lan", 7, 13],
        ],
    )
    // a bare LAN counts only when imported from camscript under that name
    t.deepEqual(interfacesConstructed("class LAN {}\nnew LAN()"), [])
    t.is(interfacesConstructed('import { LAN } from "camscript"\nnew LAN()')[0]?.iface, "lan")
})

test("a board build refuses a script that constructs Ethernet on a board without it, naming the boards that have it", async (t) => {
    const e = await t.throwsAsync(
        compileScript(fromRoot("examples/ethernet.ts"), { board, hostname: "cam", purpose: "board" }),
        { instanceOf: CompileError },
    )
    t.regex(
        e!.message,
        /^examples\/ethernet\.ts:\d+:\d+: new network\.LAN needs Ethernet \(lan\), which board ai_thinker_esp32_cam \(AI-Thinker ESP32-CAM\) does not have \(it has: wlan\)\. Boards with Ethernet \(lan\): /,
    )
    for (const id of ["esp32_cam_w5500", "olimex_esp32_poe", "wt32_eth01"]) t.regex(e!.message, new RegExp(id))
    // the simulator keeps reporting it when the script reaches it (the script may catch it)
    await t.notThrowsAsync(compileScript(fromRoot("examples/ethernet.ts"), { board, hostname: "cam" }))
})

test("a script whose image passes the old VM's 114,592-byte abort runs to its end in the simulator", async (t) => {
    const dir = tempDir("camscript-big-")
    const n = 520
    const lines: string[] = []
    // each function carries a string of its own (strings are what make images large)
    const text = (i: number) => `${"x".repeat(150)}${i}`
    for (let i = 0; i < n; i++)
        lines.push(`function step${i}(x: number): number { return "${text(i)}".length + (x * ${i + 3}) % ${i + 7} }`)
    lines.push("let sum = 0")
    for (let i = 0; i < n; i++) lines.push(`sum += step${i}(${i})`)
    lines.push("console.log(`sum ${sum}`)")
    writeFileSync(join(dir, "big.ts"), lines.join("\n"))
    let expected = 0
    for (let i = 0; i < n; i++) expected += text(i).length + ((i * (i + 3)) % (i + 7))
    const script = await compileScript(join(dir, "big.ts"), { board, hostname: "cam" })
    t.true(script.image.length > 114_592, `the image is ${script.image.length} bytes`)
    t.true(script.image.length <= LARGEST)
    const r = await runSimulation({ script, world, board, timeoutMs: 10_000 })
    t.is(r.outcome, "finished", r.error)
    t.deepEqual(
        r.output.map((o) => o.text),
        [`sum ${expected}`],
    )
})

test("camscript sim and build refuse a script whose image outgrows the program store, by name, with both sizes", async (t) => {
    const dir = tempDir("camscript-huge-")
    const n = 1100
    const lines: string[] = []
    for (let i = 0; i < n; i++) lines.push(`function s${i}(): number { return "${"y".repeat(180)}${i}".length }`)
    lines.push("let sum = 0")
    for (let i = 0; i < n; i++) lines.push(`sum += s${i}()`)
    lines.push("console.log(`sum ${sum}`)")
    const file = join(dir, "huge.ts")
    writeFileSync(file, lines.join("\n"))
    for (const command of ["sim", "build"]) {
        const r = await camscript(command, file, ...(command === "build" ? ["-o", join(dir, "huge.devs")] : []))
        t.is(r.code, 1, r.stderr)
        t.regex(
            r.stderr,
            /the compiled image is (\d{3},\d{3}) bytes, but the board's runtime \(DeviceScript 2\.16, devicescript-esp32 main f6aec45\) keeps at most 225,152 bytes in its program store/,
        )
        t.notRegex(r.stderr, /internal error|Aborted/)
    }
})

test("the functions' code must end before byte 65,536 (verify.c check 1051): 65,532 is taken, 65,536 refused", (t) => {
    const rule = runtimeRule(RUNTIMES.camscript)
    // every section empty right after the 112-byte header, but the functions' code (the second)
    const withCodeTo = (end: number) => {
        const image = emptyDevsImage(65_600, RUNTIMES.camscript.version)
        const v = new DataView(image.buffer)
        v.setUint32(32 + 8 + 4, end - 112, true)
        for (let i = 2; i < 10; i++) v.setUint32(32 + i * 8, end, true)
        return image
    }
    t.is(devsImageProblem(withCodeTo(65_532), rule), undefined)
    t.regex(
        devsImageProblem(withCodeTo(65_536), rule)!,
        /functions' bytecode runs to byte 65,536, and the DeviceScript VM takes only code that ends before byte 65,536/,
    )
})

test("a script whose code passes 64 KB is refused by the build, saying so, not left to the VM's bare 1051", async (t) => {
    const dir = tempDir("camscript-code-limit-")
    const file = join(dir, "long.ts")
    // about 19 bytes of bytecode a statement: 3,600 of them pass 64 KB
    const lines = ["let x = 1"]
    for (let i = 0; i < 3600; i++) lines.push(`x = (x * 7 + ${i}) % 1000`)
    writeFileSync(file, `${lines.join("\n")}\nconsole.log(x)\n`)
    const e = await t.throwsAsync(compileScript(file, { board, hostname: "cam" }), { instanceOf: CompileError })
    t.regex(
        e!.message,
        /^the compiled image cannot run: its functions' bytecode runs to byte [\d,]+, .* before byte 65,536/,
    )
    t.regex(e!.message, /Make the script smaller/)
})
