import * as ds from "@devicescript/core"
import { byteLength, checkHostname } from "./credentials"

const Method = ds.CamWifiStationEapMethod
const Phase2 = ds.CamWifiStationPhase2
const Credential = ds.CamWifiStationCredential

/**
 * The second argument of `connect(ssid, options)` for enterprise (802.1X)
 * networks, as at schools and workplaces.
 */
export interface EnterpriseOptions {
    /** "PEAP" or "TTLS" (username + password), or "TLS" (client certificate) */
    eap: string
    /** who you are; PEAP/TTLS default to `username`; required for TLS */
    identity?: string
    /** the identity sent in the clear before the tunnel is up (e.g. "anonymous@school.edu"); default `identity` */
    anonymousIdentity?: string
    /** PEAP/TTLS: the login */
    username?: string
    /** PEAP/TTLS: the password (never printed) */
    password?: string
    /** the login server's CA certificate (PEM, may hold a chain): required unless `insecure` */
    caCert?: string
    /** TLS: the camera's certificate (PEM) */
    clientCert?: string
    /** TLS: the camera's private key (PEM, unencrypted; never printed) */
    clientKey?: string
    /** TTLS: "MSCHAPV2" (default) or "PAP"; PEAP: "MSCHAPV2" only */
    phase2?: string
    /** the login server's certificate must be for this domain (or a subdomain) */
    serverDomain?: string
    /** skip the server certificate check: credentials may then be collected by a rogue AP */
    insecure?: boolean
    /** join this access point only */
    bssid?: string
}

/** What the chip holds in RAM for each: PEM text sizes, bytes. */
export const MAX_CA_CERT_BYTES = 8192
export const MAX_CLIENT_CERT_BYTES = 4096
export const MAX_CLIENT_KEY_BYTES = 4096
/** identities, usernames and passwords (ESP-IDF's EAP client takes 1..127 bytes) */
export const MAX_TEXT_BYTES = 127
/** Chunks of one credential per `set_credential` packet (payloads are at most 236 bytes). */
export const CREDENTIAL_CHUNK_BYTES = 200

const KEYS = [
    "eap",
    "identity",
    "anonymousIdentity",
    "username",
    "password",
    "caCert",
    "clientCert",
    "clientKey",
    "phase2",
    "serverDomain",
    "insecure",
    "bssid",
]
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

/** The checked credentials, ready to send to the driver. */
export interface Enterprise {
    method: number
    phase2: number
    insecure: boolean
    /** [Credential kind, text] in sending order */
    items: any[][]
}

function fail(message: string): never {
    throw new Error(`connect(): ${message}`)
}

/**
 * Checks a PEM text: BEGIN/END lines of one of `labels`, base64 between.
 * Returns the number of blocks. Never echoes the content.
 */
export function checkPem(name: string, text: any, labels: string[], maxBytes: number): number {
    if (typeof text !== "string")
        fail(`${name} must be PEM text (a string starting with -----BEGIN), got ${typeof text}`)
    const pem = (text as string).trim()
    const size = byteLength(pem)
    if (size > maxBytes) fail(`${name} is ${size} bytes; the camera holds at most ${maxBytes} bytes for it`)
    const lines = pem.split("\n")
    let blocks = 0
    let label = ""
    let body = 0
    for (let i = 0; i < lines.length; ++i) {
        const line = lines[i].trim()
        if (!line) continue
        if (!label) {
            if (line.indexOf("-----BEGIN ") !== 0 || line.lastIndexOf("-----") !== line.length - 5)
                fail(`${name} is not PEM: expected a -----BEGIN ...----- line (line ${i + 1})`)
            label = line.slice(11, line.length - 5)
            if (label === "ENCRYPTED PRIVATE KEY")
                fail(
                    `${name} is an encrypted private key; store it unencrypted (openssl pkey -in key.pem -out plain.pem)`,
                )
            if (labels.indexOf(label) < 0) fail(`${name} holds a "${label}"; expected ${labels.join(" or ")}`)
            body = 0
        } else if (line.indexOf("-----END ") === 0) {
            if (line !== `-----END ${label}-----`)
                fail(`${name}: -----BEGIN ${label}----- ends with another label (line ${i + 1})`)
            if (body === 0 || body % 4 !== 0) fail(`${name}: the base64 between the BEGIN and END lines is truncated`)
            blocks++
            label = ""
        } else {
            for (let j = 0; j < line.length; ++j)
                if (BASE64.indexOf(line[j]) < 0) fail(`${name}: line ${i + 1} is not base64`)
            body += line.length
        }
    }
    if (label) fail(`${name}: -----BEGIN ${label}----- has no -----END line`)
    if (!blocks) fail(`${name} holds no PEM block`)
    return blocks
}

function checkText(name: string, v: any) {
    if (typeof v !== "string" || v.length === 0) fail(`${name} must be a non-empty string`)
    if (byteLength(v) > MAX_TEXT_BYTES) fail(`${name} must be at most ${MAX_TEXT_BYTES} bytes`)
}

