import test from "ava"
import { execFileSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { loadWorldFile, parseWorld } from "../sim/world/world"
import { duplicateKeys, invalidUtf8Offset, MAX_WORLD_FILE_BYTES } from "../sim/world/world-text"
import { camscriptBin } from "./helpers/bin"
import { tempDir } from "./helpers/cleanup"

// World files as they come from disk: only regular files of at most 4 MB,
// strict UTF-8, no duplicate keys; and default BSSIDs for any number of
// access points. Each is a usage error (exit 2) with a message saying where.

const dir = tempDir("camscript-world-files-")
mkdirSync(dir, { recursive: true })
function file(name: string, content: string | Buffer): string {
    const f = join(dir, name)
    writeFileSync(f, content)
    return f
}

const camscript = (...args: string[]) => camscriptBin(args, { timeout: 60_000 })
const sim = (world: string) => camscript("sim", "examples/wifi-station.ts", "--world", world)

test("a world that is a FIFO exits 2 at once instead of hanging", async (t) => {
    const fifo = join(dir, "world.fifo")
    try {
        execFileSync("mkfifo", [fifo])
    } catch {
        /* exists from an earlier run */
    }
    const r = await sim(fifo)
    t.is(r.code, 2)
    t.regex(r.stderr, /world\.fifo: the world file is a FIFO \(named pipe\), not a regular file/)
})

test("/dev/zero as a world exits 2 (a device, never read)", async (t) => {
    const r = await sim("/dev/zero")
    t.is(r.code, 2)
    t.regex(r.stderr, /\/dev\/zero: the world file is a character device, not a regular file/)
})

test("a folder as a world exits 2", async (t) => {
    const r = await sim(dir)
    t.is(r.code, 2)
    t.regex(r.stderr, /the world file is a folder, not a regular file/)
})

test("size limit: 4 MB is read, one byte more is refused", (t) => {
    const json = '{"accessPoints": [], "description": "'
    const pad = (n: number) => json + "x".repeat(n - json.length - 2) + '"}'
    const atLimit = file("at-limit.json", pad(MAX_WORLD_FILE_BYTES))
    t.is(loadWorldFile(atLimit).accessPoints.length, 0)
    const over = file("over-limit.json", pad(MAX_WORLD_FILE_BYTES + 1))
    t.throws(() => loadWorldFile(over), {
        message: /the world file is 4194305 bytes; the limit is 4194304 bytes \(4 MB\)/,
    })
})

test("duplicate keys are refused naming the key, the object and both lines (exit 2)", async (t) => {
    const w = file(
        "duplicate.json",
        [
            "{",
            '    "accessPoints": [',
            '        { "ssid": "my-network", "security": "wpa2-psk", "password": "my-password",',
            '          "position": [6, 2], "password": "other-password" }',
            "    ],",
            '    "camera": { "position": [0, 0] },',
            '    "camera": { "position": [900, 0] }',
            "}",
        ].join("\n"),
    )
    const r = await sim(w)
    t.is(r.code, 2)
    t.regex(r.stderr, /accessPoints\[0\]: key "password" appears twice \(lines 3 and 4\)/)
    t.regex(r.stderr, /\(top level\): key "camera" appears twice \(lines 6 and 7\)/)
    t.notRegex(r.stderr, /other-password|my-password/, "no password value in the message")
})

test("duplicate keys: escapes name the same key; equal keys in different objects are fine", (t) => {
    t.deepEqual(duplicateKeys('{"a": 1, "\\u0061": 2}'), [
        '(top level): key "a" appears twice (lines 1 and 1); JSON keeps only the last, so remove one',
    ])
    t.deepEqual(duplicateKeys('[{"a": 1}, {"a": 2}, {"b": {"a": 1}, "a": "}{\\""}]'), [])
    t.deepEqual(duplicateKeys('{"x": [{"k": 1}, {"k": 1, "k": 2}]}'), [
        'x[1]: key "k" appears twice (lines 1 and 1); JSON keeps only the last, so remove one',
    ])
})

test("invalid UTF-8 is refused saying where (exit 2)", async (t) => {
    const w = file(
        "latin1.json",
        Buffer.concat([
            Buffer.from('{\n  "accessPoints": [],\n  "description": "caf'),
            Buffer.from([0xe9, 0x22, 0x7d]),
        ]),
    )
    const r = await sim(w)
    t.is(r.code, 2)
    t.regex(r.stderr, /not valid UTF-8: byte 0xe9 at line 3, column 22 \(byte offset 45\)/)
})

test("UTF-8 validation: valid multibyte passes; overlong, surrogate, truncated and stray bytes do not", (t) => {
    t.is(invalidUtf8Offset(Buffer.from("café ☕ 𝄞", "utf8")), -1)
    t.is(invalidUtf8Offset(Buffer.from([0x61, 0xc0, 0xaf])), 1) // overlong "/"
    t.is(invalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80])), 0) // a UTF-16 surrogate
    t.is(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2) // cut short
    t.is(invalidUtf8Offset(Buffer.from([0x80])), 0) // a continuation byte alone
    t.is(invalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0) // past U+10FFFF
})

