import test from "ava"
import { createHash, createHmac } from "node:crypto"
import { createSocket, type RemoteInfo } from "node:dgram"
import { radiusAuthenticate } from "../sim/login/radius"

// The RADIUS client's packets (sim/login/radius.ts) checked byte by byte by
// a decoder written here from RFC 2865 (Access-Request, User-Password
// hiding, Response Authenticator) and RFC 3579 3.2 (Message-Authenticator),
// against a scripted server on loopback. test/radius.test.ts checks the same
// client against a real FreeRADIUS.

const SECRET = "packet-secret"

interface Request {
    code: number
    id: number
    authenticator: Buffer
    attrs: Map<number, Buffer>
    raw: Buffer
}

function decode(raw: Buffer): Request {
    const attrs = new Map<number, Buffer>()
    for (let i = 20; i < raw.length; i += raw[i + 1]) attrs.set(raw[i], raw.subarray(i + 2, i + raw[i + 1]))
    return { code: raw[0], id: raw[1], authenticator: raw.subarray(4, 20), attrs, raw }
}

/** RFC 2865 5.2 backwards: c(i) XOR MD5(secret + c(i-1)), c(0) being the Request Authenticator. */
function revealPassword(hidden: Buffer, authenticator: Buffer): string {
    const out = Buffer.alloc(hidden.length)
    let previous = authenticator
    for (let i = 0; i < hidden.length; i += 16) {
        const b = createHash("md5").update(SECRET).update(previous).digest()
        for (let j = 0; j < 16; j++) out[i + j] = hidden[i + j] ^ b[j]
        previous = hidden.subarray(i, i + 16)
    }
    return out.toString("utf8").replace(/\0+$/, "")
}

/** A reply to `req`: `code`, these attributes, a right (or wrong) Response Authenticator, id and length. */
function reply(
    req: Request,
    code: number,
    attrs: Buffer[] = [],
    o: { id?: number; length?: number; secret?: string } = {},
): Buffer {
    const packet = Buffer.concat([Buffer.from([code, o.id ?? req.id, 0, 0]), req.authenticator, ...attrs])
    packet.writeUInt16BE(o.length ?? packet.length, 2)
    createHash("md5")
        .update(packet.subarray(0, 4))
        .update(req.authenticator)
        .update(packet.subarray(20))
        .update(o.secret ?? SECRET)
        .digest()
        .copy(packet, 4)
    return packet
}

const attr = (type: number, value: string | Buffer) => {
    const v = typeof value === "string" ? Buffer.from(value) : value
    return Buffer.concat([Buffer.from([type, v.length + 2]), v])
}

/** A loopback RADIUS server answering each request with `answer(request)`; it records the requests. */
async function scripted(answer: (req: Request) => Buffer[], family: "udp4" | "udp6" = "udp4") {
    const socket = createSocket(family)
    const requests: Request[] = []
    socket.on("message", (raw: Buffer, from: RemoteInfo) => {
        const req = decode(raw)
        requests.push(req)
        for (const p of answer(req)) socket.send(p, from.port, from.address)
    })
    const host = family === "udp4" ? "127.0.0.1" : "::1"
    await new Promise<void>((r) => socket.bind(0, host, r))
    return {
        server: { host, port: socket.address().port, secret: SECRET },
        requests,
        close: () => new Promise<void>((r) => socket.close(r)),
    }
}

const accept = (req: Request) => [reply(req, 2)]

/** Let datagrams already sent on loopback reach the scripted server. */
const settle = () => new Promise((r) => setTimeout(r, 100))

test("the Access-Request: code 1, its length, User-Name, the hidden password, NAS-IP 127.0.0.1, NAS-Identifier, a valid Message-Authenticator", async (t) => {
    const s = await scripted(accept)
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "sixteen byte pw!", { nasIdentifier: "site-ap" }), {
            result: "accept",
        })
        const [req] = s.requests
        t.is(req.code, 1)
        t.is(req.raw.readUInt16BE(2), req.raw.length)
        t.is(req.authenticator.length, 16)
        t.deepEqual([...req.attrs.keys()], [1, 2, 4, 32, 80])
        t.is(req.attrs.get(1)!.toString(), "cam-01")
        t.is(req.attrs.get(2)!.length, 16, "16 bytes of password fill one block exactly")
        t.is(revealPassword(req.attrs.get(2)!, req.authenticator), "sixteen byte pw!")
        t.deepEqual([...req.attrs.get(4)!], [127, 0, 0, 1])
        t.is(req.attrs.get(32)!.toString(), "site-ap")
        const mac = req.attrs.get(80)!
        t.is(mac.length, 16)
        const zeroed = Buffer.from(req.raw)
        zeroed.fill(0, req.raw.length - 16)
        t.deepEqual(createHmac("md5", SECRET).update(zeroed).digest(), mac)
    } finally {
        await s.close()
    }
})

