// The edge probes of one limit of limits/table.ts: the last values allowed
// and the first refused on each side, with the multi-byte and wrong-type
// variants its kind implies. Expected outcomes come from the kind and the
// numbers alone, never from running the check.

import type { Limit } from "../../limits/table"

export interface Probe {
    /** shown in test titles and failures */
    label: string
    value: unknown
    allowed: boolean
    /** generated from the kind: a refusal's message must hold the limit's `says` */
    edge: boolean
    /** a refusal's message must hold this too (the bound crossed) */
    names?: string
}

const show = (v: unknown): string => {
    if (typeof v === "string")
        return v.length > 24
            ? `${JSON.stringify(v.slice(0, 8))}… (${v.length} chars, ${Buffer.byteLength(v)} B)`
            : JSON.stringify(v).replace(
                  /[\u007f-\u009f]/g,
                  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
              )
    if (Array.isArray(v)) return `[${v.length} items]`
    return JSON.stringify(v)
}

export function probesOf(limit: Limit): Probe[] {
    const { min, max, kind } = limit
    const out: Probe[] = []
    const ok = (label: string, value: unknown) => out.push({ label, value, allowed: true, edge: true })
    const no = (label: string, value: unknown, names?: string) =>
        out.push({
            label,
            value,
            allowed: false,
            edge: true,
            names: limit.boundInMessage === false ? undefined : names,
        })
    const numeric = kind === "whole" || kind === "number"
    const make = limit.make ?? ((n: number) => (numeric ? n : "a".repeat(n)))

    switch (kind) {
        case "whole":
        case "number": {
            // a real limit's first refused value is a hair past the bound
            const step = (b: number) => (kind === "whole" ? 1 : Math.max(1e-3, Math.abs(b) * 1e-9))
            if (min !== undefined) {
                ok(`min ${min}`, make(min))
                no(`min - ${step(min)}`, make(min - step(min)), String(min))
            }
            if (max !== undefined) {
                ok(`max ${max}`, make(max))
                no(`max + ${step(max)}`, make(max + step(max)), String(max))
            }
            const inside = min ?? max!
            if (kind === "whole" && (max === undefined || inside + 0.5 < max)) no("a fraction", make(inside + 0.5))
            if (!limit.make) no("a numeric string", String(inside))
            break
        }
        case "utf8": {
            if (min !== undefined && min > 0) {
                ok(`${min} byte(s)`, make(min))
                no(`${min - 1} bytes`, make(min - 1), String(min))
            }
            if (max !== undefined) {
                ok(`${max} ASCII bytes`, make(max))
                no(`${max + 1} ASCII bytes`, make(max + 1), String(max))
                // 2-, 3- and 4-byte characters filling exactly max bytes, then one byte more
                for (const [ch, size] of [
                    ["é", 2],
                    ["€", 3],
                    ["😀", 4],
                ] as const) {
                    const fill = ch.repeat(Math.floor(max / size)) + "a".repeat(max % size)
                    ok(`${max} bytes of ${size}-byte characters`, fill)
                    no(`${max + 1} bytes with ${size}-byte characters`, fill + "a", String(max))
                }
                // no more characters than max, but more bytes
                no(`${max} characters of 2 bytes`, "é".repeat(max), String(max))
            }
            no("a number", 32)
            break
        }
        case "chars": {
            if (min !== undefined && min > 0) {
                ok(`${min} character(s)`, make(min))
                no(`${min - 1} characters`, make(min - 1), String(min))
            }
            if (max !== undefined) {
                ok(`${max} characters`, make(max))
                no(`${max + 1} characters`, make(max + 1), String(max))
            }
            no("a number", 5)
            break
        }
        case "items": {
            if (min !== undefined) {
                ok(`${min} items`, make(min))
                if (min > 0) no(`${min - 1} items`, make(min - 1), String(min))
            }
            if (max !== undefined) {
                ok(`${max} items`, make(max))
                no(`${max + 1} items`, make(max + 1), String(max))
            }
            no("not a list", "x")
            break
        }
        case "size": {
            ok(`${max} bytes`, "a".repeat(max!))
            no(`${max! + 1} bytes`, "a".repeat(max! + 1), String(max))
            // bytes, not characters: max bytes of 2-byte characters, then one more byte
            const fill = "é".repeat(Math.floor(max! / 2)) + "a".repeat(max! % 2)
            ok(`${max} bytes of 2-byte characters`, fill)
            no(`${max! + 1} bytes with 2-byte characters`, fill + "a", String(max))
            break
        }
    }
    const edges = out.map((p) => ({ ...p, label: `${p.label} (${show(p.value)})` }))
    for (const v of limit.allowed ?? [])
        edges.push({ label: `also allowed: ${show(v)}`, value: v, allowed: true, edge: false })
    for (const v of limit.refused ?? [])
        edges.push({ label: `also refused: ${show(v)}`, value: v, allowed: false, edge: false })
    return edges
}

/** What a check did with a value: "ok", or the refusal's message. */
export function outcome(check: (v: unknown) => void, value: unknown): { ok: true } | { ok: false; message: string } {
    try {
        check(value)
        return { ok: true }
    } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e) }
    }
}
