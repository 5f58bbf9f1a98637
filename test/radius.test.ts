import FakeTimers from "@sinonjs/fake-timers"
import test from "ava"
import { createHash, createHmac } from "node:crypto"
import { createSocket, type RemoteInfo } from "node:dgram"
import { radiusAuthenticate } from "../sim/login/radius"
import { needs } from "./helpers/needs"
import { freeradiusAvailable, freeUdpPort, type RunningRadius, startFreeRadius } from "./helpers/freeradius"

// The RADIUS (PAP) client against a real FreeRADIUS on loopback: the
// simulated enterprise access point relies on it to check logins.
// Needs the Debian package `freeradius` (npm run setup); without it these tests are skipped.

const PASSWORD = "correct horse"
// longer than one 16-byte block: the MD5 chain of RFC 2865 5.2 must be right
const LONG_PASSWORD = "a much longer passphrase, 3 blocks"
const available = freeradiusAvailable()
let radius: RunningRadius | undefined

test.before(async () => {
    if (available)
        radius = await startFreeRadius([
            { username: "camera-01", password: PASSWORD },
            { username: "camera-02", password: LONG_PASSWORD },
        ])
})

test.after.always(async () => {
    await radius?.stop()
})

const server = () => radius!
// without the server the tests below are skipped (or fail under CI): test/helpers/needs.ts
const it = needs("freeradius", test.serial)

it("the right password is accepted", async (t) => {
    t.deepEqual(await radiusAuthenticate(server(), "camera-01", PASSWORD), { result: "accept" })
})

it("a password longer than one block is accepted", async (t) => {
    t.deepEqual(await radiusAuthenticate(server(), "camera-02", LONG_PASSWORD), { result: "accept" })
    t.is((await radiusAuthenticate(server(), "camera-02", LONG_PASSWORD.slice(0, -1))).result, "reject")
})

it("a wrong password is rejected", async (t) => {
    const r = await radiusAuthenticate(server(), "camera-01", "wrong horse")
    t.is(r.result, "reject")
})

it("an unknown user is rejected", async (t) => {
    const r = await radiusAuthenticate(server(), "camera-99", PASSWORD)
    t.is(r.result, "reject")
})

it("a closed port is unreachable", async (t) => {
    const port = await freeUdpPort()
    const r = await radiusAuthenticate({ ...server(), port }, "camera-01", PASSWORD, { timeoutMs: 100, retries: 1 })
    t.is(r.result, "unreachable")
})

// counted at the server, not timed: a wall-clock bound would say nothing of
// how many tries were made, and flake on a loaded machine
test("a silent server is asked 1 + retries times, the same request each time, then it is unreachable", async (t) => {
    const heard: Buffer[] = []
    const s = await scripted((req) => {
        heard.push(req)
        return []
    })
    try {
        const r = await radiusAuthenticate(s.server, "camera-01", PASSWORD, { timeoutMs: 50, retries: 2 })
        t.deepEqual(r, {
            result: "unreachable",
            detail: `no answer from 127.0.0.1:${s.server.port} after 3 tries`,
        })
        t.is(heard.length, 3)
        t.is(heard[0][0], 1, "an Access-Request")
        // RFC 2865: a retransmission keeps the identifier and the Request Authenticator
        t.true(heard.every((p) => p.equals(heard[0])))
        heard.length = 0
        await radiusAuthenticate(s.server, "camera-01", PASSWORD, { timeoutMs: 50, retries: 0 })
        t.is(heard.length, 1, "retries: 0 is one try")
    } finally {
        await s.close()
    }
})

// With require_message_authenticator = yes, FreeRADIUS checks the
// Message-Authenticator with its own secret first and drops the request
// without any answer ("invalid Message-Authenticator! (Shared secret is
// incorrect.)"), so the client hears nothing. (Without that setting it would
// decode a garbled password and reject.)
it("a wrong shared secret gets no answer: unreachable", async (t) => {
    const r = await radiusAuthenticate({ ...server(), secret: "not the secret" }, "camera-01", PASSWORD, {
        timeoutMs: 300,
        retries: 1,
    })
    t.is(r.result, "unreachable")
})

