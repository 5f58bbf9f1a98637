import test from "ava"
import { fromRoot } from "../project/paths"
import {
    AP_DHCP_MS,
    AP_START_MS,
    AUTH_ASSOC_MS,
    BEACON_LOSS_MS,
    DHCP_REUSE_SHARE,
    FULL_SCAN_MS,
    SCAN_DWELL_MS,
    WPA2_HANDSHAKE_MS,
    WRONG_KEY_DETECT_MS,
} from "../sim/radio/timing"
import { AUTONEG_MS, DHCP_RETRY_MS, LINK_CHECK_MS } from "../sim/wired/wire"
import { DRIVER_RESTART_MS } from "../sim/session"
import { CLIENT_RETRY_MS } from "../sim/radio/phone-join"
import { WORLD_DEFAULTS } from "../sim/world/world"
import { events, runFile, runScript, type ScriptRun } from "./helpers/run"

// The fault matrix of docs/reliability.md: one scenario per row, run through
// the bytecode on the virtual clock. Each asserts the states and reasons the
// script saw and when it recovered, against a bound computed from the
// named timings (never from this run's own output).

/** src/network/station.ts: the retry back-off's ceiling */
const RETRY_MAX_DELAY_MS = 8000
/** src/network/station.ts: the first retry */
const RETRY_FIRST_DELAY_MS = 500
/** src/network/link.ts: associated but no lease by then: AddressTimeout */
const ADDRESS_GIVE_UP_MS = 15000
/** a Jacdac device announces itself this often: a driver that returns is bound again within it */
const ANNOUNCE_MS = 500
/** a driver event reaches the script within this (bus turns, VM polled every 10 ms) */
const TOL = 100
/** a WPA2 join from the start of a scan to GotAddress (docs/world-format.md#timing) */
const JOIN_MS = FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + WORLD_DEFAULTS.dhcpDelayMs
/**
 * A retry after a drop goes to the access point it lost (fast reconnect,
 * docs/api.md#fast-reconnect): its channel first, the others when it moved,
 * and the address asked for again (half the DHCP exchange).
 */
const REJOIN_MS = FULL_SCAN_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + WORLD_DEFAULTS.dhcpDelayMs * DHCP_REUSE_SHARE
/** ...and found where it was: one channel's dwell. */
const WARM_JOIN_MS = SCAN_DWELL_MS + AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + WORLD_DEFAULTS.dhcpDelayMs * DHCP_REUSE_SHARE
/**
 * The least a join can take after an access point comes back: a scan under
 * way finds it at the scan's end, then association, handshake and DHCP.
 */
const AFTER_SCAN_MS = AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + WORLD_DEFAULTS.dhcpDelayMs

const script = (name: string) => fromRoot(`test/scripts/faults/${name}.ts`)

interface Change {
    t: number
    state: string
    status: number
    connected: boolean
    ip: string
    ch?: number
    stations?: string
    reason: string
}

/** The watch scripts' lines: "<ms> <state> status=<n> connected=<bool> ip=<ip> [ch=<n>] reason=<text>". */
function changes(run: ScriptRun): Change[] {
    const out: Change[] = []
    for (const line of run.lines) {
        const m =
            /^(\d+) ([a-z-]+) status=(\d+)(?: connected=(true|false))?(?: ip=(\S+))?(?: ch=(\d+))?(?: stations=(\S*))?(?: reason=(.*))?$/.exec(
                line,
            )
        if (m)
            out.push({
                t: Number(m[1]),
                state: m[2],
                status: Number(m[3]),
                connected: m[4] === "true",
                ip: m[5] ?? "",
                ch: m[6] !== undefined ? Number(m[6]) : undefined,
                stations: m[7],
                reason: m[8] ?? "",
            })
    }
    return out
}

function firstAfter(cs: Change[], t: number, pred: (c: Change) => boolean): Change | undefined {
    return cs.find((c) => c.t >= t && pred(c))
}

