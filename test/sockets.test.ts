import test from "ava"
import { readFileSync } from "node:fs"
import { createServer, type Server, type Socket } from "node:net"
import { createServer as createTlsServer } from "node:tls"
import { isLoopback, type Route, SimSockets } from "../sim/net/sockets"
import { fromRoot } from "../project/paths"
import { Timeline } from "../sim/timeline"
import type { DevsVm } from "../sim/vm/devs-vm"

// The VM's socket hooks (sim/net/sockets.ts) against a stand-in for the
// VM's heap and real TCP servers on loopback: a socket opens only over an
// interface holding an address, names resolve through the world's DNS zone,
// only loopback is reachable, and a link going down breaks the socket.

const EV_OPEN = 1
const EV_CLOSE = 2
const EV_ERROR = 3
const EV_MESSAGE = 4

/** The parts of the Emscripten module SimSockets uses, recording the events it delivers. */
function fakeVm() {
    const heap = new Uint8Array(8192)
    let top = 4096
    const events: { event: number; text: string }[] = []
    const freed: number[] = []
    const vm = {
        HEAPU8: heap,
        _malloc: (n: number) => {
            const p = top
            top += n
            return p
        },
        _free: (p: number) => freed.push(p),
        _jd_em_tcpsock_on_event: (event: number, ptr: number, len: number) =>
            events.push({ event, text: Buffer.from(heap.subarray(ptr, ptr + len)).toString("utf8") }),
    } as Record<string, unknown>
    /** the host name as the VM passes it: NUL-terminated bytes at address 16 */
    const host = (name: string, terminated = true) => {
        heap.fill(0xff, 16, 1024)
        heap.set(Buffer.from(name, "utf8"), 16)
        if (terminated) heap[16 + Buffer.byteLength(name)] = 0
        return 16
    }
    const hook = <T>(name: string) => vm[name] as T
    return {
        vm: vm as unknown as DevsVm,
        events,
        freed,
        host,
        open: (name: string, port: number, terminated = true) =>
            hook<(p: number, port: number) => number>("sockOpen")(host(name, terminated), port),
        write: (text: string) => {
            heap.set(Buffer.from(text), 2048)
            return hook<(p: number, n: number) => number>("sockWrite")(2048, Buffer.byteLength(text))
        },
        close: () => hook<() => number>("sockClose")(),
        available: () => hook<() => boolean>("sockIsAvailable")(),
    }
}

const wifi: Route = { iface: "wifi", ip: 0x0a000007, dns: 0x0a000001 }
const noDns: Route = { iface: "eth", ip: 0xc0a80a64, dns: 0 }

function setup(routes: Route[], zone: Record<string, string> = {}) {
    const v = fakeVm()
    const timeline = new Timeline(() => 0)
    const dns = new Map(Object.entries(zone).map(([n, ip]) => [n, ip.split(".").reduce((a, b) => a * 256 + +b, 0)]))
    let current = routes
    const sockets = new SimSockets(v.vm, () => current, dns, timeline)
    return { ...v, sockets, timeline, setRoutes: (r: Route[]) => (current = r) }
}

/** Wait until `events` has at least `n` entries. */
async function until(check: () => boolean, what: string) {
    for (let i = 0; i < 500; i++) {
        if (check()) return
        await new Promise((r) => setTimeout(r, 5))
    }
    throw new Error(`timed out waiting for ${what}`)
}

async function listen(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
    const server = createServer(onConnection)
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    return { server, port: (server.address() as { port: number }).port }
}

test("loopback is 127.0.0.0/8, and nothing either side of it", (t) => {
    t.true(isLoopback(0x7f000001))
    t.true(isLoopback(0x7f000000))
    t.true(isLoopback(0x7fffffff))
    t.false(isLoopback(0x7effffff))
    t.false(isLoopback(0x80000000))
    t.false(isLoopback(0x0a000001))
})

test("with no interface holding an address a socket fails at once, saying so", async (t) => {
    const s = setup([])
    t.true(s.available())
    t.is(s.open("example.com", 80), 0)
    t.deepEqual(s.timeline.entries, [
        {
            atMs: 0,
            source: "net",
            event: "connect-failed",
            detail: "tcp://example.com:80: no network: no interface holds an IP address (Wi-Fi and Ethernet are down)",
        },
    ])
    t.true(s.sockets.busy, "the error is still to be delivered")
    await until(() => s.events.length === 1, "the error")
    t.deepEqual(s.events, [
        { event: EV_ERROR, text: "no network: no interface holds an IP address (Wi-Fi and Ethernet are down)" },
    ])
    t.false(s.sockets.busy)
    t.is(s.freed.length, 1, "the payload's heap copy is freed")
})