it("nothing secret is in the outcome", async (t) => {
    const wrong = { ...server(), secret: "s3cret-value" }
    const r = await radiusAuthenticate(wrong, "camera-01", PASSWORD, { timeoutMs: 100, retries: 0 })
    const text = JSON.stringify(r)
    t.false(text.includes(PASSWORD))
    t.false(text.includes("s3cret-value"))
    t.false(text.includes(server().secret))
})

// The simulation fakes the clock while the access point asks the server:
// the per-try timeout must still run on real time.
it("works while timers are faked", async (t) => {
    const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "Date"] })
    try {
        t.deepEqual(await radiusAuthenticate(server(), "camera-01", PASSWORD), { result: "accept" })
        const port = await freeUdpPort()
        const r = await radiusAuthenticate({ ...server(), port }, "camera-01", PASSWORD, { timeoutMs: 50, retries: 1 })
        t.is(r.result, "unreachable")
    } finally {
        clock.uninstall()
    }
})

// FreeRADIUS 3.2.1 (Debian 12) answers without a Message-Authenticator and
// without a Reply-Message, so those paths are checked against a scripted
// server that signs its answers itself.

const FAKE_SECRET = "fake-secret"

/** An answer to `request`, signed with `secret`; `badMac` spoils its Message-Authenticator. */
function answer(
    request: Buffer,
    code: number,
    o: { message?: string; mac?: boolean; badMac?: boolean; secret?: string },
) {
    const secret = o.secret ?? FAKE_SECRET
    const requestAuth = request.subarray(4, 20)
    const attrs: Buffer[] = []
    if (o.message !== undefined) {
        const value = Buffer.from(o.message, "utf8")
        attrs.push(Buffer.concat([Buffer.from([18, value.length + 2]), value]))
    }
    if (o.mac) attrs.push(Buffer.concat([Buffer.from([80, 18]), Buffer.alloc(16)]))
    const packet = Buffer.concat([Buffer.from([code, request[1], 0, 0]), requestAuth, ...attrs])
    packet.writeUInt16BE(packet.length, 2)
    if (o.mac) {
        const mac = createHmac("md5", secret).update(packet).digest()
        if (o.badMac) mac[0] ^= 1
        mac.copy(packet, packet.length - 16)
    }
    const responseAuth = createHash("md5")
        .update(packet.subarray(0, 4))
        .update(requestAuth)
        .update(packet.subarray(20))
        .update(secret)
        .digest()
    responseAuth.copy(packet, 4)
    return packet
}

/** A UDP server on loopback that answers each request with `reply(request)`'s packets. */
async function scripted(reply: (request: Buffer) => Buffer[]) {
    const socket = createSocket("udp4")
    socket.on("message", (request: Buffer, from: RemoteInfo) => {
        for (const p of reply(request)) socket.send(p, from.port, from.address)
    })
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve))
    return {
        server: { host: "127.0.0.1", port: socket.address().port, secret: FAKE_SECRET },
        close: () => new Promise<void>((resolve) => socket.close(resolve)),
    }
}

test("a reject's Reply-Message is passed on, with a Message-Authenticator checked", async (t) => {
    const s = await scripted((req) => [answer(req, 3, { message: "account locked", mac: true })])
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "camera-01", PASSWORD), {
            result: "reject",
            message: "account locked",
        })
    } finally {
        await s.close()
    }
})

test("forged answers are ignored, the genuine one counts", async (t) => {
    const s = await scripted((req) => [
        answer(req, 3, { secret: "someone else" }), // wrong Response Authenticator
        answer(req, 3, { mac: true, badMac: true }), // right one, wrong Message-Authenticator
        answer(req, 2, { mac: true }),
    ])
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "camera-01", PASSWORD), { result: "accept" })
    } finally {
        await s.close()
    }
})

test("only forged answers: unreachable", async (t) => {
    const s = await scripted((req) => [answer(req, 2, { mac: true, badMac: true })])
    try {
        const r = await radiusAuthenticate(s.server, "camera-01", PASSWORD, { timeoutMs: 100, retries: 1 })
        t.is(r.result, "unreachable")
    } finally {
        await s.close()
    }
})
