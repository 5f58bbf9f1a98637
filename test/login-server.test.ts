import test from "ava"
import { createHash } from "node:crypto"
import { createSocket } from "node:dgram"
import { authenticate, type EnterpriseCredentials, isDown } from "../sim/login/login-server"
import type { LoginServerConfig } from "../sim/world/world"

// The enterprise access point's login server (sim/login/login-server.ts) on
// its own: the 802.1X order of checks (reachable, method, the server's CA and
// domain before any credential, then the credentials), each outcome at the
// edge that decides it.

const der = (text: string) => Buffer.from(text, "utf8")
const pem = (...texts: string[]) =>
    texts.map((x) => `-----BEGIN CERTIFICATE-----\n${der(x).toString("base64")}\n-----END CERTIFICATE-----\n`).join("")

function server(o: Partial<LoginServerConfig> = {}): LoginServerConfig {
    return {
        caDer: [der("site CA")],
        domain: "radius.corp.example",
        methods: ["PEAP", "TTLS", "TLS"],
        users: [
            { username: "cam-01", password: "right horse" },
            { identity: "cam-02", clientCertDer: der("cam-02 cert") },
        ],
        latencyMs: 20,
        down: [],
        ...o,
    }
}

const peap = (o: Partial<EnterpriseCredentials> = {}): EnterpriseCredentials => ({
    method: "PEAP",
    phase2: "MSCHAPV2",
    insecure: false,
    username: "cam-01",
    password: "right horse",
    caCert: pem("site CA"),
    ...o,
})

test("down windows: from their start (included) to their end (excluded)", (t) => {
    const s = server({
        down: [
            { fromMs: 1000, untilMs: 2000 },
            { fromMs: 5000, untilMs: Number.POSITIVE_INFINITY },
        ],
    })
    t.false(isDown(s, 999))
    t.true(isDown(s, 1000))
    t.true(isDown(s, 1999))
    t.false(isDown(s, 2000))
    t.false(isDown(s, 4999))
    t.true(isDown(s, 5000))
    t.true(isDown(s, 1e12))
    t.false(isDown(server(), 0))
})

test("a server that is down is unreachable, whatever is sent", async (t) => {
    const s = server({ down: [{ fromMs: 0, untilMs: 10 }] })
    t.is(await authenticate(s, peap(), 9), "unreachable")
    t.is(await authenticate(s, peap({ method: "TLS" }), 0), "unreachable")
    t.is(await authenticate(s, peap(), 10), "accepted")
})

test("a method the server does not take is rejected before anything else is checked", async (t) => {
    const s = server({ methods: ["TTLS"] })
    t.is(await authenticate(s, peap({ caCert: undefined }), 0), "method-rejected")
    t.is(await authenticate(s, peap({ method: "TTLS" }), 0), "accepted")
})

test("the server's CA must be among the camera's trusted ones; insecure skips that and the domain", async (t) => {
    const s = server()
    t.is(await authenticate(s, peap({ caCert: undefined }), 0), "server-untrusted")
    t.is(await authenticate(s, peap({ caCert: pem("another CA") }), 0), "server-untrusted")
    t.is(await authenticate(s, peap({ caCert: pem("another CA", "site CA") }), 0), "accepted")
    t.is(
        await authenticate(s, peap({ caCert: undefined, insecure: true, serverDomain: "elsewhere.example" }), 0),
        "accepted",
    )
    t.is(await authenticate(server({ caDer: [] }), peap(), 0), "server-untrusted")
})

test("the server domain: the name itself or a subdomain, in any case; a longer name that merely ends alike is not", async (t) => {
    const s = server()
    t.is(await authenticate(s, peap({ serverDomain: "radius.corp.example" }), 0), "accepted")
    t.is(await authenticate(s, peap({ serverDomain: "corp.example" }), 0), "accepted")
    t.is(await authenticate(s, peap({ serverDomain: "CORP.Example" }), 0), "accepted")
    t.is(await authenticate(s, peap({ serverDomain: "p.example" }), 0), "domain-mismatch")
    t.is(await authenticate(s, peap({ serverDomain: "us.corp.example" }), 0), "domain-mismatch")
    t.is(await authenticate(s, peap({ serverDomain: "example.org" }), 0), "domain-mismatch")
    // the CA is checked first
    t.is(await authenticate(s, peap({ serverDomain: "example.org", caCert: pem("x") }), 0), "server-untrusted")
    t.is(await authenticate(s, peap({ serverDomain: "" }), 0), "accepted")
})

