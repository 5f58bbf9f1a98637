import test from "ava"
import { LIMITS } from "../limits/table"
import { outcome, probesOf } from "./helpers/limit-probes"
import { runScript } from "./helpers/run"

// The script side's checks are pure functions compiled into the image and
// also run under Node (where test/limits.test.ts and the mutation tests
// reach them). This runs every script probe of the table through the
// compiled bytecode on the VM, in one script, and asserts the VM decides
// each exactly as Node does, with the same message: so what is tested
// under Node is what runs on the chip (UTF-8 byte counts, surrogates,
// Math.round and number formatting included).

interface Call {
    label: string
    fn: string
    value: unknown
    args: unknown[]
    node: string
}

const calls: Call[] = []
const imports = new Map<string, Set<string>>()
for (const limit of LIMITS.filter((l) => l.vm)) {
    const { module, fn, args } = limit.vm!
    if (!imports.has(module)) imports.set(module, new Set())
    imports.get(module)!.add(fn)
    for (const p of probesOf(limit)) {
        // A lone UTF-16 surrogate cannot reach a check in the VM: as a string
        // literal the image is refused (-1083), from String.fromCharCode the
        // VM aborts. Node alone checks those.
        if (
            typeof p.value === "string" &&
            /[\ud800-\udfff]/u.test(p.value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))
        )
            continue
        const o = outcome(limit.check, p.value)
        calls.push({ label: `${limit.id}: ${p.label}`, fn, value: p.value, args, node: o.ok ? "ok" : o.message })
    }
}

function source(): string {
    const lines = ['import * as ds from "@devicescript/core"']
    for (const [module, fns] of imports) lines.push(`import { ${[...fns].join(", ")} } from "camscript/src/${module}"`)
    lines.push(`
function probe(n: number, f: () => any) {
    let said = "ok"
    try {
        f()
    } catch (e) {
        said = (e as Error).message
    }
    console.log("#" + n + " " + said)
}`)
    calls.forEach((c, i) => {
        const args = [c.value, ...c.args].map((v) => JSON.stringify(v)).join(", ")
        // a yield between probes: the VM's watchdog counts steps without one
        lines.push(`probe(${i}, () => ${c.fn}(${args}))`, "await ds.sleep(0)")
    })
    return lines.join("\n")
}

test("every script limit's probes decide the same on the VM as under Node, with the same message", async (t) => {
    t.true(calls.length > 140, `${calls.length} probes`)
    const run = await runScript(source(), { timeout: "60s" })
    t.is(run.exitCode, 0, run.error ?? "")
    const said = new Map<number, string>()
    for (const line of run.lines) {
        const m = /^#(\d+) (.*)$/s.exec(line)
        if (m) said.set(Number(m[1]), m[2])
    }
    t.is(said.size, calls.length, "every probe answered")
    const differ = calls
        .map((c, i) => ({ ...c, vm: said.get(i) }))
        .filter((c) => c.vm !== c.node)
        .map((c) => `${c.label}\n    node: ${c.node}\n    vm:   ${c.vm}`)
    t.deepEqual(differ, [])
})
