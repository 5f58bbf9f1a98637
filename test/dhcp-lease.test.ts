import test from "ava"
import {
    holdLease,
    LEASE_RETRY_MIN_MS,
    type LeasePhase,
    rebindAtMs,
    renewAtMs,
    type ServerAnswer,
} from "../sim/net/dhcp-lease"

// Holding a DHCP lease (sim/net/dhcp-lease.ts) step by step on a hand-run
// clock. The expected times are worked out by hand from RFC 2131 4.4.5 as
// the module's comment states it: T1 = lease / 2, T2 = 7/8 lease, a retry
// halfway to the deadline while that half is at least 60 s.

interface Step {
    at: number
    what: string
}

/** A holder whose server answers from `answers` (then silence), recording every step with its time. */
function holder(startMs: number, answers: ServerAnswer[] = []) {
    let now = startMs
    const queue: { at: number; step: () => void }[] = []
    const log: Step[] = []
    return {
        log,
        holder: {
            now: () => now,
            after: (ms: number, step: () => void) => queue.push({ at: now + ms, step }),
            ask: (phase: LeasePhase): ServerAnswer => {
                log.push({ at: now, what: `ask ${phase}` })
                return answers.shift() ?? "silent"
            },
            renewed: (phase: LeasePhase, leaseMs: number) => log.push({ at: now, what: `renewed ${phase} ${leaseMs}` }),
            lost: (why: "nak" | "expired") => log.push({ at: now, what: `lost ${why}` }),
        },
        /** run the timers in time order until none is left (or `limit` steps) */
        run(limit = 100) {
            for (let n = 0; n < limit && queue.length; n++) {
                queue.sort((a, b) => a.at - b.at)
                const next = queue.shift()!
                if (next.at < now) throw new Error(`a step at ${next.at} ran after ${now}`)
                now = next.at
                next.step()
            }
        },
        pending: () => queue.length,
    }
}

test("T1 is half the lease and T2 seven eighths, in whole milliseconds rounded down", (t) => {
    t.is(renewAtMs(3_600_000), 1_800_000)
    t.is(rebindAtMs(3_600_000), 3_150_000)
    t.is(renewAtMs(1001), 500)
    t.is(rebindAtMs(1001), 875) // 875.875
    t.is(rebindAtMs(7), 6) // 6.125
    t.is(LEASE_RETRY_MIN_MS, 60_000)
})

test("an unanswered hour's lease: renewals halve the time to T2, rebinds the time to the end, then it expires", (t) => {
    // granted at 10 s: T1 = 1 810 000, T2 = 3 160 000, end = 3 610 000
    const h = holder(10_000)
    holdLease(3_600_000, h.holder)
    h.run()
    t.deepEqual(h.log, [
        { at: 1_810_000, what: "ask renew" },
        { at: 2_485_000, what: "ask renew" }, // + 675 000 (half of 1 350 000)
        { at: 2_822_500, what: "ask renew" }, // + 337 500
        { at: 2_991_250, what: "ask renew" }, // + 168 750
        { at: 3_075_625, what: "ask renew" }, // + 84 375; the next half (42 187.5) is under 60 s
        { at: 3_160_000, what: "ask rebind" }, // T2
        { at: 3_385_000, what: "ask rebind" }, // + 225 000
        { at: 3_497_500, what: "ask rebind" }, // + 112 500; the next half (56 250) is under 60 s
        { at: 3_610_000, what: "lost expired" },
    ])
    t.is(h.pending(), 0)
})

test("a retry halfway happens when the half is exactly 60 s, not when it is a little less", (t) => {
    // 320 s: T1 = 160 000, T2 = 280 000: half of the 120 000 left is 60 000, so one retry at 220 000
    const exact = holder(0)
    holdLease(320_000, exact.holder)
    exact.run()
    t.deepEqual(exact.log, [
        { at: 160_000, what: "ask renew" },
        { at: 220_000, what: "ask renew" },
        { at: 280_000, what: "ask rebind" },
        { at: 320_000, what: "lost expired" },
    ])
    // 319 992 ms: T1 = 159 996, T2 = 279 993: half is 59 998.5, so no retry
    const under = holder(0)
    holdLease(319_992, under.holder)
    under.run()
    t.deepEqual(under.log, [
        { at: 159_996, what: "ask renew" },
        { at: 279_993, what: "ask rebind" },
        { at: 319_992, what: "lost expired" },
    ])
})

test("an ACK at T1 starts the new lease from then; a NAK drops the address at once", (t) => {
    const h = holder(0, [{ ack: true, leaseMs: 200_000 }, "nak"])
    holdLease(1_000_000, h.holder)
    h.run()
    t.deepEqual(h.log, [
        { at: 500_000, what: "ask renew" },
        { at: 500_000, what: "renewed renew 200000" },
        // the new lease's T1: 500 000 + 100 000
        { at: 600_000, what: "ask renew" },
        { at: 600_000, what: "lost nak" },
    ])
    t.is(h.pending(), 0)
})

test("a rebind answered by any server renews the lease, said as a rebind", (t) => {
    // 100 s lease: T1 = 50 000 (half to T2 is 18 750: no retry), T2 = 87 500
    const h = holder(0, ["silent", { ack: true, leaseMs: 100_000 }])
    holdLease(100_000, h.holder)
    h.run(3)
    t.deepEqual(h.log, [
        { at: 50_000, what: "ask renew" },
        { at: 87_500, what: "ask rebind" },
        { at: 87_500, what: "renewed rebind 100000" },
        { at: 137_500, what: "ask renew" },
    ])
})

test("a NAK to a rebind drops the address", (t) => {
    const h = holder(0, ["silent", "nak"])
    holdLease(100_000, h.holder)
    h.run()
    t.deepEqual(
        h.log.map((s) => s.what),
        ["ask renew", "ask rebind", "lost nak"],
    )
})
