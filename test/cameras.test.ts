import test from "ava"
import { resolve } from "node:path"
import { fleetMac, normaliseCameras, type RawCamera } from "../sim/world/cameras"

// A fleet's cameras (sim/world/cameras.ts) on their own: name and hostname
// rules at their length edges, the MAC spacing the chip needs (each camera
// takes its MAC and the next three, the last byte wrapping), and the exact
// words of each problem.

function check(raw: Partial<RawCamera>[]) {
    const problems: string[] = []
    const cameras = normaliseCameras(
        raw.map((c, i) => ({ name: `cam${i}`, position: [i, 0], ...c }) as RawCamera),
        "/site",
        problems,
    )
    return { cameras, problems }
}

test("fleetMac: 24:0a:c4 then 0x010000 + 4n, every byte two hex digits", (t) => {
    t.is(fleetMac(1), "24:0a:c4:01:00:04")
    t.is(fleetMac(64), "24:0a:c4:01:01:00")
    t.is(fleetMac(1024), "24:0a:c4:01:10:00")
    t.is(fleetMac(3), "24:0a:c4:01:00:0c")
})

test("defaults: MACs by position, gain 0, no script, no hostname; a given MAC is lower-cased", (t) => {
    const { cameras, problems } = check([{}, { mac: "AA:BB:CC:DD:EE:10", antennaGainDbi: -2.5 }, {}])
    t.deepEqual(problems, [])
    t.deepEqual(cameras[0], {
        name: "cam0",
        board: undefined,
        position: [0, 0],
        antennaGainDbi: 0,
        mac: "24:0a:c4:01:00:04",
        script: undefined,
        hostname: undefined,
    })
    t.is(cameras[1].mac, "aa:bb:cc:dd:ee:10")
    t.is(cameras[1].antennaGainDbi, -2.5)
    t.is(cameras[2].mac, "24:0a:c4:01:00:0c")
})

test("names: 1..32 letters, digits, '-', '_' or '.', starting with a letter or digit", (t) => {
    const ok = ["a", "A.b_c-d", "9", "x".repeat(32), "cam-"]
    t.deepEqual(check(ok.map((name) => ({ name }))).problems, [])
    for (const name of ["", "x".repeat(33), "-cam", ".cam", "_cam", "cam 1", "cam/1", "kamera\u00e9"])
        t.deepEqual(
            check([{ name }]).problems,
            [
                `cameras[0].name "${name}" is not allowed: use 1..32 letters, digits, '-', '_' or '.', starting with a letter or digit`,
            ],
            name,
        )
})

test("hostnames: 1..32 letters, digits and '-', not starting or ending with '-'", (t) => {
    const ok = ["a", "porch-cam", "x".repeat(32), "A1", "a-b"]
    t.deepEqual(check(ok.map((hostname) => ({ hostname }))).problems, [])
    for (const hostname of ["", "x".repeat(33), "-cam", "cam-", "cam_1", "cam.local", "cam 1"])
        t.deepEqual(
            check([{ hostname }]).problems,
            [
                `cameras[0].hostname "${hostname}" is not allowed: use 1..32 letters, digits and '-', not starting or ending with '-'`,
            ],
            hostname,
        )
})

test("scripts: TypeScript files, resolved from the world file's folder", (t) => {
    const { cameras, problems } = check([{ script: "a/porch.ts" }, { script: "/abs/yard.ts" }])
    t.deepEqual(problems, [])
    t.is(cameras[0].script, resolve("/site/a/porch.ts"))
    t.is(cameras[1].script, resolve("/abs/yard.ts"))
    t.deepEqual(check([{ script: "porch.js" }]).problems, [
        `cameras[0].script "porch.js" must be a TypeScript file (.ts)`,
    ])
    t.deepEqual(check([{ script: "porch.ts.bak" }]).problems, [
        `cameras[0].script "porch.ts.bak" must be a TypeScript file (.ts)`,
    ])
})

test("names are unique in any case, and the problem names both cameras", (t) => {
    t.deepEqual(check([{ name: "Porch" }, { name: "yard" }, { name: "porch" }]).problems, [
        `cameras[2]: cameras[0] is already called "porch"; names must be unique`,
    ])
})

test("MACs: the same is refused; within 3 either way (the last byte wrapping) is refused; 4 apart is fine", (t) => {
    const pair = (a: string, b: string) => check([{ mac: a }, { mac: b }]).problems
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:00:10"), [
        `cameras[1].mac 02:00:00:00:00:10 is also cameras[0]'s`,
    ])
    const within = (a: string, b: string) =>
        `cameras[1].mac ${b} is within 3 of cameras[0]'s (${a}): each camera uses its MAC and the next three`
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:00:13"), [within("02:00:00:00:00:10", "02:00:00:00:00:13")])
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:00:0d"), [within("02:00:00:00:00:10", "02:00:00:00:00:0d")])
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:00:14"), [])
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:00:0c"), [])
    // across the wrap of the last byte: ff and 02 are 3 apart, fc and 00 are 4
    t.deepEqual(pair("02:00:00:00:00:ff", "02:00:00:00:00:02"), [within("02:00:00:00:00:ff", "02:00:00:00:00:02")])
    t.deepEqual(pair("02:00:00:00:00:02", "02:00:00:00:00:ff"), [within("02:00:00:00:00:02", "02:00:00:00:00:ff")])
    t.deepEqual(pair("02:00:00:00:00:fc", "02:00:00:00:00:00"), [])
    t.deepEqual(pair("02:00:00:00:00:00", "02:00:00:00:00:fc"), [])
    // another prefix never overlaps
    t.deepEqual(pair("02:00:00:00:00:10", "02:00:00:00:01:10"), [])
    // upper and lower case are the same MAC
    t.deepEqual(pair("02:00:00:00:00:AB", "02:00:00:00:00:ab"), [
        `cameras[1].mac 02:00:00:00:00:ab is also cameras[0]'s`,
    ])
})

test("a camera clashing with several earlier ones is told once, about the first", (t) => {
    const { problems } = check([
        { mac: "02:00:00:00:00:10" },
        { mac: "02:00:00:00:00:11" },
        { mac: "02:00:00:00:00:10" },
    ])
    t.deepEqual(problems, [
        `cameras[1].mac 02:00:00:00:00:11 is within 3 of cameras[0]'s (02:00:00:00:00:10): each camera uses its MAC and the next three`,
        `cameras[2].mac 02:00:00:00:00:10 is also cameras[0]'s`,
    ])
})
