import test from "ava"
import {
    AddressPool,
    cidrHosts,
    confirmLease,
    formatIpv4,
    ipv4Bytes,
    leaseFrom,
    maskPrefix,
    parseCidr,
    parseIpv4,
    prefixMask,
} from "../sim/world/ipv4"

// IPv4 addresses as numbers (sim/world/ipv4.ts): parsing at every edge,
// masks and prefixes, subnets' host lists, and a DHCP server's lease table.

const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0

test("parseIpv4: four decimal octets of 0..255, nothing else", (t) => {
    t.is(parseIpv4("0.0.0.0"), 0)
    t.is(parseIpv4("192.168.1.100"), ip(192, 168, 1, 100))
    t.is(parseIpv4("255.255.255.255"), 0xffffffff)
    t.is(parseIpv4("1.2.3.255"), ip(1, 2, 3, 255))
    t.is(parseIpv4("001.002.003.004"), ip(1, 2, 3, 4), "up to three digits, leading zeros allowed")
    for (const bad of [
        "256.0.0.1",
        "1.256.0.1",
        "1.2.3.256",
        "1.2.3.999",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.",
        ".1.2.3",
        "1.2.3.0004",
        "1.2.3.a",
        "1.2.3.-1",
        " 1.2.3.4",
        "1.2.3.4 ",
        "1.2.3.+4",
        "",
    ])
        t.is(parseIpv4(bad), undefined, bad)
})

test("formatIpv4 and ipv4Bytes: most significant octet first", (t) => {
    t.is(formatIpv4(ip(192, 168, 1, 100)), "192.168.1.100")
    t.is(formatIpv4(0xffffffff), "255.255.255.255")
    t.is(formatIpv4(ip(1, 2, 3, 4)), "1.2.3.4")
    t.is(formatIpv4(0), "0.0.0.0")
    t.deepEqual([...ipv4Bytes(ip(192, 168, 1, 100))], [192, 168, 1, 100])
    t.deepEqual([...ipv4Bytes(ip(1, 2, 3, 4))], [1, 2, 3, 4])
    t.deepEqual([...ipv4Bytes(0xffffffff)], [255, 255, 255, 255])
})

test("prefixMask and maskPrefix: /0, /1, /24, /31, /32, and a mask with a hole counts its leading ones", (t) => {
    t.is(prefixMask(0), 0)
    t.is(prefixMask(1), 0x80000000)
    t.is(prefixMask(24), 0xffffff00)
    t.is(prefixMask(31), 0xfffffffe)
    t.is(prefixMask(32), 0xffffffff)
    t.is(maskPrefix(0), 0)
    t.is(maskPrefix(0x80000000), 1)
    t.is(maskPrefix(0xffffff00), 24)
    t.is(maskPrefix(0xfffffffe), 31)
    t.is(maskPrefix(0xffffffff), 32)
    t.is(maskPrefix(0xff00ff00), 8)
})

test("parseCidr: the network is masked; prefixes 0..32 of one or two digits", (t) => {
    t.deepEqual(parseCidr("192.168.1.77/24"), { network: ip(192, 168, 1, 0), prefix: 24 })
    t.deepEqual(parseCidr("10.1.2.3/32"), { network: ip(10, 1, 2, 3), prefix: 32 })
    t.deepEqual(parseCidr("10.1.2.3/0"), { network: 0, prefix: 0 })
    t.deepEqual(parseCidr("10.255.2.3/9"), { network: ip(10, 128, 0, 0), prefix: 9 })
    for (const bad of [
        "10.0.0.0/33",
        "10.0.0.0/024",
        "10.0.0.0",
        "10.0.0.0/",
        "x10.0.0.0/8",
        "10.0.0.0/8x",
        "300.0.0.0/8",
    ])
        t.is(parseCidr(bad), undefined, bad)
})

test("cidrHosts: no network or broadcast address, at most 1024", (t) => {
    t.deepEqual(cidrHosts(ip(10, 0, 0, 0), 30), [ip(10, 0, 0, 1), ip(10, 0, 0, 2)])
    t.deepEqual(cidrHosts(ip(10, 0, 0, 0), 31), [])
    t.deepEqual(cidrHosts(ip(10, 0, 0, 0), 32), [])
    const c24 = cidrHosts(ip(192, 168, 1, 0), 24)
    t.is(c24.length, 254)
    t.is(c24[0], ip(192, 168, 1, 1))
    t.is(c24.at(-1), ip(192, 168, 1, 254))
    const c22 = cidrHosts(ip(10, 0, 0, 0), 22)
    t.is(c22.length, 1022)
    t.is(c22.at(-1), ip(10, 0, 3, 254))
    const c21 = cidrHosts(ip(10, 0, 0, 0), 21)
    t.is(c21.length, 1024)
    t.is(c21.at(-1), ip(10, 0, 4, 0))
    // the top of the address space stays unsigned
    t.deepEqual(cidrHosts(ip(255, 255, 255, 252), 30), [0xfffffffd, 0xfffffffe])
})

