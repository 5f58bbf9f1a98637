import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { createSocket } from "node:dgram"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isPresent, programPath } from "../../tools/outside-programs"

// Starts a real FreeRADIUS 3 (Debian package `freeradius`) on loopback, with
// a configuration of its own in a temporary directory: nothing from
// /etc/freeradius, no default ports, so it runs next to a system server.
// Tests may fake timers, so the real ones are kept from module load.

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

const START_LIMIT_MS = 20_000

export interface RunningRadius {
    host: string
    port: number
    secret: string
    stop(): Promise<void>
}

/** Whether FreeRADIUS is installed (tools/outside-programs.ts; tests declare through needs("freeradius")). */
export function freeradiusAvailable(): boolean {
    return isPresent("freeradius")
}

/** A UDP port that was free a moment ago (the kernel's pick for port 0). */
export function freeUdpPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const socket = createSocket("udp4")
        socket.once("error", reject)
        socket.bind(0, "127.0.0.1", () => {
            const { port } = socket.address()
            socket.close(() => resolve(port))
        })
    })
}

/**
 * A single-quoted string for the users file: in double
 * quotes it would expand %{...} (and radiusd.conf ${...}) inside values.
 */
function quoted(value: string): string {
    if (/[\r\n\0]/.test(value)) throw new Error("FreeRADIUS test values cannot contain line breaks or NUL")
    return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`
}

/**
 * The same for radiusd.conf, whose reader keeps backslashes as they are
 * except before a quote: so a backslash cannot be written safely at all.
 */
function quotedConf(value: string): string {
    if (/[\r\n\0\\]/.test(value))
        throw new Error("the FreeRADIUS test secret cannot contain line breaks, NUL or backslashes")
    return `'${value.replace(/'/g, "\\'")}'`
}

function radiusdConf(dir: string, port: number, secret: string): string {
    // Written whole rather than $INCLUDE-ing the distribution's files: those
    // enable eap (needs certificates), proxying, accounting and detail logs.
    // `log.auth = no` and no -X keep passwords out of the output.
    return `prefix = /usr
confdir = ${dir}
raddbdir = ${dir}
logdir = ${dir}/log
run_dir = ${dir}/run
libdir = /usr/lib/freeradius
pidfile = \${run_dir}/radiusd.pid
name = radiusd
hostname_lookups = no
proxy_requests = no

log {
    destination = stdout
    colourise = no
    auth = no
    auth_badpass = no
    auth_goodpass = no
}

# no user/group: it runs as whoever starts it (ports above 1024 need no root)
security {
    allow_core_dumps = no
    # the default (1 s) slows every reject; tests want them at once
    reject_delay = 0
    status_server = no
}

client localhost {
    ipaddr = 127.0.0.1
    secret = ${quotedConf(secret)}
    # BlastRADIUS hardening: Access-Requests without a valid
    # Message-Authenticator are dropped without an answer
    require_message_authenticator = yes
}

modules {
    pap {
    }
    files {
        filename = ${dir}/users
    }
}

server default {
    listen {
        type = auth
        ipaddr = 127.0.0.1
        port = ${port}
    }
    authorize {
        files
        pap
    }
    authenticate {
        Auth-Type PAP {
            pap
        }
    }
}
`
}

function usersFile(users: { username: string; password: string }[]): string {
    return users.map((u) => `${quoted(u.username)} Cleartext-Password := ${quoted(u.password)}\n`).join("")
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
    return new Promise((resolve) => {
        const timer = realSetTimeout(() => resolve(false), ms)
        child.once("exit", () => {
            realClearTimeout(timer)
            resolve(true)
        })
    })
}

async function kill(child: ChildProcess): Promise<void> {
    child.kill("SIGTERM")
    if (!(await waitForExit(child, 5000))) {
        child.kill("SIGKILL")
        await waitForExit(child, 5000)
    }
}

/** Start FreeRADIUS knowing `users` (PAP), answering 127.0.0.1 on a fresh port. */
export async function startFreeRadius(
    users: { username: string; password: string }[],
    opts: { secret?: string } = {},
): Promise<RunningRadius> {
    const secret = opts.secret ?? randomBytes(12).toString("hex")
    // never show these, even in a start-up failure
    const secrets = [secret, ...users.map((u) => u.password)].filter((s) => s.length > 0)
    const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text)

    let lastError: Error | undefined
    // the port is free when picked, but another process may take it before
    // FreeRADIUS binds it: then try another
    for (let attempt = 0; attempt < 3; attempt++) {
        const dir = mkdtempSync(join(tmpdir(), "camscript-freeradius-"))
        try {
            mkdirSync(join(dir, "log"))
            mkdirSync(join(dir, "run"))
            const port = await freeUdpPort()
            writeFileSync(join(dir, "radiusd.conf"), radiusdConf(dir, port, secret), { mode: 0o600 })
            writeFileSync(join(dir, "users"), usersFile(users), { mode: 0o600 })
            const child = await launch(dir, scrub)
            return {
                host: "127.0.0.1",
                port,
                secret,
                async stop() {
                    await kill(child)
                    rmSync(dir, { recursive: true, force: true })
                },
            }
        } catch (err) {
            rmSync(dir, { recursive: true, force: true })
            lastError = err as Error
            if (!/in use/i.test(lastError.message)) throw lastError
        }
    }
    throw lastError
}

/** Run it in the foreground and resolve once it says it is ready. */
function launch(dir: string, scrub: (text: string) => string): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
        // -f: foreground; -l stdout: log there (not -X, whose debug output
        // shows the passwords it decodes)
        const child = spawn(programPath("freeradius") ?? "freeradius", ["-f", "-d", dir, "-l", "stdout"], {
            cwd: dir,
            stdio: ["ignore", "pipe", "pipe"],
        })
        let output = ""
        let settled = false
        const fail = async (why: string) => {
            if (settled) return
            settled = true
            realClearTimeout(timer)
            await kill(child)
            const tail = scrub(output).trim().split("\n").slice(-15).join("\n")
            reject(new Error(`FreeRADIUS ${why}${tail ? `; its last output:\n${tail}` : ""}`))
        }
        const timer = realSetTimeout(
            () => void fail(`did not get ready within ${START_LIMIT_MS / 1000} s`),
            START_LIMIT_MS,
        )
        const collect = (chunk: Buffer) => {
            // both streams in one tail: FreeRADIUS reports config errors on stdout with -l stdout
            output = (output + chunk.toString("utf8")).slice(-8000)
            if (!settled && output.includes("Ready to process requests")) {
                settled = true
                realClearTimeout(timer)
                resolve(child)
            }
        }
        child.stdout!.on("data", collect)
        child.stderr!.on("data", collect)
        child.once("error", (err) => void fail(`could not be started (${err.message})`))
        child.once("exit", (code, signal) => void fail(`exited before it was ready (${signal ?? `code ${code}`})`))
    })
}
