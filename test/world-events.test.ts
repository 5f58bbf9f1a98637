import test from "ava"
import { parseWorld } from "../sim/world/world"

// The fault-matrix world actions: what each needs, and errors that name the
// field and say what is allowed.

const ap = {
    ssid: "my-network",
    security: "open",
    position: [6, 2],
    dhcp: { subnet: "192.168.1.0/24", leaseSeconds: 600, delay: "1s" },
}
const problems = (world: object) => {
    try {
        parseWorld(world, "w.json")
        return ""
    } catch (e) {
        return (e as Error).message
    }
}

test("set-channel needs a channel of 1..13", (t) => {
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: "1s", action: "set-channel", accessPoint: "my-network" }] }),
        /events\[0\]: action "set-channel" needs "channel": 1\.\.13/,
    )
    t.regex(
        problems({
            accessPoints: [ap],
            events: [{ at: "1s", action: "set-channel", accessPoint: "my-network", channel: 14 }],
        }),
        /events\[0\]\.channel must be <= 13/,
    )
    // the last channel allowed is kept as given, not merely accepted
    const w = parseWorld(
        { accessPoints: [ap], events: [{ at: "1s", action: "set-channel", accessPoint: "my-network", channel: 13 }] },
        "w.json",
    )
    t.like(w.events[0], { atMs: 1000, action: "set-channel", accessPoint: "my-network", channel: 13 })
})

test("dhcp-renumber needs a valid subnet and keeps the server's lease length and delay", (t) => {
    t.regex(
        problems({ accessPoints: [ap], events: [{ at: "1s", action: "dhcp-renumber", accessPoint: "my-network" }] }),
        /needs "subnet", e\.g\. "10\.1\.2\.0\/24"/,
    )
    t.regex(
        problems({
            accessPoints: [ap],
            events: [{ at: "1s", action: "dhcp-renumber", accessPoint: "my-network", subnet: "10.1.2.0/31" }],
        }),
        /events\[0\]\.subnet \/31 leaves no room/,
    )
    const w = parseWorld(
        {
            accessPoints: [ap],
            events: [{ at: "1s", action: "dhcp-renumber", accessPoint: "my-network", subnet: "10.77.0.0/24" }],
        },
        "w",
    )
    const d = w.events[0].dhcp!
    t.is(d.network, 0x0a4d0000)
    t.is(d.gateway, 0x0a4d0001)
    t.is(d.leaseSeconds, 600)
    t.is(d.delayMs, 1000)
    t.regex(
        problems({ accessPoints: [], events: [{ at: "1s", action: "ethernet-dhcp-renumber", subnet: "10.1.0.0/24" }] }),
        /needs an "ethernet" section/,
    )
})

test("client-join / client-leave name one of the clients", (t) => {
    const clients = [{ name: "phone", position: [1, 1], joins: "x", at: "1s" }]
    t.regex(
        problems({ accessPoints: [], clients, events: [{ at: "2s", action: "client-leave" }] }),
        /action "client-leave" needs "client"/,
    )
    t.regex(
        problems({ accessPoints: [], clients, events: [{ at: "2s", action: "client-join", client: "tablet" }] }),
        /events\[0\]\.client "tablet" is not a client of this world; known: phone/,
    )
    const w = parseWorld(
        { accessPoints: [], clients, events: [{ at: "2s", action: "client-join", client: "phone" }] },
        "w.json",
    )
    t.like(w.events[0], { atMs: 2000, action: "client-join", client: "phone" })
})

test("switch-off / switch-on need an ethernet section; restart-driver needs nothing", (t) => {
    t.regex(
        problems({ accessPoints: [], events: [{ at: "1s", action: "switch-off" }] }),
        /action "switch-off" needs an "ethernet" section/,
    )
    const w = parseWorld({ accessPoints: [], events: [{ at: "1s", action: "restart-driver" }] }, "w.json")
    t.like(w.events[0], { atMs: 1000, action: "restart-driver" })
})
