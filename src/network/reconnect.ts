import * as ds from "@devicescript/core"
import { readStored, removeStored, writeStored } from "../settings"

// Fast reconnect: what the last successful link to each network was (the
// access point, its channel, the DHCP lease), kept in the board's settings
// storage (flash, on the chip and in the simulator), so a camera that wakes,
// snaps, uploads and sleeps can go straight to that access point on that
// channel and ask DHCP for the same address (INIT-REBOOT), instead of
// scanning every channel and running the full DHCP exchange. When the
// access point moved the fast attempt finds nothing and the station takes the
// full path at once; a refused address is the DHCP client's to fall back on.

/** How many networks are remembered (most recent first): a few hundred bytes of flash. */
export const REMEMBERED_NETWORKS = 4
/**
 * One setting per network, most recent first: a setting is one Jacdac packet
 * (at most 231 minus the key bytes, src/limits.ts), which holds one network's
 * link (about 130 bytes with a 32-byte name) but not four. Keys are at most
 * 13 characters; "camscript." keys are the library's own.
 */
const SLOT_KEYS = ["camscript.w0", "camscript.w1", "camscript.w2", "camscript.w3"]

/** The last link to one network. Addresses as the contract's u32. */
export interface Remembered {
    ssid: string
    /** "aabbccddeeff" */
    bssid: string
    channel: number
    ip: number
    netmask: number
    gateway: number
    dns: number
}

let memory: Remembered[] = null

async function load(): Promise<Remembered[]> {
    if (memory) return memory
    const found: Remembered[] = []
    // the slots fill from the first, without gaps: a cold board costs one read
    for (const key of SLOT_KEYS) {
        const r = await readStored(key, null, true, "fast reconnect")
        if (r === null || typeof r !== "object" || typeof r.ssid !== "string") break
        found.push(r)
    }
    memory = found
    return memory
}

/** The last link to `ssid`, if one was remembered. */
export async function recall(ssid: string): Promise<Remembered> {
    const all = await load()
    for (const r of all) if (r.ssid === ssid) return r
    return null
}

function same(a: Remembered, b: Remembered): boolean {
    return (
        a.ssid === b.ssid &&
        a.bssid === b.bssid &&
        a.channel === b.channel &&
        a.ip === b.ip &&
        a.netmask === b.netmask &&
        a.gateway === b.gateway &&
        a.dns === b.dns
    )
}

/** Remember a link that came up; written to flash only when something changed. */
export async function remember(link: Remembered) {
    const all = await load()
    if (all.length && same(all[0], link)) return
    const next = [link]
    for (const r of all) if (r.ssid !== link.ssid && next.length < REMEMBERED_NETWORKS) next.push(r)
    const before = all
    memory = next
    await store(before, next)
}

/**
 * Writes the slots that changed. A full settings store costs only the next
 * restart's fast path: never the link (the memory stays in RAM for this run).
 */
async function store(before: Remembered[], after: Remembered[]) {
    try {
        for (let i = 0; i < SLOT_KEYS.length; i++) {
            const was = i < before.length ? before[i] : null
            const now = i < after.length ? after[i] : null
            if (now === null) {
                if (was !== null) await removeStored(SLOT_KEYS[i], "fast reconnect")
            } else if (was === null || !same(was, now)) await writeStored(SLOT_KEYS[i], now, true, "fast reconnect")
        }
    } catch {
        // kept in RAM for this run
    }
}

/** Forget where `ssid` was (its access point moved): the next attempt scans every channel. */
export async function forget(ssid: string) {
    const all = await load()
    const rest = all.filter((r) => r.ssid !== ssid)
    if (rest.length === all.length) return
    memory = rest
    await store(all, rest)
}

/** Writes of the memory started and not finished (deep sleep waits for them). */
let writing = 0
let writesDone: ds.Emitter<number> = undefined

/**
 * Remember `link` in a fiber of its own (the event handler that saw the link
 * come up never awaits), counted until the write ends, so that a camera that
 * goes to deep sleep right after its upload still wakes with the memory.
 */
export function rememberSoon(link: Remembered) {
    writing++
    setTimeout(async () => {
        try {
            await remember(link)
        } finally {
            writing--
            if (writing === 0 && writesDone) writesDone.emit(0)
        }
    }, 0)
}

/** Wait until no write of the memory is under way, at most `ms`; false when one still is. */
export async function memoryWritten(ms: number): Promise<boolean> {
    const end = ds.millis() + ms
    while (writing > 0) {
        const left = end - ds.millis()
        if (left <= 0) return false
        if (!writesDone) writesDone = ds.emitter<number>()
        await ds.wait(writesDone, left)
    }
    return true
}
