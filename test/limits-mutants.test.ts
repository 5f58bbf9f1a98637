import test from "ava"
import * as L from "../src/limits"
import { formatIp, formatMac, isZero, parseIp, parseMac, parseNetmask } from "../src/network/address"
import {
    byteLength,
    checkActiveArgument,
    checkHostname,
    checkKey,
    checkKeys,
    checkSsid,
    describe,
    quote,
} from "../src/network/credentials"
import * as R from "../src/network/ranges"

// The script's argument checks (src/network/credentials.ts, address.ts,
// ranges.ts) where test/limits.test.ts's generated edge probes do not reach:
// exact messages, the helpers they use, and the cases between the edges
// that `npm run mutate` showed no test noticing. These are the pure
// functions compiled into the image unchanged; test/limits-bytecode.test.ts
// runs the table's probes through the VM too.

const W = "connect()"

test("quote: JSON-style escapes for quotes, backslashes and control characters only", (t) => {
    t.is(quote('a"b\\c'), '"a\\"b\\\\c"')
    t.is(quote("\n\u001f\u0000"), '"\\u000a\\u001f\\u0000"')
    t.is(quote(" ~é"), '" ~é"')
    t.is(quote(""), '""')
})

test("describe: functions, short and long strings, arrays, objects, null and numbers", (t) => {
    t.is(
        describe(() => 1),
        "a function",
    )
    t.is(describe("x".repeat(40)), `"${"x".repeat(40)}"`)
    t.is(describe("x".repeat(41)), "a string of 41 characters")
    t.is(describe([1]), "an array")
    t.is(describe({ a: 1 }), "an object")
    t.is(describe(null), "null")
    t.is(describe(5), "5")
    t.is(describe(true), "true")
    t.is(byteLength("é€"), 5)
})

test("checkKeys names the first unknown option and lists the allowed ones", (t) => {
    t.notThrows(() => checkKeys("config()", { a: 1, b: 2 }, ["a", "b"]))
    t.throws(() => checkKeys("config()", { a: 1, c: 2, d: 3 }, ["a", "b"]), {
        message: 'config(): unknown option "c"; allowed: a, b',
    })
})

test("checkSsid: the type, the byte count said exactly, NUL and lone surrogates by position", (t) => {
    const says = (v: unknown) => t.throws(() => checkSsid(v, W))!.message
    t.is(says(5), "connect(): the network name (ssid) must be a string of 1..32 bytes, got number")
    t.is(says(""), "connect(): the network name (ssid) must be 1..32 bytes, got 0")
    t.is(says("x".repeat(33)), "connect(): the network name (ssid) must be 1..32 bytes, got 33")
    // 17 characters of 2 bytes: few enough units, too many bytes
    t.is(says("é".repeat(17)), "connect(): the network name (ssid) must be 1..32 bytes, got 34")
    t.notThrows(() => checkSsid("é".repeat(16), W))
    t.is(
        says("a\0b"),
        "connect(): the network name (ssid) holds a NUL character, which would cut it short on the radio",
    )
    t.is(says("\0"), "connect(): the network name (ssid) holds a NUL character, which would cut it short on the radio")
    const lone = (i: number) =>
        `connect(): the network name (ssid) holds a lone UTF-16 surrogate at position ${i}, which has no UTF-8 form`
    t.is(says("ab\ud800"), lone(2)) // a high surrogate at the end
    t.is(says("a\ud800b"), lone(1)) // followed by something else
    t.is(says("a\udc00"), lone(1)) // a low surrogate alone
    t.is(says("\udbff\ud800"), lone(0)) // followed by another high one
    t.is(says("\ud83d\ude00\udfff"), lone(2)) // after a valid pair
    t.is(says("\udc00\udc00"), lone(0)) // two low surrogates are not a pair
    t.is(says("\ud800\ue000"), lone(0)) // a high one followed by a character past the low range
    t.notThrows(() => checkSsid("cam \ud83d\ude00", W))
    t.notThrows(() => checkSsid("\udbff\udfff", W)) // the last pair (U+10FFFF)
    t.notThrows(() => checkSsid("\ud800\udc00", W)) // the first pair (U+10000)
    t.notThrows(() => checkSsid("\ud7ff\ue000", W)) // either side of the surrogates
})