/** "t within [lo, hi]" with a readable failure */
function within(
    t: { true(v: boolean, m?: string): void },
    what: string,
    value: number | undefined,
    lo: number,
    hi: number,
) {
    t.true(value !== undefined && value >= lo && value <= hi, `${what}: ${value} not in [${lo}, ${hi}]`)
}

const wifiWorld = (events: object[], ap: object = {}) => ({
    accessPoints: [
        {
            ssid: "my-network",
            security: "wpa2-psk",
            password: "my-password",
            position: [6, 2],
            channel: 6,
            dhcp: { subnet: "192.168.1.0/24" },
            ...ap,
        },
    ],
    events,
})

const wiredWorld = (events: object[], dhcp: object = {}) => ({
    board: "wt32_eth01",
    ethernet: { cable: "plugged", dhcp: { subnet: "10.20.0.0/24", ...dhcp } },
    accessPoints: [],
    events,
})

const BEACON_TIMEOUT_TEXT = "the access point's beacons stopped (it went out of range or was switched off)"

test("AP reboot (Wi-Fi): BEACON_TIMEOUT 6 s after power-off, NO_AP_FOUND while off, back within 8 s + a join of power-on", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([
            { at: "20s", action: "power-off", accessPoint: "my-network" },
            { at: "50s", action: "power-on", accessPoint: "my-network" },
        ]),
        timeout: "90s",
    })
    t.is(run.outcome, "timeout", run.error)
    const cs = changes(run)
    const down = firstAfter(cs, 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 20_000 + BEACON_LOSS_MS, 20_000 + BEACON_LOSS_MS + TOL)
    t.is(down?.status, 200)
    t.is(down?.reason, BEACON_TIMEOUT_TEXT)
    t.true(cs.some((c) => c.t > 26_000 && c.t < 50_000 && c.status === 201))
    const up = firstAfter(cs, 50_000, (c) => c.connected)
    within(t, "up", up?.t, 50_000 + AFTER_SCAN_MS, 50_000 + RETRY_MAX_DELAY_MS + JOIN_MS + TOL)
    t.is(up?.ip, "192.168.1.100")
})

test("beacon loss under 6 s (Wi-Fi): the link holds and the script sees no change", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([
            { at: "20s", action: "move-camera", to: [500, 0] },
            // the edge: 1 ms short of BEACON_LOSS_MS
            { at: 20_000 + BEACON_LOSS_MS - 1, action: "move-camera", to: [0, 0] },
        ]),
        timeout: "60s",
    })
    const cs = changes(run)
    t.true(events(run, "world").some((e) => e.startsWith("move-camera camera to [500, 0]")))
    t.deepEqual(
        cs.filter((c) => c.t > 10_000),
        [],
    )
    t.true(cs[cs.length - 1].connected)
})

test("beacon loss of 6 s + 1 ms (Wi-Fi): the first that drops the link, at 6 s", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([
            { at: "20s", action: "move-camera", to: [500, 0] },
            { at: 20_000 + BEACON_LOSS_MS + 1, action: "move-camera", to: [0, 0] },
        ]),
        timeout: "30s",
    })
    t.deepEqual(
        run.timeline
            .filter((e) => e.source === "wifi" && e.detail.startsWith("reason=BeaconTimeout"))
            .map((e) => e.atMs),
        [20_000 + BEACON_LOSS_MS],
    )
    const down = firstAfter(changes(run), 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 26_000, 26_000 + TOL)
    t.is(down?.status, 200)
})

test("beacon loss of 10 s (Wi-Fi): BEACON_TIMEOUT after 6 s, back within 8 s + a join of the beacons' return", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([
            { at: "20s", action: "move-camera", to: [500, 0] },
            { at: "30s", action: "move-camera", to: [0, 0] },
        ]),
        timeout: "60s",
    })
    const cs = changes(run)
    const down = firstAfter(cs, 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 26_000, 26_000 + TOL)
    t.is(down?.reason, BEACON_TIMEOUT_TEXT)
    const up = firstAfter(cs, 30_000, (c) => c.connected)
    within(t, "up", up?.t, 30_000 + AFTER_SCAN_MS, 30_000 + RETRY_MAX_DELAY_MS + JOIN_MS + TOL)
})

