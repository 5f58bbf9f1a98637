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
 * A DHCP server's lease for `mac`: the same address again on renewal, else
 * the first free one of `pool`; undefined when the pool is exhausted.
 */
export function leaseFrom(leases: Map<string, number>, pool: number[], mac: string): number | undefined {
    const existing = leases.get(mac)
    if (existing !== undefined) return existing
    const taken = new Set(leases.values())
    const ip = pool.find((a) => !taken.has(a))
    if (ip !== undefined) leases.set(mac, ip)
    return ip
}

/**
 * A DHCP server's answer to a client REQUEST for `ip` (renewing or
 * rebinding): true (ACK) when the address is the client's lease, or free in
 * the pool and now leased to it; false (NAK) when the server cannot let the
 * client keep it (another subnet now, or someone else's).
 */
export function confirmLease(leases: Map<string, number>, pool: number[], mac: string, ip: number): boolean {
    const held = leases.get(mac)
    if (held !== undefined) return held === ip
    if (!pool.includes(ip) || [...leases.values()].includes(ip)) return false
    leases.set(mac, ip)
    return true
}
