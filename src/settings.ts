import * as ds from "@devicescript/core"
import { checkSettingKey, encodeSetting, KEY_RULE } from "./settings-checks"
import * as L from "./limits"

// `settings`: small values kept in the board's flash across restarts and
// deploys (Wi-Fi credentials a phone sent to the setup access point, secrets
// `camscript deploy --secret` provisioned). They live in the runtime's own
// Jacdac settings service (jacdac-c services/settings.c over jd_fstor.c),
// which the ESP32 runtime keeps in its `fstor` partition and the simulator's
// VM in its flash (`camscript sim --flash FILE`). Values are stored as JSON
// text, as DeviceScript's @devicescript/settings does, so either reads the
// other's. Every call is async: it is a round trip to that service.

/** The settings service answers a get at once; a board that does not within this long has no such service. */
export const SETTINGS_ANSWER_MS = 2000

/** One client for the library and the script: two roles of one class would bind two services. */
const store = new ds.Settings()

/** A command to an unbound role waits for ever: the deadline starts here. */
async function bound(what: string) {
    if (!store.isBound) await ds.wait(store.binding(), SETTINGS_ANSWER_MS)
    if (!store.isBound)
        throw new Error(`${what}: the board has no settings service (none answered in ${SETTINGS_ANSWER_MS / 1000} s)`)
}

/** The value bytes the service holds for `key` (empty: none). */
async function fetchRaw(key: string, what: string): Promise<Buffer> {
    await bound(what)
    const code = store.spec.lookup("get").code
    const answered = ds.emitter<Buffer>()
    let got: Buffer = null
    const unsubscribe = store.report().subscribe((pkt) => {
        if (pkt.serviceCommand !== code) return
        const payload = pkt.payload
        let nul = 0
        while (nul < payload.length && payload[nul] !== 0) nul++
        if (payload.slice(0, nul).toString() !== key) return
        got = payload.slice(nul + 1)
        answered.emit(got)
    })
    try {
        await store.get(key)
        if (got === null) await ds.wait(answered, SETTINGS_ANSWER_MS)
    } finally {
        unsubscribe()
    }
    if (got === null)
        throw new Error(`${what}: the board's settings service did not answer in ${SETTINGS_ANSWER_MS / 1000} s`)
    return got
}

/** For the library's own keys ("camscript." ...): no reserved-prefix check. */
export async function readStored(key: string, fallback: any, library: boolean, what: string): Promise<any> {
    checkSettingKey(key, what, library)
    const raw = await fetchRaw(key, what)
    if (raw.length === 0) return fallback
    const text = raw.toString()
    try {
        return JSON.parse(text)
    } catch {
        // written by another tool as plain text (the stock firmware's wifi_ssid)
        return text
    }
}

export async function writeStored(key: string, value: any, library: boolean, what: string): Promise<void> {
    checkSettingKey(key, what, library)
    const text = encodeSetting(key, value, what)
    const bytes = Buffer.from(text)
    await bound(what)
    await store.set(key, bytes)
    // the service answers nothing to a set, and drops one that does not fit
    // (jd_fstor.c: "out of space"): read it back to know
    const back = await fetchRaw(key, what)
    if (back.toString() !== text)
        throw new Error(
            `${what}: the board's settings storage is full (about ${L.SETTINGS_STORE_BYTES / 1024} KB for all keys); "${key}" was not stored. Delete settings you no longer need`,
        )
}

/** For the library's own keys: delete without the reserved-prefix check. */
export async function removeStored(key: string, what: string): Promise<void> {
    await remove(key, true, what)
}

async function remove(key: string, library: boolean, what: string): Promise<void> {
    checkSettingKey(key, what, library)
    await bound(what)
    await store.delete(key)
    // commands are only queued: a get behind it returns once the delete is done
    // (a program that ends at once would otherwise leave it unsent)
    if ((await fetchRaw(key, what)).length !== 0)
        throw new Error(`${what}: the board's settings service did not delete "${key}"`)
}

/**
 * Persistent settings, `import { settings } from "camscript"`.
 *
 * Keys: 1..13 characters of letters, digits, `_`, `-`, `.` (not starting
 * `camscript.`). Values: strings, finite numbers, booleans, or arrays and
 * objects of those, stored as JSON text of at most 231 minus the key's
 * length bytes; about 16 KB for all keys together. Misuse throws at once.
 */
export const settings = {
    /** The rule keys follow, in words. */
    KEY_RULE: KEY_RULE,
    /**
     * The value stored under `key`, or `fallback` (undefined when not given)
     * when there is none. Throws for a bad key, or when the board's settings
     * service does not answer in SETTINGS_ANSWER_MS.
     */
    get: async function <T = any>(key: string, fallback?: T): Promise<T> {
        return await readStored(key, fallback, false, "settings.get()")
    },
    /**
     * Stores `value` under `key` in flash; it survives restarts and deploys.
     * Throws at once for a bad key or value (naming the limit), and after the
     * write when the store had no room for it.
     */
    set: async function (key: string, value: any): Promise<void> {
        await writeStored(key, value, false, "settings.set()")
    },
    /** Removes `key` (nothing happens when there is none); returns once the store has. Throws for a bad key. */
    delete: async function (key: string): Promise<void> {
        await remove(key, false, "settings.delete()")
    },
}
