import * as ds from "@devicescript/core"
import * as L from "../limits"
import { describe } from "./credentials"
import { checkDomain, checkEapText, checkPemSize } from "./ranges"
import { type Enterprise, support } from "./support"

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

function fail(message: string, call?: string): never {
    throw new Error(`${call ?? "connect()"}: ${message}`)
}

/**
 * PEM text is checked in slices of this many bytes, with a yield to the
 * VM's scheduler before each. The VM panics with InfiniteLoop (60001) when
 * one fiber runs 131072 opcodes (DEVS_MAX_STEPS) without yielding, and the
 * same bytecode runs on the chip, so every step here counts. Measured with
 * `npm run bench:vm-steps`: about 18,500 VM steps per KB of PEM (lines
 * found with the native Buffer.indexOf, each base64 byte looked up in a
 * 256-entry table), so one slice uses about 14% of the budget whatever the
 * size of the certificate; an 8 KB CA chain takes 8 slices. The check it
 * replaced (String.split and an indexOf per character, in one go) cost
 * about 56,000 steps per KB and panicked past about 2.3 KB.
 */
export const PEM_CHECK_SLICE_BYTES = 1024

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
const DASH = 45
const NEWLINE = 10
/** byte -> 1 for the base64 alphabet (and "="), built on first use */
let base64Bytes: Buffer = null

function base64Table(): Buffer {
    if (!base64Bytes) {
        const t = Buffer.alloc(256)
        const alphabet = Buffer.from(BASE64)
        for (let i = 0; i < alphabet.length; ++i) t[alphabet[i]] = 1
        base64Bytes = t
    }
    return base64Bytes
}

function isBlank(byte: number): boolean {
    return byte === 32 || byte === 9 || byte === 13
}

/** Where a PEM check is, between slices. */
interface PemWalk {
    /** the call the messages name: "connect()", "upload.post()" */
    call: string
    name: string
    labels: string[]
    /** the open block's label, "" between blocks */
    label: string
    /** base64 characters in the open block */
    body: number
    blocks: number
    line: number
    /** end of the base64 line being checked (a long one spans slices), -1 when none */
    bodyEnd: number
    /** where the line after it starts */
    after: number
}

/**
 * Check pem[from, to): whole header and footer lines, base64 bytes up to
 * `to` (a base64 line without line breaks may be as long as the text).
 * Returns where to go on.
 */
function checkPemLines(w: PemWalk, pem: Buffer, from: number, to: number): number {
    const table = base64Table()
    let pos = from
    while (pos < to) {
        if (w.bodyEnd >= 0) {
            const end = Math.min(w.bodyEnd, to)
            for (let j = pos; j < end; ++j) if (!table[pem[j]]) fail(`${w.name}: line ${w.line} is not base64`, w.call)
            w.body += end - pos
            if (end < w.bodyEnd) return end
            pos = w.after
            w.bodyEnd = -1
            continue
        }
        let next = pem.indexOf(NEWLINE, pos)
        if (next < 0) next = pem.length
        let s = pos
        let e = next
        pos = next + 1
        w.line++
        while (s < e && isBlank(pem[s])) s++
        while (e > s && isBlank(pem[e - 1])) e--
        if (s === e) continue
        if (!w.label) {
            const line = pem.slice(s, e).toString()
            if (line.indexOf("-----BEGIN ") !== 0 || line.lastIndexOf("-----") !== line.length - 5 || line.length < 17)
                fail(`${w.name} is not PEM: expected a -----BEGIN ...----- line (line ${w.line})`, w.call)
            const label = line.slice(11, line.length - 5)
            if (label === "ENCRYPTED PRIVATE KEY")
                fail(
                    `${w.name} is an encrypted private key; store it unencrypted (openssl pkey -in key.pem -out plain.pem)`,
                    w.call,
                )
            if (w.labels.indexOf(label) < 0)
                fail(`${w.name} holds a "${label}"; expected ${w.labels.join(" or ")}`, w.call)
            w.label = label
            w.body = 0
        } else if (pem[s] === DASH) {
            const line = pem.slice(s, e).toString()
            if (line !== `-----END ${w.label}-----`)
                fail(`${w.name}: -----BEGIN ${w.label}----- ends with another label (line ${w.line})`, w.call)
            if (w.body === 0 || w.body % 4 !== 0)
                fail(`${w.name}: the base64 between the BEGIN and END lines is truncated`, w.call)
            w.blocks++
            w.label = ""
        } else {
            // checked by the branch at the top, in this slice or the next
            w.bodyEnd = e
            w.after = pos
            pos = s
        }
    }
    return pos
}

