import { existsSync } from "node:fs"
import { readRegularFile } from "../project/files"
import { writePrivateFile } from "../project/destinations"

// `camscript sim --flash FILE`: the simulated board's flash kept in a file,
// so one run's settings (fast reconnect's memory of the last access point,
// channel and lease) are there at the next, as a restart keeps them on the
// chip. The flash also holds the deployed program, whose strings can include
// passwords: the file is written readable by its owner only.

/** A board's flash is 4 MB at most: no flash file is larger. */
export const MAX_FLASH_BYTES = 4 * 1024 * 1024

export interface FlashStore {
    data?: Uint8Array
}

export function loadFlashFile(path: string): FlashStore {
    if (!existsSync(path)) return {}
    const data = readRegularFile(path, `the flash file ${path}`, MAX_FLASH_BYTES)
    return { data: new Uint8Array(data) }
}

export function saveFlashFile(path: string, store: FlashStore) {
    // 0600 even when the file existed with a wider mode (project/destinations.ts)
    if (store.data) writePrivateFile(path, store.data)
}
