// Which MAC addresses a station (a camera, a phone) may have as its own.

/**
 * Why `mac` cannot be a station's own address (undefined when it can): the
 * all-zero address is nobody's, and an address with the group bit (the
 * lowest bit of the first byte, IEEE 802 "I/G") set, broadcast included,
 * names a group of receivers, never one sender.
 */
export function stationMacProblem(mac: string): string | undefined {
    const bytes = mac.split(":").map((b) => parseInt(b, 16))
    if (bytes.every((b) => b === 0)) return "is all zeros, which is no device's address: give a unicast MAC"
    if (bytes.every((b) => b === 255)) return "is the broadcast address: give a unicast MAC"
    if (bytes[0] & 1)
        return "is a multicast address (the lowest bit of its first byte is set): give a unicast MAC, e.g. 24:0a:c4:..."
    return undefined
}
