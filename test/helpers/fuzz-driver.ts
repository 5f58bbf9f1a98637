import fc from "fast-check"
import type { Clock } from "../../sim/radio/air"
import { type Contract, loadContract } from "../../sim/contract"
import { jdpack, JDServiceServer, type Packet } from "../../sim/jacdac"

// A Wi-Fi station driver that misbehaves on purpose, for fuzzing what the
// bytecode does with the contract's packets (services/wifi-station.md): it
// answers commands, or not, with link / scan events that may be truncated,
// padded, out of order, full of out-of-range values, or of unknown codes,
// and sends some on its own. It logs every link event it sends, so a test
// can tell whether what the script saw was justified.

/** The largest Jacdac payload. */
const MAX_PAYLOAD = 236
/** The `link` event's fixed part (state .. dns), before ssid and bssid. */
const LINK_FIXED_BYTES = 24
export const GOT_ADDRESS = 6

type Shape = { kind: "whole" } | { kind: "truncate"; keep: number } | { kind: "pad"; extra: Uint8Array }

export type EventSpec =
    | {
          event: "link"
          values: [number, number, number, number, number, number, number, number, number, number, string, Uint8Array]
          shape: Shape
      }
    | { event: "scan_record"; values: [number, number, number, number, number, string, Uint8Array]; shape: Shape }
    | { event: "scan_done"; values: [number]; shape: Shape }
    | { event: "unknown"; code: number; payload: Uint8Array }

export interface Sending {
    delayMs: number
    spec: EventSpec
}

/** What the fake driver does: per command, the events it answers with; and events on its own. */
export interface DriverPlan {
    /** undefined: the register is not served at all */
    version?: number
    mac?: Uint8Array
    /** by command name; set_active by "set_active_on" / "set_active_off" */
    replies: Record<string, Sending[]>
    spontaneous: Sending[]
}

const COMMANDS = [
    "set_active",
    "associate",
    "disassociate",
    "scan",
    "set_address",
    "set_hostname",
    "set_tx_power",
    "set_enterprise",
    "set_credential",
    "associate_enterprise",
]

export interface SentLink {
    atMs: number
    /** the state byte, when the payload has one */
    state?: number
    /** the payload holds every fixed field and the ssid's terminator */
    complete: boolean
    ip: number
}

/** Bytes before the string0 field: a cut past its terminator leaves every field present (bytes may be short). */
const FIXED_BYTES: Record<string, number> = { link: LINK_FIXED_BYTES, scan_record: 5, scan_done: 1 }

/** The shortest payload that still holds every field. */
function wholeFields(event: string, data: Uint8Array): number {
    const fixed = FIXED_BYTES[event]
    if (event === "scan_done") return fixed
    const nul = data.indexOf(0, fixed)
    return nul < 0 ? data.length : nul + 1
}

function payloadOf(contract: Contract, spec: EventSpec, malformed: boolean): { code: number; data: Uint8Array } {
    if (spec.event === "unknown") {
        // a known code with a random payload is malformed; otherwise move it past the contract's codes
        const known = ["link", "scan_record", "scan_done"].map((e) => contract.packet("event", e).code)
        const code = known.includes(spec.code) && !malformed ? 0x90 + (spec.code & 0x0f) : spec.code
        return { code, data: spec.payload.slice(0, MAX_PAYLOAD) }
    }
    const { code, format } = contract.packet("event", spec.event)
    let data = jdpack(format, spec.values as never)
    if (spec.shape.kind === "truncate") {
        let keep = spec.shape.keep % (data.length + 1)
        if (!malformed) keep = Math.max(keep, wholeFields(spec.event, data))
        data = data.slice(0, keep)
    }
    if (spec.shape.kind === "pad") {
        const both = new Uint8Array(data.length + spec.shape.extra.length)
        both.set(data)
        both.set(spec.shape.extra, data.length)
        data = both
    }
    return { code, data: data.slice(0, MAX_PAYLOAD) }
}

