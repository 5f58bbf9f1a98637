// Host unit test for the wire layouts (firmware/main/cam_wifi_packets.c):
// every packet is compared byte for byte with the layout of
// services/wifi-station.md. Built and run by `make -C firmware/test`; exits
// non-zero on any failure. Keys used here are dummies; none is ever printed.

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Credential buffers: every allocation is recorded, and every free checks
// that the buffer was wiped first (cam_wifi_packets.c frees through
// CAM_CREDENTIAL_FREE).
#define MAX_TRACKED 32
static struct {
    void *at;
    size_t size;
} tracked[MAX_TRACKED];
static int unwiped_frees;
static int untracked_frees;

static void *test_calloc(size_t count, size_t size) {
    void *at = calloc(count, size);
    for (int i = 0; at != NULL && i < MAX_TRACKED; ++i)
        if (tracked[i].at == NULL) {
            tracked[i].at = at;
            tracked[i].size = count * size;
            return at;
        }
    return at;
}

static void test_free(void *at) {
    for (int i = 0; i < MAX_TRACKED; ++i)
        if (tracked[i].at == at) {
            const uint8_t *bytes = at;
            for (size_t j = 0; j < tracked[i].size; ++j)
                if (bytes[j] != 0) {
                    ++unwiped_frees;
                    break;
                }
            tracked[i].at = NULL;
            free(at);
            return;
        }
    ++untracked_frees;
    free(at);
}

static int live_allocations(void) {
    int live = 0;
    for (int i = 0; i < MAX_TRACKED; ++i)
        live += tracked[i].at != NULL;
    return live;
}

#define calloc test_calloc
#define CAM_CREDENTIAL_FREE test_free
#include "cam_wifi_packets.c"
#undef calloc

#include "check.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t BSSID[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static void test_layout_constants(void) {
    CHECK_EQ(CAM_LINK_MAX_SIZE, 24 + 33 + 6, "largest link payload");
    CHECK_EQ(CAM_SCAN_RECORD_MAX_SIZE, 5 + 33 + 6, "largest scan_record payload");
    CHECK(CAM_LINK_MAX_SIZE <= 236 && CAM_SCAN_RECORD_MAX_SIZE <= 236, "fits a Jacdac payload");
    // The generated struct is padded; the wire form is not.
    CHECK_EQ(sizeof(jd_cam_wifi_station_set_address_t), 20, "generated set_address struct (C)");
    CHECK_EQ(CAM_SET_ADDRESS_SIZE, 17, "set_address on the wire");
}

static void test_link_with_ap(void) {
    cam_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_WIFI_STATION_LINK_STATE_GOT_ADDRESS;
    link.rssi = -60;
    link.reason = 0x0102; // shows the byte order of a u16
    link.channel = 11;
    link.security = JD_CAM_WIFI_STATION_SECURITY_WPA2;
    link.address.ip = ipv4(192, 168, 1, 20);
    link.address.netmask = ipv4(255, 255, 255, 0);
    link.address.gateway = ipv4(192, 168, 1, 1);
    link.address.dns = ipv4(8, 8, 4, 4);
    memcpy(link.ssid, "home", 4);
    link.ssid_length = 4;
    link.has_bssid = true;
    memcpy(link.bssid, BSSID, 6);

    static const uint8_t expected[] = {
        6,                        // state GotAddress
        0xc4,                     // rssi -60
        0x02, 0x01,               // reason, u16 little-endian
        11,                       // channel
        3,                        // security Wpa2
        0, 0,                     // reserved
        20, 1, 168, 192,          // ip 192.168.1.20
        0, 255, 255, 255,         // netmask 255.255.255.0
        1, 1, 168, 192,           // gateway 192.168.1.1
        4, 4, 8, 8,               // dns 8.8.4.4
        'h', 'o', 'm', 'e', 0,    // ssid string0
        0x02, 0x11, 0x22, 0x33, 0x44, 0x55, // bssid
    };
    uint8_t out[CAM_LINK_MAX_SIZE];
    memset(out, 0xee, sizeof(out));
    size_t size = cam_encode_link(out, &link);
    check_bytes(out, size, expected, sizeof(expected), "link with an access point");
}