test("password hiding: padded to 16-byte blocks (at least one), each chained on the block before", async (t) => {
    const s = await scripted(accept)
    try {
        const cases: [string, number][] = [
            ["", 16],
            ["short", 16],
            ["seventeen bytes!!", 32],
            ["a passphrase of three blocks, 41 bytes..", 48],
        ]
        for (const [password, length] of cases) {
            await radiusAuthenticate(s.server, "cam-01", password)
            const req = s.requests.at(-1)!
            t.is(req.attrs.get(2)!.length, length, password)
            t.is(revealPassword(req.attrs.get(2)!, req.authenticator), password)
        }
        t.is(s.requests.at(-1)!.attrs.get(32)!.toString(), "camscript", "the default NAS-Identifier")
    } finally {
        await s.close()
    }
})

test("limits: a password of 128 bytes and a username of 253 are sent; one byte more is refused without the value", async (t) => {
    const s = await scripted(accept)
    try {
        // é is two bytes in UTF-8: 64 of them are 128 bytes
        t.is((await radiusAuthenticate(s.server, "cam-01", "é".repeat(64))).result, "accept")
        t.is(revealPassword(s.requests.at(-1)!.attrs.get(2)!, s.requests.at(-1)!.authenticator), "é".repeat(64))
        await t.throwsAsync(radiusAuthenticate(s.server, "cam-01", "é".repeat(64) + "x"), {
            instanceOf: RangeError,
            message: "RADIUS: the password is longer than 128 bytes",
        })
        t.is((await radiusAuthenticate(s.server, "u".repeat(253), "pw")).result, "accept")
        await t.throwsAsync(radiusAuthenticate(s.server, "u".repeat(252) + "é", "pw"), {
            instanceOf: RangeError,
            message: "RADIUS: the username is longer than 253 bytes",
        })
        t.is((await radiusAuthenticate(s.server, "cam", "pw", { nasIdentifier: "n".repeat(253) })).result, "accept")
        await t.throwsAsync(radiusAuthenticate(s.server, "cam", "pw", { nasIdentifier: "n".repeat(254) }), {
            message: "RADIUS attribute 32 is too long",
        })
        t.is(s.requests.length, 3, "nothing is sent for a refused request")
    } finally {
        await s.close()
    }
})

test("no answer: the same packet is sent 1 + retries times, then unreachable naming the server and the tries", async (t) => {
    const s = await scripted(() => [])
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 20, retries: 2 }), {
            result: "unreachable",
            detail: `no answer from 127.0.0.1:${s.server.port} after 3 tries`,
        })
        await settle()
        t.is(s.requests.length, 3)
        t.true(s.requests.every((r) => r.raw.equals(s.requests[0].raw)))
        s.requests.length = 0
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 20, retries: 0 }), {
            result: "unreachable",
            detail: `no answer from 127.0.0.1:${s.server.port} after 1 tries`,
        })
        await settle()
        t.is(s.requests.length, 1)
        s.requests.length = 0
        // two retries unless told otherwise
        t.is((await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 20 })).result, "unreachable")
        await settle()
        t.is(s.requests.length, 3)
    } finally {
        await s.close()
    }
})

test("an answer to the second try counts", async (t) => {
    let n = 0
    const s = await scripted((req) => (++n === 2 ? [reply(req, 2)] : []))
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 300, retries: 1 }), {
            result: "accept",
        })
    } finally {
        await s.close()
    }
})

