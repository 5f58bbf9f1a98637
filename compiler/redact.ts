import { readdirSync } from "node:fs"
import { join } from "node:path"
import { readRegularFile } from "../project/files"
import { fromRoot } from "../project/paths"

// Compiler messages quote string literals: TypeScript names string-literal
// types (`Argument of type '"hunter2"' ...`) and property names
// (`Property 'SEKRIT-elem' does not exist ...`), on the first line of a
// message and on its continuation lines. A password written in a script
// must not reach the terminal, but a message whose every literal is hidden
// loses what it says (`parameter of type '"…"'`). So only what could be a
// secret is hidden: a literal written in the user's own files, unless it is
// also a name the library's own sources use ("rssi", "Wpa2") and so says
// nothing secret. Every line of every message is redacted alike.

/** Literals shorter than this are hidden only where the message quotes them whole. */
const MIN_ANYWHERE = 6

const LITERAL_RE = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g

function unescape(body: string): string {
    try {
        return JSON.parse(`"${body.replace(/\\(['`])/g, "$1")}"`) as string
    } catch {
        return body
    }
}

/** The string values a source text writes as literals (as written, and unescaped); template parts split at `${`. */
export function sourceLiterals(text: string): Set<string> {
    const found = new Set<string>()
    for (const m of text.matchAll(LITERAL_RE)) {
        // a module path (`from "./x"`, `import("x")`) is no secret, and messages about it need it
        if (/(?:\bfrom|\bimport|\brequire)\s*\(?\s*$/.test(text.slice(Math.max(0, m.index - 20), m.index))) continue
        const body = m[0].slice(1, -1)
        const parts = m[0][0] === "`" ? body.split(/\$\{[^}]*\}/) : [body]
        for (const part of parts) {
            if (!part) continue
            found.add(part)
            found.add(unescape(part))
            // as TypeScript quotes it in a message
            found.add(JSON.stringify(unescape(part)).slice(1, -1))
        }
    }
    return found
}

let library: Set<string> | undefined

/** The names the library's own sources write as literals (src/, the services): never secret. */
export function libraryNames(): Set<string> {
    if (library) return library
    const names = new Set<string>()
    const walk = (dir: string) => {
        let entries
        try {
            entries = readdirSync(dir, { withFileTypes: true })
        } catch {
            return
        }
        for (const e of entries) {
            const p = join(dir, e.name)
            if (e.isDirectory()) walk(p)
            else if (/\.ts$/.test(e.name))
                for (const v of sourceLiterals(readRegularFile(p, p, 4 * 1024 * 1024).toString("utf8"))) names.add(v)
        }
    }
    walk(fromRoot("src"))
    library = names
    return names
}

/**
 * A redactor for one build's messages: `userTexts` are the user's files.
 * Quoted tokens whose content is (or begins) a user literal that is not a
 * library name become `"…"` (`'…'`, `` `…` ``); a user literal of
 * MIN_ANYWHERE characters or more is hidden wherever it appears.
 */
export function literalRedactor(userTexts: Iterable<string>): (line: string) => string {
    const lib = libraryNames()
    const secrets = new Set<string>()
    for (const text of userTexts) for (const v of sourceLiterals(text)) if (!lib.has(v)) secrets.add(v)
    const long = [...secrets].filter((s) => s.length >= MIN_ANYWHERE).sort((a, b) => b.length - a.length)
    const isSecret = (content: string) => {
        if (lib.has(content)) return false
        if (secrets.has(content)) return true
        // TypeScript cuts a long type with "...": a literal's beginning is as secret as the whole
        const cut = /^["`]?(.*)\.\.\.$/.exec(content)?.[1]
        return cut !== undefined && cut.length > 0 && [...secrets].some((s) => s.startsWith(cut))
    }
    return (line: string) => {
        let out = line.replace(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (tok) =>
            isSecret(tok.slice(1, -1)) ? `${tok[0]}…${tok[0]}` : tok,
        )
        // single quotes: TypeScript's around a name or a type; the name itself may be a user literal
        out = out.replace(/'([^'\n]*)'/g, (tok, content: string) => (isSecret(content) ? "'…'" : tok))
        for (const s of long) if (out.includes(s)) out = out.split(s).join("…")
        return out
    }
}
