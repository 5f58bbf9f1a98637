// IPv4 addresses as unsigned 32-bit numbers (network byte order when packed).

export function parseIpv4(s: string): number | undefined {
    const parts = s.split(".")
    if (parts.length !== 4) return undefined
    let v = 0
    for (const p of parts) {
        if (!/^[0-9]{1,3}$/.test(p)) return undefined
        const b = Number(p)
        if (b > 255) return undefined
        v = v * 256 + b
    }
    return v >>> 0
}

export function formatIpv4(v: number): string {
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".")
}

export function ipv4Bytes(v: number): Uint8Array {
    return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255])
}

export function prefixMask(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

export function parseCidr(s: string): { network: number; prefix: number } | undefined {
    const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(s)
    if (!m) return undefined
    const ip = parseIpv4(m[1])
    const prefix = Number(m[2])
    if (ip === undefined || prefix > 32) return undefined
    return { network: (ip & prefixMask(prefix)) >>> 0, prefix }
}

/** Usable host addresses of a subnet (no network or broadcast address), at most 1024. */
export function cidrHosts(network: number, prefix: number): number[] {
    const size = 2 ** (32 - prefix)
    const out: number[] = []
    for (let i = 1; i < size - 1 && out.length < 1024; i++) out.push((network + i) >>> 0)
    return out
}

/** 255.255.255.0 -> 24 */
export function maskPrefix(mask: number): number {
    let prefix = 0
    while (prefix < 32 && (mask >>> (31 - prefix)) & 1) prefix++
    return prefix
}

/**
 * The addresses a DHCP server hands out: first..last of one subnet, in
 * order, without the gateway. Sized from the subnet whatever its width (a
 * /8 too), and never held as a list: a pool of 16 million addresses costs
 * the same as one of five.
 */
export class AddressPool implements Iterable<number> {
    readonly length: number

    constructor(
        readonly first: number,
        readonly last: number,
        /** an address inside first..last that is not handed out (the gateway); 0 for none */
        readonly skip = 0,
    ) {
        const span = last >= first ? last - first + 1 : 0
        this.length = span - (skip >= first && skip <= last && span ? 1 : 0)
    }

    /** The i-th address handed out (negative: from the end), as Array.prototype.at. */
    at(i: number): number | undefined {
        if (i < 0) i += this.length
        if (i < 0 || i >= this.length) return undefined
        const ip = this.first + i
        return (this.skip && this.skip >= this.first && ip >= this.skip ? ip + 1 : ip) >>> 0
    }

    includes(ip: number): boolean {
        return ip >= this.first && ip <= this.last && ip !== this.skip
    }

    *[Symbol.iterator](): Iterator<number> {
        for (let ip = this.first; ip <= this.last; ip++) if (ip !== this.skip) yield ip >>> 0
    }
}

/** What leaseFrom and confirmLease take: an AddressPool, or a plain list (the access points' own servers). */
type Pool = Iterable<number> & { readonly length: number; includes(ip: number): boolean }

/**
 * A DHCP server's lease for `mac`: the same address again on renewal, else
 * the first free one of `pool`; undefined when the pool is exhausted.
 */
export function leaseFrom(leases: Map<string, number>, pool: Pool, mac: string): number | undefined {
    const existing = leases.get(mac)
    if (existing !== undefined) return existing
    const taken = new Set(leases.values())
    for (const ip of pool) {
        if (taken.has(ip)) continue
        leases.set(mac, ip)
        return ip
    }
    return undefined
}

/**
 * A DHCP server's answer to a client REQUEST for `ip` (renewing or
 * rebinding): true (ACK) when the address is the client's lease, or free in
 * the pool and now leased to it; false (NAK) when the server cannot let the
 * client keep it (another subnet now, or someone else's).
 */
export function confirmLease(leases: Map<string, number>, pool: Pool, mac: string, ip: number): boolean {
    const held = leases.get(mac)
    if (held !== undefined) return held === ip
    if (!pool.includes(ip)) return false
    for (const other of leases.values()) if (other === ip) return false
    leases.set(mac, ip)
    return true
}
