import { type BuildTarget, type CompiledScript, compileScript, readSourceFile } from "../../compiler/compile"
import { compileScenarios } from "../../compiler/scenarios"

// The scripts a test file's tests ask for at about the same time (ava starts
// a file's tests together, and each compiles its script before it waits for
// the simulator) are built together: one build for all of them
// (compiler/scenarios.ts), where each alone cost about as much as the lot.
// A script that cannot share a build, or one that does not compile (a
// failed batch is built again in halves until it is alone), is built
// alone, as the test asked: the same image semantics and the same error
// message. A script asked for again (the same
// file and text, the same board) takes the image it was given the first
// time. docs/testing.md, scripts that share a build.

/** How long a batch waits for more scripts after the last one came (real time; the tests may fake the clock). */
const GATHER_MS = 25
/** At most this many scripts in one build (its image grows about 1 to 3 KB a script). */
const MAX_BATCH = 24

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

interface Waiting {
    file: string
    resolve: (s: CompiledScript) => void
    reject: (e: unknown) => void
}

interface Batch {
    target: BuildTarget
    waiting: Waiting[]
    timer?: ReturnType<typeof setTimeout>
}

const batches = new Map<string, Batch>()

function targetKey(t: BuildTarget): string {
    return JSON.stringify({
        board: t.board,
        hostname: t.hostname,
        purpose: t.purpose,
        firmware: t.firmware,
        libraryText: t.libraryText,
    })
}

async function flush(batch: Batch) {
    const waiting = batch.waiting
    const alone = (w: Waiting) => compileScript(w.file, batch.target).then(w.resolve, w.reject)
    if (waiting.length === 1) return alone(waiting[0])
    let built: (CompiledScript | undefined)[]
    try {
        built = await compileScenarios(
            waiting.map((w) => w.file),
            batch.target,
        )
    } catch {
        built = waiting.map(() => undefined)
    }
    await Promise.all(waiting.map((w, i) => (built[i] ? w.resolve(built[i]!) : alone(w))))
}

/** Scripts asked for before, by target and content: a script run again (through another driver) takes the same image. */
const built = new Map<string, Promise<CompiledScript>>()

/** compileScript, sharing one build with the other scripts asked for at about the same time. */
export function compileBatched(file: string, target: BuildTarget): Promise<CompiledScript> {
    const key = targetKey(target)
    let text: string
    try {
        // the compiler's own reader (bounded, regular files only)
        text = readSourceFile(file)
    } catch {
        // compileScript says what is wrong with it
        return compileScript(file, target)
    }
    const known = `${key}\n${file}\n${text}`
    let promise = built.get(known)
    if (!promise) {
        promise = gathered(file, target, key)
        built.set(known, promise)
        // a failed build is not kept: the next test asks again and gets its own error
        promise.catch(() => built.delete(known))
    }
    return promise
}

function gathered(file: string, target: BuildTarget, key: string): Promise<CompiledScript> {
    return new Promise((resolve, reject) => {
        let batch = batches.get(key)
        if (!batch) {
            batch = { target, waiting: [] }
            batches.set(key, batch)
        }
        batch.waiting.push({ file, resolve, reject })
        const b = batch
        if (b.timer) realClearTimeout(b.timer)
        const go = () => {
            batches.delete(key)
            void flush(b)
        }
        if (b.waiting.length >= MAX_BATCH) go()
        else b.timer = realSetTimeout(go, GATHER_MS)
    })
}
