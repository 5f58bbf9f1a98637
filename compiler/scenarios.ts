import { basename, dirname, sep } from "node:path"
import {
    type BuildTarget,
    buildCached,
    CodeTooLargeError,
    type CompiledScript,
    entrySource,
    readScript,
} from "./compile"

// Several scripts in one build: for a test suite, which runs hundreds of
// small scripts that differ in a few lines over the same library. A build's
// cost is nearly all the library (lowering camscript's modules to bytecode:
// about 0.65 s of CPU for the network module, against a few milliseconds for
// a 20-line script), so N scripts built together cost about one build.
//
// Each script's top level becomes the body of an exported async function, in
// its own file of the build tree, on the lines it had (the opening is put at
// the start of the line after the imports), so positions in errors and
// stack traces are the script's own. The generated entry calls one of them, chosen by a
// number in a string literal of the image: each script gets a copy of the
// image with that number written in. Whatever the image holds, the VM runs
// only the chosen script's code on top of the same library.
//
// The VM takes code that ends before 64 KB of the image (the build refuses
// more: compile.ts CodeTooLargeError): one script is far from it, two dozen
// of the larger tests' scripts together are not, and are split in halves.
//
// A script whose top level cannot be a function body (a class, an export, an
// import after the first statement) or that imports files of its own is left
// out (undefined): the caller builds it alone, as compileScript does. A
// stack trace of a shared build shows the script's top level as the
// function `__camscript_scenario`, called from the entry's `main`: a test
// that reads stack traces builds its script alone.

const WRAPPER = "__camscript_scenario"
/** The literal the entry reads its choice from; its last DIGITS characters are the script's number. */
const CHOICE = "camscript-scenario-choice:"
const DIGITS = 4

/** A whole import statement on one line (a trailing comment allowed). */
const IMPORT_LINE = /^import\s[^;]*["'][^"']+["']\s*;?\s*(\/\/.*)?$/
/** The first line of an import spread over several lines (`import {`). */
const IMPORT_OPEN = /^import\s+(type\s+)?\{[^}]*$/
const IMPORT_CLOSE = /^[^;]*\}\s*from\s*["'][^"']+["']\s*;?\s*(\/\/.*)?$/
/** What a function body cannot hold (DeviceScript: classes only at the top level). */
const TOP_LEVEL_ONLY = /^\s*(export|import|class|abstract\s+class|declare|namespace|module|@)\b/m

/** The script's text with its top level as the body of WRAPPER, on the same lines; undefined when that cannot be. */
export function asScenario(text: string): string | undefined {
    const lines = text.split("\n")
    let lastImport = -1
    let i = 0
    let open = false
    for (; i < lines.length; i++) {
        const l = lines[i].trim()
        if (open) {
            if (IMPORT_CLOSE.test(l)) {
                open = false
                lastImport = i
            } else if (!/^[\w$\s,]*(\/\/.*)?$/.test(l)) return undefined
            continue
        }
        if (l === "" || l.startsWith("//")) continue
        if (IMPORT_LINE.test(l)) lastImport = i
        else if (IMPORT_OPEN.test(l)) open = true
        else break
    }
    if (open) return undefined
    const body = lines.slice(lastImport + 1).join("\n")
    if (TOP_LEVEL_ONLY.test(body) || body.includes(WRAPPER) || body.includes("/*")) return undefined
    const opening = `export async function ${WRAPPER}() {`
    const out = [...lines]
    const first = lastImport + 1
    out[first] = `${opening} ${out[first] ?? ""}`
    return `${out.join("\n")}\n}\n`
}

/**
 * The entries of the library a script imports past the main one
 * ("camscript/src/station"), as one key: "" for a script of "camscript"
 * alone, or of nothing of it.
 */
function libraryEntries(text: string): string {
    const found = new Set<string>()
    for (const m of text.matchAll(/from\s*["'](camscript\/[^"']*)["']/g)) found.add(m[1])
    return [...found].sort().join(" ")
}