static void test_link_without_ap(void) {
    cam_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_WIFI_STATION_LINK_STATE_STOPPED;
    link.reason = JD_CAM_WIFI_STATION_LINK_REASON_RADIO_STOPPED;
    uint8_t out[CAM_LINK_MAX_SIZE];
    memset(out, 0xee, sizeof(out));
    size_t size = cam_encode_link(out, &link);
    static const uint8_t expected[] = {
        0, 0, 10, 0, 0, 0, 0, 0,                         // state..reserved
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // addresses
        0,                                               // empty ssid
    };                                                   // no bssid bytes at all
    check_bytes(out, size, expected, sizeof(expected), "link naming no access point");
}

static void test_link_failure_names_ap(void) {
    // Idle + SecurityMismatch still carries the AP (what the driver reports
    // after failing on an enterprise network).
    cam_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_WIFI_STATION_LINK_STATE_IDLE;
    link.reason = JD_CAM_WIFI_STATION_LINK_REASON_SECURITY_MISMATCH;
    link.rssi = -70;
    link.channel = 6;
    link.security = JD_CAM_WIFI_STATION_SECURITY_WPA2ENTERPRISE;
    memcpy(link.ssid, "corp", 4);
    link.ssid_length = 4;
    link.has_bssid = true;
    memcpy(link.bssid, BSSID, 6);
    uint8_t out[CAM_LINK_MAX_SIZE];
    size_t size = cam_encode_link(out, &link);
    CHECK_EQ(size, 24 + 5 + 6, "failed link size");
    CHECK_EQ(out[CAM_LINK_OFFSET_STATE], 1, "Idle");
    CHECK_EQ(out[CAM_LINK_OFFSET_REASON], 6, "SecurityMismatch (low byte)");
    CHECK_EQ(out[CAM_LINK_OFFSET_REASON + 1], 0, "SecurityMismatch (high byte)");
    CHECK_EQ(out[CAM_LINK_OFFSET_CHANNEL], 6, "channel kept");
    CHECK_EQ(out[CAM_LINK_OFFSET_SECURITY], 5, "Wpa2Enterprise kept");
    CHECK(memcmp(out + 24, "corp", 5) == 0, "ssid kept");
    CHECK(memcmp(out + 29, BSSID, 6) == 0, "bssid kept");
}

static void test_link_ssid_limits(void) {
    cam_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    memset(link.ssid, 'x', sizeof(link.ssid));
    link.ssid_length = CAM_WIFI_SSID_MAX_LENGTH;
    link.has_bssid = true;
    uint8_t out[CAM_LINK_MAX_SIZE];
    CHECK_EQ(cam_encode_link(out, &link), CAM_LINK_MAX_SIZE, "32-byte SSID and a BSSID");
    CHECK_EQ(out[24 + 32], 0, "terminator after a 32-byte SSID");

    // string0 cannot carry a NUL: the SSID ends at the first one.
    memcpy(link.ssid, "ab\0cd", 5);
    link.ssid_length = 5;
    link.has_bssid = false;
    CHECK_EQ(cam_encode_link(out, &link), 24 + 3, "SSID cut at an embedded NUL");
}

static void test_scan_record(void) {
    cam_scan_record_t record;
    memset(&record, 0, sizeof(record));
    record.index = 3;
    record.rssi = -45;
    record.channel = 1;
    record.security = JD_CAM_WIFI_STATION_SECURITY_WPA2WPA3;
    memcpy(record.ssid, "cafe", 4);
    record.ssid_length = 4;
    memcpy(record.bssid, BSSID, 6);
    static const uint8_t expected[] = {
        3, 0xd3, 1, 7, 0,                   // index, rssi -45, channel, Wpa2Wpa3, not hidden
        'c', 'a', 'f', 'e', 0,              // ssid string0
        0x02, 0x11, 0x22, 0x33, 0x44, 0x55, // bssid
    };
    uint8_t out[CAM_SCAN_RECORD_MAX_SIZE];
    size_t size = cam_encode_scan_record(out, &record);
    check_bytes(out, size, expected, sizeof(expected), "scan_record");

    record.hidden = true; // "then ssid is empty", whatever the record held
    static const uint8_t expected_hidden[] = {
        3, 0xd3, 1, 7, 1, 0, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
    };
    size = cam_encode_scan_record(out, &record);
    check_bytes(out, size, expected_hidden, sizeof(expected_hidden), "hidden scan_record");
}

