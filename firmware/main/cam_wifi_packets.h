// Wire layouts of the Camscript Wi-Fi station packets (services/wifi-station.md).
//
// Every packet is built and read byte by byte at the explicit offsets below,
// never by copying a C struct: C pads structs (the generated
// jd_cam_wifi_station_set_address_t is 20 bytes, its wire form 17) and the
// generated headers cannot describe what follows a string0. Integers are
// little-endian on the wire, as every Jacdac integer, whatever the host.
//
// The functions are pure (no ESP-IDF, no Jacdac), so the layouts are
// unit-tested on the host (firmware/test/test_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAM_WIFI_SSID_MAX_LENGTH 32 // 802.11 limit
#define CAM_WIFI_KEY_MAX_LENGTH 64  // 8..63 character passphrase, or 64 hex digits
#define CAM_WIFI_BSSID_LENGTH 6

// ---- event link
//   state u8, rssi i8, reason u16, channel u8, security u8, reserved u16 (0),
//   ip u32, netmask u32, gateway u32, dns u32, ssid string0, bssid bytes
//   (6 bytes, or none when no access point is named).
#define CAM_LINK_OFFSET_STATE 0
#define CAM_LINK_OFFSET_RSSI 1
#define CAM_LINK_OFFSET_REASON 2
#define CAM_LINK_OFFSET_CHANNEL 4
#define CAM_LINK_OFFSET_SECURITY 5
#define CAM_LINK_OFFSET_RESERVED 6
#define CAM_LINK_OFFSET_IP 8
#define CAM_LINK_OFFSET_NETMASK 12
#define CAM_LINK_OFFSET_GATEWAY 16
#define CAM_LINK_OFFSET_DNS 20
#define CAM_LINK_OFFSET_SSID 24
#define CAM_LINK_MAX_SIZE                                                                          \
    (CAM_LINK_OFFSET_SSID + CAM_WIFI_SSID_MAX_LENGTH + 1 + CAM_WIFI_BSSID_LENGTH)

// ---- event scan_record
//   index u8, rssi i8, channel u8, security u8, hidden u8, ssid string0,
//   bssid bytes (6).
#define CAM_SCAN_RECORD_OFFSET_INDEX 0
#define CAM_SCAN_RECORD_OFFSET_RSSI 1
#define CAM_SCAN_RECORD_OFFSET_CHANNEL 2
#define CAM_SCAN_RECORD_OFFSET_SECURITY 3
#define CAM_SCAN_RECORD_OFFSET_HIDDEN 4
#define CAM_SCAN_RECORD_OFFSET_SSID 5
#define CAM_SCAN_RECORD_MAX_SIZE                                                                   \
    (CAM_SCAN_RECORD_OFFSET_SSID + CAM_WIFI_SSID_MAX_LENGTH + 1 + CAM_WIFI_BSSID_LENGTH)

// ---- command associate
//   channel_hint u8, ssid string0, key string0, bssid bytes (0 or 6 bytes).
#define CAM_ASSOCIATE_OFFSET_CHANNEL_HINT 0
#define CAM_ASSOCIATE_OFFSET_SSID 1

// ---- command set_address
//   ip u32, netmask u32, gateway u32, dns u32, mode u8: 17 bytes.
#define CAM_SET_ADDRESS_OFFSET_IP 0
#define CAM_SET_ADDRESS_OFFSET_NETMASK 4
#define CAM_SET_ADDRESS_OFFSET_GATEWAY 8
#define CAM_SET_ADDRESS_OFFSET_DNS 12
#define CAM_SET_ADDRESS_OFFSET_MODE 16
#define CAM_SET_ADDRESS_SIZE 17

// ---- command set_enterprise (3 bytes; contract 1.1)
//   method u8, phase2 u8, insecure u8.
#define CAM_SET_ENTERPRISE_OFFSET_METHOD 0
#define CAM_SET_ENTERPRISE_OFFSET_PHASE2 1
#define CAM_SET_ENTERPRISE_OFFSET_INSECURE 2
#define CAM_SET_ENTERPRISE_SIZE 3

// ---- command set_credential (6 + 1..200 bytes; contract 1.1)
//   kind u8, reserved u8, offset u16, total u16, data bytes (the rest).
#define CAM_SET_CREDENTIAL_OFFSET_KIND 0
#define CAM_SET_CREDENTIAL_OFFSET_RESERVED 1
#define CAM_SET_CREDENTIAL_OFFSET_OFFSET 2
#define CAM_SET_CREDENTIAL_OFFSET_TOTAL 4
#define CAM_SET_CREDENTIAL_OFFSET_DATA 6
#define CAM_CREDENTIAL_CHUNK_MAX_LENGTH 200 // "One chunk (at most 200 bytes)"

