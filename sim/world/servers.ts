import { resolve } from "node:path"
import { durationAt } from "./duration-field"
import { readRegularFile } from "./world-text"

// The world's HTTP(S) servers (`servers`): where upload.post()/put() send
// frames. The schema checks each field's shape; this checks what spans
// fields and files (an https URL has its certificate and key, the PEM files
// read and hold what they must, names and addresses are unique) and
// defaults the rest. sim/net/http-servers.ts runs them.

type ServerBehaviour = "accept" | "slow" | "down" | "500"

/** A server as the world file writes it. */
export interface RawServer {
    name: string
    url: string
    behaviour?: ServerBehaviour
    slowBy?: number | string
    latency?: number | string
    maxBytes?: number
    tls?: { certFile: string; keyFile: string }
    down?: { from: number | string; until?: number | string }[]
}

/** A checked, defaulted server. */
export interface ServerConfig {
    name: string
    url: string
    https: boolean
    /** lower case */
    host: string
    port: number
    /** the URL's path ("/" when none) */
    path: string
    behaviour: ServerBehaviour
    slowByMs: number
    latencyMs: number
    /** undefined: no limit */
    maxBytes?: number
    /** PEM text, for the real TLS server on loopback */
    tls?: { cert: string; key: string }
    down: { fromMs: number; untilMs: number }[]
}

/** behaviour "slow" answers this long after the body arrived, unless slowBy says otherwise. */
const DEFAULT_SLOW_BY_MS = 10000
/** One round trip between the camera and a world server, unless latency says otherwise. */
export const DEFAULT_SERVER_LATENCY_MS = 20

function readPemText(file: string, baseDir: string, at: string, labels: string[], problems: string[]): string {
    let text: string
    try {
        text = readRegularFile(resolve(baseDir, file), file).toString("latin1")
    } catch (e) {
        problems.push(`${at}: ${(e as Error).message}`)
        return ""
    }
    // a whole BEGIN/END pair of one label (as access-points.ts's pemBlocks reads them)
    if (!/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/.test(text)) {
        problems.push(`${at}: ${file} holds no PEM block`)
        return ""
    }
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
        problems.push(`${at}: ${file} is an encrypted private key; the simulator needs it unencrypted`)
        return ""
    }
    const m = /-----BEGIN ([A-Z ]+)-----/.exec(text)
    if (!m || !labels.includes(m[1])) {
        const expected =
            labels.length > 1 ? `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}` : labels[0]
        problems.push(`${at}: ${file} holds a "${m?.[1]}" block; expected ${expected}`)
        return ""
    }
    return text
}

export function normaliseServers(
    raw: RawServer[] | undefined,
    dnsZone: Map<string, number>,
    baseDir: string,
    problems: string[],
): ServerConfig[] {
    const names = new Map<string, number>()
    const places = new Map<string, number>()
    return (raw ?? []).map((s, i) => {
        const at = `servers[${i}]`
        const first = names.get(s.name)
        if (first !== undefined)
            problems.push(`${at}: servers[${first}] is already called "${s.name}"; names must be unique`)
        else names.set(s.name, i)
        // the schema admits only http(s)://host[:port][/path]
        const m = /^(https?):\/\/([^/:?]+)(?::(\d+))?(.*)$/.exec(s.url)!
        const https = m[1] === "https"
        const host = m[2].toLowerCase()
        const port = m[3] !== undefined ? Number(m[3]) : https ? 443 : 80
        if (port < 1 || port > 65535) problems.push(`${at}.url: the port must be 1..65535, got ${m[3]}`)
        const place = `${host}:${port}`
        const other = places.get(place)
        if (other !== undefined)
            problems.push(
                `${at}.url: servers[${other}] already answers at ${place}; give each server its own host or port`,
            )
        else places.set(place, i)
        if (dnsZone.has(host))
            problems.push(
                `${at}.url: ${host} is also in dnsZone; the world's DNS answers a server's host by itself, so leave it out of dnsZone`,
            )
        let tls: ServerConfig["tls"]
        if (https && !s.tls)
            problems.push(
                `${at}: an https URL needs "tls": { "certFile", "keyFile" } (the server's certificate and key)`,
            )
        if (!https && s.tls) problems.push(`${at}.tls: the URL is http://; "tls" is for https:// servers`)
        if (https && s.tls) {
            const cert = readPemText(s.tls.certFile, baseDir, `${at}.tls.certFile`, ["CERTIFICATE"], problems)
            const key = readPemText(
                s.tls.keyFile,
                baseDir,
                `${at}.tls.keyFile`,
                ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"],
                problems,
            )
            tls = { cert, key }
        }
        if (s.slowBy !== undefined && s.behaviour !== "slow")
            problems.push(`${at}.slowBy is for behaviour "slow" (this server's is "${s.behaviour ?? "accept"}")`)
        const down = (s.down ?? []).map((d, j) => {
            const fromMs = durationAt(d.from, `${at}.down[${j}].from`, problems)
            const untilMs =
                d.until !== undefined
                    ? durationAt(d.until, `${at}.down[${j}].until`, problems)
                    : Number.POSITIVE_INFINITY
            if (untilMs <= fromMs) problems.push(`${at}.down[${j}].until must be after its "from"`)
            return { fromMs, untilMs }
        })
        return {
            name: s.name,
            url: s.url,
            https,
            host,
            port,
            path: m[4] === "" ? "/" : m[4],
            behaviour: s.behaviour ?? "accept",
            slowByMs: s.slowBy !== undefined ? durationAt(s.slowBy, `${at}.slowBy`, problems) : DEFAULT_SLOW_BY_MS,
            latencyMs:
                s.latency !== undefined ? durationAt(s.latency, `${at}.latency`, problems) : DEFAULT_SERVER_LATENCY_MS,
            maxBytes: s.maxBytes,
            tls,
            down,
        }
    })
}
