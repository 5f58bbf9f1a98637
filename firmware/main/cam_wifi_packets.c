// Byte-exact packing of the Camscript Wi-Fi station packets. See
// cam_wifi_packets.h for the layouts.

#include "cam_wifi_packets.h"

#include <stdlib.h>
#include <string.h>

#include "cam_wifi_station_spec.h"

// How credential buffers are freed. The host test replaces it to check that
// every buffer is wiped before it is released.
#ifndef CAM_CREDENTIAL_FREE
#define CAM_CREDENTIAL_FREE free
#endif

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

// Contract 1.1 (enterprise).
_Static_assert(sizeof(jd_cam_wifi_station_set_enterprise_t) == CAM_SET_ENTERPRISE_SIZE,
               "set_enterprise size");
_Static_assert(offsetof(jd_cam_wifi_station_set_enterprise_t, phase2) ==
                   CAM_SET_ENTERPRISE_OFFSET_PHASE2,
               "set_enterprise.phase2");
_Static_assert(offsetof(jd_cam_wifi_station_set_enterprise_t, insecure) ==
                   CAM_SET_ENTERPRISE_OFFSET_INSECURE,
               "set_enterprise.insecure");
_Static_assert(offsetof(jd_cam_wifi_station_set_credential_t, reserved) ==
                   CAM_SET_CREDENTIAL_OFFSET_RESERVED,
               "set_credential.reserved");
_Static_assert(offsetof(jd_cam_wifi_station_set_credential_t, offset) ==
                   CAM_SET_CREDENTIAL_OFFSET_OFFSET,
               "set_credential.offset");
_Static_assert(offsetof(jd_cam_wifi_station_set_credential_t, total) ==
                   CAM_SET_CREDENTIAL_OFFSET_TOTAL,
               "set_credential.total");
_Static_assert(offsetof(jd_cam_wifi_station_set_credential_t, data) ==
                   CAM_SET_CREDENTIAL_OFFSET_DATA,
               "set_credential.data");
_Static_assert(offsetof(jd_cam_wifi_station_associate_enterprise_t, ssid) ==
                   CAM_ASSOCIATE_ENTERPRISE_OFFSET_SSID,
               "associate_enterprise.ssid");
_Static_assert(JD_CAM_WIFI_STATION_CREDENTIAL_SERVER_DOMAIN == CAM_CREDENTIAL_KIND_COUNT - 1,
               "Credential kinds are 0 .. CAM_CREDENTIAL_KIND_COUNT - 1");

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