// ---- command associate_enterprise (contract 1.1)
//   channel_hint u8, ssid string0 (1..32 bytes), bssid bytes (0 or 6).
#define CAM_ASSOCIATE_ENTERPRISE_OFFSET_CHANNEL_HINT 0
#define CAM_ASSOCIATE_ENTERPRISE_OFFSET_SSID 1

// The contract's Credential kinds are 0..7 (Identity .. ServerDomain).
#define CAM_CREDENTIAL_KIND_COUNT 8

// IPv4 addresses as the contract carries them: a.b.c.d is the u32
// (a << 24) | (b << 16) | (c << 8) | d.
typedef struct {
    uint32_t ip;
    uint32_t netmask;
    uint32_t gateway;
    uint32_t dns;
} cam_ipv4_config_t;

// Everything a `link` event carries, in host form.
typedef struct {
    uint8_t state;   // LinkState
    int8_t rssi;     // dBm
    uint16_t reason; // LinkReason
    uint8_t channel;
    uint8_t security; // Security
    cam_ipv4_config_t address;
    uint8_t ssid_length; // the SSID ends at its first NUL byte, if any (string0)
    uint8_t ssid[CAM_WIFI_SSID_MAX_LENGTH];
    bool has_bssid; // an access point is named: bssid goes out as 6 bytes, else none
    uint8_t bssid[CAM_WIFI_BSSID_LENGTH];
} cam_link_snapshot_t;

// One network seen by a scan, in host form.
typedef struct {
    uint8_t index;
    int8_t rssi; // dBm
    uint8_t channel;
    uint8_t security; // Security
    bool hidden;      // then the SSID goes out empty
    uint8_t ssid_length;
    uint8_t ssid[CAM_WIFI_SSID_MAX_LENGTH];
    uint8_t bssid[CAM_WIFI_BSSID_LENGTH];
} cam_scan_record_t;

// One `associate` command, parsed. Holds the key: wipe it after use.
typedef struct {
    uint8_t channel_hint;        // 0: no hint
    bool bssid_pinned;           // a non-zero 6-byte BSSID was given
    uint8_t bssid[CAM_WIFI_BSSID_LENGTH];
    uint8_t ssid_length;         // 1..32
    uint8_t ssid[CAM_WIFI_SSID_MAX_LENGTH];
    uint8_t key_length;          // 0..64
    uint8_t key[CAM_WIFI_KEY_MAX_LENGTH];
} cam_associate_request_t;

// One `set_address` command, parsed. `mode` is not validated here.
typedef struct {
    cam_ipv4_config_t address;
    uint8_t mode; // AddressMode
} cam_set_address_t;

// One `set_enterprise` command, parsed. Values are not validated here.
typedef struct {
    uint8_t method; // EapMethod
    uint8_t phase2; // Phase2
    bool insecure;  // skip the server certificate check
} cam_set_enterprise_t;

// One `set_credential` command, parsed. `data` points into the payload.
typedef struct {
    uint8_t kind; // Credential
    uint16_t offset;
    uint16_t total;
    const uint8_t *data;
    uint8_t length; // 1..200
} cam_credential_chunk_t;

// One credential value being reassembled, on the heap. Holds a secret.
typedef struct {
    uint8_t *text;     // total + 1 bytes, zero-filled: NUL-terminated once complete
    uint16_t total;    // the value's length in bytes, without the terminator
    uint16_t received; // bytes 0 .. received - 1 have arrived, in order
} cam_credential_t;

// The enterprise credentials sent since the last `set_enterprise`.
typedef struct {
    bool started; // a set_enterprise was received
    uint8_t method;
    uint8_t phase2;
    bool insecure;
    cam_credential_t values[CAM_CREDENTIAL_KIND_COUNT];
} cam_enterprise_t;

// What became of one chunk.
typedef enum {
    CAM_CHUNK_STORED = 0,    // accepted; the value is not complete yet
    CAM_CHUNK_COMPLETE,      // accepted; the value is complete
    CAM_CHUNK_DUPLICATE,     // bytes already held (a repeated packet): ignored
    CAM_CHUNK_NOT_STARTED,   // no set_enterprise yet: ignored
    CAM_CHUNK_UNKNOWN_KIND,  // not a Credential: ignored
    CAM_CHUNK_TOO_LONG,      // `total` over what this kind may hold: value dropped
    CAM_CHUNK_OUT_OF_ORDER,  // a gap, or another `total` mid-value: value dropped
    CAM_CHUNK_NO_MEMORY,     // the buffer could not be allocated: value dropped
} cam_chunk_result_t;