test("checkKey: open network values, the character set at both ends, lengths, and hex keys", (t) => {
    for (const open of [undefined, null, ""]) t.notThrows(() => checkKey(open, W))
    const says = (v: unknown) => t.throws(() => checkKey(v, W))!.message
    const allowed = "8..63 characters (or 64 hex digits)"
    t.is(says(12345678), `connect(): the password (key) must be a string of ${allowed}, got number`)
    t.is(says("x".repeat(65)), `connect(): the password (key) must be ${allowed}, got 65`)
    // too long is said first, whatever the characters
    t.is(says("x".repeat(64) + "\u0001"), `connect(): the password (key) must be ${allowed}, got 65`)
    t.is(says("x".repeat(7)), `connect(): the password (key) must be ${allowed}, got 7`)
    t.notThrows(() => checkKey(" ".repeat(8), W))
    t.notThrows(() => checkKey("~".repeat(63), W))
    const printable = (i: number) =>
        `connect(): the password (key) may only hold printable ASCII characters (a character at position ${i} is not)`
    t.is(says("abcdefg\u001f"), printable(7))
    t.is(says("abc\u007fdefg"), printable(3))
    t.is(says("abcdefgé"), printable(7))
    t.notThrows(() => checkKey("0123456789abcdefABCDEF".padEnd(64, "0"), W))
    t.is(
        says("g".padEnd(64, "0")),
        "connect(): a 64-character password (key) must be hex digits (a raw WPA2 key); a passphrase is 8..63 characters",
    )
    t.is(
        says("0".repeat(63) + "G"),
        "connect(): a 64-character password (key) must be hex digits (a raw WPA2 key); a passphrase is 8..63 characters",
    )
})

test("checkHostname: the type, lengths 1 and 32, '-' only inside, any case", (t) => {
    const allowed = "1..32 letters, digits or '-', not starting or ending with '-'"
    t.is(t.throws(() => checkHostname(7, "hostname()"))!.message, `hostname(): hostname must be a string of ${allowed}`)
    for (const ok of ["a", "Z", "9", "cam-01", "A".repeat(32), "a-b-c"]) t.notThrows(() => checkHostname(ok, "h"), ok)
    for (const bad of ["", "A".repeat(33), "-a", "a-", "a_b", "a.b", "a b", "é"])
        t.is(
            t.throws(() => checkHostname(bad, "h"))!.message,
            `h: hostname ${describe(bad)} is not allowed: use ${allowed}`,
            bad,
        )
})

test("checkActiveArgument: booleans only", (t) => {
    t.notThrows(() => checkActiveArgument(true))
    t.notThrows(() => checkActiveArgument(false))
    t.is(t.throws(() => checkActiveArgument(1))!.message, "active(): expected true or false, got 1")
    t.is(t.throws(() => checkActiveArgument("no"))!.message, 'active(): expected true or false, got "no"')
})

const ipAllowed = "an IPv4 address (four numbers 0..255 joined by dots, like 192.168.1.10)"

test("parseIp: each number 0..255 of 1..3 digits, 15 characters at most, digits only", (t) => {
    t.is(parseIp("192.168.1.10", "ip"), 0xc0a8010a)
    t.is(parseIp("255.255.255.255", "ip"), 0xffffffff)
    t.is(parseIp("0.0.0.0", "ip"), 0)
    t.is(parseIp("009.8.7.6", "ip"), 0x09080706)
    t.throws(() => parseIp("0001.2.3.4", "ip"), { message: `ip: "0001.2.3.4" is not ${ipAllowed}` })
    for (const bad of [
        "1.2.3.256",
        "1.2.3",
        "1.2.3.4.5",
        "1..3.4",
        "1.2.3.1000",
        "1.2.3./",
        "1.2.3.:",
        "1.2.3.-1",
        "1.2.3.4 ",
    ])
        t.is(t.throws(() => parseIp(bad, "ip"))!.message, `ip: ${describe(bad)} is not ${ipAllowed}`, bad)
    // 16 characters: refused before it is split
    t.throws(() => parseIp("001.002.003.0004", "ip"), { message: `ip: "001.002.003.0004" is not ${ipAllowed}` })
    t.throws(() => parseIp(1, "ip"), { message: `ip: 1 is not ${ipAllowed}` })
})

