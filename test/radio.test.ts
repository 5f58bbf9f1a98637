import test from "ava"
import { audible, marginal, pathLossDb, rangeM, rssiDbm } from "../sim/radio/pathloss"
import * as timing from "../sim/radio/timing"
import { WORLD_DEFAULTS } from "../sim/world/world"

// The path-loss and timing models (docs/world-format.md).

const radio = {
    pathLossExponent: WORLD_DEFAULTS.pathLossExponent,
    referenceLossDb: WORLD_DEFAULTS.referenceLossDb,
    sensitivityDbm: WORLD_DEFAULTS.sensitivityDbm,
}

test("path loss: 40 dB at 1 m, +30 dB per decade indoors", (t) => {
    t.is(pathLossDb(1, radio), 40)
    t.is(pathLossDb(10, radio), 70)
    t.is(pathLossDb(100, radio), 100)
})

test("path loss: distances under 1 m count as 1 m", (t) => {
    t.is(pathLossDb(0, radio), 40)
    t.is(pathLossDb(0.2, radio), 40)
})

test("RSSI falls with distance and rises with transmit power", (t) => {
    t.is(rssiDbm(20, 10, radio), -50)
    t.is(rssiDbm(20, 100, radio), -80)
    t.is(rssiDbm(10, 10, radio), -60)
    t.true(rssiDbm(20, 30, radio) < rssiDbm(20, 20, radio))
})

test("sensitivity floor: -92 dBm is heard, -93 dBm is not", (t) => {
    t.true(audible(-92, radio))
    t.false(audible(-93, radio))
})

test("marginal band: the 3 dB above the floor", (t) => {
    t.true(marginal(-90, radio))
    t.false(marginal(-89, radio))
    t.false(marginal(-93, radio))
})

test("a 20 dBm access point reaches about 251 m indoors", (t) => {
    t.is(Math.round(rangeM(20, radio)), 251)
})

test("free space (n = 2) carries much further", (t) => {
    t.true(rangeM(20, { ...radio, pathLossExponent: 2 }) > 3000)
})

test("timing: a full scan is 13 channels x 120 ms", (t) => {
    t.is(timing.FULL_SCAN_MS, 1560)
})

test("timing: joining a WPA2 network takes scan + association + handshake", (t) => {
    t.is(timing.FULL_SCAN_MS + timing.AUTH_ASSOC_MS + timing.WPA2_HANDSHAKE_MS, 1630)
    t.true(timing.SAE_EXCHANGE_MS > timing.WPA2_HANDSHAKE_MS)
    t.true(timing.WRONG_KEY_DETECT_MS >= 1000)
})
