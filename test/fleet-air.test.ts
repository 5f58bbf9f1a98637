import test from "ava"
import { Air } from "../sim/radio/air"
import { Timeline } from "../sim/timeline"
import { parseWorld } from "../sim/world/world"

// The limits an access point holds for every camera that shares it:
// stations at once (maxClients) and joins per second (joinsPerSecond).

function setup(ap: object) {
    let now = 0
    const clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined }
    const world = parseWorld({ accessPoints: [{ ssid: "site", security: "open", position: [0, 0], ...ap }] }, "w.json")
    const timeline = new Timeline(() => now)
    const a = new Air(world, clock, timeline)
    // a second camera's Air, sharing the access points
    const b = new Air(world, clock, timeline, a.accessPoints)
    return { a, b, ap: a.accessPoints[0], timeline, at: (ms: number) => (now = ms) }
}

test("maxClients: the last place is given, one more is refused, and a place freed is given again", (t) => {
    const { a, b, ap, timeline } = setup({ maxClients: 2 })
    t.true(a.associate(ap, "m1"))
    t.true(b.associate(ap, "m2"))
    t.false(a.associate(ap, "m3"))
    t.is(timeline.entries.at(-1)!.detail, "site is full (2 of 2): refused m3")
    // associating again (a new attempt) does not take a second place
    t.true(b.associate(ap, "m2"))
    b.dissociate("m2")
    t.true(a.associate(ap, "m3"))
    t.deepEqual([...ap.stations], ["m1", "m3"])
})

test("joinsPerSecond: the last join of a second is taken, one more refused, and taken again a second later", (t) => {
    const { a, ap, timeline, at } = setup({ joinsPerSecond: 3 })
    at(1000)
    for (const m of ["m1", "m2", "m3"]) t.true(a.associate(ap, m), m)
    at(1999)
    t.false(a.associate(ap, "m4"))
    t.is(timeline.entries.at(-1)!.event, "assoc-busy")
    t.is(timeline.entries.at(-1)!.detail, "site took 3 join(s) in the last second (joinsPerSecond 3): refused m4")
    at(2000)
    t.true(a.associate(ap, "m4"))
})

test("no limits given: any number of stations, any rate", (t) => {
    const { a, ap } = setup({})
    for (let i = 0; i < 500; i++) t.true(a.associate(ap, `m${i}`))
    t.is(ap.stations.size, 500)
})
