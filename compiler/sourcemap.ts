import { relative } from "node:path"
import type { CompiledScript } from "./compile"

// Maps a VM stack frame ("main_F0", pc 39) back to file:line:column using
// the compiler's debug info, and build-folder paths back to the user's files.

function findSource(script: CompiledScript, pos: number): { path: string; line: number; col: number } | undefined {
    let off = 0
    for (const src of script.dbg.sources) {
        if (pos < off + src.length) {
            const before = src.text.slice(0, pos - off)
            const lines = before.split("\n")
            return { path: src.path, line: lines.length, col: lines[lines.length - 1].length + 1 }
        }
        off += src.length
    }
    return undefined
}

/**
 * `exact`: `pc` is the instruction the VM was about to run (the watchdog
 * stopping a loop), not the one after a failing instruction.
 */
export function sourcePosition(script: CompiledScript, fnName: string, pc: number, exact = false): string | undefined {
    const m = /_F(\d+)$/.exec(fnName)
    const fn = m ? script.dbg.functions[Number(m[1])] : undefined
    if (!fn) return undefined
    // the VM reports the pc after the failing instruction
    const target = fn.startpc + pc - (exact ? 0 : 1)
    const map = script.dbg.srcmap
    let pos = 0
    let at = 0
    let best: number | undefined
    // only the function's own entries: an instruction without one (a loop's
    // jump back, where the watchdog may stop) must not take the position of
    // the function before it, in another file
    let first: number | undefined
    for (let i = 0; i + 2 < map.length; i += 3) {
        pos += map[i]
        at += map[i + 2]
        if (at > target) break
        if (at < fn.startpc) continue
        if (first === undefined) first = pos
        best = pos
    }
    if (best === undefined) {
        // the target precedes the function's first entry: its first statement
        pos = 0
        at = 0
        for (let i = 0; i + 2 < map.length && first === undefined; i += 3) {
            pos += map[i]
            at += map[i + 2]
            if (at >= fn.startpc && at < fn.startpc + fn.size) first = pos
        }
        best = first
    }
    if (best === undefined) return undefined
    const where = findSource(script, best)
    if (!where) return undefined
    const original = script.userFiles.get(where.path)
    const path = original ? relative(process.cwd(), original) || original : where.path
    return `${fn.name.replace(/_F\d+$/, "")} (${path}:${where.line}:${where.col})`
}