test("names: no DNS server on the interface, a name not in the zone, an address off loopback", async (t) => {
    const s = setup([noDns], { "known.example": "127.0.0.1" })
    s.open("known.example", 80)
    t.is(
        s.timeline.entries.at(-1)!.detail,
        "tcp://known.example:80: cannot resolve known.example: the eth interface has no DNS server",
    )
    s.setRoutes([wifi])
    s.open("unknown.example", 443)
    t.is(
        s.timeline.entries.at(-1)!.detail,
        "tcp://unknown.example:443: getaddrinfo ENOTFOUND unknown.example (DNS server 10.0.0.1)",
    )
    s.open("10.1.2.3", -443)
    t.is(
        s.timeline.entries.at(-1)!.detail,
        "tls://10.1.2.3:443: 10.1.2.3 is 10.1.2.3: the simulator reaches servers on this machine's loopback only (127.0.0.0/8)",
    )
    await until(() => s.events.length === 3, "three errors")
    t.deepEqual(
        s.events.map((e) => e.event),
        [EV_ERROR, EV_ERROR, EV_ERROR],
    )
    t.is(s.events[1].text, "getaddrinfo ENOTFOUND unknown.example (DNS server 10.0.0.1)")
})

test("a host name is read up to its NUL, and never past 256 bytes", (t) => {
    const s = setup([noDns])
    s.open("cam.local", 80)
    t.is(s.timeline.entries.at(-1)!.detail.split(":")[1], "//cam.local")
    const long = "a".repeat(300)
    s.open(long, 80, false)
    const detail = s.timeline.entries.at(-1)!.detail
    t.is(detail, `tcp://${"a".repeat(256)}:80: cannot resolve ${"a".repeat(256)}: the eth interface has no DNS server`)
})

test("a name in the zone (any case) reaches the loopback server: open, data both ways, close", async (t) => {
    const received: Buffer[] = []
    let peer: Socket | undefined
    const { server, port } = await listen((c) => {
        peer = c
        c.on("data", (b) => received.push(b))
        c.write("hello camera")
    })
    try {
        const s = setup([wifi, noDns], { "server.local": "127.0.0.1" })
        t.is(s.open("Server.Local", port), 0)
        t.is(s.sockets.pending, 1, "the connection under way")
        t.deepEqual(s.timeline.entries, [
            {
                atMs: 0,
                source: "net",
                event: "connect",
                detail: `tcp://Server.Local:${port} -> 127.0.0.1 via wifi (10.0.0.7)`,
            },
        ])
        t.true(s.sockets.busy)
        await until(() => s.events.length >= 2, "open and the greeting")
        t.deepEqual(s.events.slice(0, 2), [
            { event: EV_OPEN, text: "" },
            { event: EV_MESSAGE, text: "hello camera" },
        ])
        t.is(s.sockets.pending, 0)
        t.true(s.sockets.busy, "an open socket keeps the run going")
        t.is(s.write("GET /"), 0)
        await until(() => Buffer.concat(received).toString() === "GET /", "the bytes written")
        peer!.end()
        await until(() => s.events.length === 3, "the close")
        t.deepEqual(s.events[2], { event: EV_CLOSE, text: "" })
        t.is(s.write("more"), -10, "nothing to write to after the close")
        t.is(s.close(), -10)
        t.false(s.sockets.busy)
        t.is(s.sockets.pending, 0, "connect and close settle the connection once")
        // only the payloads were copied into the heap (the greeting), and only those are freed
        t.is(s.freed.length, 1)
    } finally {
        server.close()
    }
})

test("an IPv4 address needs no DNS server; a refused connection is an error named by its URL", async (t) => {
    const { server, port } = await listen(() => undefined)
    server.close()
    await new Promise((r) => server.once("close", r))
    const s = setup([noDns])
    s.open("127.0.0.1", port)
    t.is(s.timeline.entries[0].detail, `tcp://127.0.0.1:${port} -> 127.0.0.1 via eth (192.168.10.100)`)
    await until(() => s.events.length === 1, "the refusal")
    t.is(s.events[0].event, EV_ERROR)
    t.regex(s.events[0].text, /ECONNREFUSED/)
    t.like(s.timeline.entries[1], { event: "connect-failed" })
    t.true(s.timeline.entries[1].detail.startsWith(`tcp://127.0.0.1:${port}: connect ECONNREFUSED`))
    t.false(s.sockets.busy)
})