// Builds an associate payload as DeviceScript packs "u8 z z b".
static size_t associate_payload(uint8_t *out, uint8_t channel, const char *ssid, const char *key,
                                const uint8_t *bssid, size_t bssid_length) {
    size_t size = 0;
    out[size++] = channel;
    memcpy(out + size, ssid, strlen(ssid) + 1);
    size += strlen(ssid) + 1;
    memcpy(out + size, key, strlen(key) + 1);
    size += strlen(key) + 1;
    if (bssid_length)
        memcpy(out + size, bssid, bssid_length);
    return size + bssid_length;
}

static void test_associate(void) {
    uint8_t data[236];
    cam_associate_request_t request;

    size_t size = associate_payload(data, 6, "home", "dummy-key", NULL, 0);
    CHECK(cam_parse_associate(data, size, &request), "associate without a BSSID");
    CHECK_EQ(request.channel_hint, 6, "channel_hint");
    CHECK_EQ(request.ssid_length, 4, "ssid length");
    CHECK(memcmp(request.ssid, "home", 4) == 0, "ssid");
    CHECK_EQ(request.key_length, 9, "key length");
    CHECK(memcmp(request.key, "dummy-key", 9) == 0, "key");
    CHECK(!request.bssid_pinned, "no BSSID: any access point");

    size = associate_payload(data, 0, "home", "", BSSID, 6);
    CHECK(cam_parse_associate(data, size, &request), "associate with a BSSID, open network");
    CHECK(request.bssid_pinned, "BSSID pinned");
    CHECK(memcmp(request.bssid, BSSID, 6) == 0, "BSSID");
    CHECK_EQ(request.key_length, 0, "empty key");

    static const uint8_t zero[6] = {0};
    size = associate_payload(data, 0, "home", "", zero, 6);
    CHECK(cam_parse_associate(data, size, &request), "associate with an all-zero BSSID");
    CHECK(!request.bssid_pinned, "all-zero BSSID means any access point");

    char key64[65];
    memset(key64, 'a', 64);
    key64[64] = 0;
    size = associate_payload(data, 0, "home", key64, NULL, 0);
    CHECK(cam_parse_associate(data, size, &request), "64-character key (hex PSK)");
    CHECK_EQ(request.key_length, 64, "64-character key length");

    char ssid32[33];
    memset(ssid32, 's', 32);
    ssid32[32] = 0;
    size = associate_payload(data, 0, ssid32, "", NULL, 0);
    CHECK(cam_parse_associate(data, size, &request), "32-byte SSID");

    // Malformed: rejected, request untouched.
    memset(&request, 0x5a, sizeof(request));
    cam_associate_request_t untouched = request;
    size = associate_payload(data, 0, "home", "", BSSID, 5);
    CHECK(!cam_parse_associate(data, size, &request), "5-byte BSSID rejected");
    size = associate_payload(data, 0, "home", "", BSSID, 6);
    data[size++] = 0x66;
    CHECK(!cam_parse_associate(data, size, &request), "7-byte BSSID rejected");
    size = associate_payload(data, 0, "", "", NULL, 0);
    CHECK(!cam_parse_associate(data, size, &request), "empty SSID rejected");
    char ssid33[34];
    memset(ssid33, 's', 33);
    ssid33[33] = 0;
    size = associate_payload(data, 0, ssid33, "", NULL, 0);
    CHECK(!cam_parse_associate(data, size, &request), "33-byte SSID rejected");
    char key65[66];
    memset(key65, 'a', 65);
    key65[65] = 0;
    size = associate_payload(data, 0, "home", key65, NULL, 0);
    CHECK(!cam_parse_associate(data, size, &request), "65-character key rejected");
    size = associate_payload(data, 0, "home", "k", NULL, 0);
    CHECK(!cam_parse_associate(data, size - 1, &request), "key terminator missing");
    CHECK(!cam_parse_associate(data, 5, &request), "SSID terminator missing");
    CHECK(!cam_parse_associate(data, 0, &request), "empty payload");
    CHECK(memcmp(&request, &untouched, sizeof(request)) == 0, "rejected request untouched");
}