test("AP changes channel (Wi-Fi, no channel-switch announcement): BEACON_TIMEOUT, then found on the new channel at the first retry", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([{ at: "20s", action: "set-channel", accessPoint: "my-network", channel: 11 }]),
        timeout: "60s",
    })
    const cs = changes(run)
    t.is(cs.find((c) => c.connected)?.ch, 6)
    const down = firstAfter(cs, 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 26_000, 26_000 + TOL)
    t.is(down?.status, 200)
    const up = firstAfter(cs, 26_000, (c) => c.connected)
    within(t, "up", up?.t, 26_000 + RETRY_FIRST_DELAY_MS + REJOIN_MS, 26_000 + RETRY_FIRST_DELAY_MS + REJOIN_MS + TOL)
    t.is(up?.ch, 11)
    t.true(events(run, "world").includes("set-channel my-network to channel 11"))
})

test("password changed (Wi-Fi): deauthenticated at once, WRONG_PASSWORD for as long as nobody reconfigures, up a join after the new key", async (t) => {
    const run = await runFile(script("wifi-reconfigure"), { world: "password-changed", timeout: "10m" })
    t.is(run.outcome, "finished", run.error)
    const cs = changes(run)
    const down = firstAfter(cs, 15_000, (c) => !c.connected)
    within(t, "down", down?.t, 15_000, 15_000 + TOL)
    t.is(down?.reason, "the access point dropped the link")
    t.is(down?.status, 203)
    // terminal: five minutes of refused retries, never up
    t.false(cs.some((c) => c.t > 15_000 && c.connected && c.t < 315_000))
    const after = run.lines.find((l) => l.includes("after 5 min"))
    t.regex(after ?? "", /status=202 connected=false$/)
    const reconfigured = Number(/^(\d+) reconfigure$/m.exec(run.lines.join("\n"))?.[1])
    const up = Number(/^(\d+) up again ip=192\.168\.1\.100$/m.exec(run.lines.join("\n"))?.[1])
    // the same access point where it was: a warm join with the new key
    within(t, "up after reconfigure", up - reconfigured, WARM_JOIN_MS, WARM_JOIN_MS + TOL)
    t.true(events(run).filter((e) => e.includes("reason=AuthFailed")).length >= 10)
})

const LEASE_S = 120

/** When the script first held an address (the lease starts there). */
function firstUp(cs: Change[]): number {
    return cs.find((c) => c.connected)!.t
}

test("lease renewal (Wi-Fi): renewed at T1 (50 %) every time, the script never sees a change", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([], { dhcp: { subnet: "192.168.1.0/24", leaseSeconds: LEASE_S } }),
        timeout: "10m",
    })
    const cs = changes(run)
    t.is(cs.filter((c) => c.connected).length, 1, "one change to connected, and none after")
    t.false(cs.some((c) => c.t > firstUp(cs) && !c.connected))
    const got = run.timeline.find((e) => e.source === "wifi" && e.event === "GotAddress")!.atMs
    const renewals = run.timeline.filter((e) => e.event === "dhcp-renew").map((e) => e.atMs - got)
    // 600 s of run: renewals at 60, 120, ... s after the lease began
    const expected = Array.from({ length: Math.floor((600_000 - got) / 60_000) }, (_, i) => (i + 1) * 60_000)
    t.deepEqual(renewals, expected)
    t.true(run.timeline.some((e) => e.event === "dhcp-renew" && e.detail === "192.168.1.100 for 120 s"))
})

