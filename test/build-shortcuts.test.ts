import test from "ava"
import { rmSync } from "node:fs"
import { loadBoard } from "../project/boards"
import { CompileError, compileScript } from "../compiler/compile"
import { useBuildShortcuts } from "../compiler/build-shortcuts"
import { fromRoot } from "../project/paths"
import { scriptFile } from "./helpers/run"
import { tempDir } from "./helpers/cleanup"
import { sameBytes } from "./helpers/bytes"

// compiler/build-shortcuts.ts skips work in every build (re-checking the
// library's types, re-printing symbol names). These tests hold it to
// changing nothing but time: the same image and debug info, and the
// script's own type errors still reported.

const target = { board: loadBoard("ai_thinker_esp32_cam"), hostname: "camscript" }
const caches: string[] = []

/** Compile `file` into a cache of its own (so nothing comes from an earlier build), with or without the shortcuts. */
async function build(file: string, shortcuts: boolean, purpose?: "board") {
    const dir = tempDir("camscript-shortcuts-")
    caches.push(dir)
    const before = process.env.CAMSCRIPT_CACHE_DIR
    process.env.CAMSCRIPT_CACHE_DIR = dir
    useBuildShortcuts(shortcuts)
    try {
        return await compileScript(file, { ...target, purpose })
    } finally {
        useBuildShortcuts(true)
        if (before === undefined) delete process.env.CAMSCRIPT_CACHE_DIR
        else process.env.CAMSCRIPT_CACHE_DIR = before
    }
}

test.after.always(() => {
    for (const dir of caches) rmSync(dir, { recursive: true, force: true })
})

for (const example of ["wifi-station", "enterprise", "ethernet", "setup-network"])
    test.serial(
        `examples/${example}.ts: the same image and debug info with the build shortcuts as without`,
        async (t) => {
            const file = fromRoot(`examples/${example}.ts`)
            const plain = await build(file, false)
            const quick = await build(file, true)
            t.false(plain.fromCache || quick.fromCache)
            t.true(plain.image.length > 10_000)
            sameBytes(t, quick.image, plain.image)
            t.deepEqual(quick.dbg, plain.dbg)
        },
    )

test.serial("a board build is the same with the build shortcuts as without", async (t) => {
    const file = fromRoot("examples/wifi-station.ts")
    const plain = await build(file, false, "board")
    const quick = await build(file, true, "board")
    sameBytes(t, quick.image, plain.image)
})

test.serial(
    "with the build shortcuts, a script's own type errors are still reported, also in its calls of the library",
    async (t) => {
        const wrongType = scriptFile(`const n: number = "five"\nconsole.log(n)\n`)
        const e1 = await t.throwsAsync(build(wrongType, true), { instanceOf: CompileError })
        t.regex(e1!.message, /error TS2322: Type 'string' is not assignable to type 'number'/)
        const wrongCall = scriptFile(
            `import { network } from "camscript"\nconst wlan = new network.WLAN(network.WLAN.IF_STA)\nawait wlan.active(true)\nawait wlan.connect(42)\n`,
        )
        const e2 = await t.throwsAsync(build(wrongCall, true), { instanceOf: CompileError })
        t.regex(e2!.message, /\.ts\(4,\d+\): error TS\d+: .*number/)
    },
)
