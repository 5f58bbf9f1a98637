// The worst-case stack of the firmware's entry points, from clang's
// -fstack-usage frames (.su) and the call graph read from the same
// compilation's LLVM IR (.ll): `make -C firmware stack` writes both into
// firmware/build/stack/, test/firmware-stack.test.ts holds the result to the
// budget (firmware/README.md, "Threading rule"), and
// `node --import tsx tools/firmware-stack.ts` prints the table.
//
// Every function of the drivers (firmware/main/*.c) that no other driver
// function calls is an entry point: the services' process() and packet
// handlers, the ESP-IDF event handlers, the init functions and the hooks
// DeviceScript calls (jd_tcpsock_is_available). On the chip they all run on
// ESP-IDF's default event loop task, sys_evt.
//
// A path's cost is the sum of its frames, each clang's x86-64 frame size
// plus XTENSA_FRAME_OVERHEAD: the drivers are built for this with
// -O1 -fno-inline, so every function keeps a frame of its own, as ESP-IDF's
// default -Og mostly does. Calls out of the drivers (ESP-IDF, jacdac-c,
// libc) end a path and are listed: their stack is not measured here.

import { readdirSync, readFileSync } from "node:fs"
import { basename, join } from "node:path"

/**
 * Added to every frame. Xtensa's windowed ABI gives every function that
 * makes calls a frame of at least 32 bytes (`entry a1, 32`: the 16-byte
 * register save area of the call8 window plus the callee's spill area),
 * where x86-64's clang frame may be 0 and counts no return address.
 */
export const XTENSA_FRAME_OVERHEAD = 32

interface StackPath {
    /** the entry point, `file.c:function` */
    entry: string
    /** bytes on the deepest path, overhead included */
    bytes: number
    /** the functions on it, from the entry point down */
    path: string[]
    /** functions outside the drivers called on it (not measured) */
    external: string[]
    /** indirect calls found on the deepest path's functions (not followed) */
    indirect: boolean
}

interface Fn {
    key: string
    file: string
    name: string
    frame: number
    calls: string[]
    indirect: boolean
}

/** `file.c:line:col:name<TAB>bytes<TAB>kind` lines (clang's .su), by file and function. */
function readFrames(su: string, file: string): Map<string, number> {
    const frames = new Map<string, number>()
    for (const line of su.split("\n")) {
        const m = /^(.*?):(\d+):(?:\d+:)?([\w.$]+)\t(\d+)\t/.exec(line)
        if (m && basename(m[1]) === file) frames.set(m[3], Math.max(frames.get(m[3]) ?? 0, Number(m[4])))
    }
    return frames
}

/** Functions defined in an LLVM IR file, with the functions each calls. */
function readCalls(ll: string): Map<string, { calls: Set<string>; indirect: boolean }> {
    const fns = new Map<string, { calls: Set<string>; indirect: boolean }>()
    let current: { calls: Set<string>; indirect: boolean } | undefined
    for (const line of ll.split("\n")) {
        const def = /^define [^@]*@([\w.$]+)\(/.exec(line)
        if (def) {
            current = { calls: new Set(), indirect: false }
            fns.set(def[1], current)
            continue
        }
        if (line === "}") {
            current = undefined
            continue
        }
        if (!current) continue
        const call = /\b(?:call|invoke)\b.*?(@[\w.$]+|%[\w.$]+)\(/.exec(line)
        if (!call) continue
        if (call[1].startsWith("%")) current.indirect = true
        else if (!call[1].startsWith("@llvm.")) current.calls.add(call[1].slice(1))
    }
    return fns
}

/** The deepest path of every entry point of the drivers compiled into `dir`. */
export function stackReport(dir: string): StackPath[] {
    const fns = new Map<string, Fn>()
    const globalByName = new Map<string, string>()
    for (const llFile of readdirSync(dir).filter((f) => f.endsWith(".ll"))) {
        const file = llFile.replace(/\.ll$/, ".c")
        const frames = readFrames(readFileSync(join(dir, llFile.replace(/\.ll$/, ".su")), "utf8"), file)
        const ll = readFileSync(join(dir, llFile), "utf8")
        for (const [name, f] of readCalls(ll)) {
            const frame = frames.get(name)
            if (frame === undefined) throw new Error(`${file}: no frame size for ${name} in the .su file`)
            const key = `${file}:${name}`
            fns.set(key, { key, file, name, frame, calls: [...f.calls], indirect: f.indirect })
            const internal = new RegExp(`^define (?:internal|private) [^@]*@${name.replace(/\$/g, "\\$")}\\(`, "m")
            if (!internal.test(ll)) globalByName.set(name, key)
        }
    }
    // a call resolves to the same file's function first (static), else a global one
    const resolve = (from: Fn, name: string) => {
        const local = `${from.file}:${name}`
        return fns.has(local) ? local : globalByName.get(name)
    }
    const called = new Set<string>()
    for (const f of fns.values())
        for (const c of f.calls) {
            const key = resolve(f, c)
            if (key) called.add(key)
        }

    const memo = new Map<string, StackPath>()
    const deepest = (key: string, onPath: string[]): StackPath => {
        const done = memo.get(key)
        if (done) return done
        if (onPath.includes(key)) throw new Error(`recursion: ${[...onPath, key].join(" -> ")}`)
        const f = fns.get(key)!
        let below: StackPath | undefined
        const external: string[] = []
        for (const c of f.calls) {
            const target = resolve(f, c)
            if (!target) {
                external.push(c)
                continue
            }
            const p = deepest(target, [...onPath, key])
            if (!below || p.bytes > below.bytes) below = p
        }
        const result: StackPath = {
            entry: key,
            bytes: f.frame + XTENSA_FRAME_OVERHEAD + (below?.bytes ?? 0),
            path: [key, ...(below?.path ?? [])],
            external: [...new Set([...external, ...(below?.external ?? [])])].sort(),
            indirect: f.indirect || (below?.indirect ?? false),
        }
        memo.set(key, result)
        return result
    }
    return [...fns.keys()]
        .filter((k) => !called.has(k))
        .map((k) => deepest(k, []))
        .sort((a, b) => b.bytes - a.bytes || a.entry.localeCompare(b.entry))
}

if (require.main === module) {
    const dir = process.argv[2] ?? join(__dirname, "../firmware/build/stack")
    for (const p of stackReport(dir))
        console.log(`${String(p.bytes).padStart(5)} B  ${p.entry}\n         ${p.path.slice(1).join(" > ") || "(leaf)"}`)
}
