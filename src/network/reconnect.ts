import { readStored, writeStored } from "../settings"
import { maxValueBytes } from "../settings-checks"
import { byteLength } from "./credentials"

// Fast reconnect: what the last successful link to each network was (the
// access point, its channel, the DHCP lease), kept in the board's settings
// storage (flash, on the chip and in the simulator), so a camera that wakes,
// snaps, uploads and sleeps can go straight to that access point on that
// channel and ask DHCP for the same address (INIT-REBOOT), instead of
// scanning every channel and running the full DHCP exchange. When the
// access point moved the fast attempt finds nothing and the station takes the
// full path at once; a refused address is the DHCP client's to fall back on.

/** Settings keys are at most 13 characters (src/limits.ts); "camscript." keys are the library's own. */
const KEY = "camscript.wl"
/** How many networks are remembered (most recent first): a few KB of flash at most. */
export const REMEMBERED_NETWORKS = 4

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
    const stored = await readStored(KEY, [], true, "fast reconnect")
    memory = Array.isArray(stored) ? stored : []
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
    // the memory is one setting, one Jacdac packet: the oldest go first
    while (next.length > 1 && byteLength(JSON.stringify(next)) > maxValueBytes(KEY.length)) next.pop()
    memory = next
    await store(memory)
}

/** A full settings store costs only the next restart's fast path: never the link. */
async function store(all: Remembered[]) {
    try {
        await writeStored(KEY, all, true, "fast reconnect")
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
    await store(memory)
}