static void test_set_address(void) {
    static const uint8_t data[] = {
        20, 1, 168, 192,  // ip 192.168.1.20
        0, 255, 255, 255, // netmask 255.255.255.0
        1, 1, 168, 192,   // gateway 192.168.1.1
        1, 1, 1, 1,       // dns 1.1.1.1
        1,                // mode Static
    };
    cam_set_address_t command;
    CHECK(cam_parse_set_address(data, sizeof(data), &command), "17-byte set_address");
    CHECK_EQ(command.address.ip, ipv4(192, 168, 1, 20), "ip");
    CHECK_EQ(command.address.netmask, ipv4(255, 255, 255, 0), "netmask");
    CHECK_EQ(command.address.gateway, ipv4(192, 168, 1, 1), "gateway");
    CHECK_EQ(command.address.dns, ipv4(1, 1, 1, 1), "dns");
    CHECK_EQ(command.mode, JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC, "mode");
    CHECK(!cam_parse_set_address(data, 16, &command), "16 bytes (no mode) rejected");
}

// ---- Enterprise (contract 1.1). Expected bytes are jdpack's for the
// contract's formats: set_enterprise "u8 u8 u8", set_credential
// "u8 u8 u16 u16 b", associate_enterprise "u8 z b".

static void test_enterprise_layout(void) {
    CHECK_EQ(sizeof(jd_cam_wifi_station_set_enterprise_t), 3, "generated set_enterprise struct");
    CHECK_EQ(CAM_SET_CREDENTIAL_OFFSET_DATA, 6, "set_credential data offset");
    CHECK(CAM_SET_CREDENTIAL_OFFSET_DATA + CAM_CREDENTIAL_CHUNK_MAX_LENGTH <= 236,
          "a full chunk fits a Jacdac payload");
}

static void test_set_enterprise(void) {
    static const uint8_t data[] = {0x01, 0x02, 0x00}; // Ttls, Pap, not insecure
    cam_set_enterprise_t command;
    CHECK(cam_parse_set_enterprise(data, sizeof(data), &command), "set_enterprise");
    CHECK_EQ(command.method, JD_CAM_WIFI_STATION_EAP_METHOD_TTLS, "method");
    CHECK_EQ(command.phase2, JD_CAM_WIFI_STATION_PHASE2_PAP, "phase2");
    CHECK(!command.insecure, "insecure 0");
    static const uint8_t insecure[] = {0x00, 0x01, 0x01};
    CHECK(cam_parse_set_enterprise(insecure, sizeof(insecure), &command), "insecure set");
    CHECK(command.insecure, "insecure 1");
    CHECK(!cam_parse_set_enterprise(data, 2, &command), "2 bytes rejected");
}

static void test_set_credential(void) {
    // kind CaCert, reserved, offset 200, total 0x0123, data "ABC"
    static const uint8_t data[] = {0x04, 0x00, 0xc8, 0x00, 0x23, 0x01, 0x41, 0x42, 0x43};
    cam_credential_chunk_t chunk;
    CHECK(cam_parse_set_credential(data, sizeof(data), &chunk), "set_credential");
    CHECK_EQ(chunk.kind, JD_CAM_WIFI_STATION_CREDENTIAL_CA_CERT, "kind");
    CHECK_EQ(chunk.offset, 200, "offset u16 little-endian");
    CHECK_EQ(chunk.total, 0x0123, "total u16 little-endian");
    CHECK_EQ(chunk.length, 3, "data length");
    CHECK(chunk.data == data + 6 && memcmp(chunk.data, "ABC", 3) == 0, "data");

    uint8_t big[6 + 201];
    memset(big, 'x', sizeof(big));
    big[0] = 0x04;
    big[1] = 0;
    cam_put_u16_le(big + 2, 0);
    cam_put_u16_le(big + 4, 1000);
    CHECK(cam_parse_set_credential(big, 6 + 200, &chunk), "a 200-byte chunk");
    CHECK(!cam_parse_set_credential(big, 6 + 201, &chunk), "a 201-byte chunk rejected");
    CHECK(!cam_parse_set_credential(data, 6, &chunk), "no data rejected");
    uint8_t bad[9];
    memcpy(bad, data, sizeof(bad));
    cam_put_u16_le(bad + 4, 0);
    CHECK(!cam_parse_set_credential(bad, sizeof(bad), &chunk), "total 0 rejected");
    cam_put_u16_le(bad + 4, 202); // offset 200 + 3 bytes > 202
    CHECK(!cam_parse_set_credential(bad, sizeof(bad), &chunk), "chunk past total rejected");
    cam_put_u16_le(bad + 4, 203);
    CHECK(cam_parse_set_credential(bad, sizeof(bad), &chunk), "chunk ending at total");
}

