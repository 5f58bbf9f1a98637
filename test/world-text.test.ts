import test from "ava"
import { decodeUtf8, duplicateKeys, invalidUtf8Offset } from "../sim/world/world-text"

// Reading a world file's text (sim/world/world-text.ts): strict UTF-8 at
// every boundary of RFC 3629's table, where an error points (line and
// column), and duplicate keys named by their object's path.

const bytes = (...b: number[]) => Uint8Array.from([0x61, 0x62, ...b, 0x7a]) // "ab" ... "z"

test("UTF-8: the smallest and largest valid sequence of each length is accepted", (t) => {
    for (const seq of [
        [0x7f],
        [0xc2, 0x80],
        [0xdf, 0xbf],
        [0xe0, 0xa0, 0x80],
        [0xed, 0x9f, 0xbf], // U+D7FF, just below the surrogates
        [0xee, 0x80, 0x80], // U+E000, just above them
        [0xef, 0xbf, 0xbf],
        [0xf0, 0x90, 0x80, 0x80],
        [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
    ])
        t.is(invalidUtf8Offset(bytes(...seq)), -1, seq.map((b) => b.toString(16)).join(" "))
    t.is(invalidUtf8Offset(new Uint8Array()), -1)
})

test("UTF-8: overlong forms, surrogates, code points past U+10FFFF, stray and truncated bytes are found where they start", (t) => {
    for (const seq of [
        [0x80], // a continuation byte on its own
        [0xbf],
        [0xc0, 0x80], // overlong leads
        [0xc1, 0xbf],
        [0xe0, 0x9f, 0xbf], // overlong 3-byte
        [0xed, 0xa0, 0x80], // U+D800
        [0xed, 0xbf, 0xbf], // U+DFFF
        [0xf0, 0x8f, 0xbf, 0xbf], // overlong 4-byte
        [0xf4, 0x90, 0x80, 0x80], // U+110000
        [0xf5, 0x80, 0x80, 0x80],
        [0xff],
        [0x9f, 0x80], // continuation bytes in a row, which would decode if taken for a lead
        [0x8f, 0xbf, 0xbf],
        [0x84, 0x8f, 0xbf, 0xbf],
        [0xc3, 0x41], // a lead byte followed by ASCII
        [0xe2, 0x82, 0x41],
        [0xf0, 0x90, 0x80, 0x41],
    ])
        t.is(invalidUtf8Offset(bytes(...seq)), 2, seq.map((b) => b.toString(16)).join(" "))
    // cut off at the end of the file
    t.is(invalidUtf8Offset(Uint8Array.from([0x61, 0xe2, 0x82])), 1)
    t.is(invalidUtf8Offset(Uint8Array.from([0xf0, 0x90, 0x80])), 0)
    // after a valid multi-byte character, the offset counts its bytes
    t.is(invalidUtf8Offset(Uint8Array.from([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xff])), 5)
})

test("decodeUtf8 names the byte, its line and column (1-based, in bytes) and its offset", (t) => {
    const text = Buffer.concat([Buffer.from('{\n  "ssid": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}')])
    t.throws(() => decodeUtf8(text), {
        message: "not valid UTF-8: byte 0xe9 at line 2, column 15 (byte offset 16); save the file as UTF-8",
    })
    t.throws(() => decodeUtf8(Uint8Array.from([0x80])), {
        message: "not valid UTF-8: byte 0x80 at line 1, column 1 (byte offset 0); save the file as UTF-8",
    })
    t.throws(() => decodeUtf8(Uint8Array.from([0x0a, 0x0a, 0x61, 0xff])), {
        message: "not valid UTF-8: byte 0xff at line 3, column 2 (byte offset 3); save the file as UTF-8",
    })
    t.is(decodeUtf8(Buffer.from("caf\u00e9 \u20ac")), "caf\u00e9 \u20ac")
})

const twice = (path: string, key: string, first: number, second: number) =>
    `${path}: key ${JSON.stringify(key)} appears twice (lines ${first} and ${second}); JSON keeps only the last, so remove one`

test("duplicate keys: at the top level, with the lines of both", (t) => {
    t.deepEqual(duplicateKeys('{\n"a": 1,\n"b": 2,\n"a": 3\n}'), [twice("(top level)", "a", 2, 4)])
    t.deepEqual(duplicateKeys('{"a": 1, "b": {"a": 2}}'), [])
    t.deepEqual(duplicateKeys("[1, 2]"), [])
})

test("duplicate keys: the path through objects and arrays, with quoted keys where they are not names", (t) => {
    t.deepEqual(duplicateKeys('{"accessPoints": [{"ssid": "a"}, {"ssid": "b", "ssid": "c"}]}'), [
        twice("accessPoints[1]", "ssid", 1, 1),
    ])
    t.deepEqual(duplicateKeys('{"a": {"my key": {"x": 1, "x": 2}}}'), [twice('a["my key"]', "x", 1, 1)])
    t.deepEqual(duplicateKeys('{"a": [[1], [2, {"y": 1, "y": 2}]]}'), [twice("a[1][1]", "y", 1, 1)])
    t.deepEqual(duplicateKeys('{"$x_1": {"k": 1, "k": 1}}'), [twice("$x_1", "k", 1, 1)])
})

test("duplicate keys: escapes name the same key; strings holding braces, commas or quotes are not keys", (t) => {
    t.deepEqual(duplicateKeys('{"a\\u0062": 1, "ab": 2}'), [twice("(top level)", "ab", 1, 1)])
    t.deepEqual(duplicateKeys('{"q\\"k": 1, "q\\"k": 2}'), [twice("(top level)", 'q"k', 1, 1)])
    t.deepEqual(duplicateKeys('{"a": "{\\"a\\": 1, }", "b": ["a", "a"], "c": "x,\\"a"}'), [])
    // after an array value the next key of the object is a key again
    t.deepEqual(duplicateKeys('{"a": [1, 2], "a": 3}'), [twice("(top level)", "a", 1, 1)])
    // each object has its own keys; a key after a nested object closes is still the outer object's
    t.deepEqual(duplicateKeys('{"o": {"k": 1}, "k": 2}'), [])
    t.deepEqual(duplicateKeys('{"o": {"k": 1}, "o": 2}'), [twice("(top level)", "o", 1, 1)])
    // string values are not keys, equal or not
    t.deepEqual(duplicateKeys('{"a": "x", "b": "x", "c": ["x", "x"]}'), [])
    // a path that starts at a top-level array
    t.deepEqual(duplicateKeys('[{"o": {"k": 1, "k": 2}}]'), [twice("[0].o", "k", 1, 1)])
})