export class FuzzStation extends JDServiceServer {
    readonly sentLinks: SentLink[] = []
    /** the commands received, in order, with when they arrived ("set_active_on", "scan", ...) */
    readonly received: { name: string; atMs: number }[] = []
    private readonly contract = loadContract("wifi-station.md")

    /**
     * `malformed`: truncation may cut into the fields (the bytecode then
     * decodes them as undefined); false: it only shortens the trailing bytes.
     */
    constructor(
        plan: DriverPlan,
        private readonly clock: Clock,
        private readonly malformed: boolean,
    ) {
        super(loadContract("wifi-station.md").serviceClass)
        if (plan.version !== undefined)
            this.addRegister(this.contract.packet("const", "contract_version").code, [plan.version])
        if (plan.mac !== undefined) this.addRegister(this.contract.packet("const", "mac").code, [plan.mac])
        for (const name of COMMANDS) {
            const { code } = this.contract.packet("command", name)
            // set_active answers differently for on (1) and off (0)
            this.addCommand(code, (pkt: Packet) => {
                const key = name === "set_active" ? (pkt.data[0] ? "set_active_on" : "set_active_off") : name
                this.received.push({ name: key, atMs: this.clock.now() })
                this.send(plan.replies[key] ?? [])
            })
        }
        this.send(plan.spontaneous)
    }

    private send(list: Sending[]) {
        for (const s of list) this.clock.setTimeout(() => this.sendSpec(s.spec), s.delayMs)
    }

    private sendSpec(spec: EventSpec) {
        const { code, data } = payloadOf(this.contract, spec, this.malformed)
        if (spec.event === "link") {
            const ip = data.length >= 12 ? new DataView(data.buffer, data.byteOffset).getUint32(8, true) : 0
            this.sentLinks.push({
                atMs: this.clock.now(),
                state: data.length ? data[0] : undefined,
                complete: data.length > LINK_FIXED_BYTES && data.indexOf(0, LINK_FIXED_BYTES) >= 0,
                ip,
            })
        }
        void this.sendEvent(code, data)
    }
}

// --- arbitraries ----------------------------------------------------------

const u8 = fc.nat({ max: 255 })
const u16 = fc.nat({ max: 0xffff })
const u32 = fc.oneof(fc.constantFrom(0, 0xc0a80164, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat({ max: 0xffffffff }))
const i8 = fc.integer({ min: -128, max: 127 })
const ssid = fc.oneof(fc.constantFrom("my-network", "", "x".repeat(32)), fc.string({ maxLength: 40 }))
const bssid = fc.oneof(
    { weight: 4, arbitrary: fc.constant(new Uint8Array([2, 0xca, 0, 0, 0, 1])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
)
const shape: fc.Arbitrary<Shape> = fc.oneof(
    { weight: 6, arbitrary: fc.constant({ kind: "whole" as const }) },
    { weight: 2, arbitrary: fc.nat({ max: 40 }).map((keep) => ({ kind: "truncate" as const, keep })) },
    {
        weight: 1,
        arbitrary: fc.uint8Array({ minLength: 1, maxLength: 240 }).map((extra) => ({ kind: "pad" as const, extra })),
    },
)
/** LinkState: mostly the contract's 0..6, sometimes any byte */
const state = fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 6 }) }, { weight: 1, arbitrary: u8 })
const reason = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 15 }) }, { weight: 1, arbitrary: u16 })

const linkEvent: fc.Arbitrary<EventSpec> = fc
    .record({
        s: state,
        rssi: i8,
        r: reason,
        ch: u8,
        sec: u8,
        res: u16,
        ip: u32,
        nm: u32,
        gw: u32,
        dns: u32,
        ssid,
        bssid,
        shape,
    })
    .map((v) => ({
        event: "link" as const,
        values: [v.s, v.rssi, v.r, v.ch, v.sec, v.res, v.ip, v.nm, v.gw, v.dns, v.ssid, v.bssid],
        shape: v.shape,
    }))