static void test_associate_enterprise(void) {
    cam_associate_request_t request;
    static const uint8_t plain[] = {0x0b, 'c', 'o', 'r', 'p', 0x00};
    CHECK(cam_parse_associate_enterprise(plain, sizeof(plain), &request),
          "associate_enterprise without a BSSID");
    CHECK_EQ(request.channel_hint, 11, "channel_hint");
    CHECK_EQ(request.ssid_length, 4, "ssid length");
    CHECK(memcmp(request.ssid, "corp", 4) == 0, "ssid");
    CHECK_EQ(request.key_length, 0, "no key");
    CHECK(!request.bssid_pinned, "any access point");

    static const uint8_t pinned[] = {0x00, 'c', 'o', 'r', 'p', 0x00,
                                     0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    CHECK(cam_parse_associate_enterprise(pinned, sizeof(pinned), &request),
          "associate_enterprise with a BSSID");
    CHECK(request.bssid_pinned && memcmp(request.bssid, BSSID, 6) == 0, "BSSID pinned");

    memset(&request, 0x5a, sizeof(request));
    cam_associate_request_t untouched = request;
    CHECK(!cam_parse_associate_enterprise(pinned, sizeof(pinned) - 1, &request),
          "5-byte BSSID rejected");
    CHECK(!cam_parse_associate_enterprise(plain, sizeof(plain) - 1, &request),
          "SSID terminator missing");
    static const uint8_t empty_ssid[] = {0x00, 0x00};
    CHECK(!cam_parse_associate_enterprise(empty_ssid, sizeof(empty_ssid), &request),
          "empty SSID rejected");
    uint8_t long_ssid[1 + 33 + 1];
    long_ssid[0] = 0;
    memset(long_ssid + 1, 's', 33);
    long_ssid[34] = 0;
    CHECK(!cam_parse_associate_enterprise(long_ssid, sizeof(long_ssid), &request),
          "33-byte SSID rejected");
    CHECK(memcmp(&request, &untouched, sizeof(request)) == 0, "rejected request untouched");
}

// Sends `text` as the bytecode does: chunks of `chunk_size` bytes.
static cam_chunk_result_t send_value(cam_enterprise_t *set, uint8_t kind, const char *text,
                                     size_t chunk_size) {
    size_t total = strlen(text);
    cam_chunk_result_t result = CAM_CHUNK_STORED;
    for (size_t offset = 0; offset < total; offset += chunk_size) {
        size_t length = total - offset < chunk_size ? total - offset : chunk_size;
        cam_credential_chunk_t chunk = {
            .kind = kind,
            .offset = (uint16_t)offset,
            .total = (uint16_t)total,
            .data = (const uint8_t *)text + offset,
            .length = (uint8_t)length,
        };
        result = cam_enterprise_add_chunk(set, &chunk);
    }
    return result;
}

#define KIND(name) JD_CAM_WIFI_STATION_CREDENTIAL_##name

static void test_credential_reassembly(void) {
    cam_enterprise_t set;
    memset(&set, 0, sizeof(set));
    static const char dummy[] = "dummy";
    cam_credential_chunk_t early = {KIND(PASSWORD), 0, 5, (const uint8_t *)dummy, 5};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &early), CAM_CHUNK_NOT_STARTED,
             "a chunk before set_enterprise");
    CHECK_EQ(cam_enterprise_missing(&set), CAM_ENTERPRISE_NOT_STARTED, "nothing started");

    cam_set_enterprise_t peap = {JD_CAM_WIFI_STATION_EAP_METHOD_PEAP,
                                 JD_CAM_WIFI_STATION_PHASE2_MS_CHAP_V2, false};
    cam_enterprise_start(&set, &peap);
    CHECK_EQ(cam_enterprise_missing(&set), KIND(USERNAME), "PEAP needs a username");
    CHECK_EQ(send_value(&set, KIND(USERNAME), "student", 200), CAM_CHUNK_COMPLETE, "username");
    CHECK_EQ(cam_enterprise_missing(&set), KIND(PASSWORD), "PEAP needs a password");
    CHECK_EQ(send_value(&set, KIND(PASSWORD), "dummy-password", 200), CAM_CHUNK_COMPLETE,
             "password");
    CHECK_EQ(cam_enterprise_missing(&set), KIND(CA_CERT), "a CA certificate unless insecure");

    // A 450-byte PEM value in 200-byte chunks.
    char pem[451];
    memset(pem, 'M', 450);
    memcpy(pem, "-----BEGIN CERTIFICATE-----\n", 28);
    pem[450] = 0;
    cam_credential_chunk_t chunk = {KIND(CA_CERT), 0, 450, (const uint8_t *)pem, 200};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &chunk), CAM_CHUNK_STORED, "first chunk");
    CHECK(cam_enterprise_value(&set, KIND(CA_CERT), NULL) == NULL, "incomplete: no value");
    chunk.offset = 200;
    chunk.data = (const uint8_t *)pem + 200;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &chunk), CAM_CHUNK_STORED, "second chunk");
    CHECK_EQ(cam_enterprise_add_chunk(&set, &chunk), CAM_CHUNK_DUPLICATE, "second chunk again");
    chunk.offset = 400;
    chunk.data = (const uint8_t *)pem + 400;
    chunk.length = 50;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &chunk), CAM_CHUNK_COMPLETE, "last chunk");
    size_t length = 0;
    const char *value = cam_enterprise_value(&set, KIND(CA_CERT), &length);
    CHECK(value != NULL && length == 450 && memcmp(value, pem, 450) == 0, "CA reassembled");
    CHECK(value != NULL && value[450] == 0, "NUL-terminated for ESP-IDF");
    CHECK_EQ(cam_enterprise_missing(&set), CAM_ENTERPRISE_COMPLETE, "PEAP complete");
    // A repeated first chunk does not restart a complete value.
    chunk.offset = 0;
    chunk.data = (const uint8_t *)pem;
    chunk.length = 200;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &chunk), CAM_CHUNK_DUPLICATE, "first chunk again");
    CHECK(cam_enterprise_value(&set, KIND(CA_CERT), NULL) != NULL, "still complete");

    // A gap drops the value (wiped).
    CHECK_EQ(send_value(&set, KIND(SERVER_DOMAIN), "radius.example.org", 200),
             CAM_CHUNK_COMPLETE, "server domain");
    cam_credential_chunk_t restart = {KIND(CLIENT_CERT), 0, 300, (const uint8_t *)pem, 100};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_STORED, "client cert start");
    restart.offset = 200;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_OUT_OF_ORDER, "gap");
    CHECK(set.values[KIND(CLIENT_CERT)].text == NULL, "gap: value dropped");
    // Another total mid-value drops it too.
    restart.offset = 0;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_STORED, "client cert again");
    restart.offset = 100;
    restart.total = 301;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_OUT_OF_ORDER, "other total");
    // Different bytes where the value already has some.
    restart.offset = 0;
    restart.total = 300;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_STORED, "client cert again");
    restart.data = (const uint8_t *)pem + 1;
    restart.length = 50;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_STORED,
             "a chunk at 0 restarts the value");
    restart.offset = 10;
    restart.length = 20;
    CHECK_EQ(cam_enterprise_add_chunk(&set, &restart), CAM_CHUNK_OUT_OF_ORDER,
             "different bytes over held ones");

    // Limits.
    cam_credential_chunk_t huge = {KIND(CA_CERT), 0, 8193, (const uint8_t *)pem, 200};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &huge), CAM_CHUNK_TOO_LONG, "CA over 8192 bytes");
    CHECK(cam_enterprise_value(&set, KIND(CA_CERT), NULL) == NULL, "too long: value dropped");
    cam_credential_chunk_t long_password = {KIND(PASSWORD), 0, 129, (const uint8_t *)pem, 129};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &long_password), CAM_CHUNK_TOO_LONG,
             "password over 128 bytes");
    cam_credential_chunk_t unknown = {CAM_CREDENTIAL_KIND_COUNT, 0, 5, (const uint8_t *)dummy, 5};
    CHECK_EQ(cam_enterprise_add_chunk(&set, &unknown), CAM_CHUNK_UNKNOWN_KIND, "unknown kind");
    CHECK_EQ(cam_credential_max_length(KIND(CLIENT_KEY)), 4096, "client key limit");
    CHECK_EQ(cam_credential_max_length(KIND(SERVER_DOMAIN)), 253, "domain limit");

    // A new set_enterprise wipes every buffer of the old set before freeing it.
    cam_set_enterprise_t tls = {JD_CAM_WIFI_STATION_EAP_METHOD_TLS,
                                JD_CAM_WIFI_STATION_PHASE2_NONE, true};
    cam_enterprise_start(&set, &tls);
    CHECK_EQ(live_allocations(), 0, "set_enterprise freed the old set");
    CHECK_EQ(cam_enterprise_missing(&set), KIND(IDENTITY), "TLS needs an identity");
    send_value(&set, KIND(IDENTITY), "camera-7", 200);
    CHECK_EQ(cam_enterprise_missing(&set), KIND(CLIENT_CERT), "TLS needs a client certificate");
    send_value(&set, KIND(CLIENT_CERT), pem, 200);
    CHECK_EQ(cam_enterprise_missing(&set), KIND(CLIENT_KEY), "TLS needs a client key");
    send_value(&set, KIND(CLIENT_KEY), pem, 200);
    CHECK_EQ(cam_enterprise_missing(&set), CAM_ENTERPRISE_COMPLETE,
             "TLS complete (insecure: no CA needed)");
    cam_enterprise_wipe(&set);
    CHECK(!set.started, "wiped set not started");
    CHECK_EQ(live_allocations(), 0, "wipe freed everything");
    CHECK_EQ(unwiped_frees, 0, "every buffer was zeroed before free()");
    CHECK_EQ(untracked_frees, 0, "only credential buffers were freed");
}

