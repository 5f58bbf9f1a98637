// Byte-exact packing of the Camscript Wi-Fi access point packets. See
// cam_wifi_ap_packets.h for the layouts.

#include "cam_wifi_ap_packets.h"

#include <string.h>

// The generated constants of every camscript contract, the access point's
// included (JD_CAM_WIFI_ACCESS_POINT_*): one file,
// .devicescript/c/constants.c, copied under this name (firmware/README.md).
#include "cam_wifi_station_spec.h"

// Tripwires: the offsets above are the contract's, written out by hand. The
// generated structs describe the same fixed heads (none needs padding before
// its variable tail), so if services/wifi-access-point.md is changed and the
// constants regenerated, the build stops here until this file is brought in
// line. Nothing is ever copied through those structs.
_Static_assert(offsetof(jd_cam_wifi_access_point_set_config_t, security) ==
                   CAM_AP_SET_CONFIG_OFFSET_SECURITY,
               "set_config.security");
_Static_assert(offsetof(jd_cam_wifi_access_point_set_config_t, hidden) ==
                   CAM_AP_SET_CONFIG_OFFSET_HIDDEN,
               "set_config.hidden");
_Static_assert(offsetof(jd_cam_wifi_access_point_set_config_t, max_clients) ==
                   CAM_AP_SET_CONFIG_OFFSET_MAX_CLIENTS,
               "set_config.max_clients");
_Static_assert(offsetof(jd_cam_wifi_access_point_set_config_t, ssid) ==
                   CAM_AP_SET_CONFIG_OFFSET_SSID,
               "set_config.ssid");

_Static_assert(offsetof(jd_cam_wifi_access_point_set_address_t, netmask) ==
                   CAM_AP_SET_ADDRESS_OFFSET_NETMASK,
               "set_address.netmask");
_Static_assert(sizeof(jd_cam_wifi_access_point_set_address_t) == CAM_AP_SET_ADDRESS_SIZE,
               "set_address size");

_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, channel) == CAM_AP_LINK_OFFSET_CHANNEL,
               "link.channel");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, reason) == CAM_AP_LINK_OFFSET_REASON,
               "link.reason");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, station_count) ==
                   CAM_AP_LINK_OFFSET_STATION_COUNT,
               "link.station_count");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, max_clients) ==
                   CAM_AP_LINK_OFFSET_MAX_CLIENTS,
               "link.max_clients");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, reserved) ==
                   CAM_AP_LINK_OFFSET_RESERVED,
               "link.reserved");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, ip) == CAM_AP_LINK_OFFSET_IP, "link.ip");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, netmask) == CAM_AP_LINK_OFFSET_NETMASK,
               "link.netmask");
_Static_assert(offsetof(jd_cam_wifi_access_point_link_t, ssid) == CAM_AP_LINK_OFFSET_SSID,
               "link.ssid");

_Static_assert(offsetof(jd_cam_wifi_access_point_station_t, count) ==
                   CAM_AP_STATION_OFFSET_COUNT,
               "station.count");
_Static_assert(offsetof(jd_cam_wifi_access_point_station_t, rssi) == CAM_AP_STATION_OFFSET_RSSI,
               "station.rssi");
_Static_assert(offsetof(jd_cam_wifi_access_point_station_t, reserved) ==
                   CAM_AP_STATION_OFFSET_RESERVED,
               "station.reserved");
_Static_assert(offsetof(jd_cam_wifi_access_point_station_t, ip) == CAM_AP_STATION_OFFSET_IP,
               "station.ip");
_Static_assert(offsetof(jd_cam_wifi_access_point_station_t, mac) == CAM_AP_STATION_OFFSET_MAC,
               "station.mac");

// Takes one NUL-terminated string off the front of [*cursor, end).
static bool ap_take_string0(const uint8_t **cursor, const uint8_t *end, const uint8_t **text,
                         size_t *length) {
    const uint8_t *terminator = memchr(*cursor, 0, (size_t)(end - *cursor));
    if (terminator == NULL)
        return false;
    *text = *cursor;
    *length = (size_t)(terminator - *cursor);
    *cursor = terminator + 1;
    return true;
}

