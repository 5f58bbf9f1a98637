// Byte-exact packing of the Camscript Wi-Fi station packets. See
// cam_wifi_packets.h for the layouts.

#include "cam_wifi_packets.h"

#include <string.h>

#include "cam_wifi_station_spec.h"

// Tripwires: the offsets above are the contract's, written out by hand. The
// generated structs describe the same fixed heads (they happen to need no
// padding before their string0 field), so if services/wifi-station.md is
// changed and the constants regenerated, the build stops here until this
// file is brought in line. Nothing is ever copied through those structs.
_Static_assert(offsetof(jd_cam_wifi_station_link_t, rssi) == CAM_LINK_OFFSET_RSSI, "link.rssi");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, reason) == CAM_LINK_OFFSET_REASON,
               "link.reason");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, channel) == CAM_LINK_OFFSET_CHANNEL,
               "link.channel");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, security) == CAM_LINK_OFFSET_SECURITY,
               "link.security");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, reserved) == CAM_LINK_OFFSET_RESERVED,
               "link.reserved");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, ip) == CAM_LINK_OFFSET_IP, "link.ip");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, netmask) == CAM_LINK_OFFSET_NETMASK,
               "link.netmask");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, gateway) == CAM_LINK_OFFSET_GATEWAY,
               "link.gateway");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, dns) == CAM_LINK_OFFSET_DNS, "link.dns");
_Static_assert(offsetof(jd_cam_wifi_station_link_t, ssid) == CAM_LINK_OFFSET_SSID, "link.ssid");
_Static_assert(offsetof(jd_cam_wifi_station_scan_record_t, rssi) == CAM_SCAN_RECORD_OFFSET_RSSI,
               "scan_record.rssi");
_Static_assert(offsetof(jd_cam_wifi_station_scan_record_t, channel) ==
                   CAM_SCAN_RECORD_OFFSET_CHANNEL,
               "scan_record.channel");
_Static_assert(offsetof(jd_cam_wifi_station_scan_record_t, security) ==
                   CAM_SCAN_RECORD_OFFSET_SECURITY,
               "scan_record.security");
_Static_assert(offsetof(jd_cam_wifi_station_scan_record_t, hidden) ==
                   CAM_SCAN_RECORD_OFFSET_HIDDEN,
               "scan_record.hidden");
_Static_assert(offsetof(jd_cam_wifi_station_scan_record_t, ssid) == CAM_SCAN_RECORD_OFFSET_SSID,
               "scan_record.ssid");
_Static_assert(offsetof(jd_cam_wifi_station_associate_t, ssid) == CAM_ASSOCIATE_OFFSET_SSID,
               "associate.ssid");
_Static_assert(offsetof(jd_cam_wifi_station_set_address_t, netmask) ==
                   CAM_SET_ADDRESS_OFFSET_NETMASK,
               "set_address.netmask");
_Static_assert(offsetof(jd_cam_wifi_station_set_address_t, gateway) ==
                   CAM_SET_ADDRESS_OFFSET_GATEWAY,
               "set_address.gateway");
_Static_assert(offsetof(jd_cam_wifi_station_set_address_t, dns) == CAM_SET_ADDRESS_OFFSET_DNS,
               "set_address.dns");
_Static_assert(offsetof(jd_cam_wifi_station_set_address_t, mode) == CAM_SET_ADDRESS_OFFSET_MODE,
               "set_address.mode");

void cam_put_u16_le(uint8_t *at, uint16_t value) {
    at[0] = (uint8_t)value;
    at[1] = (uint8_t)(value >> 8);
}

void cam_put_u32_le(uint8_t *at, uint32_t value) {
    at[0] = (uint8_t)value;
    at[1] = (uint8_t)(value >> 8);
    at[2] = (uint8_t)(value >> 16);
    at[3] = (uint8_t)(value >> 24);
}

uint32_t cam_get_u32_le(const uint8_t *at) {
    return (uint32_t)at[0] | ((uint32_t)at[1] << 8) | ((uint32_t)at[2] << 16) |
           ((uint32_t)at[3] << 24);
}

// Writes `text` as a string0 (cut at its first NUL, at most 32 bytes) and
// returns the bytes written, terminator included.
static size_t put_string0(uint8_t *at, const uint8_t *text, size_t length) {
    if (length > CAM_WIFI_SSID_MAX_LENGTH)
        length = CAM_WIFI_SSID_MAX_LENGTH;
    const uint8_t *nul = memchr(text, 0, length);
    if (nul != NULL)
        length = (size_t)(nul - text);
    memcpy(at, text, length);
    at[length] = 0;
    return length + 1;
}