// Returned by cam_enterprise_missing() when no set_enterprise was received.
#define CAM_ENTERPRISE_NOT_STARTED 0xff
// Returned by cam_enterprise_missing() when nothing is missing.
#define CAM_ENTERPRISE_COMPLETE 0xfe

// Writes the `link` event payload into `out` (at least CAM_LINK_MAX_SIZE
// bytes) and returns its size.
size_t cam_encode_link(uint8_t *out, const cam_link_snapshot_t *link);

// Writes a `scan_record` event payload into `out` (at least
// CAM_SCAN_RECORD_MAX_SIZE bytes) and returns its size.
size_t cam_encode_scan_record(uint8_t *out, const cam_scan_record_t *record);

// Parses an `associate` payload. False (and `request` untouched) when it is
// malformed: a missing string terminator, an SSID of 0 or more than 32
// bytes, a key of more than 64, or a BSSID other than 0 or 6 bytes. An
// all-zero BSSID counts as none ("any access point").
bool cam_parse_associate(const uint8_t *data, size_t size, cam_associate_request_t *request);

// Parses a `set_address` payload. False when it is shorter than 17 bytes.
bool cam_parse_set_address(const uint8_t *data, size_t size, cam_set_address_t *command);

// Little-endian integer access at an explicit offset.
void cam_put_u16_le(uint8_t *at, uint16_t value);
void cam_put_u32_le(uint8_t *at, uint32_t value);
uint32_t cam_get_u32_le(const uint8_t *at);

// ---- Enterprise (contract 1.1)

// Parses a `set_enterprise` payload. False when it is shorter than 3 bytes.
bool cam_parse_set_enterprise(const uint8_t *data, size_t size, cam_set_enterprise_t *command);

// Parses a `set_credential` payload. False when it is malformed: shorter
// than 7 bytes, a chunk of more than 200 bytes, `total` 0, or a chunk
// reaching past `total`.
bool cam_parse_set_credential(const uint8_t *data, size_t size, cam_credential_chunk_t *chunk);

// Parses an `associate_enterprise` payload into `request` (with an empty
// key). Malformed as for cam_parse_associate(): a missing terminator, an
// SSID of 0 or more than 32 bytes, or a BSSID other than 0 or 6 bytes.
bool cam_parse_associate_enterprise(const uint8_t *data, size_t size,
                                    cam_associate_request_t *request);

// The most bytes a credential of `kind` may hold (the bytecode's limits in
// src/network/enterprise.ts); 0 for an unknown kind.
uint16_t cam_credential_max_length(uint8_t kind);

// A name for logs ("ca_cert", ...). Never log a credential's content.
const char *cam_credential_name(uint8_t kind);

// Wipes and frees every value, then starts a new, empty set.
void cam_enterprise_start(cam_enterprise_t *set, const cam_set_enterprise_t *command);

// Adds one chunk. Values arrive in order, as the bytecode sends them: a
// chunk at offset 0 (re)starts its value, each next chunk continues where
// the last ended; a repeat of bytes already held is ignored; anything else
// drops the value (wiped), so a value is only ever complete if every byte
// arrived.
cam_chunk_result_t cam_enterprise_add_chunk(cam_enterprise_t *set,
                                            const cam_credential_chunk_t *chunk);

// A complete value (NUL-terminated; its length in *length), or NULL.
const char *cam_enterprise_value(const cam_enterprise_t *set, uint8_t kind, size_t *length);

// What `associate_enterprise` cannot do without: CAM_ENTERPRISE_NOT_STARTED,
// the first missing Credential kind (PEAP / TTLS: username and password;
// TLS: identity, client certificate and key; unless insecure: the CA
// certificate), or CAM_ENTERPRISE_COMPLETE.
uint8_t cam_enterprise_missing(const cam_enterprise_t *set);

// Wipes and frees every value; the set is then not started.
void cam_enterprise_wipe(cam_enterprise_t *set);

// Zeroes `size` bytes in a way the compiler may not remove (a plain memset
// before free() is a dead store it is allowed to drop).
void cam_wipe(void *secret, size_t size);