test("parseNetmask: the ones contiguous from the top", (t) => {
    t.is(parseNetmask("255.255.255.0", "mask"), 0xffffff00)
    t.is(parseNetmask("255.255.255.255", "mask"), 0xffffffff)
    t.is(parseNetmask("0.0.0.0", "mask"), 0)
    t.is(parseNetmask("128.0.0.0", "mask"), 0x80000000)
    t.is(parseNetmask("255.255.255.254", "mask"), 0xfffffffe)
    for (const bad of ["255.0.255.0", "0.0.0.1", "255.255.255.253", "127.0.0.0"])
        t.is(
            t.throws(() => parseNetmask(bad, "mask"))!.message,
            `mask: "${bad}" is not a netmask (contiguous ones, like 255.255.255.0)`,
            bad,
        )
})

test("formatIp: a u32, or the same number read as a signed 32-bit one", (t) => {
    t.is(formatIp(0xc0a8010a), "192.168.1.10")
    t.is(formatIp(0xc0a8010a - 4294967296), "192.168.1.10")
    t.is(formatIp(-1), "255.255.255.255")
    t.is(formatIp(0x01020304), "1.2.3.4")
    t.is(formatIp(0), "0.0.0.0")
})

test("MAC addresses: six hex bytes with ':' or '-', any case; a Buffer of six bytes", (t) => {
    const bytes = [0xaa, 0x0b, 0xcc, 0x0d, 0xee, 0xff]
    t.deepEqual([...parseMac("aa:0b:cc:0d:ee:ff", "mac")], bytes)
    t.deepEqual([...parseMac("AA-0B-CC-0D-EE-FF", "mac")], bytes)
    t.deepEqual([...parseMac("aa:0b-cc:0d-ee:ff", "mac")], bytes)
    const buf = Buffer.from(bytes)
    t.is(parseMac(buf, "mac"), buf)
    t.is(formatMac(buf), "aa:0b:cc:0d:ee:ff")
    const allowed = "a MAC address (six hex bytes like aa:bb:cc:dd:ee:ff)"
    t.is(
        t.throws(() => parseMac(Buffer.from([1, 2, 3, 4, 5]), "mac"))!.message,
        `mac: "01:02:03:04:05" is not ${allowed}`,
    )
    for (const bad of [
        "aa:0b:cc:0d:ee:f",
        "aa:0b:cc:0d:ee:ff:",
        "aa:0b:cc:0d:ee:fg",
        "ga:0b:cc:0d:ee:ff",
        "aa.0b:cc:0d:ee:ff",
        "aa:0b:cc:0d:ee;ff",
        "aa:0b:cc:0d:eeff0",
    ])
        t.is(t.throws(() => parseMac(bad, "mac"))!.message, `mac: ${describe(bad)} is not ${allowed}`, bad)
    t.is(t.throws(() => parseMac(42, "mac"))!.message, `mac: 42 is not ${allowed}`)
})

test("isZero: every byte zero", (t) => {
    t.true(isZero(Buffer.alloc(6)))
    t.false(isZero(Buffer.from([0, 0, 0, 0, 0, 1])))
    t.false(isZero(Buffer.from([1, 0, 0, 0, 0, 0])))
    t.true(isZero(Buffer.alloc(0)))
})

test("checkWhole: numbers only, whole, from lo to hi inclusive", (t) => {
    const says = (v: unknown) => t.throws(() => R.checkWhole(v, "n", 2, 5, "2..5"))!.message
    for (const ok of [2, 3, 5]) t.notThrows(() => R.checkWhole(ok, "n", 2, 5, "2..5"))
    t.is(says(1), "n must be 2..5, got 1")
    t.is(says(6), "n must be 2..5, got 6")
    t.is(says(2.5), "n must be 2..5, got 2.5")
    t.is(says("3"), 'n must be 2..5, got "3"')
    t.is(says(Number.NaN), "n must be 2..5, got NaN")
})

