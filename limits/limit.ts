// What one limit of the table is (limits/table.ts lists them all): where it
// applies, its bounds, how it counts, and the check that refuses a value
// past them. test/helpers/limit-probes.ts builds each entry's edge probes
// from its kind.

/**
 * How a limit counts, which decides its edge probes:
 * - whole: an integer min..max (a fraction and a numeric string are refused too)
 * - number: a real min..max (probed a hair past each end)
 * - utf8: a string of min..max bytes of UTF-8 (probed with 2-, 3- and 4-byte characters)
 * - chars: a string of min..max characters
 * - items: a list of min..max entries
 * - size: at most max bytes (a file, a certificate)
 */
export type LimitKind = "whole" | "number" | "utf8" | "chars" | "items" | "size"

export interface Limit {
    /** unique, stable: names the probes in test output */
    id: string
    /** who sets it: a script's call, a world file, or the host (CLI, files) */
    side: "script" | "world" | "host"
    /** where it applies, as the docs name it */
    where: string
    kind: LimitKind
    /** inclusive; absent when unbounded on that side */
    min?: number
    max?: number
    unit: string
    /** why the limit is what it is */
    why: string
    /** text every refusal's message holds (besides the bound crossed), e.g. "1..32 bytes" */
    says: string
    /** Builds a value of `n` units (characters, items, bytes) from `unit`; default repeats "a". */
    make?: (n: number, unit?: string) => unknown
    /** throws (an Error whose message says what is allowed) when `value` is refused */
    check(value: unknown): void
    /** script side: the same check as called in the VM, `fn(value, ...args)` from src/`module` */
    vm?: { module: string; fn: string; args: unknown[] }
    /** probes besides the generated ones */
    allowed?: unknown[]
    refused?: unknown[]
    /** false when refusals name the allowed values in words, not the bound's number */
    boundInMessage?: false
    /** world side: the schema node this entry covers (a JSON pointer) */
    schema?: string
}