test("DHCP down then back (Wi-Fi): renewal and rebinding unanswered, the lease expires, the address goes; back within 15 + 8 s + a join of DHCP's return", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld(
            [
                { at: "30s", action: "dhcp-off", accessPoint: "my-network" },
                { at: "200s", action: "dhcp-on", accessPoint: "my-network" },
            ],
            { dhcp: { subnet: "192.168.1.0/24", leaseSeconds: LEASE_S } },
        ),
        timeout: "260s",
    })
    const cs = changes(run)
    const got = run.timeline.find((e) => e.source === "wifi" && e.event === "GotAddress")!.atMs
    t.deepEqual(
        run.timeline
            .filter((e) => /^dhcp-(renew|rebind|nak|expired)$/.test(e.event) && e.source === "wifi")
            .map((e) => [e.event, e.atMs - got]),
        [["dhcp-expired", LEASE_S * 1000]],
    )
    const lost = firstAfter(cs, 30_000, (c) => !c.connected)
    within(t, "address lost", lost?.t, got + LEASE_S * 1000, got + LEASE_S * 1000 + TOL)
    t.is(lost?.state, "obtaining-address")
    t.is(lost?.ip, "0.0.0.0")
    const gaveUp = firstAfter(cs, lost!.t, (c) => c.reason === "associated, but no address came from DHCP in time")
    within(t, "gave up", gaveUp?.t, lost!.t + ADDRESS_GIVE_UP_MS - TOL, lost!.t + ADDRESS_GIVE_UP_MS + TOL)
    t.is(gaveUp?.status, 203)
    const up = firstAfter(cs, 200_000, (c) => c.connected)
    within(t, "up", up?.t, 200_000, 200_000 + ADDRESS_GIVE_UP_MS + RETRY_MAX_DELAY_MS + JOIN_MS + TOL)
    t.is(up?.ip, "192.168.1.100")
})

test("DHCP offers another address (Wi-Fi, renumbered while up): the renewal at T1 is refused (NAK), the new address follows at once", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([{ at: "30s", action: "dhcp-renumber", accessPoint: "my-network", subnet: "10.77.0.0/24" }], {
            dhcp: { subnet: "192.168.1.0/24", leaseSeconds: LEASE_S },
        }),
        timeout: "120s",
    })
    const cs = changes(run)
    const got = firstUp(cs)
    const t1 = run.timeline.find((e) => e.source === "wifi" && e.event === "GotAddress")!.atMs + (LEASE_S * 1000) / 2
    t.true(run.timeline.some((e) => e.event === "dhcp-nak" && e.atMs === t1))
    const lost = firstAfter(cs, got + 1, (c) => !c.connected)
    within(t, "old address dropped", lost?.t, t1, t1 + TOL)
    const up = firstAfter(cs, t1, (c) => c.connected)
    within(t, "new address", up?.t, t1 + WORLD_DEFAULTS.dhcpDelayMs, t1 + WORLD_DEFAULTS.dhcpDelayMs + TOL)
    t.is(up?.ip, "10.77.0.100")
})

test("DHCP offers another address (Wi-Fi, after expiry): the old lease runs out while DHCP is down; the renumbered server's address within 15 + 8 s + a join", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld(
            [
                { at: "30s", action: "dhcp-off", accessPoint: "my-network" },
                { at: "100s", action: "dhcp-renumber", accessPoint: "my-network", subnet: "10.77.0.0/24" },
                { at: "130s", action: "dhcp-on", accessPoint: "my-network" },
            ],
            { dhcp: { subnet: "192.168.1.0/24", leaseSeconds: LEASE_S } },
        ),
        timeout: "200s",
    })
    const cs = changes(run)
    const got = run.timeline.find((e) => e.source === "wifi" && e.event === "GotAddress")!.atMs
    t.true(run.timeline.some((e) => e.event === "dhcp-expired" && e.atMs === got + LEASE_S * 1000))
    const up = firstAfter(cs, 130_000, (c) => c.connected)
    within(t, "up", up?.t, 130_000, 130_000 + ADDRESS_GIVE_UP_MS + RETRY_MAX_DELAY_MS + JOIN_MS + TOL)
    t.is(up?.ip, "10.77.0.100")
})

