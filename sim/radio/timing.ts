// How long each step of joining a network takes in the simulator. Figures
// are those of an ESP32 station with ESP-IDF's defaults; each is named so
// tests and docs can refer to it (docs/world-format.md#timing).

/** Active scan dwell per channel (ESP-IDF default max active scan time: 120 ms). */
export const SCAN_DWELL_MS = 120
/** Channels 1..13 (the ESP32's default country allows 13). */
const SCAN_CHANNELS = 13
/** A full scan: 13 x 120 ms = 1.56 s. */
export const FULL_SCAN_MS = SCAN_DWELL_MS * SCAN_CHANNELS
/** 802.11 open-system authentication + association request/response. */
export const AUTH_ASSOC_MS = 30
/** WPA2-PSK 4-way handshake (4 EAPOL frames). */
export const WPA2_HANDSHAKE_MS = 40
/** WPA3-SAE commit/confirm: elliptic-curve maths is slow on an ESP32. */
export const SAE_EXCHANGE_MS = 600
/**
 * A wrong passphrase: the AP cannot verify message 2 of the handshake, resends
 * message 1 (4 tries, 1 s apart, as hostapd does), then deauthenticates.
 */
export const WRONG_KEY_DETECT_MS = 4000
/** Handshake frames lost to a marginal signal: the same 4 x 1 s of retries. */
export const HANDSHAKE_TIMEOUT_MS = 4000
/** Beacons missed for this long drop the link (ESP-IDF station inactive time: 6 s). */
export const BEACON_LOSS_MS = 6000
/** An 802.1X login (PEAP/TTLS/TLS): about ten EAP round trips and a TLS handshake on the ESP32. */
export const EAP_EXCHANGE_MS = 1200
/** The supplicant gives up on a login server that never answers. */
export const EAP_SERVER_TIMEOUT_MS = 6000
/**
 * DHCP: a world's `dhcp.delay` is the full exchange (DISCOVER, OFFER,
 * REQUEST, ACK: two round trips). A client that asks for the address it
 * held (INIT-REBOOT: REQUEST, ACK) needs one round trip: this share of it.
 */
export const DHCP_REUSE_SHARE = 0.5
/** Bringing the camera's soft-AP and its DHCP server up. */
export const AP_START_MS = 100
/** The camera's DHCP server answering a phone on the same radio. */
export const AP_DHCP_MS = 50