bool cam_ap_parse_set_config(const uint8_t *data, size_t size, cam_ap_config_t *config) {
    if (size < CAM_AP_SET_CONFIG_OFFSET_SSID)
        return false;
    const uint8_t *cursor = data + CAM_AP_SET_CONFIG_OFFSET_SSID;
    const uint8_t *end = data + size;

    const uint8_t *ssid, *key;
    size_t ssid_length, key_length;
    if (!ap_take_string0(&cursor, end, &ssid, &ssid_length) ||
        !ap_take_string0(&cursor, end, &key, &key_length))
        return false; // a terminator is missing
    if (cursor != end)
        return false; // nothing follows the key in this contract
    if (ssid_length == 0 || ssid_length > CAM_WIFI_SSID_MAX_LENGTH ||
        key_length > CAM_AP_KEY_MAX_LENGTH)
        return false;

    memset(config, 0, sizeof(*config));
    config->channel = data[CAM_AP_SET_CONFIG_OFFSET_CHANNEL];
    config->security = data[CAM_AP_SET_CONFIG_OFFSET_SECURITY];
    config->hidden = data[CAM_AP_SET_CONFIG_OFFSET_HIDDEN] != 0;
    config->max_clients = data[CAM_AP_SET_CONFIG_OFFSET_MAX_CLIENTS];
    memcpy(config->ssid, ssid, ssid_length);
    config->ssid_length = (uint8_t)ssid_length;
    memcpy(config->key, key, key_length);
    config->key_length = (uint8_t)key_length;
    return true;
}

bool cam_ap_parse_set_address(const uint8_t *data, size_t size, cam_ap_address_t *address) {
    if (size < CAM_AP_SET_ADDRESS_SIZE)
        return false;
    address->ip = cam_get_u32_le(data + CAM_AP_SET_ADDRESS_OFFSET_IP);
    address->netmask = cam_get_u32_le(data + CAM_AP_SET_ADDRESS_OFFSET_NETMASK);
    return true;
}

size_t cam_ap_encode_link(uint8_t *out, const cam_ap_link_snapshot_t *link) {
    out[CAM_AP_LINK_OFFSET_STATE] = link->state;
    out[CAM_AP_LINK_OFFSET_CHANNEL] = link->channel;
    cam_put_u16_le(out + CAM_AP_LINK_OFFSET_REASON, link->reason);
    out[CAM_AP_LINK_OFFSET_STATION_COUNT] = link->station_count;
    out[CAM_AP_LINK_OFFSET_MAX_CLIENTS] = link->max_clients;
    cam_put_u16_le(out + CAM_AP_LINK_OFFSET_RESERVED, 0);
    cam_put_u32_le(out + CAM_AP_LINK_OFFSET_IP, link->address.ip);
    cam_put_u32_le(out + CAM_AP_LINK_OFFSET_NETMASK, link->address.netmask);
    // `string`: the rest of the payload, no terminator. An SSID cannot
    // contain a NUL on the way in (string0), so one here ends it.
    size_t length = link->ssid_length;
    if (length > CAM_WIFI_SSID_MAX_LENGTH)
        length = CAM_WIFI_SSID_MAX_LENGTH;
    const uint8_t *nul = memchr(link->ssid, 0, length);
    if (nul != NULL)
        length = (size_t)(nul - link->ssid);
    memcpy(out + CAM_AP_LINK_OFFSET_SSID, link->ssid, length);
    return CAM_AP_LINK_OFFSET_SSID + length;
}

size_t cam_ap_encode_station(uint8_t *out, const cam_ap_station_t *station) {
    out[CAM_AP_STATION_OFFSET_INDEX] = station->index;
    out[CAM_AP_STATION_OFFSET_COUNT] = station->count;
    out[CAM_AP_STATION_OFFSET_RSSI] = (uint8_t)station->rssi;
    out[CAM_AP_STATION_OFFSET_RESERVED] = 0;
    cam_put_u32_le(out + CAM_AP_STATION_OFFSET_IP, station->ip);
    memcpy(out + CAM_AP_STATION_OFFSET_MAC, station->mac, CAM_AP_MAC_LENGTH);
    return CAM_AP_STATION_SIZE;
}
