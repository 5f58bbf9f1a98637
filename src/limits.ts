// Every limit a script's arguments are checked against, in one place. The
// checks in src/network/credentials.ts, address.ts and ranges.ts read these; so does the table in
// limits/table.ts, from which docs/limits.md is written and the edge tests
// (test/limits.test.ts) are generated. Plain numbers and no imports: this
// module is compiled into the image and also runs under Node.
//
// Each limit has its reason beside it; a new one gets an entry in
// limits/table.ts, or test/limits.test.ts fails naming it.

/** Network name (SSID): bytes of UTF-8. 802.11 carries at most 32; an empty one is a hidden network's. */
export const SSID_MIN_BYTES = 1
export const SSID_MAX_BYTES = 32

/** WPA2/WPA3 passphrase: printable ASCII characters (IEEE 802.11i, annex M.4). */
export const KEY_MIN_CHARS = 8
export const KEY_MAX_CHARS = 63
/** ...or the 256-bit pre-shared key itself, as this many hex digits. */
export const KEY_HEX_DIGITS = 64
/** Printable ASCII: space (32) to tilde (126). */
export const KEY_FIRST_CHAR_CODE = 32
export const KEY_LAST_CHAR_CODE = 126

/** DHCP hostname: ESP-IDF's netif keeps at most 32 characters (letters, digits, '-'). */
export const HOSTNAME_MIN_CHARS = 1
export const HOSTNAME_MAX_CHARS = 32

/** One label of a domain name (RFC 1035): 1..63 characters; the whole name at most 253. */
export const DOMAIN_LABEL_MAX_CHARS = 63
export const DOMAIN_MAX_CHARS = 253

/** A MAC address (a BSSID): six bytes, written aa:bb:cc:dd:ee:ff. */
export const MAC_BYTES = 6

/** Each of the four numbers of an IPv4 address. */
export const IPV4_PART_MAX = 255

/** Wi-Fi channels of the 2.4 GHz band the ESP32's default country (CN, 1..13) allows. */
export const CHANNEL_MIN = 1
export const CHANNEL_MAX = 13

/** ESP-IDF's soft-AP serves at most 10 stations (ESP_WIFI_MAX_CONN_NUM). */
export const AP_CLIENTS_MIN = 1
export const AP_CLIENTS_MAX = 10

/** Station transmit power, dBm: esp_wifi_set_max_tx_power takes 8..84 quarter-dBm, 2..21 dBm; 20 is the regulatory cap. */
export const TXPOWER_MIN_DBM = 2
export const TXPOWER_MAX_DBM = 20

/** `reconnects`: -1 retries forever, 0 never, n n times. */
export const RECONNECTS_MIN = -1

/**
 * `scan()` keeps at most this many networks, the strongest; the others are
 * only counted (`status("scan_dropped")`). A kept network costs about 380
 * bytes of the VM's 64 KB heap, so a full list takes about 7.5 KB.
 */
export const SCAN_MIN_RESULTS = 1
export const SCAN_MAX_RESULTS = 20

/** Ethernet PHY address on the management bus (MDIO): 5 bits. */
export const PHY_ADDR_MIN = 0
export const PHY_ADDR_MAX = 31
/** GPIO numbers of the ESP32 family (the S3 has 0..48); -1 means "not wired". */
export const GPIO_NONE = -1
export const GPIO_MAX = 48
/** SPI host of a W5500: 1 (SPI2) or 2 (SPI3); SPI1 holds the flash. */
export const SPI_HOST_MIN = 1
export const SPI_HOST_MAX = 2
/** RMII reference clock modes: GPIO0 in, GPIO0 out, GPIO16 out, GPIO17 out. */
export const REF_CLK_MODE_MIN = 0
export const REF_CLK_MODE_MAX = 3

/** Enterprise credentials the chip holds in RAM, PEM text as given, bytes. */
export const CA_CERT_MAX_BYTES = 8192
export const CLIENT_CERT_MAX_BYTES = 4096
export const CLIENT_KEY_MAX_BYTES = 4096
/** Identities, usernames and passwords: ESP-IDF's EAP client takes 1..127 bytes. */
export const EAP_TEXT_MIN_BYTES = 1
export const EAP_TEXT_MAX_BYTES = 127

