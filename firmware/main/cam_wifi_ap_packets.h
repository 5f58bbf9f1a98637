// Wire layouts of the Camscript Wi-Fi access point packets
// (services/wifi-access-point.md).
//
// As for the Wi-Fi station (cam_wifi_packets.h), every packet is built and
// read byte by byte at the explicit offsets below, never by copying a C
// struct, and integers are little-endian on the wire whatever the host. The
// little-endian helpers are the station's.
//
// The functions are pure (no ESP-IDF, no Jacdac), so the layouts are
// unit-tested on the host (firmware/test/test_ap_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cam_wifi_packets.h" // CAM_WIFI_SSID_MAX_LENGTH, cam_put_*_le, cam_get_u32_le

#define CAM_AP_KEY_MAX_LENGTH 64 // 8..63 character passphrase, or 64 hex digits
#define CAM_AP_MAC_LENGTH 6

// ---- command set_config
//   channel u8, security u8, hidden u8, max_clients u8, ssid string0,
//   key string0. Nothing follows the key's terminator.
#define CAM_AP_SET_CONFIG_OFFSET_CHANNEL 0
#define CAM_AP_SET_CONFIG_OFFSET_SECURITY 1
#define CAM_AP_SET_CONFIG_OFFSET_HIDDEN 2
#define CAM_AP_SET_CONFIG_OFFSET_MAX_CLIENTS 3
#define CAM_AP_SET_CONFIG_OFFSET_SSID 4

// ---- command set_address (8 bytes)
//   ip u32, netmask u32.
#define CAM_AP_SET_ADDRESS_OFFSET_IP 0
#define CAM_AP_SET_ADDRESS_OFFSET_NETMASK 4
#define CAM_AP_SET_ADDRESS_SIZE 8

// ---- event link (16 + ssid bytes)
//   state u8, channel u8, reason u16, station_count u8, max_clients u8,
//   reserved u16 (0), ip u32, netmask u32, ssid `string` (the rest of the
//   payload, no terminator).
#define CAM_AP_LINK_OFFSET_STATE 0
#define CAM_AP_LINK_OFFSET_CHANNEL 1
#define CAM_AP_LINK_OFFSET_REASON 2
#define CAM_AP_LINK_OFFSET_STATION_COUNT 4
#define CAM_AP_LINK_OFFSET_MAX_CLIENTS 5
#define CAM_AP_LINK_OFFSET_RESERVED 6
#define CAM_AP_LINK_OFFSET_IP 8
#define CAM_AP_LINK_OFFSET_NETMASK 12
#define CAM_AP_LINK_OFFSET_SSID 16
#define CAM_AP_LINK_MAX_SIZE (CAM_AP_LINK_OFFSET_SSID + CAM_WIFI_SSID_MAX_LENGTH)

// ---- event station (14 bytes)
//   index u8, count u8, rssi i8, reserved u8 (0), ip u32, mac bytes (6).
#define CAM_AP_STATION_OFFSET_INDEX 0
#define CAM_AP_STATION_OFFSET_COUNT 1
#define CAM_AP_STATION_OFFSET_RSSI 2
#define CAM_AP_STATION_OFFSET_RESERVED 3
#define CAM_AP_STATION_OFFSET_IP 4
#define CAM_AP_STATION_OFFSET_MAC 8
#define CAM_AP_STATION_SIZE (CAM_AP_STATION_OFFSET_MAC + CAM_AP_MAC_LENGTH)

// ---- event stations_done (1 byte)
//   count u8.
#define CAM_AP_STATIONS_DONE_SIZE 1

// One `set_config` command, parsed. Holds the key: wipe it after use.
// Values are not validated here (the service checks security, channel and
// the key's length against the security).
typedef struct {
    uint8_t channel;
    uint8_t security; // Security
    bool hidden;
    uint8_t max_clients;
    uint8_t ssid_length; // 1..32
    uint8_t ssid[CAM_WIFI_SSID_MAX_LENGTH];
    uint8_t key_length; // 0..64
    uint8_t key[CAM_AP_KEY_MAX_LENGTH];
} cam_ap_config_t;

// One `set_address` command, parsed (contract u32 form, a.b.c.d as
// (a << 24) | (b << 16) | (c << 8) | d).
typedef struct {
    uint32_t ip;
    uint32_t netmask;
} cam_ap_address_t;

// Everything a `link` event carries, in host form.
typedef struct {
    uint8_t state;   // ApState
    uint8_t channel; // in use; 0 while stopped
    uint16_t reason; // ApReason
    uint8_t station_count;
    uint8_t max_clients;
    cam_ap_address_t address;
    uint8_t ssid_length; // cut at its first NUL byte, if any
    uint8_t ssid[CAM_WIFI_SSID_MAX_LENGTH];
} cam_ap_link_snapshot_t;

// One connected station, in host form.
typedef struct {
    uint8_t index;
    uint8_t count;
    int8_t rssi; // dBm
    uint32_t ip; // 0 until its DHCP lease
    uint8_t mac[CAM_AP_MAC_LENGTH];
} cam_ap_station_t;

// Parses a `set_config` payload. False (and `config` untouched) when it is
// malformed: shorter than the fixed head, a string terminator missing, an
// SSID of 0 or more than 32 bytes, a key of more than 64, or bytes after
// the key's terminator.
bool cam_ap_parse_set_config(const uint8_t *data, size_t size, cam_ap_config_t *config);

// Parses a `set_address` payload. False when it is shorter than 8 bytes.
bool cam_ap_parse_set_address(const uint8_t *data, size_t size, cam_ap_address_t *address);

// Writes the `link` event payload into `out` (at least CAM_AP_LINK_MAX_SIZE
// bytes) and returns its size.
size_t cam_ap_encode_link(uint8_t *out, const cam_ap_link_snapshot_t *link);

// Writes a `station` event payload (CAM_AP_STATION_SIZE bytes) into `out`
// and returns its size.
size_t cam_ap_encode_station(uint8_t *out, const cam_ap_station_t *station);
