// Which network interfaces a script constructs, found in its source before
// the DeviceScript compiler runs: `new network.LAN(...)`, `new LAN(...)`
// (LAN imported from "camscript"), the same for WLAN. The image cannot tell:
// `network` holds every class, so every image carries both. A board build
// refuses a script that constructs an interface its board lacks, at the
// script's file:line. Types (`let lan: network.LAN`) and a class merely
// named are not uses: only a construction is.

type InterfaceName = "wlan" | "lan"

export interface InterfaceUse {
    iface: InterfaceName
    /** the construction as written, e.g. "new network.LAN" */
    text: string
    line: number
    column: number
}

/** The text with comments and string/template literals blanked (same length, newlines kept). */
export function codeOnly(text: string): string {
    let out = ""
    let i = 0
    const blank = (s: string) => s.replace(/[^\n]/g, " ")
    while (i < text.length) {
        const c = text[i]
        const next = text[i + 1]
        let end = -1
        if (c === "/" && next === "/") {
            end = text.indexOf("\n", i)
            if (end < 0) end = text.length
        } else if (c === "/" && next === "*") {
            end = text.indexOf("*/", i + 2)
            end = end < 0 ? text.length : end + 2
        } else if (c === '"' || c === "'" || c === "`") {
            end = i + 1
            while (end < text.length && text[end] !== c) {
                if (text[end] === "\\") end++
                else if (c !== "`" && text[end] === "\n") break
                end++
            }
            end = Math.min(end + 1, text.length)
        }
        if (end < 0) {
            out += c
            i++
        } else {
            out += blank(text.slice(i, end))
            i = end
        }
    }
    return out
}

const IMPORTED = (name: string) =>
    new RegExp(`import\\s*(?:type\\s+)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*["']camscript["']`)

export function interfacesConstructed(text: string): InterfaceUse[] {
    const code = codeOnly(text)
    const uses: InterfaceUse[] = []
    for (const [iface, cls] of [
        ["lan", "LAN"],
        ["wlan", "WLAN"],
    ] as const) {
        // `network.X` always; bare `X` only when imported from "camscript" by that name
        const bare = IMPORTED(cls).test(text)
        const re = new RegExp(`\\bnew\\s+(?:network\\s*\\.\\s*${cls}|${bare ? "" : "(?!)"}${cls})\\b`, "g")
        for (const m of code.matchAll(re)) {
            const before = code.slice(0, m.index)
            const line = before.split("\n").length
            const column = m.index - before.lastIndexOf("\n")
            uses.push({ iface, text: m[0].replace(/\s+/g, " "), line, column })
        }
    }
    return uses.sort((a, b) => a.line - b.line || a.column - b.column)
}