size_t cam_encode_link(uint8_t *out, const cam_link_snapshot_t *link) {
    out[CAM_LINK_OFFSET_STATE] = link->state;
    out[CAM_LINK_OFFSET_RSSI] = (uint8_t)link->rssi;
    cam_put_u16_le(out + CAM_LINK_OFFSET_REASON, link->reason);
    out[CAM_LINK_OFFSET_CHANNEL] = link->channel;
    out[CAM_LINK_OFFSET_SECURITY] = link->security;
    cam_put_u16_le(out + CAM_LINK_OFFSET_RESERVED, 0);
    cam_put_u32_le(out + CAM_LINK_OFFSET_IP, link->address.ip);
    cam_put_u32_le(out + CAM_LINK_OFFSET_NETMASK, link->address.netmask);
    cam_put_u32_le(out + CAM_LINK_OFFSET_GATEWAY, link->address.gateway);
    cam_put_u32_le(out + CAM_LINK_OFFSET_DNS, link->address.dns);
    size_t size = CAM_LINK_OFFSET_SSID;
    size += put_string0(out + size, link->ssid, link->ssid_length);
    if (link->has_bssid) {
        memcpy(out + size, link->bssid, CAM_WIFI_BSSID_LENGTH);
        size += CAM_WIFI_BSSID_LENGTH;
    }
    return size;
}

size_t cam_encode_scan_record(uint8_t *out, const cam_scan_record_t *record) {
    out[CAM_SCAN_RECORD_OFFSET_INDEX] = record->index;
    out[CAM_SCAN_RECORD_OFFSET_RSSI] = (uint8_t)record->rssi;
    out[CAM_SCAN_RECORD_OFFSET_CHANNEL] = record->channel;
    out[CAM_SCAN_RECORD_OFFSET_SECURITY] = record->security;
    out[CAM_SCAN_RECORD_OFFSET_HIDDEN] = record->hidden ? 1 : 0;
    size_t size = CAM_SCAN_RECORD_OFFSET_SSID;
    // "hidden is 1 for an access point that does not broadcast its SSID;
    // then ssid is empty."
    size += put_string0(out + size, record->ssid, record->hidden ? 0 : record->ssid_length);
    memcpy(out + size, record->bssid, CAM_WIFI_BSSID_LENGTH);
    return size + CAM_WIFI_BSSID_LENGTH;
}

// Takes one NUL-terminated string off the front of [*cursor, end).
static bool take_string0(const uint8_t **cursor, const uint8_t *end, const uint8_t **text,
                         size_t *length) {
    const uint8_t *terminator = memchr(*cursor, 0, (size_t)(end - *cursor));
    if (terminator == NULL)
        return false;
    *text = *cursor;
    *length = (size_t)(terminator - *cursor);
    *cursor = terminator + 1;
    return true;
}

bool cam_parse_associate(const uint8_t *data, size_t size, cam_associate_request_t *request) {
    if (size < CAM_ASSOCIATE_OFFSET_SSID)
        return false;
    const uint8_t *cursor = data + CAM_ASSOCIATE_OFFSET_SSID;
    const uint8_t *end = data + size;

    const uint8_t *ssid, *key;
    size_t ssid_length, key_length;
    if (!take_string0(&cursor, end, &ssid, &ssid_length) ||
        !take_string0(&cursor, end, &key, &key_length))
        return false; // a terminator is missing
    if (ssid_length == 0 || ssid_length > CAM_WIFI_SSID_MAX_LENGTH ||
        key_length > CAM_WIFI_KEY_MAX_LENGTH)
        return false;
    size_t bssid_length = (size_t)(end - cursor);
    if (bssid_length != 0 && bssid_length != CAM_WIFI_BSSID_LENGTH)
        return false;

    memset(request, 0, sizeof(*request));
    request->channel_hint = data[CAM_ASSOCIATE_OFFSET_CHANNEL_HINT];
    if (bssid_length == CAM_WIFI_BSSID_LENGTH) {
        memcpy(request->bssid, cursor, CAM_WIFI_BSSID_LENGTH);
        for (size_t i = 0; i < CAM_WIFI_BSSID_LENGTH; ++i)
            if (request->bssid[i] != 0)
                request->bssid_pinned = true; // all zero still means "any"
    }
    memcpy(request->ssid, ssid, ssid_length);
    request->ssid_length = (uint8_t)ssid_length;
    memcpy(request->key, key, key_length);
    request->key_length = (uint8_t)key_length;
    return true;
}

bool cam_parse_set_address(const uint8_t *data, size_t size, cam_set_address_t *command) {
    if (size < CAM_SET_ADDRESS_SIZE)
        return false;
    command->address.ip = cam_get_u32_le(data + CAM_SET_ADDRESS_OFFSET_IP);
    command->address.netmask = cam_get_u32_le(data + CAM_SET_ADDRESS_OFFSET_NETMASK);
    command->address.gateway = cam_get_u32_le(data + CAM_SET_ADDRESS_OFFSET_GATEWAY);
    command->address.dns = cam_get_u32_le(data + CAM_SET_ADDRESS_OFFSET_DNS);
    command->mode = data[CAM_SET_ADDRESS_OFFSET_MODE];
    return true;
}
