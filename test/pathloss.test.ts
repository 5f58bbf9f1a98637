import test from "ava"
import { distance, marginal, MARGINAL_LINK_DB, rangeM, rssiDbm } from "../sim/radio/pathloss"
import { FULL_SCAN_MS } from "../sim/radio/timing"

// The path-loss formula's parts that test/radio.test.ts leaves open:
// distances in both axes, antenna gain, and range with gain. Expected values
// are worked out by hand from docs/world-format.md:
//   PL(d) = PL(1 m) + 10 * n * log10(d), RSSI = tx + gain - PL(d), rounded.

const indoor = { pathLossExponent: 3, referenceLossDb: 40, sensitivityDbm: -92 }

test("distance is the straight line between two points, whatever their signs", (t) => {
    t.is(distance([1, 1], [4, 5]), 5)
    t.is(distance([4, 5], [1, 1]), 5)
    t.is(distance([-2, 3], [1, -1]), 5)
    t.is(distance([2, 2], [2, 2]), 0)
})

test("antenna gain adds to the received power; a negative gain takes from it", (t) => {
    // 10 m indoors: PL = 40 + 30 = 70 dB
    t.is(rssiDbm(20, 10, indoor), -50)
    t.is(rssiDbm(20, 10, indoor, 5), -45)
    t.is(rssiDbm(20, 10, indoor, -3), -53)
    // rounding to whole dBm: 5 m is PL 60.969 dB, so 20 - 60.969 = -40.97 -> -41
    t.is(rssiDbm(20, 5, indoor), -41)
})

test("range: where tx + gain - PL(d) meets the floor", (t) => {
    // budget 20 + 0 + 92 - 40 = 72 dB -> d = 10^(72 / 30) = 251.19 m
    t.is(rangeM(20, indoor).toFixed(2), "251.19")
    // +3 dBi: 75 dB -> 10^2.5 = 316.23 m
    t.is(rangeM(20, indoor, 3).toFixed(2), "316.23")
    // free space (n = 2) with the same 72 dB: 10^3.6 = 3981.07 m
    t.is(rangeM(20, { ...indoor, pathLossExponent: 2 }).toFixed(2), "3981.07")
    // a stronger floor (-82 dBm) shortens it: 62 dB -> 10^(62/30) = 116.59 m
    t.is(rangeM(20, { ...indoor, sensitivityDbm: -82 }).toFixed(2), "116.59")
})

test("marginal: the 3 dB band above the floor, at both of its edges, for any floor", (t) => {
    t.is(MARGINAL_LINK_DB, 3)
    const strong = { ...indoor, sensitivityDbm: -80 }
    t.false(marginal(-81, strong))
    t.true(marginal(-80, strong))
    t.true(marginal(-78, strong))
    t.false(marginal(-77, strong))
})

test("a full scan is 13 channels of 120 ms", (t) => {
    t.is(FULL_SCAN_MS, 13 * 120)
})
