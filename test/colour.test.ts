import test from "ava"
import { colourWanted, formatEntryColoured, paint } from "../cli/colour"
import { formatEntry } from "../sim/timeline"

// Colour on a terminal only; none when piped or with NO_COLOR.

test("colour only on a TTY, never with NO_COLOR or TERM=dumb", (t) => {
    t.true(colourWanted({ isTTY: true }, {}))
    t.false(colourWanted({ isTTY: false }, {}), "piped")
    t.false(colourWanted({}, {}), "a file")
    t.false(colourWanted({ isTTY: true }, { NO_COLOR: "1" }))
    t.true(colourWanted({ isTTY: true }, { NO_COLOR: "" }), "NO_COLOR counts only when set to something")
    t.false(colourWanted({ isTTY: true }, { TERM: "dumb" }))
})

test("timeline lines: green when the link is up, red on a failure, plain when colour is off", (t) => {
    const up = { atMs: 2918, source: "wifi", event: "GotAddress", detail: "ip=192.168.1.100" }
    const failed = {
        atMs: 6578,
        source: "wifi",
        event: "Idle",
        detail: "reason=AuthFailed ap=x (…)",
        reason: "AuthFailed",
    }
    const plain = { atMs: 988, source: "wifi", event: "Scanning", detail: "" }
    // red comes from the driver's reason, not from text that merely reads "reason=" (an SSID can)
    const forged = { atMs: 988, source: "wifi", event: "Scanning", detail: "ap=x reason=AuthFailed" }
    t.is(formatEntryColoured(forged, true), formatEntry(forged))
    t.is(formatEntryColoured(up, false), formatEntry(up))
    t.is(formatEntryColoured(up, true), `\u001b[32m${formatEntry(up)}\u001b[0m`)
    t.is(formatEntryColoured(failed, true), `\u001b[31m${formatEntry(failed)}\u001b[0m`)
    t.is(formatEntryColoured(plain, true), formatEntry(plain))
    t.is(paint("x", "grey", false), "x")
})