test("a negative port is TLS: a server that does not speak it fails the handshake", async (t) => {
    const { server, port } = await listen((c) => c.end("not TLS at all\r\n\r\n"))
    try {
        const s = setup([wifi], { "tls.local": "127.0.0.1" })
        s.open("tls.local", -port)
        t.is(s.timeline.entries[0].detail, `tls://tls.local:${port} -> 127.0.0.1 via wifi (10.0.0.7)`)
        await until(() => s.events.length >= 1, "the handshake's failure")
        t.not(s.events[0].event, EV_OPEN)
    } finally {
        server.close()
    }
})

test("a link going down breaks the socket on it; another link changing does not", async (t) => {
    const { server, port } = await listen(() => undefined)
    try {
        const s = setup([wifi, noDns])
        s.open("127.0.0.1", port)
        await until(() => s.events.length === 1, "the open")
        // nothing changed, with two routes up
        s.sockets.linkChanged()
        // the other interface goes: the socket's route (wifi, 10.0.0.7) is still there
        s.setRoutes([{ ...wifi }])
        s.sockets.linkChanged()
        t.is(s.timeline.entries.length, 1)
        // wifi renumbered: its old address is gone
        s.setRoutes([{ ...wifi, ip: 0x0a000008 }, noDns])
        s.sockets.linkChanged()
        t.deepEqual(s.timeline.entries.at(-1), {
            atMs: 0,
            source: "net",
            event: "connect-failed",
            detail: `tcp://127.0.0.1:${port}: connection lost: the wifi link went down`,
        })
        await until(() => s.events.length === 2, "the error")
        t.deepEqual(s.events[1], { event: EV_ERROR, text: "connection lost: the wifi link went down" })
        // nothing more: the destroyed socket's own close is not reported
        await new Promise((r) => setTimeout(r, 50))
        t.is(s.events.length, 2)
        s.sockets.linkChanged()
        t.is(s.timeline.entries.length, 2)
        t.false(s.sockets.busy)
    } finally {
        server.close()
    }
})

test("a new socket replaces the old one, whose late events are dropped; dispose closes it", async (t) => {
    const { server, port } = await listen(() => undefined)
    try {
        const s = setup([wifi])
        s.open("127.0.0.1", port)
        s.open("127.0.0.1", port)
        await until(() => s.events.length === 1, "the second socket's open")
        await new Promise((r) => setTimeout(r, 50))
        t.deepEqual(s.events, [{ event: EV_OPEN, text: "" }])
        s.sockets.dispose()
        t.false(s.sockets.busy)
        await new Promise((r) => setTimeout(r, 50))
        t.is(s.events.length, 1, "a socket closed by the VM itself reports nothing back")
        t.is(s.close(), -10)
    } finally {
        server.close()
    }
})

test("port 0 is plain TCP (only a negative port means TLS)", (t) => {
    const s = setup([noDns])
    s.open("127.0.0.1", 0)
    t.is(s.timeline.entries[0].detail, "tcp://127.0.0.1:0 -> 127.0.0.1 via eth (192.168.10.100)")
})

test("an address that moves to another interface is not the socket's link any more", async (t) => {
    const { server, port } = await listen(() => undefined)
    try {
        const s = setup([wifi])
        s.open("127.0.0.1", port)
        await until(() => s.events.length === 1, "the open")
        s.setRoutes([{ iface: "eth", ip: wifi.ip, dns: 0 }])
        s.sockets.linkChanged()
        t.is(s.timeline.entries.at(-1)!.detail, `tcp://127.0.0.1:${port}: connection lost: the wifi link went down`)
    } finally {
        server.close()
    }
})

test("TLS: the socket opens once the handshake is done, and carries data", async (t) => {
    // the test's own certificate: the simulator passes no CA, so verification is off for this test only
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"
    const server = createTlsServer(
        {
            cert: readFileSync(fromRoot("sim/worlds/pki/client.pem")),
            key: readFileSync(fromRoot("sim/worlds/pki/client.key")),
        },
        (c) => c.end("over TLS"),
    )
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    try {
        const port = (server.address() as { port: number }).port
        const s = setup([wifi], { "secure.local": "127.0.0.1" })
        s.open("secure.local", -port)
        t.is(s.timeline.entries[0].detail, `tls://secure.local:${port} -> 127.0.0.1 via wifi (10.0.0.7)`)
        await until(() => s.events.some((e) => e.event === EV_MESSAGE), "the data")
        t.deepEqual(s.events.slice(0, 2), [
            { event: EV_OPEN, text: "" },
            { event: EV_MESSAGE, text: "over TLS" },
        ])
    } finally {
        if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved
        server.close()
    }
})
