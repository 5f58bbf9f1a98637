// The camscript modules a script never imports stay out of its image.
//
// DeviceScript has no dead-code elimination across modules: it emits every
// file of the program, runs every file's top-level statements when the image
// starts, and keeps every method of a class not marked @devsWhenUsed
// (devicescript compiler/src/compiler.ts, emitClassDeclaration and
// emitFunctionDeclaration at 2.16.4). `camscript`'s entry (src/index.ts)
// exports each module as one object (`camera`, `upload`, ...), so before
// this every script, even `console.log("hi")` with `network`, carried the
// camera, its server, uploads, settings and deep sleep: a Wi-Fi script's
// image was 71 KB where 52 KB are its own, and each build lowered the lot
// (compile time grows with what is emitted).
//
// So a build gives the script an entry without the modules it does not name:
// the lines of src/index.ts that export from one of the OPTIONAL folders or
// files below are left out unless the script's own files import one of the
// names those lines export. Anything the analysis cannot see through (a
// namespace or default import of "camscript", a re-export, require, a
// dynamic import, an import of "camscript/src/index") keeps the whole entry.
// What a trimmed script can name is exactly what it imported, so the image
// behaves the same: the modules left out were unreachable from it.

/**
 * The modules that can be left out. Each is reached only through its own
 * export (nothing else in src/index.ts uses it) and has no top-level
 * statement another module relies on; the network modules, `time` and
 * `board` are always in (the generated entry and the board file use them).
 */
const OPTIONAL = new Set(["camera", "upload", "settings", "machine"])

/** One `export ... from "./x"` line of the entry and the names it exports. */
interface ExportLine {
    line: string
    module: string
    names: string[]
}

/** The text with comments blanked (strings kept: module specifiers are strings). */
function withoutComments(text: string): string {
    return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "))
}

const SPECIFIER = /["']camscript(\/src\/index(\.ts)?)?["']/g
const NAMED_IMPORT = /\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']camscript["']/g

/**
 * The names a script's files import from "camscript", or undefined when the
 * script reaches the module in a way that may use any of its names.
 */
export function camscriptImports(files: Iterable<string>): Set<string> | undefined {
    const names = new Set<string>()
    for (const text of files) {
        const code = withoutComments(text)
        const specifiers = code.match(SPECIFIER)?.length ?? 0
        let named = 0
        for (const m of code.matchAll(NAMED_IMPORT)) {
            named++
            for (const part of m[1].split(",")) {
                // `type X`, `X as Y`: the exported name is the first word after an optional `type`
                const name = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)/.exec(part)?.[1]
                if (name) names.add(name)
            }
        }
        // any other mention of the module (import * as, a default import,
        // export ... from, require, import()) may use everything
        if (specifiers !== named) return undefined
    }
    return names
}

function exportLines(index: string): ExportLine[] {
    const out: ExportLine[] = []
    for (const line of index.split("\n")) {
        const m = /^export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"\.\/([\w-]+)(?:\/[\w/-]*)?"\s*;?\s*$/.exec(line)
        if (!m) continue
        const names = m[1]
            .split(",")
            .map((p) => /^\s*([A-Za-z_$][\w$]*)/.exec(p)?.[1])
            .filter((n): n is string => n !== undefined)
        out.push({ line, module: m[2], names })
    }
    return out
}

/**
 * The entry's text for a script that imports `names` (from camscriptImports),
 * or undefined to build with the entry as it is.
 */
export function trimmedEntry(index: string, names: Set<string> | undefined): string | undefined {
    if (!names) return undefined
    const lines = exportLines(index)
    const exportText = new Set(lines.map((l) => l.line))
    // the lines that are not re-exports: a module they mention is used by the entry itself and stays
    const own = index
        .split("\n")
        .filter((l) => !exportText.has(l))
        .join("\n")
    const needed = new Set(lines.filter((l) => l.names.some((n) => names.has(n))).map((l) => l.module))
    const dropped = new Set(
        lines
            .map((l) => l.module)
            .filter((m) => OPTIONAL.has(m) && !needed.has(m) && !new RegExp(`["']\\./${m}[/"']`).test(own)),
    )
    if (dropped.size === 0) return undefined
    const kept = index.split("\n").filter((l) => !lines.some((e) => e.line === l && dropped.has(e.module)))
    return [
        `// camscript: this build's entry, without ${[...dropped].sort().join(", ")}, which the script does not import (compiler/library-trim.ts)`,
        ...kept,
    ].join("\n")
}