const event: fc.Arbitrary<EventSpec> = fc.oneof(
    { weight: 6, arbitrary: linkEvent },
    {
        weight: 2,
        arbitrary: fc.record({ i: u8, rssi: i8, ch: u8, sec: u8, hidden: u8, ssid, bssid, shape }).map((v) => ({
            event: "scan_record" as const,
            values: [v.i, v.rssi, v.ch, v.sec, v.hidden, v.ssid, v.bssid] as [
                number,
                number,
                number,
                number,
                number,
                string,
                Uint8Array,
            ],
            shape: v.shape,
        })),
    },
    {
        weight: 1,
        arbitrary: fc
            .record({ n: u8, shape })
            .map((v) => ({ event: "scan_done" as const, values: [v.n] as [number], shape: v.shape })),
    },
    {
        weight: 1,
        arbitrary: fc
            .record({ code: u8, payload: fc.uint8Array({ maxLength: 240 }) })
            .map((v) => ({ event: "unknown" as const, ...v })),
    },
)
const sending = (maxDelay: number) => fc.record({ delayMs: fc.nat({ max: maxDelay }), spec: event })

/** A well-behaved association, as the simulated driver would send it: fuzzing then bends it. */
function goodJoin(): Sending[] {
    const link = (s: number, ip = 0): Sending => ({
        delayMs: 300 * s,
        spec: {
            event: "link",
            values: [
                s,
                -44,
                0,
                6,
                3,
                0,
                ip,
                ip ? 0xffffff00 : 0,
                ip ? 0xc0a80101 : 0,
                ip ? 0xc0a80101 : 0,
                "my-network",
                new Uint8Array([2, 0xca, 0, 0, 0, 1]),
            ],
            shape: { kind: "whole" },
        },
    })
    return [link(2), link(3), link(4), link(5), link(6, 0xc0a80164)]
}

/**
 * A reply: none; the plausible one with extra events; the plausible one bent
 * (events dropped or reordered, extra ones); or noise. Plausible replies
 * are common enough that most runs get past active(true) to the later steps.
 */
const reply = (plausible: Sending[]) =>
    fc.oneof(
        { weight: 1, arbitrary: fc.constant([] as Sending[]) },
        {
            weight: 3,
            arbitrary: fc.array(sending(3000), { maxLength: 2 }).map((extra) => [...plausible, ...extra]),
        },
        {
            weight: 3,
            arbitrary: fc
                .record({
                    order: fc.shuffledSubarray(
                        plausible.map((_, i) => i),
                        { minLength: 0 },
                    ),
                    extra: fc.array(sending(3000), { maxLength: 2 }),
                })
                .map(({ order, extra }) => [...order.map((i) => plausible[i]), ...extra]),
        },
        { weight: 2, arbitrary: fc.array(sending(5000), { maxLength: 5 }) },
    )

const linkOf = (state: number): Sending => ({
    delayMs: 10,
    spec: {
        event: "link",
        values: [state, 0, 0, 0, 0, 0, 0, 0, 0, 0, "", new Uint8Array(0)],
        shape: { kind: "whole" },
    },
})

export const driverPlan: fc.Arbitrary<DriverPlan> = fc.record({
    version: fc.oneof(
        { weight: 8, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.constantFrom(undefined, 0, 2, 0xffff) },
    ),
    mac: fc.oneof(
        { weight: 8, arbitrary: fc.constant(new Uint8Array([0x24, 0x0a, 0xc4, 0, 0xc4, 0x3e])) },
        { weight: 1, arbitrary: fc.option(fc.uint8Array({ maxLength: 12 }), { nil: undefined }) },
    ),
    replies: fc.record({
        set_active_on: reply([linkOf(1)]),
        set_active_off: reply([linkOf(0)]),
        associate: reply(goodJoin()),
        disassociate: reply([linkOf(1)]),
        scan: reply([]),
        set_address: reply([]),
    }),
    spontaneous: fc.array(sending(40_000), { maxLength: 6 }),
})
