// Text from a world file, a script or a board is printed on a terminal and
// into logs. A control character in it (a newline in an SSID, an ESC
// sequence in a console.log line, a NUL from the serial port) would forge
// lines or drive the terminal, so every such character is shown as an
// escape instead: `\n`, `\r`, `\t`, `\x1b`, `\x00`, `\x7f`, `\x9b`, and the
// Unicode line and paragraph separators and bidirectional controls as
// `\u2028`, `\u202e`. Everything else (accents, emoji, CJK) passes as is.

// C0 controls, DEL, C1 controls, U+2028/U+2029, the bidi embeddings,
// overrides and isolates (which reorder what a terminal shows)
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }

function escapeOne(c: string): string {
    const named = NAMED[c]
    if (named) return named
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/** The text with every control character shown as an escape: safe to print on one line. */
export function printable(text: string): string {
    return text.replace(UNPRINTABLE, escapeOne)
}

/** Text of several lines of our own (a message and its stack): each line made printable, the breaks kept. */
export function printableLines(text: string): string {
    return text.split("\n").map(printable).join("\n")
}

// the same, keeping the line breaks and tabs of a stream shown as it comes (monitor --raw)
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_IN_STREAM =
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** A stream's text with every control character but newline, carriage return and tab shown as an escape. */
export function printableStream(text: string): string {
    return text.replace(UNPRINTABLE_IN_STREAM, escapeOne)
}

/** True when the text holds a character `printable` would escape. */
export function hasUnprintable(text: string): boolean {
    UNPRINTABLE.lastIndex = 0
    const found = UNPRINTABLE.test(text)
    UNPRINTABLE.lastIndex = 0
    return found
}

/**
 * A name (an SSID, a camera's, a client's) inside a line of `key=value`
 * words: bare when it is one plain word, else quoted as JSON, so a name
 * such as `a rssi=-1 dBm ip=6.6.6.6` cannot pass for the line's own fields.
 */
export function nameText(name: string): string {
    return name !== "" && !/[\s"'=\\(),]/.test(name) && !hasUnprintable(name) ? name : printable(JSON.stringify(name))
}