static void test_wipe(void) {
    uint8_t secret[16];
    memset(secret, 0xa5, sizeof(secret));
    cam_wipe(secret, sizeof(secret));
    int zero = 1;
    for (size_t i = 0; i < sizeof(secret); ++i)
        zero &= secret[i] == 0;
    CHECK(zero, "cam_wipe zeroes");
}

static void test_integers(void) {
    uint8_t bytes[4];
    cam_put_u32_le(bytes, 0x11223344);
    static const uint8_t expected[] = {0x44, 0x33, 0x22, 0x11};
    check_bytes(bytes, 4, expected, 4, "u32 little-endian");
    CHECK_EQ(cam_get_u32_le(bytes), 0x11223344, "u32 round trip");
    cam_put_u16_le(bytes, 0xa1b2);
    CHECK(bytes[0] == 0xb2 && bytes[1] == 0xa1, "u16 little-endian");
}

int main(void) {
    test_layout_constants();
    test_link_with_ap();
    test_link_without_ap();
    test_link_failure_names_ap();
    test_link_ssid_limits();
    test_scan_record();
    test_associate();
    test_set_address();
    test_enterprise_layout();
    test_set_enterprise();
    test_set_credential();
    test_associate_enterprise();
    test_credential_reassembly();
    test_wipe();
    test_integers();

    if (failures) {
        fprintf(stderr, "test_packets: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_packets: all %d checks passed\n", checks);
    return 0;
}