test("certificate files named by a world: a FIFO or a folder is refused, not read", (t) => {
    const fifo = join(dir, "ca.fifo")
    try {
        execFileSync("mkfifo", [fifo])
    } catch {
        /* exists */
    }
    const world = (caCertFile: string) =>
        file(
            "enterprise-world.json",
            JSON.stringify({
                accessPoints: [
                    {
                        ssid: "campus",
                        security: "wpa2-enterprise",
                        position: [5, 0],
                        loginServer: { caCertFile, domain: "radius.campus.test" },
                    },
                ],
            }),
        )
    t.throws(() => loadWorldFile(world("ca.fifo")), {
        message: /accessPoints\[0\]\.loginServer\.caCertFile: ca\.fifo is a FIFO \(named pipe\), not a regular file/,
    })
    t.throws(() => loadWorldFile(world("/dev/zero")), {
        message: /caCertFile: \/dev\/zero is a character device, not a regular file/,
    })
    t.throws(() => loadWorldFile(world(".")), { message: /caCertFile: \. is a folder, not a regular file/ })
    t.throws(() => loadWorldFile(world("missing.pem")), { message: /caCertFile: cannot read missing\.pem \(ENOENT\)/ })
})

const manyAps = (n: number) =>
    parseWorld(
        {
            accessPoints: Array.from({ length: n }, (_, i) => ({
                ssid: `net-${i}`,
                security: "open",
                position: [i, 0],
            })),
        },
        "(many)",
    )
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

for (const n of [255, 256, 1000]) {
    test(`${n} access points: every default BSSID is well-formed and unique, every default subnet valid`, (t) => {
        const w = manyAps(n)
        const bssids = w.accessPoints.map((a) => a.bssid)
        t.true(
            bssids.every((b) => MAC.test(b)),
            bssids.find((b) => !MAC.test(b)),
        )
        t.is(new Set(bssids).size, n)
        t.is(new Set(w.accessPoints.map((a) => a.dhcp.network)).size, n)
        // the n-th counts up in the last bytes: 255 -> ..:00:ff, 256 -> ..:01:00, 1000 -> ..:03:e8
        const last = n.toString(16).padStart(4, "0")
        t.is(bssids[n - 1], `02:ca:00:00:${last.slice(0, 2)}:${last.slice(2)}`)
    })
}

test("the first access points keep their documented defaults; past the limit a world is refused", (t) => {
    const w = manyAps(3)
    t.deepEqual(
        w.accessPoints.map((a) => a.bssid),
        ["02:ca:00:00:00:01", "02:ca:00:00:00:02", "02:ca:00:00:00:03"],
    )
    const w256 = manyAps(256)
    t.is(w256.accessPoints[254].dhcp.gateway, 0xc0a8ff01) // 192.168.255.1
    t.is(w256.accessPoints[255].dhcp.gateway, 0x0a010001) // 10.1.0.1
    t.is(manyAps(4096).accessPoints.length, 4096)
    t.throws(() => manyAps(4097), { message: /accessPoints must NOT have more than 4096 items/ })
})
