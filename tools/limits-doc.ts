// Writes docs/limits.md from the table of limits (limits/table.ts), so the
// docs cannot drift from what the code checks: test/limits.test.ts compares
// the file with renderLimitsDoc(). Run with `npm run docs:limits`.

import { writeFileSync } from "node:fs"
import { type Limit, LIMITS } from "../limits/table"
import { fromRoot } from "../project/paths"

const SIDES: { side: Limit["side"]; title: string; intro: string }[] = [
    {
        side: "script",
        title: "What a script passes",
        intro: "Checked by the bytecode (src/network/credentials.ts, address.ts, ranges.ts, reading src/limits.ts) before anything reaches the driver: a value outside throws at once, saying what is allowed (docs/api.md lists each message).",
    },
    {
        side: "world",
        title: "What a world file holds",
        intro: "Read from world.schema.json, which the world loader validates against; a world outside them is refused with every problem's line (docs/world-format.md).",
    },
    { side: "host", title: "What the host reads", intro: "Files and durations the `camscript` command takes." },
]

function allowed(l: Limit): string {
    const n = (v: number) => (Math.abs(v) >= 10_000 ? v.toLocaleString("en-US") : String(v))
    if (l.min !== undefined && l.max !== undefined)
        return l.min === l.max ? `exactly ${n(l.min)}` : `${n(l.min)}..${n(l.max)}`
    if (l.max !== undefined) return `at most ${n(l.max)}`
    return `at least ${n(l.min!)}`
}

const cell = (s: string) => s.replace(/\|/g, "\\|")

export function renderLimitsDoc(): string {
    const out = [
        "# Limits",
        "",
        "<!-- Written by `npm run docs:limits` from limits/table.ts; edit that table, not this file. -->",
        "",
        "Every limit camscript checks, from one table (`limits/table.ts`). The script's numbers live in",
        "`src/limits.ts`, compiled into the image; the world's in `sim/world/world.schema.json`. Each",
        "row is probed at its edges by `test/limits.test.ts`: the last value allowed and the first",
        "refused on each side, with multi-byte and wrong-type variants (`docs/testing.md`).",
        "",
    ]
    for (const { side, title, intro } of SIDES) {
        out.push(`## ${title}`, "", intro, "", "| where | allowed | counted in | why |", "| --- | --- | --- | --- |")
        for (const l of LIMITS.filter((l) => l.side === side))
            out.push(`| ${cell(l.where)} | ${allowed(l)} | ${cell(l.unit)} | ${cell(l.why)} |`)
        out.push("")
    }
    return out.join("\n")
}

if (require.main === module) {
    writeFileSync(fromRoot("docs/limits.md"), renderLimitsDoc())
    console.log("wrote docs/limits.md")
}