test("each range check says its own range", (t) => {
    const says = (f: (v: unknown, what: string) => void, v: unknown) => t.throws(() => f(v, "x"))!.message
    t.is(says(R.checkChannel, 14), "x must be 1..13, got 14")
    t.is(says(R.checkApClients, 11), "x must be 1..10, got 11")
    t.is(says(R.checkScanMax, 21), "x must be an integer 1..20, got 21")
    t.is(says(R.checkPhyAddr, 32), "x must be 0..31, got 32")
    t.is(says(R.checkPin, 49), "x must be a GPIO number 0..48, or -1 for none, got 49")
    t.is(says(R.checkSpiHost, 3), "x must be 1 (SPI2) or 2 (SPI3), got 3")
    t.is(
        says(R.checkRefClkMode, 4),
        "x must be one of LAN.CLOCK_GPIO0_IN, CLOCK_GPIO0_OUT, CLOCK_GPIO16_OUT, CLOCK_GPIO17_OUT, got 4",
    )
    t.notThrows(() => R.checkPin(-1, "x"))
    t.notThrows(() => R.checkRefClkMode(0, "x"))
})

test("checkTxpower: 2..20 dBm, fractions allowed, numbers only", (t) => {
    for (const ok of [2, 2.5, 19.75, 20]) t.notThrows(() => R.checkTxpower(ok, "tx"), String(ok))
    for (const [bad, shown] of [
        [1.99, "1.99"],
        [20.01, "20.01"],
        [Number.NaN, "NaN"],
        ["10", '"10"'],
    ] as const)
        t.is(t.throws(() => R.checkTxpower(bad, "tx"))!.message, `tx must be 2..20 dBm, got ${shown}`)
})

test("checkReconnects: whole numbers from -1 up", (t) => {
    for (const ok of [-1, 0, 1, 1000]) t.notThrows(() => R.checkReconnects(ok, "r"))
    for (const [bad, shown] of [
        [-2, "-2"],
        [1.5, "1.5"],
        ["3", '"3"'],
    ] as const)
        t.is(
            t.throws(() => R.checkReconnects(bad, "r"))!.message,
            `r must be an integer >= -1 (-1 = retry forever), got ${shown}`,
        )
})

test("checkEapText: 1..127 bytes of UTF-8, counted in bytes, never echoed", (t) => {
    t.notThrows(() => R.checkEapText("x", "id"))
    t.notThrows(() => R.checkEapText("x".repeat(127), "id"))
    const says = (v: unknown) => t.throws(() => R.checkEapText(v, "id"))!.message
    t.is(says(""), "id must be a string of 1..127 bytes, got 0")
    t.is(says("x".repeat(128)), "id must be a string of 1..127 bytes, got 128")
    t.is(says("é".repeat(64)), "id must be a string of 1..127 bytes, got 128")
    t.is(says(5), "id must be a string of 1..127 bytes, got number")
})

test("checkPemSize: up to the limit in bytes as given; returns those bytes", (t) => {
    const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    t.deepEqual(R.checkPemSize(pem, "ca", pem.length), Buffer.from(pem))
    t.is(
        t.throws(() => R.checkPemSize(pem, "ca", pem.length - 1))!.message,
        `ca is ${pem.length} bytes; the camera holds at most ${pem.length - 1} bytes for it`,
    )
    t.is(
        t.throws(() => R.checkPemSize(Buffer.from(pem), "ca", 100))!.message,
        "ca must be PEM text (a string starting with -----BEGIN), got object",
    )
    t.is(L.CA_CERT_MAX_BYTES, 8192)
})

test("checkDomain: labels of 1..63 of letters, digits and inner '-', 253 characters in all", (t) => {
    const allowed =
        "a domain name like radius.example.org (labels of 1..63 letters, digits or '-', at most 253 characters in all)"
    const label63 = "a".repeat(63)
    // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253
    const longest = [label63, label63, label63, "b".repeat(61)].join(".")
    for (const ok of ["radius.example.org", "A-1.Example", label63, longest, "x"])
        t.notThrows(() => R.checkDomain(ok, "d"), ok)
    for (const bad of [
        "a".repeat(64),
        longest + "b",
        "-a.org",
        "a-.org",
        "a..org",
        "a.org.",
        "",
        "a_b.org",
        "rädius.org",
        7,
    ])
        t.is(
            t.throws(() => R.checkDomain(bad, "d"))!.message,
            `d must be ${allowed}, got ${describe(bad)}`,
            String(bad),
        )
})
