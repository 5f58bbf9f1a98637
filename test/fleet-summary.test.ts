import test from "ava"
import { LinkWatch, summaryTable } from "../sim/fleet/summary"
import type { TimelineFields } from "../sim/timeline"

// The end-of-run table's figures, from a camera's timeline.

// the typed fields are the driver's (sim/timeline.ts); the detail is for people only
const at = (atMs: number, source: string, event: string, detail = "", fields: TimelineFields = {}) => ({
    atMs,
    source,
    event,
    detail,
    ...fields,
})

test("first link, outages, time down and the end state come from the link's states and the power", (t) => {
    const w = new LinkWatch()
    const feed = [
        at(0, "cam", "power-on"),
        at(988, "wifi", "Scanning"),
        at(2918, "wifi", "GotAddress", "ap=x rssi=-44 dBm ip=10.0.0.100", { ip: "10.0.0.100", rssiDbm: -44 }),
        at(3000, "wifi", "GotAddress", "ap=x rssi=-45 dBm ip=10.0.0.100", { ip: "10.0.0.100", rssiDbm: -45 }), // an RSSI change is no outage
        at(10_000, "wifi", "Idle", "reason=BeaconTimeout ap=x", { reason: "BeaconTimeout" }),
        at(10_002, "wifi", "Scanning"),
        at(14_000, "wifi", "GotAddress", "ip=10.0.0.100", { ip: "10.0.0.100" }),
        at(20_000, "cam", "power-off"),
        at(25_000, "cam", "power-on"),
        at(27_000, "world", "assoc-refused", "x is full (1 of 1): refused 24:0a:c4:01:00:04"),
        at(27_000, "wifi", "Idle", "reason=AssocRejected ap=x", { reason: "AssocRejected" }),
        at(27_502, "wifi", "Scanning"),
    ]
    for (const e of feed) w.feed(e)
    const s = w.summary(30_000)
    t.is(s.firstLinkMs, 2918)
    t.is(s.outages, 2)
    // 10 s .. 14 s, then 20 s .. 30 s (the end of the run)
    t.is(s.downMs, 4_000 + 10_000)
    t.is(s.finalState, "Scanning")
    t.is(s.finalReason, "AssocRejected")
    t.is(s.refused, "AP full")
    t.is(s.ip, undefined)
})

test("a camera that never links has no first link and no time down; a linked one says since when", (t) => {
    const never = new LinkWatch()
    never.feed(at(2578, "wifi", "Idle", "reason=AssocRejected", { reason: "AssocRejected" }))
    const up = new LinkWatch()
    up.feed(at(2918, "wifi", "GotAddress", "ip=10.0.0.101", { ip: "10.0.0.101" }))
    const table = summaryTable(
        [
            { name: "up", script: "finished", link: up.summary(5000) },
            { name: "never", script: "running", link: never.summary(5000) },
        ],
        5000,
    )
    t.deepEqual(table.split("\n"), [
        "camera  first link  outages  time down  link at end            script",
        "up          2.918s        0     0.000s  GotAddress 10.0.0.101  finished",
        "never        never        0          -  Idle (AssocRejected)   running",
        "1 of 2 camera(s) hold an address at 5.000s; 1 never got one",
    ])
    const all = summaryTable([{ name: "up", script: "running", link: up.summary(5000) }], 5000)
    t.regex(
        all,
        /1 of 1 camera\(s\) hold an address at 5\.000s \(all of them since 2\.918s\); all had a first link by 2\.918s$/,
    )
})
