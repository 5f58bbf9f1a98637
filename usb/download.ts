import { get as httpGet, type IncomingMessage } from "node:http"
import { get as httpsGet } from "node:https"

// One bounded HTTP(S) GET for firmware files and release manifests: a
// deadline for the whole transfer, a size bound, redirects followed by hand
// (GitHub's release downloads redirect once to its file host) up to a count
// and never in a circle or from https down to http, and a body that must be
// exactly as long as the server said. The body is kept in memory (firmware
// files are a few MB): the caller checks it before anything is written, so
// a failed or partial download never leaves a file behind.

const DOWNLOAD_DEADLINE_MS = 120_000
export const MAX_REDIRECTS = 5

type DownloadFailure =
    | "network" // no connection: refused, no route, no such host, reset
    | "missing" // 404 / 410
    | "http" // another status
    | "redirects" // a loop, too many, or a downgrade to http
    | "too-big"
    | "truncated"
    | "deadline"

export class DownloadError extends Error {
    constructor(
        readonly failure: DownloadFailure,
        message: string,
    ) {
        super(message)
        this.name = "DownloadError"
    }
}

interface DownloadOptions {
    /** the largest body accepted, in bytes */
    maxBytes: number
    /** for the whole transfer, redirects included */
    deadlineMs?: number
    /** what is being fetched, for messages ("the release manifest") */
    what: string
}

const NO_NETWORK = new Set([
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "ECONNRESET",
    "ENETDOWN",
    "EPIPE",
])

const mb = (n: number) => `${+(n / (1024 * 1024)).toFixed(2)} MB`

/** The body of `url`; throws DownloadError saying what went wrong and where. */
export function download(url: string, options: DownloadOptions): Promise<Uint8Array> {
    const deadlineMs = options.deadlineMs ?? DOWNLOAD_DEADLINE_MS
    const seen: string[] = []
    return new Promise<Uint8Array>((resolve, reject) => {
        let settled = false
        let current: { destroy(): void } | undefined
        const fail = (e: DownloadError) => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            current?.destroy()
            reject(e)
        }
        const timer = setTimeout(
            () =>
                fail(
                    new DownloadError(
                        "deadline",
                        `${options.what}: no complete answer from ${host(seen.at(-1) ?? url)} within ${deadlineMs / 1000} s (${seen.at(-1) ?? url})`,
                    ),
                ),
            deadlineMs,
        )
        const fetchOne = (target: string) => {
            let parsed: URL
            try {
                parsed = new URL(target)
            } catch {
                return fail(new DownloadError("http", `${options.what}: "${target}" is not a URL`))
            }
            if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
                return fail(new DownloadError("http", `${options.what}: ${target} is not an http(s) URL`))
            const previous = seen.at(-1)
            if (previous && new URL(previous).protocol === "https:" && parsed.protocol === "http:")
                return fail(
                    new DownloadError(
                        "redirects",
                        `${options.what}: ${previous} redirects to plain http (${target}): refused`,
                    ),
                )
            if (seen.includes(parsed.href))
                return fail(
                    new DownloadError(
                        "redirects",
                        `${options.what}: the redirects go in a circle (${[...seen, parsed.href].join(" -> ")})`,
                    ),
                )
            if (seen.length > MAX_REDIRECTS)
                return fail(
                    new DownloadError(
                        "redirects",
                        `${options.what}: more than ${MAX_REDIRECTS} redirects from ${seen[0]}: refused`,
                    ),
                )
            seen.push(parsed.href)
            const get = parsed.protocol === "https:" ? httpsGet : httpGet
            const request = get(parsed, { headers: { "user-agent": "camscript", accept: "application/octet-stream" } })
            current = request
            request.on("error", (e: NodeJS.ErrnoException) => {
                if (settled) return
                const code = e.code ?? ""
                fail(
                    NO_NETWORK.has(code)
                        ? new DownloadError(
                              "network",
                              `${options.what}: cannot reach ${parsed.host} (${code}): no network, or the host is down. ` +
                                  "Check the connection (and a proxy or firewall), then try again",
                          )
                        : new DownloadError("network", `${options.what}: ${parsed.host}: ${e.message}`),
                )
            })
            request.on("response", (response: IncomingMessage) => {
                const status = response.statusCode ?? 0
                if ([301, 302, 303, 307, 308].includes(status)) {
                    response.resume()
                    const location = response.headers.location
                    if (!location)
                        return fail(
                            new DownloadError("http", `${options.what}: ${parsed.href} redirects (${status}) nowhere`),
                        )
                    return fetchOne(new URL(location, parsed).href)
                }
                if (status === 404 || status === 410) {
                    response.resume()
                    return fail(
                        new DownloadError("missing", `${options.what}: not found (${status}) at ${parsed.href}`),
                    )
                }
                if (status !== 200) {
                    response.resume()
                    return fail(
                        new DownloadError(
                            "http",
                            `${options.what}: ${parsed.host} answered ${status} ${response.statusMessage ?? ""} for ${parsed.href}`.trimEnd(),
                        ),
                    )
                }
                const declared = response.headers["content-length"]
                const expected = declared === undefined ? undefined : Number(declared)
                if (expected !== undefined && expected > options.maxBytes)
                    return fail(
                        new DownloadError(
                            "too-big",
                            `${options.what}: ${parsed.href} is ${expected} bytes; the limit is ${options.maxBytes} bytes (${mb(options.maxBytes)})`,
                        ),
                    )
                const chunks: Buffer[] = []
                let got = 0
                response.on("data", (chunk: Buffer) => {
                    got += chunk.length
                    if (got > options.maxBytes)
                        return fail(
                            new DownloadError(
                                "too-big",
                                `${options.what}: ${parsed.href} sent more than ${options.maxBytes} bytes (${mb(options.maxBytes)}), the limit: stopped`,
                            ),
                        )
                    chunks.push(chunk)
                })
                const truncated = () =>
                    fail(
                        new DownloadError(
                            "truncated",
                            `${options.what}: the download from ${parsed.host} stopped after ${got} of ${expected ?? "?"} bytes: ` +
                                "nothing was kept. Try again",
                        ),
                    )
                response.on("aborted", truncated)
                response.on("error", truncated)
                response.on("end", () => {
                    if (settled) return
                    if (!response.complete || (expected !== undefined && got !== expected)) return truncated()
                    settled = true
                    clearTimeout(timer)
                    resolve(new Uint8Array(Buffer.concat(chunks)))
                })
            })
        }
        fetchOne(url)
    })
}

function host(url: string): string {
    try {
        return new URL(url).host
    } catch {
        return url
    }
}