/** A script that can share a build: its place in the caller's list, its file, its wrapped text. */
interface Member {
    index: number
    entry: string
    text: string
    /** libraryEntries of it: only scripts with the same key share a build */
    library: string
}

/**
 * Build `scripts` (paths) for `target` together. Returns, for each, its
 * image (the shared build with its number written in), or undefined when it
 * cannot share a build or no build it shared succeeded (a script that does
 * not compile: a failed build of three or more is tried again as two
 * halves, so the others still share one): build those alone.
 */
export async function compileScenarios(
    scripts: string[],
    target: BuildTarget,
): Promise<(CompiledScript | undefined)[]> {
    const out: (CompiledScript | undefined)[] = scripts.map(() => undefined)
    // each script read and wrapped once, however its builds are split later
    const members: Member[] = []
    scripts.forEach((path, index) => {
        try {
            const { texts, entry } = readScript(path, target)
            if (texts.size !== 1) return
            const text = asScenario(texts.get(entry)!)
            if (text !== undefined) members.push({ index, entry, text, library: libraryEntries(text) })
        } catch {
            // built alone, where compileScript says what is wrong
        }
    })
    // scripts importing different entries of the library build apart: an
    // entry past the main one leaves modules out on purpose (a script of
    // camscript/src/station is told the access point is not in it), and a
    // build with another script's entry would carry them
    const libraries = new Set(members.map((m) => m.library))
    await Promise.all(
        [...libraries].map((library) =>
            shareBuild(
                members.filter((m) => m.library === library),
                target,
                out,
            ),
        ),
    )
    return out
}

/** Build `members` as one image and write each one's copy into `out`; in halves when that build fails. */
async function shareBuild(members: Member[], target: BuildTarget, out: (CompiledScript | undefined)[]) {
    if (members.length < 2 || members.length >= 10 ** DIGITS) return
    const texts = new Map<string, string>()
    const folders = new Map<string, string>()
    const calls: string[] = []
    members.forEach((m, k) => {
        // each script in a folder of its own: two may share a file name
        const folder = `${dirname(m.entry)}${sep}.scenario-${k}`
        const file = `${folder}${sep}${basename(m.entry)}`
        texts.set(file, m.text)
        folders.set(`src/user/s${k}/`, folder)
        calls.push(`import { ${WRAPPER} as s${k} } from "./user/s${k}/${basename(m.entry, ".ts")}"`)
    })
    const choice = CHOICE + "0".repeat(DIGITS)
    const run = [
        ...calls,
        `const choice = ${JSON.stringify(choice)}`,
        "let chosen = 0",
        `for (let i = ${CHOICE.length}; i < choice.length; i++) chosen = chosen * 10 + choice.charCodeAt(i) - 48`,
        ...members.map((_, k) => `${k === 0 ? "" : "else "}if (chosen === ${k}) await s${k}()`),
        `else throw new Error("no scenario " + chosen)`,
    ].join("\n")
    let built: CompiledScript
    try {
        built = await buildCached(target, texts, folders, entrySource(run, target.purpose ?? "sim"))
    } catch (e) {
        // too many scripts for one image: each half shares a build of its own;
        // a script that does not compile: the halves without it still share
        // theirs, and it ends up alone, where its own error is reported
        if (e instanceof CodeTooLargeError || members.length >= 3) {
            const half = Math.ceil(members.length / 2)
            await Promise.all([
                shareBuild(members.slice(0, half), target, out),
                shareBuild(members.slice(half), target, out),
            ])
        }
        return
    }
    const image = Buffer.from(built.image)
    const at = image.indexOf(choice, 0, "latin1")
    if (at < 0 || image.indexOf(choice, at + 1, "latin1") >= 0) return
    // each script's file under the name the user gave it
    const userFiles = new Map(members.map((m, k) => [`src/user/s${k}/${basename(m.entry)}`, m.entry]))
    members.forEach((m, k) => {
        const copy = Uint8Array.from(image)
        copy.set(Buffer.from(String(k).padStart(DIGITS, "0"), "latin1"), at + CHOICE.length)
        out[m.index] = { ...built, image: copy, userFiles }
    })
}
