import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { createSocket } from "node:dgram"
import { isIPv6 } from "node:net"

// A minimal RADIUS client (RFC 2865, PAP), for the simulated enterprise
// access point acting as the NAS of a real RADIUS server on loopback.
// It runs while the simulation's timers are faked, so it keeps the real
// timer functions, taken when this module loads.

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

export interface RadiusServer {
    host: string
    port: number
    secret: string
}

export type RadiusOutcome =
    { result: "accept" } | { result: "reject"; message?: string } | { result: "unreachable"; detail: string }

const ACCESS_REQUEST = 1
const ACCESS_ACCEPT = 2
const ACCESS_REJECT = 3
const ATTR_USER_NAME = 1
const ATTR_USER_PASSWORD = 2
const ATTR_NAS_IP_ADDRESS = 4
const ATTR_REPLY_MESSAGE = 18
const ATTR_NAS_IDENTIFIER = 32
const ATTR_MESSAGE_AUTHENTICATOR = 80

function attribute(type: number, value: Buffer): Buffer {
    if (value.length > 253) throw new Error(`RADIUS attribute ${type} is too long`)
    return Buffer.concat([Buffer.from([type, value.length + 2]), value])
}

/** RFC 2865 5.2: the password, padded to 16-byte blocks, XORed with an MD5 chain. */
function hidePassword(password: string, secret: string, authenticator: Buffer): Buffer {
    const plain = Buffer.from(password, "utf8")
    const padded = Buffer.alloc(Math.max(16, Math.ceil(plain.length / 16) * 16))
    plain.copy(padded)
    const out = Buffer.alloc(padded.length)
    let previous = authenticator
    for (let i = 0; i < padded.length; i += 16) {
        const b = createHash("md5").update(secret).update(previous).digest()
        for (let j = 0; j < 16; j++) out[i + j] = padded[i + j] ^ b[j]
        previous = out.subarray(i, i + 16)
    }
    return out
}

function accessRequest(
    id: number,
    authenticator: Buffer,
    server: RadiusServer,
    username: string,
    password: string,
    nas: string,
) {
    const attrs = Buffer.concat([
        attribute(ATTR_USER_NAME, Buffer.from(username, "utf8")),
        attribute(ATTR_USER_PASSWORD, hidePassword(password, server.secret, authenticator)),
        attribute(ATTR_NAS_IP_ADDRESS, Buffer.from([127, 0, 0, 1])),
        attribute(ATTR_NAS_IDENTIFIER, Buffer.from(nas, "utf8")),
        // RFC 3579 3.2: HMAC-MD5 over the packet with this field zeroed;
        // servers hardened against BlastRADIUS require it
        attribute(ATTR_MESSAGE_AUTHENTICATOR, Buffer.alloc(16)),
    ])
    const packet = Buffer.concat([Buffer.from([ACCESS_REQUEST, id, 0, 0]), authenticator, attrs])
    packet.writeUInt16BE(packet.length, 2)
    const mac = createHmac("md5", server.secret).update(packet).digest()
    mac.copy(packet, packet.length - 16)
    return packet
}

/** Offsets of each attribute's value in a packet, or undefined when the lengths do not add up. */
function attributes(packet: Buffer): { type: number; start: number; end: number }[] | undefined {
    const found: { type: number; start: number; end: number }[] = []
    for (let i = 20; i < packet.length;) {
        if (i + 2 > packet.length) return undefined
        const len = packet[i + 1]
        if (len < 2 || i + len > packet.length) return undefined
        found.push({ type: packet[i], start: i + 2, end: i + len })
        i += len
    }
    return found
}

/**
 * A reply is genuine when its Response Authenticator checks out with the
 * shared secret, and, when it carries a Message-Authenticator (servers
 * hardened against BlastRADIUS add one), that checks out too.
 */
function verifyReply(reply: Buffer, id: number, requestAuthenticator: Buffer, secret: string): boolean {
    if (reply.length < 20 || reply[1] !== id || reply.readUInt16BE(2) !== reply.length) return false
    const attrs = attributes(reply)
    if (!attrs) return false
    const expected = createHash("md5")
        .update(reply.subarray(0, 4))
        .update(requestAuthenticator)
        .update(reply.subarray(20))
        .update(secret)
        .digest()
    if (!timingSafeEqual(expected, reply.subarray(4, 20))) return false
    const ma = attrs.find((a) => a.type === ATTR_MESSAGE_AUTHENTICATOR)
    if (!ma) return true
    if (ma.end - ma.start !== 16) return false
    // RFC 3579 3.2: computed over the reply with the Request Authenticator in
    // place of the Response Authenticator and this field zeroed
    const copy = Buffer.from(reply)
    requestAuthenticator.copy(copy, 4)
    copy.fill(0, ma.start, ma.end)
    return timingSafeEqual(createHmac("md5", secret).update(copy).digest(), reply.subarray(ma.start, ma.end))
}

function replyMessage(reply: Buffer): string | undefined {
    // RFC 2865 5.18: several Reply-Messages are meant to be shown one after another
    const parts = (attributes(reply) ?? [])
        .filter((a) => a.type === ATTR_REPLY_MESSAGE)
        .map((a) => reply.subarray(a.start, a.end).toString("utf8"))
    return parts.length ? parts.join("") : undefined
}

/**
 * Ask `server` whether `username` / `password` may log in. Never includes
 * the password or the shared secret in what it returns.
 */
export async function radiusAuthenticate(
    server: RadiusServer,
    username: string,
    password: string,
    options: { timeoutMs?: number; retries?: number; nasIdentifier?: string } = {},
): Promise<RadiusOutcome> {
    // RFC 2865 5.1/5.2 limits; said without the values, which may be secret
    if (Buffer.byteLength(password, "utf8") > 128) throw new RangeError("RADIUS: the password is longer than 128 bytes")
    if (Buffer.byteLength(username, "utf8") > 253) throw new RangeError("RADIUS: the username is longer than 253 bytes")
    const timeoutMs = options.timeoutMs ?? 1000
    const tries = 1 + (options.retries ?? 2)
    const id = randomBytes(1)[0]
    const authenticator = randomBytes(16)
    const packet = accessRequest(id, authenticator, server, username, password, options.nasIdentifier ?? "camscript")
    return new Promise((done) => {
        const socket = createSocket(isIPv6(server.host) ? "udp6" : "udp4")
        let sent = 0
        let timer: ReturnType<typeof setTimeout> | undefined
        let finished = false
        const finish = (outcome: RadiusOutcome) => {
            if (finished) return
            finished = true
            if (timer) realClearTimeout(timer)
            socket.close()
            done(outcome)
        }
        const send = () => {
            if (sent >= tries)
                return finish({
                    result: "unreachable",
                    detail: `no answer from ${server.host}:${server.port} after ${tries} tries`,
                })
            sent++
            socket.send(packet, server.port, server.host, (err) => {
                if (err) finish({ result: "unreachable", detail: err.message })
            })
            timer = realSetTimeout(send, timeoutMs)
        }
        socket.on("message", (reply) => {
            if (!verifyReply(reply, id, authenticator, server.secret)) return // not ours, or forged
            if (reply[0] === ACCESS_ACCEPT) finish({ result: "accept" })
            else if (reply[0] === ACCESS_REJECT) finish({ result: "reject", message: replyMessage(reply) })
        })
        socket.on("error", (err) => finish({ result: "unreachable", detail: err.message }))
        send()
    })
}