test("leaseFrom: the same address again for a known client, else the first free one, else none", (t) => {
    const pool = [ip(10, 0, 0, 2), ip(10, 0, 0, 3)]
    const leases = new Map<string, number>()
    t.is(leaseFrom(leases, pool, "a"), pool[0])
    t.is(leaseFrom(leases, pool, "b"), pool[1])
    t.is(leaseFrom(leases, pool, "a"), pool[0])
    t.is(leaseFrom(leases, pool, "c"), undefined)
    t.deepEqual(
        [...leases],
        [
            ["a", pool[0]],
            ["b", pool[1]],
        ],
    )
    // a freed address is the next one given
    leases.delete("a")
    t.is(leaseFrom(leases, pool, "c"), pool[0])
})

test("confirmLease: ACK for the client's own lease or a free pool address (then leased); NAK otherwise", (t) => {
    const pool = [ip(10, 0, 0, 2), ip(10, 0, 0, 3), ip(10, 0, 0, 4)]
    const leases = new Map<string, number>([["a", pool[0]]])
    t.true(confirmLease(leases, pool, "a", pool[0]))
    t.false(confirmLease(leases, pool, "a", pool[1]), "a client asking for another address than its lease")
    t.is(leases.get("a"), pool[0])
    t.false(confirmLease(leases, pool, "b", pool[0]), "someone else's")
    t.false(confirmLease(leases, pool, "b", ip(10, 0, 1, 2)), "not in the pool")
    t.false(leases.has("b"))
    t.true(confirmLease(leases, pool, "b", pool[2]))
    t.is(leases.get("b"), pool[2])
})

test("AddressPool: sized from the subnet whatever its width; the gateway is never handed out", (t) => {
    // a /16 from .100: 65,534 hosts less the first 99
    const p16 = new AddressPool(ip(10, 9, 0, 100), ip(10, 9, 255, 254))
    t.is(p16.length, 65_435)
    t.is(p16.at(0), ip(10, 9, 0, 100))
    t.is(p16.at(924), ip(10, 9, 4, 0), "the 926th address exists (the old pool stopped at 925)")
    t.is(p16.at(-1), ip(10, 9, 255, 254))
    t.is(p16.at(65_435), undefined)
    // a /8 is never listed, so it costs nothing
    const p8 = new AddressPool(ip(10, 0, 0, 100), ip(10, 255, 255, 254))
    t.is(p8.length, 2 ** 24 - 2 - 99)
    t.true(p8.includes(ip(10, 200, 3, 4)))
    t.false(p8.includes(ip(11, 0, 0, 1)))
    // the gateway inside the range is skipped, by at(), includes() and iteration alike
    const small = new AddressPool(ip(10, 0, 0, 1), ip(10, 0, 0, 4), ip(10, 0, 0, 2))
    t.is(small.length, 3)
    t.deepEqual([...small], [ip(10, 0, 0, 1), ip(10, 0, 0, 3), ip(10, 0, 0, 4)])
    t.deepEqual(
        [0, 1, 2, -1].map((i) => small.at(i)),
        [ip(10, 0, 0, 1), ip(10, 0, 0, 3), ip(10, 0, 0, 4), ip(10, 0, 0, 4)],
    )
    t.false(small.includes(ip(10, 0, 0, 2)))
})

test("leaseFrom over an AddressPool: 1,000 clients of a /21 each get their own address", (t) => {
    const pool = new AddressPool(ip(10, 0, 0, 100), ip(10, 0, 7, 254))
    const leases = new Map<string, number>()
    const given = Array.from({ length: 1000 }, (_, i) => leaseFrom(leases, pool, `m${i}`))
    t.is(new Set(given).size, 1000)
    // .100 .. .255 of the first /24 is 156 addresses, then 256 per /24: the 1,000th is 10.0.4.75
    t.is(given[999], ip(10, 0, 4, 75))
    t.is(given[999], pool.at(999))
    t.true(confirmLease(leases, pool, "m0", given[0]!))
    t.false(confirmLease(leases, pool, "new", given[500]!), "someone else's")
})
