// Holding a DHCP lease as the ESP-IDF lwIP client does (RFC 2131 4.4.5):
// at T1 (half the lease) it asks the server that gave the address to renew
// it; unanswered, it asks again halfway to T2, while that is a minute or
// more away. At T2 (7/8 of the lease) it asks any server (rebinding), again
// halving the time left. When the lease runs out the address is gone and the
// client starts over. A NAK (the server will not let the address be used)
// drops it at once.

/** lwIP retries a renewal or rebinding halfway to the deadline only while that leaves >= 60 s. */
export const LEASE_RETRY_MIN_MS = 60_000

export type LeasePhase = "renew" | "rebind"
export type ServerAnswer = { ack: true; leaseMs: number } | "nak" | "silent"

export interface LeaseHolder {
    now(): number
    /** run `step` after `ms` unless the link has changed since (the driver's generation guard) */
    after(ms: number, step: () => void): void
    /** the server's answer to a REQUEST for the held address, now */
    ask(phase: LeasePhase): ServerAnswer
    /** the lease was extended by `leaseMs` from now */
    renewed(phase: LeasePhase, leaseMs: number): void
    /** the address must go: the server said NAK, or the lease ran out */
    lost(why: "nak" | "expired"): void
}

/** T1 of a lease of `leaseMs`. */
export function renewAtMs(leaseMs: number): number {
    return Math.floor(leaseMs / 2)
}

/** T2 of a lease of `leaseMs`. */
export function rebindAtMs(leaseMs: number): number {
    return Math.floor((leaseMs * 7) / 8)
}

/** Keep a lease of `leaseMs`, granted now, for as long as the holder's link lasts. */
export function holdLease(leaseMs: number, holder: LeaseHolder) {
    const start = holder.now()
    const t2 = start + rebindAtMs(leaseMs)
    const end = start + leaseMs
    const at = (time: number, step: () => void) => holder.after(Math.max(0, time - holder.now()), step)

    const attempt = (phase: LeasePhase) => {
        const answer = holder.ask(phase)
        if (answer === "nak") return holder.lost("nak")
        if (answer !== "silent") {
            holder.renewed(phase, answer.leaseMs)
            return holdLease(answer.leaseMs, holder)
        }
        const deadline = phase === "renew" ? t2 : end
        const half = (deadline - holder.now()) / 2
        if (half >= LEASE_RETRY_MIN_MS) return at(holder.now() + half, () => attempt(phase))
        at(deadline, () => (phase === "renew" ? attempt("rebind") : holder.lost("expired")))
    }
    at(start + renewAtMs(leaseMs), () => attempt("renew"))
}
