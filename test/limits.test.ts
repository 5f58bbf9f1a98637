import test from "ava"
import { readdirSync, readFileSync } from "node:fs"
import * as prettier from "prettier"
import { LIMITS } from "../limits/table"
import { fromRoot } from "../project/paths"
import { renderLimitsDoc } from "../tools/limits-doc"
import { outcome, probesOf } from "./helpers/limit-probes"

// Every limit of limits/table.ts probed at its edges (test/helpers/limit-probes.ts
// says which values and what each must do), and the table kept whole: a
// limit in src/limits.ts or world.schema.json without an entry fails here.

for (const limit of LIMITS) {
    test(`${limit.side} limit ${limit.id}: the last values allowed pass, the first refused say what is allowed`, (t) => {
        const probes = probesOf(limit)
        t.true(probes.some((p) => p.allowed) && probes.some((p) => !p.allowed), "probes on both sides")
        for (const p of probes) {
            const o = outcome(limit.check, p.value)
            if (p.allowed) {
                t.true(o.ok, `${p.label} should be allowed: ${o.ok ? "" : o.message}`)
                continue
            }
            if (o.ok) {
                t.fail(`${p.label} should be refused`)
                continue
            }
            if (p.edge) t.true(o.message.includes(limit.says), `${p.label}: "${o.message}" should say "${limit.says}"`)
            if (p.names) t.true(o.message.includes(p.names), `${p.label}: "${o.message}" should name ${p.names}`)
        }
    })
}

test("every limit of src/limits.ts has its entry in the table", (t) => {
    const src = readFileSync(fromRoot("src/limits.ts"), "utf8")
    // the table's entries live in limits/*.ts (script-limits.ts, world-limits.ts, host-limits.ts)
    const table = readdirSync(fromRoot("limits"))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => readFileSync(fromRoot("limits", f), "utf8"))
        .join("\n")
    const names = [...src.matchAll(/^export const (\w+) = /gm)].map((m) => m[1])
    t.true(names.length >= 30, `found ${names.length} limits`)
    const missing = names.filter((n) => !new RegExp(`\\bL\\.${n}\\b`).test(table))
    t.deepEqual(missing, [], "each must be probed by an entry of limits/table.ts")
})

test("every bound of world.schema.json has its entry in the table, with the schema's numbers", (t) => {
    const schema = JSON.parse(readFileSync(fromRoot("sim/world/world.schema.json"), "utf8"))
    const keys = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
    ]
    const pointers: string[] = []
    const walk = (node: unknown, at: string) => {
        if (!node || typeof node !== "object") return
        if (keys.some((k) => k in node)) pointers.push(at)
        for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`)
    }
    walk(schema, "")
    t.true(pointers.length >= 30, `found ${pointers.length} bounds`)
    const covered = new Set(LIMITS.map((l) => l.schema))
    t.deepEqual(
        pointers.filter((p) => !covered.has(p)),
        [],
        "each must be probed by an entry of limits/table.ts",
    )
    for (const l of LIMITS.filter((l) => l.schema)) {
        let node = schema
        for (const k of l.schema!.split("/").slice(1)) node = node[k]
        t.is(l.min, node.minimum ?? node.minLength ?? node.minItems, `${l.id} min`)
        // the code may check more tightly than the schema can say (bytes of an SSID)
        const max = node.maximum ?? node.maxLength ?? node.maxItems
        t.true(max === undefined ? true : l.max! <= max, `${l.id} max ${l.max} within the schema's ${max}`)
    }
})

test("the world's SSID limits are the script's: 32 bytes", (t) => {
    const ssid = LIMITS.find((l) => l.id === "ssid")!
    for (const id of ["world-ap-ssid", "world-client-joins"]) t.is(LIMITS.find((l) => l.id === id)!.max, ssid.max)
    t.is(ssid.max, 32)
})

test("limit ids are unique and every script limit runs in the VM too", (t) => {
    const ids = LIMITS.map((l) => l.id)
    t.is(new Set(ids).size, ids.length)
    for (const l of LIMITS.filter((l) => l.side === "script")) t.truthy(l.vm, `${l.id} has no VM call`)
})

test("docs/limits.md is the table as it stands (npm run docs:limits writes it)", async (t) => {
    const file = fromRoot("docs/limits.md")
    const options = { ...(await prettier.resolveConfig(file)), filepath: file }
    t.is(readFileSync(file, "utf8"), await prettier.format(renderLimitsDoc(), options))
})
