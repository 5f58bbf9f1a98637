// A world's access points, checked and defaulted: security and password,
// default BSSIDs and subnets by position, the DHCP server, and the login
// server of an enterprise network (its CA and client certificates read as
// PEM through the bounded reader).

import { resolve } from "node:path"
import { SSID_MAX_BYTES } from "../../src/limits"
import { durationAt } from "./duration-field"
import { AddressPool, parseCidr, parseIpv4 } from "./ipv4"
import { NUL_IN_SSID } from "./text-checks"
import type { RawAccessPoint, RawDhcp } from "./raw"
import { type AccessPointConfig, type DhcpConfig, type LoginServerConfig, WORLD_DEFAULTS } from "./types"
import { readRegularFile } from "./world-text"

/** PEM text -> the DER of each block (certificates are compared as DER). */
export function pemBlocks(pem: string): Buffer[] {
    const out: Buffer[] = []
    for (const m of pem.matchAll(/-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/g))
        out.push(Buffer.from(m[2].replace(/\s+/g, ""), "base64"))
    return out
}

function readPem(file: string, baseDir: string, at: string, problems: string[]): Buffer[] {
    let text: string
    try {
        text = readRegularFile(resolve(baseDir, file), file).toString("latin1")
    } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`)
        return []
    }
    const blocks = pemBlocks(text)
    if (!blocks.length) problems.push(`${at}: ${file} holds no PEM block`)
    return blocks
}

function normaliseLogin(
    raw: NonNullable<RawAccessPoint["loginServer"]>,
    at: string,
    baseDir: string,
    problems: string[],
): LoginServerConfig {
    const methods = raw.methods ?? ["PEAP", "TTLS"]
    if (raw.radius && methods.includes("TLS"))
        problems.push(
            `${at}.radius: a RADIUS server is asked with PAP (inside PEAP or TTLS); TLS logins need the embedded users list`,
        )
    return {
        caDer: readPem(raw.caCertFile, baseDir, `${at}.caCertFile`, problems),
        domain: raw.domain.toLowerCase(),
        methods,
        users: (raw.users ?? []).map((u, j) => ({
            username: u.username,
            password: u.password,
            identity: u.identity,
            clientCertDer: u.clientCertFile
                ? readPem(u.clientCertFile, baseDir, `${at}.users[${j}].clientCertFile`, problems)[0]
                : undefined,
        })),
        latencyMs: raw.latency !== undefined ? durationAt(raw.latency, `${at}.latency`, problems) : 20,
        down: (raw.down ?? []).map((d, j) => ({
            fromMs: durationAt(d.from, `${at}.down[${j}].from`, problems),
            untilMs:
                d.until !== undefined
                    ? durationAt(d.until, `${at}.down[${j}].until`, problems)
                    : Number.POSITIVE_INFINITY,
        })),
        radius: raw.radius,
    }
}

/**
 * A default MAC for the n-th (1-based) item: a locally administered prefix,
 * then n in the last four bytes (02:ca:00:00:00:01 ... 02:ca:00:00:01:00 for
 * the 256th), so every position gets a well-formed, distinct address.
 */
export function positionMac(prefix: string, n: number): string {
    const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
    return [prefix, ...bytes.map((b) => b.toString(16).padStart(2, "0"))].join(":")
}

/** The n-th access point's default DHCP subnet: 192.168.n.0/24 up to 255, then 10.(n/256).(n%256).0/24. */
export function defaultSubnet(n: number): string {
    return n <= 255 ? `192.168.${n}.0/24` : `10.${n >>> 8}.${n & 255}.0/24`
}

export function normaliseAccessPoint(
    ap: RawAccessPoint,
    i: number,
    problems: string[],
    baseDir: string,
): AccessPointConfig {
    const at = `accessPoints[${i}]`
    const secured = ap.security === "wpa2-psk" || ap.security === "wpa3-sae"
    const enterprise = ap.security === "wpa2-enterprise" || ap.security === "wpa3-enterprise"
    if (secured && ap.password === undefined)
        problems.push(`${at}: security "${ap.security}" needs a "password" of 8..63 characters`)
    if (!secured && ap.password !== undefined)
        problems.push(
            `${at}: security "${ap.security}" takes no "password" (use wpa2-psk or wpa3-sae for a password network)`,
        )
    if (!enterprise && ap.loginServer !== undefined)
        problems.push(`${at}: "loginServer" is for wpa2-enterprise or wpa3-enterprise access points`)
    if (Buffer.byteLength(ap.ssid, "utf8") > SSID_MAX_BYTES)
        problems.push(`${at}.ssid must be at most ${SSID_MAX_BYTES} bytes`)
    if (ap.ssid.includes("\0")) problems.push(`${at}.ssid ${NUL_IN_SSID}`)
    return {
        name: ap.name ?? ap.ssid,
        ssid: ap.ssid,
        bssid: (ap.bssid ?? positionMac("02:ca", i + 1)).toLowerCase(),
        channel: ap.channel ?? WORLD_DEFAULTS.channel,
        security: ap.security,
        password: ap.password,
        position: ap.position,
        txPowerDbm: ap.txPowerDbm ?? WORLD_DEFAULTS.apTxPowerDbm,
        hidden: ap.hidden ?? false,
        poweredOn: ap.poweredOn ?? true,
        dhcp: normaliseDhcp(ap.dhcp ?? { subnet: defaultSubnet(i + 1) }, `${at}.dhcp`, problems),
        loginServer: ap.loginServer
            ? normaliseLogin(ap.loginServer, `${at}.loginServer`, baseDir, problems)
            : undefined,
        maxClients: ap.maxClients,
        bootMs: ap.bootTime !== undefined ? durationAt(ap.bootTime, `${at}.bootTime`, problems) : 0,
        joinsPerSecond: ap.joinsPerSecond,
    }
}

export function normaliseDhcp(d: RawDhcp, at: string, problems: string[]): DhcpConfig {
    const cidr = parseCidr(d.subnet)
    if (!cidr) {
        problems.push(`${at}.subnet "${d.subnet}" is not a subnet like 192.168.1.0/24`)
        return {
            enabled: false,
            network: 0,
            prefix: 24,
            gateway: 0,
            dns: [],
            leaseSeconds: 0,
            delayMs: 0,
            pool: new AddressPool(1, 0),
        }
    }
    if (cidr.prefix > 30)
        problems.push(`${at}.subnet /${cidr.prefix} leaves no room for a gateway and a camera; use /30 or wider`)
    // host addresses: neither the network's own nor its broadcast address
    const hostCount = Math.max(0, 2 ** (32 - cidr.prefix) - 2)
    const firstHost = cidr.network + 1
    const lastHost = cidr.network + hostCount
    const isHost = (ip: number) => hostCount > 0 && ip >= firstHost && ip <= lastHost
    const gateway = d.gateway !== undefined ? parseIpv4(d.gateway) : hostCount ? firstHost : undefined
    if (gateway !== undefined && !isHost(gateway))
        problems.push(`${at}.gateway ${d.gateway} is not a host address of ${d.subnet}`)
    const dns = (d.dns ?? []).map((s) => parseIpv4(s) ?? 0)
    return {
        enabled: d.enabled ?? true,
        network: cidr.network,
        prefix: cidr.prefix,
        gateway: gateway ?? 0,
        dns: dns.length ? dns : [gateway ?? 0],
        leaseSeconds: d.leaseSeconds ?? WORLD_DEFAULTS.leaseSeconds,
        delayMs: d.delay !== undefined ? durationAt(d.delay, `${at}.delay`, problems) : WORLD_DEFAULTS.dhcpDelayMs,
        // cameras get addresses from .100 up where the subnet allows, like many home routers
        pool: new AddressPool(hostCount > 200 ? firstHost + 99 : firstHost, lastHost, gateway ?? 0),
    }
}
