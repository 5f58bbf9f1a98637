import test from "ava"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { type CompiledScript, compileScript } from "../compiler/compile"
import { asScenario, compileScenarios } from "../compiler/scenarios"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import { tempDir } from "./helpers/cleanup"
import { world } from "./helpers/run"

// Several scripts in one build (compiler/scenarios.ts, which the tests'
// runScript uses through helpers/script-batch.ts): each image runs its own
// script, at its own lines, and anything that cannot share a build is left
// to be built alone.

const board = loadBoard("ai_thinker_esp32_cam")
const target = { board, hostname: "camscript" }

let dir: string | undefined
function file(name: string, text: string): string {
    dir ??= tempDir("camscript-scenarios-")
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
}

async function run(script: CompiledScript) {
    const r = await runSimulation({ script, world: world(undefined), board, timeoutMs: 10_000 })
    return { ...r, lines: r.output.map((l) => l.text) }
}

test("a script's top level becomes the body of a function on the lines it had", (t) => {
    const text = [
        "// a comment",
        'import { network, time } from "camscript"',
        "import {",
        "    board,",
        '} from "camscript"',
        "",
        "const wlan = new network.WLAN(network.WLAN.IF_STA)",
        "await time.sleep_ms(1)",
    ].join("\n")
    const out = asScenario(text)!
    const lines = out.split("\n")
    t.deepEqual(lines.slice(0, 5), text.split("\n").slice(0, 5), "the imports stay at the top, unchanged")
    t.is(lines[5], "export async function __camscript_scenario() { ")
    t.deepEqual(lines.slice(6, 8), text.split("\n").slice(6, 8), "the body keeps its lines")
    t.deepEqual(lines.slice(8), ["}", ""])
    // without imports the first line opens the function
    t.is(
        asScenario('console.log("x")')!.split("\n")[0],
        'export async function __camscript_scenario() { console.log("x")',
    )
})

test("what cannot be a function body is left to be built alone", (t) => {
    const head = 'import { time } from "camscript"\n'
    for (const body of [
        "class A {}",
        "export const x = 1",
        'await time.sleep_ms(1)\nimport { board } from "camscript"',
        "/* a block comment */ await time.sleep_ms(1)",
        "declare const y: number",
        "const __camscript_scenario = 1",
    ])
        t.is(asScenario(head + body), undefined, body)
    t.is(asScenario('import {\n    time,\n    x = 1\n} from "camscript"'), undefined, "an import it cannot read")
    t.is(asScenario("import {\n    time,\n"), undefined, "an import that never closes")
    // enums, interfaces, type aliases and functions are fine in a body
    t.truthy(asScenario(`${head}enum E { A }\ninterface I { a: number }\ntype T = I\nfunction f() {}`))
})

test("scripts built together: one image each, that runs its own script and nothing else", async (t) => {
    const a = file("a.ts", 'import { time } from "camscript"\nconsole.log("a says hello")\n')
    const b = file(
        "b.ts",
        'import { time } from "camscript"\nenum Colour { Red, Green }\nfunction twice(n: number) { return 2 * n }\nawait time.sleep_ms(250)\nconsole.log(`b says ${twice(21)} ${Colour.Green}`)\n',
    )
    // two scripts of the same name, in folders of their own
    const c = file("c.ts", 'console.log("c says hello")\n')
    const built = await compileScenarios([a, b, c], target)
    t.true(built.every((s) => s !== undefined))
    const [ia, ib, ic] = built.map((s) => s!.image)
    t.is(ia.length, ib.length)
    // the images differ in the script's number alone
    const differing = [...ia].flatMap((byte, i) => (byte !== ib[i] ? [i] : []))
    t.is(differing.length, 1)
    t.is(ic[differing[0]] - ia[differing[0]], 2)

    const runs = []
    for (const s of built) runs.push(await run(s!))
    t.deepEqual(
        runs.map((r) => r.lines),
        [["a says hello"], ["b says 42 1"], ["c says hello"]],
    )
    t.true(runs.every((r) => r.outcome === "finished"))
    // b's sleep is its own: it ends later on the virtual clock than a
    t.true(runs[1].simulatedMs >= runs[0].simulatedMs + 250, `${runs[1].simulatedMs} vs ${runs[0].simulatedMs}`)
    // the user's files under their own names
    t.deepEqual([...built[1]!.userFiles.values()].sort(), [a, b, c].sort())
})

