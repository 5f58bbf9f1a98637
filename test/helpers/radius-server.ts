import { type ChildProcess, spawn } from "node:child_process"
import { createSocket } from "node:dgram"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { radiusAuthenticate } from "../../sim/login/radius"

// A real FreeRADIUS (Debian package `freeradius`) on loopback for tests,
// with its own small configuration in a temporary folder: PAP against a
// users file, one client (127.0.0.1). .ci/run installs the package.

export const FREERADIUS = "/usr/sbin/freeradius"

export interface RunningRadius {
    host: string
    port: number
    secret: string
    stop(): Promise<void>
}

export function freeradiusAvailable(): boolean {
    return existsSync(FREERADIUS)
}

function freeUdpPort(): Promise<number> {
    return new Promise((done, fail) => {
        const s = createSocket("udp4")
        s.on("error", fail)
        s.bind(0, "127.0.0.1", () => {
            const port = s.address().port
            s.close(() => done(port))
        })
    })
}

function quote(s: string): string {
    return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`
}

function config(dir: string, port: number, secret: string): string {
    return `
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
confdir = ${dir}
raddbdir = ${dir}
logdir = ${dir}/log
radacctdir = ${dir}/log
run_dir = ${dir}/run
db_dir = ${dir}
libdir = /usr/lib/freeradius
modconfdir = ${dir}
pidfile = ${dir}/run/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
    destination = stdout
    colourise = no
    file = ${dir}/log/radius.log
    auth = no
}
security {
    allow_core_dumps = no
    max_attributes = 200
    reject_delay = 0
    status_server = no
}
thread pool {
    start_servers = 1
    max_servers = 2
    min_spare_servers = 1
    max_spare_servers = 2
    max_requests_per_server = 0
}
client loopback {
    ipaddr = 127.0.0.1
    secret = ${quote(secret)}
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

export async function startFreeRadius(
    users: { username: string; password: string }[],
    secret = "camscript-test-secret",
): Promise<RunningRadius> {
    const dir = mkdtempSync(join(tmpdir(), "camscript-radius-"))
    mkdirSync(join(dir, "run"))
    mkdirSync(join(dir, "log"))
    const port = await freeUdpPort()
    writeFileSync(join(dir, "radiusd.conf"), config(dir, port, secret))
    writeFileSync(join(dir, "dictionary"), "")
    writeFileSync(
        join(dir, "users"),
        users.map((u) => `${u.username} Cleartext-Password := ${quote(u.password)}\n`).join(""),
    )
    // foreground, normal (not debug) logging: debug output would show passwords
    const child: ChildProcess = spawn(FREERADIUS, ["-f", "-d", dir, "-l", "stdout"], {
        stdio: ["ignore", "pipe", "pipe"],
    })
    let log = ""
    child.stdout?.on("data", (b) => (log += b))
    child.stderr?.on("data", (b) => (log += b))
    const stop = async () => {
        if (child.exitCode === null) {
            child.kill("SIGTERM")
            await new Promise((r) => child.once("exit", r))
        }
        rmSync(dir, { recursive: true, force: true })
    }
    const deadline = Date.now() + 20_000
    while (!log.includes("Ready to process requests")) {
        if (child.exitCode !== null || Date.now() > deadline) {
            await stop()
            throw new Error(`FreeRADIUS did not start: ${log.split("\n").slice(-8).join("\n")}`)
        }
        await new Promise((r) => setTimeout(r, 50))
    }
    // it says ready before the socket answers on some machines: ask once
    await radiusAuthenticate({ host: "127.0.0.1", port, secret }, "camscript-probe", "probe", {
        timeoutMs: 500,
        retries: 4,
    })
    return { host: "127.0.0.1", port, secret, stop }
}