test("replies that are not a genuine answer to this request are ignored: id, length, attributes, authenticators, codes", async (t) => {
    const s = await scripted((req) => {
        const reject = (attrs: Buffer[] = [], o = {}) => reply(req, 3, attrs, o)
        const short = reject().subarray(0, 19)
        // 19 bytes that say they are 19: too short to hold an authenticator
        const tiny = Buffer.from(short)
        tiny.writeUInt16BE(19, 2)
        const badMac = Buffer.concat([Buffer.from([80, 18]), Buffer.alloc(16, 7)])
        return [
            reject([], { id: (req.id + 1) & 255 }),
            reject([], { length: 21 }),
            short,
            reject([Buffer.from([18, 1])]), // an attribute shorter than its own header
            reject([Buffer.from([18, 9, 65])]), // an attribute running past the end
            reject([], { secret: "another secret" }),
            reject([attr(80, Buffer.alloc(15))]), // a Message-Authenticator of 15 bytes
            reject([badMac]),
            reject([Buffer.from([18, 1, 2])]), // a length under 2 that would still parse on
            reject([attr(18, "x"), Buffer.from([18])]), // a header cut short at the end
            tiny,
            reply(req, 11), // Access-Challenge: not an answer PAP expects
            // an empty attribute (length 2) is well-formed
            reply(req, 2, [attr(18, "welcome"), attr(18, "")]),
        ]
    })
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 2000, retries: 0 }), {
            result: "accept",
        })
    } finally {
        await s.close()
    }
})

test("a reject passes on its Reply-Messages one after another, or none", async (t) => {
    const s = await scripted((req) =>
        req.attrs.get(1)!.toString() === "two"
            ? [reply(req, 3, [attr(18, "account "), attr(18, "locked")])]
            : [reply(req, 3)],
    )
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "two", "pw"), { result: "reject", message: "account locked" })
        const none = await radiusAuthenticate(s.server, "none", "pw")
        t.is(none.result, "reject")
        t.false("message" in none && none.message !== undefined)
    } finally {
        await s.close()
    }
})

test("an IPv6 server is asked over UDP6", async (t) => {
    let s: Awaited<ReturnType<typeof scripted>>
    try {
        s = await scripted(accept, "udp6")
    } catch {
        return t.pass("this machine has no IPv6 loopback")
    }
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw"), { result: "accept" })
    } finally {
        await s.close()
    }
})

test("a server name that does not resolve is unreachable at once, with the resolver's error", async (t) => {
    const r = await radiusAuthenticate({ host: "no-such-radius.invalid", port: 1812, secret: SECRET }, "cam-01", "pw", {
        timeoutMs: 10_000,
        retries: 0,
    })
    t.is(r.result, "unreachable")
    if (r.result === "unreachable") {
        t.regex(r.detail, /ENOTFOUND|EAI_AGAIN|no-such-radius/)
        t.false(r.detail.startsWith("no answer"))
    }
})

/** `reply` with a Message-Authenticator (RFC 3579 3.2) computed over it, as hardened servers send. */
function signed(req: Request, code: number, attrs: Buffer[]): Buffer {
    const packet = Buffer.concat([
        Buffer.from([code, req.id, 0, 0]),
        req.authenticator,
        ...attrs,
        Buffer.from([80, 18]),
        Buffer.alloc(16),
    ])
    packet.writeUInt16BE(packet.length, 2)
    // over the packet with the Request Authenticator in place and this field zeroed
    createHmac("md5", SECRET)
        .update(packet)
        .digest()
        .copy(packet, packet.length - 16)
    createHash("md5")
        .update(packet.subarray(0, 4))
        .update(req.authenticator)
        .update(packet.subarray(20))
        .update(SECRET)
        .digest()
        .copy(packet, 4)
    return packet
}

test("a reply with a valid Message-Authenticator counts; its Reply-Message is only the Reply-Message attributes", async (t) => {
    const s = await scripted((req) => [signed(req, 3, [attr(18, "locked"), attr(25, "class-x")])])
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 2000, retries: 0 }), {
            result: "reject",
            message: "locked",
        })
    } finally {
        await s.close()
    }
})

test("after an answer nothing more is sent: the retry timer is stopped", async (t) => {
    const s = await scripted(accept)
    try {
        t.deepEqual(await radiusAuthenticate(s.server, "cam-01", "pw", { timeoutMs: 200, retries: 2 }), {
            result: "accept",
        })
        // a loaded machine may have retried before the answer came: count what
        // was sent up to the answer, then wait past every retry time
        const sent = s.requests.length
        t.true(sent >= 1 && sent <= 3)
        await new Promise((r) => setTimeout(r, 4 * 200))
        t.is(s.requests.length, sent)
    } finally {
        await s.close()
    }
})
