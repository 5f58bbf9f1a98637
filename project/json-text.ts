// JSON files the user writes (worlds, devicescript.json) are parsed here so
// a syntax error says where it is as line and column. Node's own message
// gives a character offset at best, and in some cases quotes the text
// around the error, which may hold a password: this says neither.

export class JsonSyntaxError extends Error {
    constructor(
        readonly line: number,
        readonly column: number,
        readonly problem: string,
    ) {
        super(`not valid JSON: line ${line}, column ${column}: ${problem}`)
        this.name = "JsonSyntaxError"
    }
}

/** JSON.parse, with a JsonSyntaxError naming line and column (both from 1) of the first error. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text)
    } catch {
        const { offset, problem } = locateSyntaxError(text)
        const { line, column } = lineAndColumn(text, offset)
        throw new JsonSyntaxError(line, column, problem)
    }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset)
    const lines = before.split("\n")
    return { line: lines.length, column: lines[lines.length - 1].length + 1 }
}

class Stop {
    constructor(
        readonly offset: number,
        readonly problem: string,
    ) {}
}

/** Walk the text as JSON's grammar does and return where it first breaks. */
function locateSyntaxError(text: string): { offset: number; problem: string } {
    let i = 0
    const ws = () => {
        while (i < text.length && " \t\n\r".includes(text[i])) i++
    }
    const what = () => (i >= text.length ? "the end of the file" : describeChar(text[i]))
    const fail = (expected: string, found = true): never => {
        throw new Stop(i, found ? `expected ${expected}, found ${what()}` : `expected ${expected}`)
    }
    const value = (): void => {
        ws()
        const c = text[i]
        if (c === "{") {
            i++
            ws()
            if (text[i] === "}") return void i++
            for (;;) {
                ws()
                if (text[i] !== '"')
                    fail(
                        text[i] === "}"
                            ? "another field (a trailing comma is not allowed)"
                            : 'a field name in "double quotes"',
                    )
                string()
                ws()
                if (text[i] !== ":") fail('":" after the field name')
                i++
                value()
                ws()
                if (text[i] === ",") {
                    i++
                    continue
                }
                if (text[i] === "}") return void i++
                fail('"," or "}"')
            }
        }
        if (c === "[") {
            i++
            ws()
            if (text[i] === "]") return void i++
            for (;;) {
                ws()
                if (text[i] === "]") fail("another value (a trailing comma is not allowed)")
                value()
                ws()
                if (text[i] === ",") {
                    i++
                    continue
                }
                if (text[i] === "]") return void i++
                fail('"," or "]"')
            }
        }
        if (c === '"') return string()
        if (c === "-" || (c >= "0" && c <= "9")) return number()
        for (const word of ["true", "false", "null"]) if (text.startsWith(word, i)) return void (i += word.length)
        fail("a value")
    }
    const string = () => {
        i++
        for (;;) {
            if (i >= text.length) fail('the closing " of a string', false)
            const c = text[i]
            if (c === '"') return void i++
            if (c < " ") fail('the closing " before the end of the line (control characters must be escaped)', false)
            if (c === "\\") {
                i++
                if (text[i] === "u") {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("four hex digits after \\u", false)
                    i += 5
                } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i])) i++
                else fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)', false)
            } else i++
        }
    }
    const number = () => {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
        if (!m) fail("a number")
        i += m![0].length
    }
    try {
        value()
        ws()
        if (i < text.length) fail("the end of the file after the value")
    } catch (e) {
        if (e instanceof Stop) return { offset: e.offset, problem: e.problem }
        throw e
    }
    // JSON.parse refused what this accepts: say where it starts
    return { offset: 0, problem: "not valid JSON" }
}

function describeChar(c: string): string {
    if (c === "\n" || c === "\r") return "the end of the line"
    if (c < " ") return `control character U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`
    // one character names the spot without quoting the text around it
    return `"${c}"`
}
