import test from "ava"
import { loadContract } from "../sim/contract"
import { SimHttpUpload } from "../sim/drivers/http-upload"
import { WorldServers } from "../sim/net/http-servers"
import { jdpack } from "../sim/jacdac"
import { Timeline } from "../sim/timeline"
import type { Clock } from "../sim/radio/air"
import { CA_CERT_MAX_BYTES, HEADERS_MAX_BYTES, URL_MAX_BYTES } from "../src/limits"

// The model upload driver at its contract's edges, fed packets directly (as
// test/contract-fields.test.ts does): what the bytecode never sends (a part
// longer than the driver holds, a frame no longer in its buffer) still gets
// a defined answer.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Packet } = require("jacdac-ts") as { Packet: { from(code: number, data: Uint8Array): unknown } }

const contract = loadContract("http-upload.md")
const clock: Clock = {
    now: () => 0,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as never),
}

class Driver extends SimHttpUpload {
    results: unknown[][] = []
    readonly log: Timeline
    constructor() {
        const timeline = new Timeline(() => 0)
        super(
            contract,
            clock,
            timeline,
            () => [],
            new Map(),
            new WorldServers([], clock, timeline),
            () => undefined,
            "cam",
        )
        this.log = timeline
    }
    protected event(name: string, values: unknown[]) {
        if (name === "result") this.results.push(values)
    }
    deliver(name: string, values: unknown[]) {
        const { code, format } = contract.packet("command", name)
        const handlers = (this as unknown as { commands: Record<number, (p: unknown) => void> }).commands
        handlers[code](Packet.from(code, jdpack(format!, values as never)))
    }
    part(request: number, part: string, total: number) {
        this.deliver("set_part", [
            request,
            contract.enumValue("Part", part),
            0,
            0,
            total,
            new Uint8Array(Math.min(total, 200)),
        ])
    }
    send(request: number) {
        this.deliver("send", [request, 0, contract.enumValue("Method", "Post"), 7, 5000, 0])
    }
}

const reason = (name: string) => contract.enumValue("Reason", name)
const settle = () => new Promise((r) => setImmediate(r))

for (const [part, max] of [
    ["Url", URL_MAX_BYTES],
    ["Headers", HEADERS_MAX_BYTES],
    ["CaCert", CA_CERT_MAX_BYTES],
] as const)
    test(`a ${part} part of ${max} bytes is held; ${max + 1} is refused: the send answers Rejected, status 0, without connecting`, async (t) => {
        const d = new Driver()
        d.part(1, part, max)
        d.send(1)
        await settle()
        // held: the attempt goes on, and meets the frame that is not there
        t.deepEqual(
            d.results.map((r) => r[4]),
            [reason("FrameGone")],
        )
        d.part(2, part, max + 1)
        d.send(2)
        await settle()
        t.deepEqual(d.results[1].slice(0, 2), [2, 0])
        t.is(d.results[1][4], reason("Rejected"))
        t.true(
            d.log.entries.some(
                (e) =>
                    e.detail === `rejected by the driver: ${part} of ${max + 1} bytes; the driver holds at most ${max}`,
            ),
        )
    })

test("a frame no longer in its buffer: FrameGone, nothing sent, no interface used", async (t) => {
    const d = new Driver()
    d.part(3, "Url", 20)
    d.send(3)
    await settle()
    const [request, status, , sent, why, tls, via] = d.results[0] as number[]
    t.deepEqual([request, status, sent, why, tls, via], [3, 0, 0, reason("FrameGone"), 0, 0])
})