test("lease expiry and renewal (Ethernet): renewals at T1 while DHCP answers; down, expiry drops the address; back within 4 s of DHCP's return", async (t) => {
    const run = await runFile(script("lan-watch"), {
        world: wiredWorld(
            [
                { at: "100s", action: "ethernet-dhcp-off" },
                { at: "300s", action: "ethernet-dhcp-on" },
            ],
            { leaseSeconds: LEASE_S },
        ),
        timeout: "330s",
    })
    const cs = changes(run)
    const got = run.timeline.find((e) => e.source === "eth" && e.event === "GotAddress")!.atMs
    const dhcp = run.timeline.filter((e) => e.source === "eth" && /^dhcp-(renew|rebind|expired)$/.test(e.event))
    // renewed at 60 s; DHCP off from 100 s: the next T1 (120 s) and T2 (165 s) go unanswered, expiry at 180 s
    t.deepEqual(
        dhcp.map((e) => [e.event, e.atMs - got]),
        [
            ["dhcp-renew", 60_000],
            ["dhcp-expired", 60_000 + LEASE_S * 1000],
        ],
    )
    const lost = firstAfter(cs, 100_000, (c) => !c.connected)
    within(t, "address lost", lost?.t, got + 180_000, got + 180_000 + TOL)
    t.is(lost?.state, "link-up")
    const up = firstAfter(cs, 300_000, (c) => c.connected)
    within(t, "up", up?.t, 300_000, 300_000 + DHCP_RETRY_MS + TOL)
    t.is(up?.ip, "10.20.0.100")
})

test("cable flap (Ethernet): ten flaps 200 ms apart; down within the link check, up an auto-negotiation and a lease after the last plug", async (t) => {
    const flaps: object[] = []
    for (let i = 0; i < 10; i++)
        flaps.push({ at: 10_000 + i * 400, action: "unplug-cable" }, { at: 10_200 + i * 400, action: "plug-cable" })
    const lastPlug = 10_200 + 9 * 400
    const run = await runFile(script("lan-watch"), { world: wiredWorld(flaps), timeout: "40s" })
    const cs = changes(run)
    const down = firstAfter(cs, 10_000, (c) => !c.connected)
    within(t, "down", down?.t, 10_000 + LINK_CHECK_MS, 10_000 + LINK_CHECK_MS + TOL)
    t.is(down?.reason, "no link on the cable (unplugged, or nothing at the other end)")
    const up = firstAfter(cs, lastPlug, (c) => c.connected)
    within(
        t,
        "up",
        up?.t,
        lastPlug + AUTONEG_MS,
        lastPlug + LINK_CHECK_MS + AUTONEG_MS + WORLD_DEFAULTS.dhcpDelayMs + TOL,
    )
    t.is(up?.ip, "10.20.0.100")
    t.true(cs[cs.length - 1].connected, "ends up")
})

test("switch reboot (Ethernet): down within the link check; up an auto-negotiation and a lease after the switch returns", async (t) => {
    const run = await runFile(script("lan-watch"), {
        world: wiredWorld([
            { at: "10s", action: "switch-off" },
            { at: "40s", action: "switch-on" },
        ]),
        timeout: "60s",
    })
    const cs = changes(run)
    const down = firstAfter(cs, 10_000, (c) => !c.connected)
    within(t, "down", down?.t, 10_000 + LINK_CHECK_MS, 10_000 + LINK_CHECK_MS + TOL)
    t.is(down?.status, 4)
    const up = firstAfter(cs, 40_000, (c) => c.connected)
    within(
        t,
        "up",
        up?.t,
        40_000 + AUTONEG_MS + WORLD_DEFAULTS.dhcpDelayMs,
        40_000 + AUTONEG_MS + WORLD_DEFAULTS.dhcpDelayMs + TOL,
    )
    t.is(up?.ip, "10.20.0.100")
})