/**
 * Checks a PEM text: BEGIN/END lines of one of `labels`, base64 between,
 * at most `maxBytes` bytes as given (what is sent to the chip). Returns
 * the number of blocks. Never echoes the content. Async: it yields between
 * slices of PEM_CHECK_SLICE_BYTES, so no size up to the limit can trip the
 * VM's watchdog.
 */
export async function checkPem(
    name: string,
    text: any,
    labels: string[],
    maxBytes: number,
    call?: string,
): Promise<number> {
    const c = call ?? "connect()"
    // native: one step, however long the text
    const pem = checkPemSize(text, `${c}: ${name}`, maxBytes)
    const w: PemWalk = {
        call: c,
        name: name,
        labels: labels,
        label: "",
        body: 0,
        blocks: 0,
        line: 0,
        bodyEnd: -1,
        after: 0,
    }
    let pos = 0
    while (pos < pem.length) {
        // yield first: the code before (another certificate) has run too
        await ds.sleep(0)
        pos = checkPemLines(w, pem, pos, Math.min(pem.length, pos + PEM_CHECK_SLICE_BYTES))
    }
    if (w.label) fail(`${name}: -----BEGIN ${w.label}----- has no -----END line`, c)
    if (!w.blocks) fail(`${name} holds no PEM block`, c)
    return w.blocks
}

function checkText(name: string, v: any) {
    checkEapText(v, `connect(): ${name}`)
}

function forbid(o: any, names: string[], why: string) {
    for (const n of names) if (o[n] !== undefined) fail(`${n} ${why}`)
}

/** Check every field of `o` for its method; throws at once with what is allowed. */
export async function checkEnterprise(o: any): Promise<Enterprise> {
    for (const k of Object.keys(o))
        if (KEYS.indexOf(k) < 0) fail(`unknown enterprise option ${describe(k)}; allowed: ${KEYS.join(", ")}`)
    const eap = o.eap
    if (eap !== "PEAP" && eap !== "TTLS" && eap !== "TLS")
        fail(`eap must be "PEAP", "TTLS" or "TLS", got ${describe(eap)}`)
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
        await checkPem("clientCert", o.clientCert, ["CERTIFICATE"], L.CLIENT_CERT_MAX_BYTES)
        await checkPem(
            "clientKey",
            o.clientKey,
            ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"],
            L.CLIENT_KEY_MAX_BYTES,
        )
        items.push([Credential.Identity, o.identity])
        items.push([Credential.ClientCert, o.clientCert])
        items.push([Credential.ClientKey, o.clientKey])
    } else {
        forbid(o, ["clientCert", "clientKey"], `is for eap "TLS"; ${eap} logs in with username and password`)
        checkText("username", o.username)
        if (o.password === undefined) fail(`eap "${eap}" needs a password`)
        checkText("password", o.password)
        if (eap === "TTLS") {
            method = Method.Ttls
            if (o.phase2 === "PAP") phase2 = Phase2.Pap
            else if (o.phase2 !== undefined && o.phase2 !== "MSCHAPV2")
                fail(`phase2 for TTLS must be "MSCHAPV2" or "PAP", got ${describe(o.phase2)}`)
        } else if (o.phase2 !== undefined && o.phase2 !== "MSCHAPV2")
            fail(`phase2 for PEAP must be "MSCHAPV2", got ${describe(o.phase2)}`)
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
        await checkPem("caCert", o.caCert, ["CERTIFICATE"], L.CA_CERT_MAX_BYTES)
        items.push([Credential.CaCert, o.caCert])
        if (o.serverDomain !== undefined) {
            checkDomain(o.serverDomain, "connect(): serverDomain")
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

/** Make connect(ssid, { eap, ... }) available (the "camscript" entry does; "camscript/src/station" does not). */
export function installEnterprise() {
    support.enterprise = { check: checkEnterprise, send: sendEnterprise }
}