static uint16_t get_u16_le(const uint8_t *at) {
    return (uint16_t)(at[0] | (at[1] << 8));
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

// ------------------------------------------------ enterprise (contract 1.1)

#define CREDENTIAL(name) JD_CAM_WIFI_STATION_CREDENTIAL_##name

bool cam_parse_set_enterprise(const uint8_t *data, size_t size, cam_set_enterprise_t *command) {
    if (size < CAM_SET_ENTERPRISE_SIZE)
        return false;
    command->method = data[CAM_SET_ENTERPRISE_OFFSET_METHOD];
    command->phase2 = data[CAM_SET_ENTERPRISE_OFFSET_PHASE2];
    command->insecure = data[CAM_SET_ENTERPRISE_OFFSET_INSECURE] != 0;
    return true;
}

bool cam_parse_set_credential(const uint8_t *data, size_t size, cam_credential_chunk_t *chunk) {
    if (size <= CAM_SET_CREDENTIAL_OFFSET_DATA)
        return false; // no data: nothing to add
    size_t length = size - CAM_SET_CREDENTIAL_OFFSET_DATA;
    uint16_t offset = get_u16_le(data + CAM_SET_CREDENTIAL_OFFSET_OFFSET);
    uint16_t total = get_u16_le(data + CAM_SET_CREDENTIAL_OFFSET_TOTAL);
    if (length > CAM_CREDENTIAL_CHUNK_MAX_LENGTH || total == 0 ||
        (uint32_t)offset + length > total)
        return false;
    chunk->kind = data[CAM_SET_CREDENTIAL_OFFSET_KIND];
    chunk->offset = offset;
    chunk->total = total;
    chunk->data = data + CAM_SET_CREDENTIAL_OFFSET_DATA;
    chunk->length = (uint8_t)length;
    return true;
}

bool cam_parse_associate_enterprise(const uint8_t *data, size_t size,
                                    cam_associate_request_t *request) {
    if (size < CAM_ASSOCIATE_ENTERPRISE_OFFSET_SSID)
        return false;
    const uint8_t *cursor = data + CAM_ASSOCIATE_ENTERPRISE_OFFSET_SSID;
    const uint8_t *end = data + size;
    const uint8_t *ssid;
    size_t ssid_length;
    if (!take_string0(&cursor, end, &ssid, &ssid_length))
        return false;
    if (ssid_length == 0 || ssid_length > CAM_WIFI_SSID_MAX_LENGTH)
        return false;
    size_t bssid_length = (size_t)(end - cursor);
    if (bssid_length != 0 && bssid_length != CAM_WIFI_BSSID_LENGTH)
        return false;

    memset(request, 0, sizeof(*request)); // no key: the credentials are the set's
    request->channel_hint = data[CAM_ASSOCIATE_ENTERPRISE_OFFSET_CHANNEL_HINT];
    if (bssid_length == CAM_WIFI_BSSID_LENGTH) {
        memcpy(request->bssid, cursor, CAM_WIFI_BSSID_LENGTH);
        for (size_t i = 0; i < CAM_WIFI_BSSID_LENGTH; ++i)
            if (request->bssid[i] != 0)
                request->bssid_pinned = true; // all zero still means "any"
    }
    memcpy(request->ssid, ssid, ssid_length);
    request->ssid_length = (uint8_t)ssid_length;
    return true;
}

uint16_t cam_credential_max_length(uint8_t kind) {
    // The bytecode's limits (src/network/enterprise.ts): MAX_TEXT_BYTES for
    // identities, usernames and passwords, MAX_*_BYTES for PEM, and the
    // length of a domain name.
    switch (kind) {
    case CREDENTIAL(IDENTITY):
    case CREDENTIAL(ANONYMOUS_IDENTITY):
    case CREDENTIAL(USERNAME):
    case CREDENTIAL(PASSWORD):
        return 128;
    case CREDENTIAL(CA_CERT):
        return 8192;
    case CREDENTIAL(CLIENT_CERT):
    case CREDENTIAL(CLIENT_KEY):
        return 4096;
    case CREDENTIAL(SERVER_DOMAIN):
        return 253;
    default:
        return 0;
    }
}

const char *cam_credential_name(uint8_t kind) {
    switch (kind) {
    case CREDENTIAL(IDENTITY):
        return "identity";
    case CREDENTIAL(ANONYMOUS_IDENTITY):
        return "anonymous_identity";
    case CREDENTIAL(USERNAME):
        return "username";
    case CREDENTIAL(PASSWORD):
        return "password";
    case CREDENTIAL(CA_CERT):
        return "ca_cert";
    case CREDENTIAL(CLIENT_CERT):
        return "client_cert";
    case CREDENTIAL(CLIENT_KEY):
        return "client_key";
    case CREDENTIAL(SERVER_DOMAIN):
        return "server_domain";
    default:
        return "unknown";
    }
}

void cam_wipe(void *secret, size_t size) {
    volatile uint8_t *bytes = secret;
    while (size--)
        *bytes++ = 0;
}

static void drop_value(cam_credential_t *value) {
    if (value->text != NULL) {
        cam_wipe(value->text, (size_t)value->total + 1);
        CAM_CREDENTIAL_FREE(value->text);
    }
    value->text = NULL;
    value->total = 0;
    value->received = 0;
}

void cam_enterprise_wipe(cam_enterprise_t *set) {
    for (size_t i = 0; i < CAM_CREDENTIAL_KIND_COUNT; ++i)
        drop_value(&set->values[i]);
    set->started = false;
    set->method = 0;
    set->phase2 = 0;
    set->insecure = false;
}

void cam_enterprise_start(cam_enterprise_t *set, const cam_set_enterprise_t *command) {
    cam_enterprise_wipe(set);
    set->started = true;
    set->method = command->method;
    set->phase2 = command->phase2;
    set->insecure = command->insecure;
}

cam_chunk_result_t cam_enterprise_add_chunk(cam_enterprise_t *set,
                                            const cam_credential_chunk_t *chunk) {
    if (!set->started)
        return CAM_CHUNK_NOT_STARTED;
    if (chunk->kind >= CAM_CREDENTIAL_KIND_COUNT)
        return CAM_CHUNK_UNKNOWN_KIND;
    cam_credential_t *value = &set->values[chunk->kind];
    if (chunk->total > cam_credential_max_length(chunk->kind)) {
        drop_value(value);
        return CAM_CHUNK_TOO_LONG;
    }
    uint32_t end = (uint32_t)chunk->offset + chunk->length;
    bool held = value->text != NULL && chunk->total == value->total && end <= value->received;
    if (held && memcmp(value->text + chunk->offset, chunk->data, chunk->length) == 0)
        return CAM_CHUNK_DUPLICATE; // a repeated packet, the first chunk's included
    if (chunk->offset == 0) {
        // The first chunk (re)starts the value, whatever was held.
        drop_value(value);
        value->text = calloc((size_t)chunk->total + 1, 1); // the terminator stays 0
        if (value->text == NULL)
            return CAM_CHUNK_NO_MEMORY;
        value->total = chunk->total;
    } else if (value->text == NULL || chunk->total != value->total ||
               chunk->offset > value->received || end <= value->received) {
        // A gap, another value's total, or different bytes where the value
        // already has some: the value can no longer be trusted.
        drop_value(value);
        return CAM_CHUNK_OUT_OF_ORDER;
    }
    // offset <= received < end: the chunk continues the value (an overlap
    // with bytes already held rewrites them with the same bytes).
    memcpy(value->text + chunk->offset, chunk->data, chunk->length);
    value->received = (uint16_t)end;
    return value->received == value->total ? CAM_CHUNK_COMPLETE : CAM_CHUNK_STORED;
}

const char *cam_enterprise_value(const cam_enterprise_t *set, uint8_t kind, size_t *length) {
    if (!set->started || kind >= CAM_CREDENTIAL_KIND_COUNT)
        return NULL;
    const cam_credential_t *value = &set->values[kind];
    if (value->text == NULL || value->received != value->total)
        return NULL;
    if (length != NULL)
        *length = value->total;
    return (const char *)value->text;
}

uint8_t cam_enterprise_missing(const cam_enterprise_t *set) {
    if (!set->started)
        return CAM_ENTERPRISE_NOT_STARTED;
    static const uint8_t password_login[] = {CREDENTIAL(USERNAME), CREDENTIAL(PASSWORD)};
    static const uint8_t certificate_login[] = {CREDENTIAL(IDENTITY), CREDENTIAL(CLIENT_CERT),
                                                CREDENTIAL(CLIENT_KEY)};
    bool tls = set->method == JD_CAM_WIFI_STATION_EAP_METHOD_TLS;
    const uint8_t *needed = tls ? certificate_login : password_login;
    size_t count = tls ? sizeof(certificate_login) : sizeof(password_login);
    for (size_t i = 0; i < count; ++i)
        if (cam_enterprise_value(set, needed[i], NULL) == NULL)
            return needed[i];
    if (!set->insecure && cam_enterprise_value(set, CREDENTIAL(CA_CERT), NULL) == NULL)
        return CREDENTIAL(CA_CERT);
    return CAM_ENTERPRISE_COMPLETE;
}
