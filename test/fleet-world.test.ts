import test from "ava"
import { resolve } from "node:path"
import { fleetMac, MAX_CAMERAS } from "../sim/world/cameras"
import { parseWorld, WorldError } from "../sim/world/world"

// World files with `cameras` (a fleet): defaults, and every refusal names
// the field and what is allowed.

const ap = { ssid: "net", security: "wpa2-psk", password: "password1", position: [1, 1] }

function problems(json: unknown): string {
    try {
        parseWorld(json, "/site/w.json")
    } catch (e) {
        if (e instanceof WorldError) return e.message
        throw e
    }
    throw new Error("expected a WorldError")
}

function cams(n: number) {
    return Array.from({ length: n }, (_, i) => ({ name: `cam-${i + 1}`, position: [i, 0] }))
}

test("cameras get distinct default MACs four apart, scripts relative to the world file", (t) => {
    const w = parseWorld(
        {
            accessPoints: [ap],
            cameras: [
                { name: "porch", position: [1, 2], script: "scripts/porch.ts", hostname: "porch-cam" },
                { name: "yard", position: [3, 4], board: "ai_thinker_esp32_cam" },
            ],
        },
        "/site/w.json",
    )
    t.is(w.cameras!.length, 2)
    t.is(w.cameras![0].mac, "24:0a:c4:01:00:04")
    t.is(w.cameras![1].mac, "24:0a:c4:01:00:08")
    t.is(w.cameras![0].script, resolve("/site/scripts/porch.ts"))
    t.is(w.cameras![1].script, undefined)
    t.is(w.cameras![0].hostname, "porch-cam")
    t.is(w.cameras![1].board, "ai_thinker_esp32_cam")
    t.deepEqual(w.cameras![1].position, [3, 4])
    t.is(w.cameras![0].antennaGainDbi, 0)
})

test("a world without cameras has none (the one camera, as before)", (t) => {
    t.is(parseWorld({ accessPoints: [ap] }, "w.json").cameras, undefined)
})

test("the last allowed camera gets a MAC that does not wrap; one more camera is refused", (t) => {
    const last = fleetMac(MAX_CAMERAS)
    t.is(last, "24:0a:c4:01:10:00")
    const w = parseWorld({ accessPoints: [ap], cameras: cams(MAX_CAMERAS) }, "w.json")
    t.is(w.cameras!.length, MAX_CAMERAS)
    t.is(w.cameras![MAX_CAMERAS - 1].mac, last)
    t.regex(problems({ accessPoints: [ap], cameras: cams(MAX_CAMERAS + 1) }), /cameras must NOT have more than 1024/)
})

test("camera and cameras together are refused", (t) => {
    t.regex(
        problems({ accessPoints: [ap], camera: { position: [0, 0] }, cameras: cams(1) }),
        /either "camera" \(one camera\) or "cameras" \(a fleet\), not both/,
    )
})

test("duplicate names (any case) and bad names are refused", (t) => {
    const msg = problems({
        accessPoints: [ap],
        cameras: [
            { name: "Cam", position: [0, 0] },
            { name: "cam", position: [0, 0] },
            { name: "-x", position: [0, 0] },
        ],
    })
    t.regex(msg, /cameras\[1\]: cameras\[0\] is already called "cam"; names must be unique/)
    t.regex(msg, /cameras\[2\]\.name "-x" is not allowed/)
})

test("MACs: the same, or within 3 (the chip's derived MACs), are refused; 4 apart is allowed", (t) => {
    const at = (mac: string) => ({ name: `c${mac.slice(-2)}`, position: [0, 0], mac })
    const apart = parseWorld(
        { accessPoints: [ap], cameras: [at("02:00:00:00:00:10"), at("02:00:00:00:00:14")] },
        "w.json",
    )
    t.deepEqual(
        apart.cameras!.map((c) => c.mac),
        ["02:00:00:00:00:10", "02:00:00:00:00:14"],
    )
    t.regex(
        problems({ accessPoints: [ap], cameras: [at("02:00:00:00:00:10"), at("02:00:00:00:00:13")] }),
        /cameras\[1\]\.mac 02:00:00:00:00:13 is within 3 of cameras\[0\]'s/,
    )
    t.regex(problems({ accessPoints: [ap], cameras: [at("02:00:00:00:00:fe"), at("02:00:00:00:00:01")] }), /within 3/)
    t.regex(
        problems({ accessPoints: [ap], cameras: [at("02:00:00:00:00:10"), at("02:00:00:00:00:10")] }),
        /cameras\[1\]\.mac 02:00:00:00:00:10 is also cameras\[0\]'s/,
    )
})

test("a hostname or script that cannot be is refused with what is allowed", (t) => {
    const msg = problems({
        accessPoints: [ap],
        cameras: [{ name: "a", position: [0, 0], hostname: "bad_name", script: "cam.js" }],
    })
    t.regex(msg, /cameras\[0\]\.hostname "bad_name" is not allowed: use 1..32 letters, digits and '-'/)
    t.regex(msg, /cameras\[0\]\.script "cam.js" must be a TypeScript file/)
})

test("maxClients: 1 is the least; 0 is refused", (t) => {
    t.is(parseWorld({ accessPoints: [{ ...ap, maxClients: 1 }] }, "w.json").accessPoints[0].maxClients, 1)
    t.is(parseWorld({ accessPoints: [ap] }, "w.json").accessPoints[0].maxClients, undefined)
    t.regex(problems({ accessPoints: [{ ...ap, maxClients: 0 }] }), /accessPoints\[0\]\.maxClients must be >= 1/)
})

test("events naming cameras: only in a fleet, only known cameras, only for camera actions", (t) => {
    const fleet = { accessPoints: [ap], cameras: cams(2) }
    const w = parseWorld(
        {
            ...fleet,
            events: [
                { at: "5s", action: "power-off", camera: "cam-2" },
                { at: "6s", action: "site-power-off" },
                { at: "7s", action: "move-camera", camera: "cam-1", to: [9, 9] },
            ],
        },
        "w.json",
    )
    t.deepEqual(
        w.events.map((e) => `${e.action} ${e.camera ?? e.accessPoint ?? ""}`.trim()),
        ["power-off cam-2", "site-power-off", "move-camera cam-1"],
    )
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: 0, action: "power-off", camera: "x" }] }),
        /events\[0\]: "camera" needs a "cameras" list/,
    )
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: 0, action: "site-power-on" }] }),
        /events\[0\]: action "site-power-on" needs a "cameras" list/,
    )
    t.regex(
        problems({ ...fleet, events: [{ at: 0, action: "power-off", camera: "cam-9" }] }),
        /events\[0\]\.camera "cam-9" is not a camera of this world; known: cam-1, cam-2/,
    )
    t.regex(
        problems({ ...fleet, events: [{ at: 0, action: "dhcp-off", camera: "cam-1" }] }),
        /events\[0\]: action "dhcp-off" takes no "camera"/,
    )
    t.regex(
        problems({ ...fleet, events: [{ at: 0, action: "move-camera", to: [1, 1] }] }),
        /events\[0\]: in a world with "cameras", action "move-camera" needs "camera"/,
    )
    t.regex(
        problems({ ...fleet, events: [{ at: 0, action: "power-off", camera: "cam-1", accessPoint: "net" }] }),
        /give "camera" or "accessPoint", not both/,
    )
})

test("a fleet with an ethernet section is refused (no per-camera cabling yet)", (t) => {
    t.regex(
        problems({ accessPoints: [ap], cameras: cams(1), ethernet: {} }),
        /"ethernet" is for one camera: a fleet \("cameras"\) has no per-camera cabling yet/,
    )
})
