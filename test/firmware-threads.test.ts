import test from "ava"
import { loadContract } from "../sim/contract"
import { FirmwareBoard } from "../sim/firmware/board"
import { IP_EVENT } from "../sim/firmware/esp-wifi"
import { jdpack, jdunpack } from "../sim/jacdac"
import { Air } from "../sim/radio/air"
import * as timing from "../sim/radio/timing"
import { Timeline } from "../sim/timeline"
import { parseWorld } from "../sim/world/world"
import { ManualClock } from "./helpers/manual-clock"

// The C drivers' threading rule (firmware/README.md): ESP-IDF event
// handlers only record, the main loop acts. The simulator delivers events
// and commands in one fixed order; here the test chooses other orders on
// purpose (an event of a link that already ended, a scan finishing during
// a connect) and checks what the C reports, with no VM in between.

const station = loadContract("wifi-station.md")
const REASON_BEACON_TIMEOUT = 200
const NETWORK = { ssid: "my-network", bssid: "02:ca:00:00:00:01", channel: 6 }

function setUp() {
    const world = parseWorld(
        {
            accessPoints: [
                {
                    ssid: NETWORK.ssid,
                    security: "wpa2-psk",
                    password: "my-password",
                    channel: NETWORK.channel,
                    position: [5, 0],
                    dhcp: { subnet: "192.168.1.0/24", delay: "300ms" },
                },
            ],
        },
        "(thread test)",
    )
    const clock = new ManualClock()
    const timeline = new Timeline(() => clock.now())
    const air = new Air(world, clock, timeline)
    const board = new FirmwareBoard({ air, clock, timeline, mac: world.camera.mac, services: { station } })
    const links: string[] = []
    const events: string[] = []
    const link = station.packet("event", "link")
    const server = board.servers[0]
    server.onEvent = (code, data) => {
        if (code === link.code) {
            const [state, , reason, , , , ip] = jdunpack(data, link.format) as number[]
            links.push(
                `${station.enumName("LinkState", state)} ${station.enumName("LinkReason", reason)}${ip ? " ip" : ""}`,
            )
        } else events.push(code === station.packet("event", "scan_done").code ? "scan_done" : `event ${code}`)
    }
    const command = (name: string, values: unknown[]) => {
        const { code, format } = station.packet("command", name)
        board.command(0, code, format ? jdpack(format, values as never) : new Uint8Array(0))
    }
    return { board, clock, links, events, command }
}

/** On, then an associate that gets as far as the DHCP exchange (associated, no lease yet). */
function associated() {
    const s = setUp()
    s.command("set_active", [1])
    s.command("associate", [0, NETWORK.ssid, "my-password", new Uint8Array(6)])
    s.clock.advance(timing.FULL_SCAN_MS + timing.AUTH_ASSOC_MS + timing.WPA2_HANDSHAKE_MS + 60)
    return s
}

test("a disconnect delivered before the same link's GOT_IP: the failure stands, the late address is ignored", (t) => {
    const s = associated()
    t.is(s.links[s.links.length - 1], "ObtainingAddress None")
    s.board.post((x) => s.board.wifiEvents(x).staDisconnected(NETWORK.ssid, NETWORK.bssid, REASON_BEACON_TIMEOUT, -50))
    s.board.post((x) => x.sim_event_got_ip(IP_EVENT.STA_GOT_IP, 1, 0xc0a80164, 0xffffff00, 0xc0a80101, 1))
    s.board.pass()
    t.is(s.links[s.links.length - 1], "Idle BeaconTimeout")
    // the simulated DHCP server answers later too: still ignored
    s.clock.advance(2000)
    t.false(
        s.links.some((l) => l.startsWith("GotAddress")),
        s.links.join("\n"),
    )
})

test("the GOT_IP delivered first, then the disconnect, in one pass: one event, the failure, no address", (t) => {
    const s = associated()
    const before = s.links.length
    s.board.post((x) => x.sim_event_got_ip(IP_EVENT.STA_GOT_IP, 1, 0xc0a80164, 0xffffff00, 0xc0a80101, 1))
    s.board.post((x) => s.board.wifiEvents(x).staDisconnected(NETWORK.ssid, NETWORK.bssid, REASON_BEACON_TIMEOUT, -50))
    s.board.pass()
    // both were recorded before the main loop ran: the snapshot it sends is the last one
    t.deepEqual(s.links.slice(before), ["Idle BeaconTimeout"])
})

test("a scan that finishes during a connect is not taken for the attempt's, and a requested scan waits for the attempt", (t) => {
    const s = setUp()
    s.command("set_active", [1])
    s.command("associate", [0, NETWORK.ssid, "my-password", new Uint8Array(6)])
    s.command("scan", [])
    // the search has chosen the AP: Associating, the connect outstanding
    s.clock.advance(timing.FULL_SCAN_MS + 5)
    t.is(s.links[s.links.length - 1], "Associating None")
    // a SCAN_DONE nobody in the C is waiting for arrives now
    s.board.post((x) => x.sim_event_scan_done(0, 3))
    s.board.pass()
    t.is(s.links[s.links.length - 1], "Associating None")
    t.deepEqual(s.events, [], "the user's scan has not run yet")
    // the attempt ends with an address, then the user's scan runs
    s.clock.advance(2000)
    t.is(s.links[s.links.length - 1], "GotAddress None ip")
    s.clock.advance(timing.FULL_SCAN_MS + 200)
    t.deepEqual(
        s.events.filter((e) => e === "scan_done"),
        ["scan_done"],
    )
})

test("an auth mode the C does not name (ESP-IDF 5.3's WIFI_AUTH_DPP) is reported as Security Unknown, not WPA3", (t) => {
    // the simulated SDK claims 5.3.4 (firmware/host/include/esp-idf/esp_idf_version.h),
    // where wifi_auth_mode_t numbers WPA3_PSK 6 and DPP 13 (esp_wifi_types_generic.h)
    const securityReported = (authmode: number) => {
        const s = setUp()
        const link = station.packet("event", "link")
        const securities: string[] = []
        const previous = s.board.servers[0].onEvent!
        s.board.servers[0].onEvent = (code, data) => {
            previous(code, data)
            if (code === link.code)
                securities.push(station.enumName("Security", (jdunpack(data, link.format) as number[])[4]))
        }
        s.command("set_active", [1])
        s.command("associate", [0, NETWORK.ssid, "my-password", new Uint8Array(6)])
        s.clock.advance(timing.FULL_SCAN_MS + 5)
        t.is(s.links[s.links.length - 1], "Associating None")
        // ESP-IDF reports the link up, with this auth mode
        s.board.post((x) => s.board.wifiEvents(x).staConnected(NETWORK.ssid, NETWORK.bssid, NETWORK.channel, authmode))
        s.board.pass()
        t.is(s.links[s.links.length - 1], "ObtainingAddress None")
        return securities[securities.length - 1]
    }
    t.is(securityReported(13), "Unknown")
    t.is(station.enumValue("Security", "Unknown"), 255)
    t.is(securityReported(6), "Wpa3")
})
