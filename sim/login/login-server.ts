import type { EapMethodName, LoginServerConfig } from "../world/world"
import { pemBlocks } from "../world/world"
import { radiusAuthenticate } from "./radius"
import { trackRealIo } from "../realio"

// The login server behind an enterprise access point. The order of checks
// follows 802.1X: the server must answer at all; the EAP method must be one
// it accepts; the camera checks the server's certificate (CA and domain)
// BEFORE any credential goes into the tunnel; then the server checks the
// credentials (its users list, or a real RADIUS server asked with PAP).
// It compares certificates as DER; it does not run a TLS handshake.

export type LoginOutcome =
    "accepted" | "credentials-rejected" | "server-untrusted" | "domain-mismatch" | "unreachable" | "method-rejected"

/** What the camera sent (set_enterprise + set_credential), decoded. */
export interface EnterpriseCredentials {
    method: EapMethodName
    phase2: "MSCHAPV2" | "PAP" | "none"
    insecure: boolean
    identity?: string
    anonymousIdentity?: string
    username?: string
    password?: string
    caCert?: string
    clientCert?: string
    clientKey?: string
    serverDomain?: string
}

/** A RADIUS server that does not answer within this is unreachable (the supplicant gives up). */
const RADIUS_TIMEOUT_MS = 1000
const RADIUS_RETRIES = 2

function domainMatches(serverDomain: string, wanted: string): boolean {
    const w = wanted.toLowerCase()
    return serverDomain === w || serverDomain.endsWith(`.${w}`)
}

export function isDown(server: LoginServerConfig, nowMs: number): boolean {
    return server.down.some((d) => nowMs >= d.fromMs && nowMs < d.untilMs)
}

/** Check `creds` against `server` at simulated time `nowMs`. */
export async function authenticate(
    server: LoginServerConfig,
    creds: EnterpriseCredentials,
    nowMs: number,
): Promise<LoginOutcome> {
    if (isDown(server, nowMs)) return "unreachable"
    if (!server.methods.includes(creds.method)) return "method-rejected"
    if (!creds.insecure) {
        const trusted = pemBlocks(creds.caCert ?? "")
        if (!server.caDer.some((ca) => trusted.some((t) => t.equals(ca)))) return "server-untrusted"
        if (creds.serverDomain && !domainMatches(server.domain, creds.serverDomain)) return "domain-mismatch"
    }
    if (creds.method === "TLS") {
        const presented = pemBlocks(creds.clientCert ?? "")[0]
        const ok = server.users.some(
            (u) => u.identity === creds.identity && u.clientCertDer && presented && u.clientCertDer.equals(presented),
        )
        return ok ? "accepted" : "credentials-rejected"
    }
    if (server.radius) {
        const r = await trackRealIo(
            radiusAuthenticate(server.radius, creds.username ?? "", creds.password ?? "", {
                timeoutMs: RADIUS_TIMEOUT_MS,
                retries: RADIUS_RETRIES,
                nasIdentifier: "camscript-sim-ap",
            }),
        )
        if (r.result === "accept") return "accepted"
        if (r.result === "reject") return "credentials-rejected"
        return "unreachable"
    }
    // a TLS user (identity and certificate, no username) must not match a camera that sent no username
    const ok = server.users.some(
        (u) => u.username !== undefined && u.username === creds.username && u.password === creds.password,
    )
    return ok ? "accepted" : "credentials-rejected"
}