test("PEAP/TTLS against the users list: both username and password must match", async (t) => {
    const s = server()
    t.is(await authenticate(s, peap(), 0), "accepted")
    t.is(await authenticate(s, peap({ password: "wrong horse" }), 0), "credentials-rejected")
    t.is(await authenticate(s, peap({ username: "cam-02" }), 0), "credentials-rejected")
    t.is(await authenticate(s, peap({ username: undefined, password: undefined }), 0), "credentials-rejected")
})

test("TLS: the identity and its client certificate must both match one user", async (t) => {
    const s = server()
    const tls = (o: Partial<EnterpriseCredentials>) =>
        authenticate(s, peap({ method: "TLS", username: undefined, password: undefined, ...o }), 0)
    t.is(await tls({ identity: "cam-02", clientCert: pem("cam-02 cert") }), "accepted")
    t.is(await tls({ identity: "cam-02", clientCert: pem("cam-03 cert") }), "credentials-rejected")
    t.is(await tls({ identity: "cam-03", clientCert: pem("cam-02 cert") }), "credentials-rejected")
    t.is(await tls({ identity: "cam-02" }), "credentials-rejected")
    // only the first block presented is the client's certificate
    t.is(await tls({ identity: "cam-02", clientCert: pem("chain CA", "cam-02 cert") }), "credentials-rejected")
    // a password user cannot log in with TLS even with a matching identity
    t.is(await tls({ identity: undefined, clientCert: pem("cam-02 cert") }), "credentials-rejected")
})

/**
 * A RADIUS server that answers Access-Accept when the User-Name and the
 * User-Password (revealed as RFC 2865 5.2 says) are `user` / `password`,
 * else Access-Reject; it records what it was sent.
 */
async function radiusAnswering(user: string, password: string) {
    const secret = "s"
    const socket = createSocket("udp4")
    const seen: { user: string; password: string; nas: string }[] = []
    socket.on("message", (req, from) => {
        const attrs = new Map<number, Buffer>()
        for (let i = 20; i < req.length; i += req[i + 1]) attrs.set(req[i], req.subarray(i + 2, i + req[i + 1]))
        const hidden = attrs.get(2)!
        const plain = Buffer.alloc(hidden.length)
        let previous: Buffer = req.subarray(4, 20)
        for (let i = 0; i < hidden.length; i += 16) {
            const b = createHash("md5").update(secret).update(previous).digest()
            for (let j = 0; j < 16; j++) plain[i + j] = hidden[i + j] ^ b[j]
            previous = hidden.subarray(i, i + 16)
        }
        const got = {
            user: attrs.get(1)!.toString(),
            password: plain.toString().replace(/\0+$/, ""),
            nas: attrs.get(32)!.toString(),
        }
        seen.push(got)
        const ok = got.user === user && got.password === password
        const reply = Buffer.concat([Buffer.from([ok ? 2 : 3, req[1], 0, 20]), req.subarray(4, 20)])
        createHash("md5").update(reply).update(secret).digest().copy(reply, 4)
        socket.send(reply, from.port, from.address)
    })
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r))
    return { radius: { host: "127.0.0.1", port: socket.address().port, secret }, seen, close: () => socket.close() }
}

test("with a RADIUS server, PEAP/TTLS credentials are its to accept or reject, asked as the simulated AP", async (t) => {
    const r = await radiusAnswering("cam-01", "right horse")
    try {
        // the users list would accept neither: the RADIUS server decides
        const s = server({ radius: r.radius, users: [] })
        t.is(await authenticate(s, peap(), 0), "accepted")
        t.is(await authenticate(s, peap({ username: "cam-09" }), 0), "credentials-rejected")
        t.is(await authenticate(s, peap({ password: "wrong horse" }), 0), "credentials-rejected")
        // nothing sent is sent as empty
        t.is(await authenticate(s, peap({ username: undefined, password: undefined }), 0), "credentials-rejected")
        t.deepEqual(r.seen, [
            { user: "cam-01", password: "right horse", nas: "camscript-sim-ap" },
            { user: "cam-09", password: "right horse", nas: "camscript-sim-ap" },
            { user: "cam-01", password: "wrong horse", nas: "camscript-sim-ap" },
            { user: "", password: "", nas: "camscript-sim-ap" },
        ])
    } finally {
        r.close()
    }
})

test("a RADIUS server that cannot be reached makes the login server unreachable, not a rejection", async (t) => {
    const s = server({ radius: { host: "no-such-radius.invalid", port: 1812, secret: "s" }, users: [] })
    t.is(await authenticate(s, peap(), 0), "unreachable")
})