test("the camera's AP with a misbehaving phone: joins and leaves every 200 ms, a wrong password every 2 s; the AP stays up and the installer stays joined", async (t) => {
    const installer = "02:c1:00:00:00:01"
    const flapper = "02:c1:00:00:00:02"
    const events: object[] = []
    for (let i = 0; i < 20; i++)
        events.push(
            { at: 10_000 + i * 400, action: "client-join", client: "flapping-phone" },
            { at: 10_200 + i * 400, action: "client-leave", client: "flapping-phone" },
        )
    for (let i = 0; i < 10; i++) events.push({ at: 10_000 + i * 2000, action: "client-join", client: "guessing-phone" })
    const run = await runFile(script("ap-watch"), {
        world: {
            accessPoints: [],
            clients: [
                {
                    name: "installers-phone",
                    position: [2, 1],
                    joins: "camscript-setup",
                    password: "setup-1234",
                    at: "5s",
                },
                // these two come and go by the events only
                {
                    name: "flapping-phone",
                    position: [3, 1],
                    joins: "camscript-setup",
                    password: "setup-1234",
                    at: "1h",
                },
                {
                    name: "guessing-phone",
                    position: [8, 3],
                    joins: "camscript-setup",
                    password: "guess-1234",
                    at: "1h",
                },
            ],
            events,
        },
        timeout: "45s",
    })
    const cs = changes(run)
    const joined = cs.find((c) => c.stations === installer)
    t.truthy(joined)
    // from the installer's join on: never a restart, the installer always listed
    const after = cs.filter((c) => c.t >= joined!.t)
    t.true(
        after.every((c) => c.state === "up" && c.status === 1010 && c.stations!.split(",").includes(installer)),
        after.map((c) => `${c.t} ${c.state} ${c.stations}`).join("\n"),
    )
    // the flapper came and went: seen joined at least once, and gone after its last leave
    t.true(after.some((c) => c.stations!.includes(flapper)))
    const lastLeave = 10_200 + 19 * 400
    const final = cs[cs.length - 1]
    t.is(final.stations, installer)
    within(t, "list settled", final.t, lastLeave, lastLeave + TOL)
    // each wrong password refused after association and the failed handshake, never joined
    const refused = events_ap(run).filter((e) => e.startsWith("client-refused guessing-phone"))
    t.is(refused.length, 10)
    t.false(cs.some((c) => c.stations!.includes("02:c1:00:00:00:03")))
    const firstRefusal = run.timeline.find((e) => e.event === "client-refused")!.atMs
    t.is(firstRefusal, 10_000 + AUTH_ASSOC_MS + WRONG_KEY_DETECT_MS)
})

function events_ap(run: ScriptRun): string[] {
    return events(run, "ap")
}

const RESTART_WIFI_TEXT =
    "the Wi-Fi driver went away (restarting); active(), the settings and connect() are sent again when it returns"

test("driver service restart (Wi-Fi): the VM sees it vanish (down, says why) and return; active and connect() are re-applied", async (t) => {
    const run = await runFile(script("wifi-watch"), {
        world: wifiWorld([{ at: "20s", action: "restart-driver" }]),
        timeout: "60s",
    })
    const cs = changes(run)
    const down = firstAfter(cs, 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 20_000, 20_000 + DRIVER_RESTART_MS)
    t.is(down?.state, "stopped")
    t.is(down?.reason, RESTART_WIFI_TEXT)
    const back = 20_000 + DRIVER_RESTART_MS
    const up = firstAfter(cs, back, (c) => c.connected)
    // the re-applied connect() goes to the AP it had (fast reconnect): a warm join
    within(t, "up", up?.t, back + WARM_JOIN_MS, back + ANNOUNCE_MS + WARM_JOIN_MS + TOL)
    t.is(up?.ip, "192.168.1.100")
    t.is(cs[cs.length - 1].reason, "")
})

test("driver service restart (Ethernet): down while it is gone; started again, link and lease back", async (t) => {
    const run = await runFile(script("lan-watch"), {
        world: wiredWorld([{ at: "20s", action: "restart-driver" }]),
        timeout: "60s",
    })
    const cs = changes(run)
    const down = firstAfter(cs, 20_000, (c) => !c.connected)
    within(t, "down", down?.t, 20_000, 20_000 + DRIVER_RESTART_MS)
    t.regex(down?.reason ?? "", /^the Ethernet driver went away \(restarting\)/)
    const back = 20_000 + DRIVER_RESTART_MS
    const up = firstAfter(cs, back, (c) => c.connected)
    const settle = AUTONEG_MS + WORLD_DEFAULTS.dhcpDelayMs
    within(t, "up", up?.t, back + settle, back + ANNOUNCE_MS + settle + TOL)
    t.is(up?.ip, "10.20.0.100")
})

