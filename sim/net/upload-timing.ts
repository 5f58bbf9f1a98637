// The simulated time an upload takes, by step (sim/drivers/http-upload.ts).
// The bytes really go over loopback, where they take microseconds; what a
// camera would wait for is modelled here and spent on the virtual clock.
// These are modelling choices, stated as such in docs/upload.md, not
// measurements of a board.

/** The world's DNS server answers a name in this long (one round trip on the local network). */
export const DNS_ANSWER_MS = 10

/**
 * Body bytes per second a camera sends over Wi-Fi: 8 Mbit/s of TCP payload.
 * ESP-IDF publishes about 20..30 Mbit/s of TCP TX for the ESP32 in a
 * shielded box (iperf, its Wi-Fi throughput tables); an ESP32-CAM's PCB
 * antenna in a house, sharing the air, gets a fraction of that.
 */
export const WIFI_BYTES_PER_S = 1_000_000

/** Body bytes per second over Ethernet: the ESP32's EMAC and lwIP at 100 Mbit/s give tens of Mbit/s of TCP; 40 Mbit/s assumed. */
export const ETH_BYTES_PER_S = 5_000_000

/**
 * The camera's side of a TLS handshake besides its two round trips: the
 * certificate chain checked and an ECDHE key agreed by mbedTLS on a 240 MHz
 * ESP32 with its bignum accelerator: a few hundred milliseconds.
 */
export const TLS_HANDSHAKE_CPU_MS = 300

/** The simulated time to send `bytes` of body over `iface`, ms. */
export function transferMs(bytes: number, iface: string): number {
    const rate = iface === "eth" ? ETH_BYTES_PER_S : WIFI_BYTES_PER_S
    return Math.ceil((bytes * 1000) / rate)
}