test("an error in a script of a shared build is reported at the script's own line", async (t) => {
    const ok = file("fine.ts", 'console.log("fine")\n')
    const bad = file(
        "throws.ts",
        'import { time } from "camscript"\n\nawait time.sleep_ms(1)\nthrow new Error("boom")\n',
    )
    const [, built] = await compileScenarios([ok, bad], target)
    const r = await run(built!)
    t.is(r.outcome, "error")
    t.regex(r.error ?? "", /boom/)
    t.regex(r.error ?? "", /throws\.ts:4:\d+/)
})

test("a script that does not compile fails the shared build: every script is then built alone, with its own message", async (t) => {
    const good = file("good.ts", 'console.log("good")\n')
    const broken = file("broken.ts", "const n: number = 'text'\n")
    t.deepEqual(await compileScenarios([good, broken], target), [undefined, undefined])
    const alone = await compileScript(good, target)
    t.deepEqual((await run(alone)).lines, ["good"])
    const e = await t.throwsAsync(compileScript(broken, target))
    t.regex(e!.message, /broken\.ts\(1,7\)/)
})

test("a script that imports its own files, or one alone, is not built with others", async (t) => {
    const helper = file("helper.ts", "export const greeting = 'hi'\n")
    const uses = file("uses.ts", 'import { greeting } from "./helper"\nconsole.log(greeting)\n')
    const plain = file("plain.ts", 'console.log("plain")\n')
    const other = file("other.ts", 'console.log("other")\n')
    const built = await compileScenarios([uses, plain, other], target)
    t.is(built[0], undefined)
    t.truthy(built[1])
    t.truthy(built[2])
    t.deepEqual(await compileScenarios([plain], target), [undefined], "one script is built alone")
    t.truthy(helper)
})

test("a script that does not compile among three: the other two still share a build; it is left to be built alone", async (t) => {
    const one = file("one.ts", 'console.log("one")\n')
    const two = file("two.ts", 'console.log("two")\n')
    const broken = file("broken3.ts", "const n: number = 'text'\n")
    const built = await compileScenarios([one, two, broken], target)
    t.truthy(built[0])
    t.truthy(built[1])
    t.is(built[0]!.image.length, built[1]!.image.length, "one shared build")
    t.is(built[2], undefined)
    t.deepEqual((await run(built[1]!)).lines, ["two"])
})

test("scripts importing different entries of the library do not share a build", async (t) => {
    const main1 = file("main1.ts", 'import { time } from "camscript"\nconsole.log("main one")\n')
    const main2 = file("main2.ts", 'console.log("main two")\n')
    const station = file(
        "station.ts",
        'import { network } from "camscript/src/station"\nconsole.log(`${network.WLAN.IF_STA}`)\n',
    )
    const built = await compileScenarios([main1, station, main2], target)
    // the two of the main entry (or none) share one; the station's is left to be built alone
    t.truthy(built[0])
    t.truthy(built[2])
    t.is(built[0]!.image.length, built[2]!.image.length)
    t.is(built[1], undefined)
})

/** A script whose top level is `lines` statements of arithmetic (about 19 bytes of bytecode each), printing the result. */
function arithmetic(multiplier: number, lines: number): { text: string; expected: string } {
    const out = ["let x = 1"]
    let x = 1
    for (let i = 0; i < lines; i++) {
        out.push(`x = (x * ${multiplier} + ${i}) % 1000`)
        x = (x * multiplier + i) % 1000
    }
    out.push("console.log(`x ${x}`)")
    return { text: out.join("\n"), expected: `x ${x}` }
}

test("scripts whose code together passes the VM's 64 KB are split into builds that each fit", async (t) => {
    // three of about 24 KB of code: all three pass 64 KB (the VM's verifier
    // refuses that, code 1051); two fit
    const scripts = [3, 7, 11].map((m) => arithmetic(m, 1300))
    const files = scripts.map((s, i) => file(`big${i}.ts`, s.text))
    const built = await compileScenarios(files, target)
    const codeEnd = (image: Uint8Array) => {
        const b = Buffer.from(image)
        return b.readUInt32LE(40) + b.readUInt32LE(44)
    }
    t.truthy(built[0])
    t.truthy(built[1])
    t.is(built[2], undefined, "the half of one is built alone")
    t.true(codeEnd(built[0]!.image) > 2 * 22_000, `${codeEnd(built[0]!.image)}: both scripts' code`)
    t.true(codeEnd(built[0]!.image) < 0x10000)
    const runs = [await run(built[0]!), await run(built[1]!)]
    t.deepEqual(
        runs.map((r) => r.lines),
        [[scripts[0].expected], [scripts[1].expected]],
    )
})
