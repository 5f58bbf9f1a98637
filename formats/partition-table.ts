import { createHash } from "node:crypto"

// ESP-IDF's binary partition table, written from its generator
// (components/partition_table/gen_esp32part.py, ESP-IDF v5.0.2): 32-byte
// entries `<2sBBLL16sL` (magic AA 50, type, subtype, offset, size, label,
// flags), then an MD5 entry (EB EB, 14 x FF, the MD5 of the entries before
// it), then 32 x FF marks the end; at most 0xC00 bytes. The table itself
// sits at 0x8000 (CONFIG_PARTITION_TABLE_OFFSET's default, where
// devicescript-esp32's `combine` puts it) in one 4 KB sector.

export const PARTITION_TABLE_OFFSET = 0x8000
const PARTITION_TABLE_MAX_BYTES = 0xc00
const ENTRY_BYTES = 32

export const PARTITION_TYPE_APP = 0x00

export interface Partition {
    label: string
    type: number
    subtype: number
    offset: number
    size: number
}

export class PartitionTableError extends Error {}

/** True when `data` starts like a partition table (its first entry's magic). */
export function looksLikePartitionTable(data: Uint8Array): boolean {
    return data.length >= ENTRY_BYTES && data[0] === 0xaa && data[1] === 0x50
}

const u32 = (d: Uint8Array, at: number) => (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0

/** The partitions of the table at the start of `data`; throws naming what is wrong. */
export function parsePartitionTable(data: Uint8Array): Partition[] {
    const out: Partition[] = []
    const md5 = createHash("md5")
    for (let at = 0; at + ENTRY_BYTES <= Math.min(data.length, PARTITION_TABLE_MAX_BYTES); at += ENTRY_BYTES) {
        const entry = data.subarray(at, at + ENTRY_BYTES)
        if (entry.every((b) => b === 0xff)) return out
        if (entry[0] === 0xeb && entry[1] === 0xeb) {
            const stored = Buffer.from(entry.subarray(16)).toString("hex")
            const computed = md5.copy().digest("hex")
            if (stored !== computed)
                throw new PartitionTableError(`its MD5 entry does not match its entries: the table is damaged`)
            continue
        }
        if (entry[0] !== 0xaa || entry[1] !== 0x50)
            throw new PartitionTableError(
                `entry ${out.length} at byte ${at} has no partition magic (AA 50): the table is damaged or this is not a partition table`,
            )
        md5.update(entry)
        let end = 12
        while (end < 28 && entry[end] !== 0) end++
        out.push({
            label: Buffer.from(entry.subarray(12, end)).toString("latin1"),
            type: entry[2],
            subtype: entry[3],
            offset: u32(entry, 4),
            size: u32(entry, 8),
        })
    }
    throw new PartitionTableError("it has no end-of-table marker (32 x FF) within 0xC00 bytes: the file is truncated")
}