/** JPEG quality as esp32-camera takes it (camera_config_t.jpeg_quality): 0..63, lower is better. */
export const JPEG_QUALITY_MIN = 0
export const JPEG_QUALITY_MAX = 63
/**
 * Frame buffers: at least one; camscript allows up to 4. A `fresh` capture
 * gives back every buffer filled before the call, so more buffers buy
 * nothing there; they help the `latest` (streaming) mode and a script that
 * keeps a few frames while it sends one.
 */
export const FB_COUNT_MIN = 1
export const FB_COUNT_MAX = 4
/** Brightness, contrast and saturation: sensor_t's set_brightness etc. take -2..2 on the OV2640/OV3660/OV5640. */
export const SENSOR_LEVEL_MIN = -2
export const SENSOR_LEVEL_MAX = 2
/** Manual exposure (set_aec_value): 0..1200 lines on the OV2640. */
export const EXPOSURE_MIN = 0
export const EXPOSURE_MAX = 1200
/** Manual gain (set_agc_gain): 0..30, 1x..31x on the OV2640. */
export const GAIN_MIN = 0
export const GAIN_MAX = 30
/** White balance mode (set_wb_mode): 0 auto, 1 sunny, 2 cloudy, 3 office, 4 home. */
export const WB_MODE_MIN = 0
export const WB_MODE_MAX = 4
/** The flash LED as a light (LEDC duty, 8 bits): 0 off .. 255 full. */
export const FLASH_LEVEL_MIN = 0
export const FLASH_LEVEL_MAX = 255
/**
 * Without PSRAM a frame buffer lives in internal RAM beside the VM's 64 KB
 * heap and the Wi-Fi buffers: camscript allows one buffer of at most this
 * many bytes (esp32-camera sizes a JPEG buffer width * height / 5, so HVGA,
 * 480x320, is the largest frame that fits).
 */
export const DRAM_FRAME_BUFFER_MAX_BYTES = 32768
/** Of the board's PSRAM, this much is left to everything else (Wi-Fi and lwIP buffers, the network's send queues). */
export const PSRAM_RESERVED_BYTES = 1048576
/**
 * Settings (`settings.set(key, value)`), kept by the runtime's Jacdac settings
 * service in flash. A key is 1..13 characters: DeviceScript's own settings
 * client allows 13 (@devicescript/settings MAX_KEY_SIZE); jacdac-c's service
 * (services/settings.c) stores it behind a ':' in jd_fstor.c's 15-character
 * entry key. Letters, digits, '_', '-' and '.' only: a key is a C string there.
 */
export const SETTING_KEY_MIN_CHARS = 1
export const SETTING_KEY_MAX_CHARS = 13
/**
 * A value travels in one Jacdac packet as key, NUL, value, both in the set
 * command and in the get reply (jacdac-c services/settings.c). A frame holds
 * 236 bytes of data (jd_physical.h JD_SERIAL_PAYLOAD_SIZE) and the packet's
 * own header takes 4 of them (jd_util.c jd_push_in_frame), so a payload is at
 * most 232 bytes and a value at most 231 minus the key's length, in bytes of
 * its JSON text. Measured on the VM: 232 is kept, 233 never arrives.
 */
export const SETTING_PACKET_BYTES = 231
/**
 * All settings together: jd_fstor.c keeps the small entries in its header
 * area, 1/16 of the `fstor` partition (256 KB on the ESP32 runtime 2.16, so
 * 16 KB), 24 bytes of entry per key plus the value rounded up to 8 bytes. The
 * runtime drops a set that does not fit; set() reads back and says so.
 */
export const SETTINGS_STORE_BYTES = 16384

/**
 * Deep sleep, milliseconds: at least 1, at most what the contract's u32
 * carries (49.7 days). ESP-IDF's timer takes a 64-bit count of microseconds
 * (esp_sleep_enable_timer_wakeup), so the contract, not the chip, sets the top.
 */
export const DEEP_SLEEP_MIN_MS = 1
export const DEEP_SLEEP_MAX_MS = 4294967295