/** A watch script that sets a static address first (`iface`: "wlan" joins my-network, "lan" takes the cable). */
function staticWatch(iface: "wlan" | "lan", address: string[]): string {
    const make = iface === "wlan" ? "new network.WLAN(network.WLAN.IF_STA)" : "new network.LAN()"
    return `import { network, time } from "camscript"
const nic = ${make}
nic.on_change((c) => console.log(\`\${time.ticks_ms()} \${c.state} status=\${c.status} connected=\${c.connected} ip=\${c.ip} reason=\${c.reason}\`))
${iface === "wlan" ? "await nic.active(true)" : ""}
await nic.ifconfig(${JSON.stringify(address)})
await nic.${iface === "wlan" ? 'connect("my-network", "my-password")' : "active(true)"}
while (true) await time.sleep_ms(3600000)
`
}

for (const iface of ["wlan", "lan"] as const)
    test(`driver service restart (${iface === "wlan" ? "Wi-Fi" : "Ethernet"}, static address): the address set with ifconfig() is sent again, never swapped for a DHCP lease`, async (t) => {
        const ip = iface === "wlan" ? "192.168.1.50" : "10.20.0.50"
        const gw = iface === "wlan" ? "192.168.1.1" : "10.20.0.1"
        const run = await runScript(staticWatch(iface, [ip, "255.255.255.0", gw, gw]), {
            world:
                iface === "wlan"
                    ? wifiWorld([{ at: "20s", action: "restart-driver" }])
                    : wiredWorld([{ at: "20s", action: "restart-driver" }]),
            timeout: "60s",
        })
        const cs = changes(run)
        const before = cs.filter((c) => c.t < 20_000 && c.connected)
        t.true(before.length > 0, "up before the restart")
        t.true(before.every((c) => c.ip === ip))
        const back = 20_000 + DRIVER_RESTART_MS
        const after = cs.filter((c) => c.t >= back && c.connected)
        t.true(after.length > 0, run.lines.join("\n"))
        // the static address again, and no lease from the world's DHCP server at any time
        t.deepEqual([...new Set(after.map((c) => c.ip))], [ip])
        t.false(
            run.timeline.some((e) => /ip=\S+\.100\b/.test(e.detail)),
            "no DHCP lease taken",
        )
    })

test("driver service restart (camera AP): the AP is set up again and the phone rejoins by itself", async (t) => {
    const installer = "02:c1:00:00:00:01"
    const run = await runFile(script("ap-watch"), {
        world: {
            accessPoints: [],
            clients: [
                {
                    name: "installers-phone",
                    position: [2, 1],
                    joins: "camscript-setup",
                    password: "setup-1234",
                    at: "5s",
                },
            ],
            events: [{ at: "20s", action: "restart-driver" }],
        },
        timeout: "45s",
    })
    const cs = changes(run)
    const down = firstAfter(cs, 20_000, (c) => c.state !== "up")
    within(t, "down", down?.t, 20_000, 20_000 + DRIVER_RESTART_MS)
    t.is(down?.stations, "")
    const back = 20_000 + DRIVER_RESTART_MS
    const up = firstAfter(cs, back, (c) => c.state === "up")
    within(t, "AP up", up?.t, back + AP_START_MS, back + ANNOUNCE_MS + AP_START_MS + TOL)
    // the phone looks again every CLIENT_RETRY_MS after losing the network
    const rejoined = firstAfter(cs, back, (c) => c.stations === installer)
    const join = AUTH_ASSOC_MS + WPA2_HANDSHAKE_MS + AP_DHCP_MS
    within(t, "phone back", rejoined?.t, back, 20_000 + 2 * CLIENT_RETRY_MS + join + TOL)
})
