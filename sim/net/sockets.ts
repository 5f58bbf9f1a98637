import { connect as tcpConnect, isIPv4, type Socket } from "node:net"
import { connect as tlsConnect } from "node:tls"
import type { Timeline } from "../timeline"
import type { DevsVm } from "../vm/devs-vm"
import { formatIpv4, parseIpv4 } from "../world/ipv4"

// "Connected is connected": DeviceScript's sockets (`@devicescript/net`
// connect/fetch) follow the simulated links. The VM's socket hooks are
// replaced so that a socket opens only when an interface holds an address,
// names resolve through the DNS server that interface was given (the
// world's dnsZone), and the bytes go to real servers on this machine's
// loopback. A socket whose interface goes down is closed with an error.

/** How the VM reports socket events (jd_conn_ev_t in the runtime). */
const EV_OPEN = 1
const EV_CLOSE = 2
const EV_ERROR = 3
const EV_MESSAGE = 4

/** An interface that can carry traffic now. */
export interface Route {
    /** "eth" or "wifi" */
    iface: string
    ip: number
    /** DNS server the interface was given (0: none) */
    dns: number
}

/** Emscripten module internals the hooks need (exported by the VM build). */
interface VmHeap {
    HEAPU8: Uint8Array
    _malloc(n: number): number
    _free(ptr: number): void
    _jd_em_tcpsock_on_event(event: number, ptr: number, len: number): void
    sockOpen: (hostPtr: number, port: number) => number
    sockWrite: (ptr: number, len: number) => number
    sockClose: () => number
    sockIsAvailable: () => boolean
}

// real timers, captured before a run fakes the clock: socket events must
// reach the VM on a real turn of the event loop
const realSetImmediate = setImmediate

export function isLoopback(ip: number): boolean {
    return ip >>> 24 === 127
}

export class SimSockets {
    private current?: { sock: Socket; route: Route; name: string }
    /** real I/O under way: the virtual clock waits for it */
    pending = 0

    constructor(
        private readonly vm: DevsVm,
        /** interfaces holding an address, preferred first (see docs/architecture.md: routing) */
        private readonly routes: () => Route[],
        private readonly dnsZone: Map<string, number>,
        private readonly timeline: Timeline,
        /** told whenever this becomes busy (a fleet then watches it until it is idle again, instead of polling every camera) */
        private readonly onBusy?: () => void,
    ) {
        const m = vm as unknown as VmHeap
        m.sockOpen = (hostPtr, port) => this.open(this.readString(hostPtr), port)
        m.sockWrite = (ptr, len) => this.write(m.HEAPU8.slice(ptr, ptr + len))
        m.sockClose = () => this.close()
        m.sockIsAvailable = () => true
    }

    private get heap(): VmHeap {
        return this.vm as unknown as VmHeap
    }

    private readString(ptr: number): string {
        const heap = this.heap.HEAPU8
        let end = ptr
        while (heap[end] !== 0 && end - ptr < 256) end++
        return Buffer.from(heap.subarray(ptr, end)).toString("utf8")
    }

    /** Deliver an event to the VM on a later turn (never while it is running). */
    private emit(event: number, payload?: string | Uint8Array) {
        this.pending++
        this.onBusy?.()
        realSetImmediate(() => {
            this.pending--
            const heap = this.heap
            const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload
            let ptr = 0
            if (bytes && bytes.length) {
                ptr = heap._malloc(bytes.length)
                heap.HEAPU8.set(bytes, ptr)
            }
            heap._jd_em_tcpsock_on_event(event, ptr, bytes ? bytes.length : 0)
            if (ptr) heap._free(ptr)
        })
    }

    private fail(name: string, why: string) {
        this.timeline.add("net", "connect-failed", `${name}: ${why}`)
        this.emit(EV_ERROR, why)
    }

    private resolve(host: string, route: Route): { ip?: number; error?: string } {
        if (isIPv4(host)) return { ip: parseIpv4(host) }
        if (!route.dns) return { error: `cannot resolve ${host}: the ${route.iface} interface has no DNS server` }
        const ip = this.dnsZone.get(host.toLowerCase())
        if (ip === undefined) return { error: `getaddrinfo ENOTFOUND ${host} (DNS server ${formatIpv4(route.dns)})` }
        return { ip }
    }

    private open(host: string, port: number): number {
        const tls = port < 0
        if (tls) port = -port
        const name = `${tls ? "tls" : "tcp"}://${host}:${port}`
        this.close()
        const route = this.routes()[0]
        if (!route) {
            this.fail(name, "no network: no interface holds an IP address (Wi-Fi and Ethernet are down)")
            return 0
        }
        const { ip, error } = this.resolve(host, route)
        if (error || ip === undefined) {
            this.fail(name, error ?? `cannot resolve ${host}`)
            return 0
        }
        if (!isLoopback(ip)) {
            // the simulated world has no internet: its servers are this machine's
            this.fail(
                name,
                `${host} is ${formatIpv4(ip)}: the simulator reaches servers on this machine's loopback only (127.0.0.0/8)`,
            )
            return 0
        }
        const address = formatIpv4(ip)
        this.timeline.add("net", "connect", `${name} -> ${address} via ${route.iface} (${formatIpv4(route.ip)})`)
        const sock = tls
            ? tlsConnect({ host: address, port, servername: isIPv4(host) ? undefined : host })
            : tcpConnect({ host: address, port })
        const entry = { sock, route, name }
        this.current = entry
        this.pending++
        this.onBusy?.()
        let settled = false
        const settle = () => {
            if (!settled) {
                settled = true
                this.pending--
            }
        }
        sock.once(tls ? "secureConnect" : "connect", () => {
            settle()
            if (this.current === entry) this.emit(EV_OPEN)
        })
        sock.on("data", (buf: Buffer) => {
            if (this.current === entry) this.emit(EV_MESSAGE, new Uint8Array(buf))
        })
        sock.on("error", (err: Error) => {
            settle()
            if (this.current === entry) {
                this.current = undefined
                this.fail(name, err.message)
            }
        })
        sock.on("close", () => {
            settle()
            if (this.current === entry) {
                this.current = undefined
                this.emit(EV_CLOSE)
            }
        })
        return 0
    }

    private write(data: Uint8Array): number {
        if (!this.current) return -10
        this.current.sock.write(data)
        return 0
    }

    private close(): number {
        const c = this.current
        if (!c) return -10
        this.current = undefined
        c.sock.destroy()
        return 0
    }

    /** A link changed: a socket whose interface lost its address breaks, as on the chip. */
    linkChanged() {
        const c = this.current
        if (!c) return
        if (this.routes().some((r) => r.iface === c.route.iface && r.ip === c.route.ip)) return
        this.current = undefined
        c.sock.destroy()
        this.fail(c.name, `connection lost: the ${c.route.iface} link went down`)
    }

    /** A socket is open or opening: real I/O may arrive at any moment. */
    get busy(): boolean {
        return this.current !== undefined || this.pending > 0
    }

    /** End of a run: drop any socket still open. */
    dispose() {
        this.close()
    }
}