function forbid(o: any, names: string[], why: string) {
    for (const n of names) if (o[n] !== undefined) fail(`${n} ${why}`)
}

/** Check every field of `o` for its method; throws at once with what is allowed. */
export function checkEnterprise(o: any): Enterprise {
    for (const k of Object.keys(o))
        if (KEYS.indexOf(k) < 0) fail(`unknown enterprise option ${JSON.stringify(k)}; allowed: ${KEYS.join(", ")}`)
    const eap = o.eap
    if (eap !== "PEAP" && eap !== "TTLS" && eap !== "TLS")
        fail(`eap must be "PEAP", "TTLS" or "TLS", got ${JSON.stringify(eap)}`)
    const items: any[][] = []
    let method = Method.Peap
    let phase2 = Phase2.MsChapV2
    if (eap === "TLS") {
        method = Method.Tls
        phase2 = Phase2.None
        forbid(
            o,
            ["username", "password", "phase2"],
            'is for PEAP and TTLS; eap "TLS" logs in with clientCert and clientKey',
        )
        checkText("identity", o.identity)
        if (o.clientCert === undefined || o.clientKey === undefined)
            fail('eap "TLS" needs clientCert and clientKey (PEM)')
        checkPem("clientCert", o.clientCert, ["CERTIFICATE"], MAX_CLIENT_CERT_BYTES)
        checkPem("clientKey", o.clientKey, ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"], MAX_CLIENT_KEY_BYTES)
        items.push([Credential.Identity, o.identity])
        items.push([Credential.ClientCert, o.clientCert])
        items.push([Credential.ClientKey, o.clientKey])
    } else {
        forbid(o, ["clientCert", "clientKey"], `is for eap "TLS"; ${eap} logs in with username and password`)
        checkText("username", o.username)
        if (typeof o.password !== "string" || o.password.length === 0)
            fail(`eap "${eap}" needs a password (a non-empty string)`)
        if (byteLength(o.password) > MAX_TEXT_BYTES) fail(`password must be at most ${MAX_TEXT_BYTES} bytes`)
        if (eap === "TTLS") {
            method = Method.Ttls
            if (o.phase2 === "PAP") phase2 = Phase2.Pap
            else if (o.phase2 !== undefined && o.phase2 !== "MSCHAPV2")
                fail(`phase2 for TTLS must be "MSCHAPV2" or "PAP", got ${JSON.stringify(o.phase2)}`)
        } else if (o.phase2 !== undefined && o.phase2 !== "MSCHAPV2")
            fail(`phase2 for PEAP must be "MSCHAPV2", got ${JSON.stringify(o.phase2)}`)
        if (o.identity !== undefined) checkText("identity", o.identity)
        items.push([Credential.Identity, o.identity !== undefined ? o.identity : o.username])
        items.push([Credential.Username, o.username])
        items.push([Credential.Password, o.password])
    }
    if (o.anonymousIdentity !== undefined) {
        checkText("anonymousIdentity", o.anonymousIdentity)
        items.push([Credential.AnonymousIdentity, o.anonymousIdentity])
    }
    const insecure = o.insecure === true
    if (o.insecure !== undefined && typeof o.insecure !== "boolean") fail("insecure must be true or false")
    if (insecure) {
        forbid(o, ["caCert", "serverDomain"], "cannot be checked with insecure: true; drop one or the other")
    } else {
        if (o.caCert === undefined)
            fail(
                "an enterprise network needs caCert, the login server's CA certificate (PEM): without it a rogue access point can pose as the network and collect the credentials. To connect without checking the server, pass insecure: true (not recommended)",
            )
        checkPem("caCert", o.caCert, ["CERTIFICATE"], MAX_CA_CERT_BYTES)
        items.push([Credential.CaCert, o.caCert])
        if (o.serverDomain !== undefined) {
            if (typeof o.serverDomain !== "string" || o.serverDomain.length > 253)
                fail("serverDomain must be a domain name like radius.example.org")
            for (const label of (o.serverDomain as string).split(".")) checkHostname(label, "connect() serverDomain")
            items.push([Credential.ServerDomain, o.serverDomain])
        }
    }
    return { method: method, phase2: phase2, insecure: insecure, items: items }
}

/** Send checked credentials to the driver, each in chunks. */
export async function sendEnterprise(driver: ds.CamWifiStation, e: Enterprise) {
    await driver.setEnterprise(e.method, e.phase2, e.insecure ? 1 : 0)
    for (const item of e.items) {
        const data = Buffer.from(item[1] as string)
        const total = data.length
        for (let offset = 0; offset < total; offset += CREDENTIAL_CHUNK_BYTES) {
            const end = Math.min(total, offset + CREDENTIAL_CHUNK_BYTES)
            await driver.setCredential(item[0], 0, offset, total, data.slice(offset, end))
        }
    }
}
