// Host unit test for the Wi-Fi access point wire layouts
// (firmware/main/cam_wifi_ap_packets.c): every packet is compared byte for
// byte with the layout of services/wifi-access-point.md. The expected bytes
// are what DeviceScript's jdpack produces for the contract's pack formats
// (link "u8 u8 u16 u8 u8 u16 u32 u32 s", station "u8 u8 i8 u8 u32 b",
// stations_done "u8", set_config "u8 u8 u8 u8 z z", set_address
// "u32 u32"). Built and run by `make -C firmware/test`; exits non-zero on
// any failure. Keys used here are dummies; none is ever printed.

#include <stdio.h>

#include "cam_wifi_ap_packets.c"
#include "cam_wifi_packets.c" // the shared little-endian helpers

#include "check.h"

static const uint8_t MAC[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static void test_layout_constants(void) {
    CHECK_EQ(CAM_AP_LINK_MAX_SIZE, 16 + 32, "largest link payload");
    CHECK_EQ(CAM_AP_STATION_SIZE, 14, "station payload");
    CHECK_EQ(CAM_AP_SET_ADDRESS_SIZE, 8, "set_address payload");
    CHECK_EQ(sizeof(jd_cam_wifi_access_point_set_address_t), 8, "generated set_address struct");
    CHECK_EQ(sizeof(jd_cam_wifi_access_point_link_t), 16, "generated link struct (fixed head)");
    CHECK_EQ(sizeof(jd_cam_wifi_access_point_station_t), 8, "generated station struct (head)");
    CHECK(CAM_AP_LINK_MAX_SIZE <= 236, "fits a Jacdac payload");
    // The access point's Security is numbered as the station's.
    CHECK_EQ(JD_CAM_WIFI_ACCESS_POINT_SECURITY_WPA2WPA3, JD_CAM_WIFI_STATION_SECURITY_WPA2WPA3,
             "Security numbering shared");
}

static void test_link_up(void) {
    cam_ap_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_WIFI_ACCESS_POINT_AP_STATE_UP;
    link.channel = 6;
    link.reason = JD_CAM_WIFI_ACCESS_POINT_AP_REASON_CHANNEL_FOLLOWS_STATION;
    link.station_count = 3;
    link.max_clients = 4;
    link.address.ip = ipv4(192, 168, 4, 1);
    link.address.netmask = ipv4(255, 255, 255, 0);
    memcpy(link.ssid, "camera-setup", 12);
    link.ssid_length = 12;
    static const uint8_t expected[] = {
        0x02,                   // state Up
        0x06,                   // channel in use
        0x01, 0x00,             // reason ChannelFollowsStation, u16 little-endian
        0x03,                   // station_count
        0x04,                   // max_clients
        0x00, 0x00,             // reserved
        0x01, 0x04, 0xa8, 0xc0, // ip 192.168.4.1
        0x00, 0xff, 0xff, 0xff, // netmask 255.255.255.0
        'c', 'a', 'm', 'e', 'r', 'a', '-', 's', 'e', 't', 'u', 'p', // ssid: `string`, no NUL
    };
    uint8_t out[CAM_AP_LINK_MAX_SIZE];
    memset(out, 0xee, sizeof(out));
    size_t size = cam_ap_encode_link(out, &link);
    check_bytes(out, size, expected, sizeof(expected), "link, up");
}

static void test_link_stopped(void) {
    cam_ap_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_WIFI_ACCESS_POINT_AP_STATE_STOPPED;
    link.reason = JD_CAM_WIFI_ACCESS_POINT_AP_REASON_STOPPED_BY_REQUEST;
    link.address.ip = ipv4(192, 168, 4, 1);
    link.address.netmask = ipv4(255, 255, 255, 0);
    static const uint8_t expected[] = {
        0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, // Stopped, StoppedByRequest
        0x01, 0x04, 0xa8, 0xc0, 0x00, 0xff, 0xff, 0xff, // ip, netmask
    };                                                  // empty ssid: nothing at all
    uint8_t out[CAM_AP_LINK_MAX_SIZE];
    size_t size = cam_ap_encode_link(out, &link);
    check_bytes(out, size, expected, sizeof(expected), "link, stopped");

    // A 32-byte SSID fills the largest payload; one with a NUL ends there.
    memset(link.ssid, 'x', sizeof(link.ssid));
    link.ssid_length = 32;
    CHECK_EQ(cam_ap_encode_link(out, &link), CAM_AP_LINK_MAX_SIZE, "32-byte SSID");
    memcpy(link.ssid, "ab\0cd", 5);
    link.ssid_length = 5;
    CHECK_EQ(cam_ap_encode_link(out, &link), 16 + 2, "SSID cut at a NUL");
}

static void test_station(void) {
    cam_ap_station_t station = {
        .index = 1,
        .count = 3,
        .rssi = -52,
        .ip = ipv4(192, 168, 4, 2),
    };
    memcpy(station.mac, MAC, 6);
    static const uint8_t expected[] = {
        0x01, 0x03, 0xcc, 0x00,             // index, count, rssi -52, reserved
        0x02, 0x04, 0xa8, 0xc0,             // ip 192.168.4.2
        0x02, 0x11, 0x22, 0x33, 0x44, 0x55, // mac
    };
    uint8_t out[CAM_AP_STATION_SIZE];
    size_t size = cam_ap_encode_station(out, &station);
    check_bytes(out, size, expected, sizeof(expected), "station");

    station.ip = 0; // no lease yet
    size = cam_ap_encode_station(out, &station);
    CHECK(size == 14 && out[4] == 0 && out[5] == 0 && out[6] == 0 && out[7] == 0,
          "station without a lease: ip 0.0.0.0");
}

static void test_set_config(void) {
    static const uint8_t wpa2[] = {
        0x06, 0x03, 0x01, 0x04, // channel 6, Wpa2, hidden, max_clients 4
        'c', 'a', 'm', 'e', 'r', 'a', '-', 's', 'e', 't', 'u', 'p', 0x00,
        'd', 'u', 'm', 'm', 'y', '-', 'p', 'a', 's', 's', 'p', 'h', 'r', 'a', 's', 'e', 0x00,
    };
    cam_ap_config_t config;
    CHECK(cam_ap_parse_set_config(wpa2, sizeof(wpa2), &config), "set_config, WPA2");
    CHECK_EQ(config.channel, 6, "channel");
    CHECK_EQ(config.security, JD_CAM_WIFI_ACCESS_POINT_SECURITY_WPA2, "security");
    CHECK(config.hidden, "hidden");
    CHECK_EQ(config.max_clients, 4, "max_clients");
    CHECK(config.ssid_length == 12 && memcmp(config.ssid, "camera-setup", 12) == 0, "ssid");
    CHECK(config.key_length == 16 && memcmp(config.key, "dummy-passphrase", 16) == 0, "key");

    static const uint8_t open[] = {
        0x01, 0x00, 0x00, 0x0a, 'o', 'p', 'e', 'n', '-', 'n', 'e', 't', 0x00, 0x00,
    };
    CHECK(cam_ap_parse_set_config(open, sizeof(open), &config), "set_config, open");
    CHECK_EQ(config.security, JD_CAM_WIFI_ACCESS_POINT_SECURITY_OPEN, "open");
    CHECK(!config.hidden, "not hidden");
    CHECK_EQ(config.max_clients, 10, "max_clients 10");
    CHECK_EQ(config.key_length, 0, "no key");

    uint8_t key64[4 + 2 + 65];
    memset(key64, 0, sizeof(key64));
    key64[4] = 'n';
    memset(key64 + 6, 'a', 64);
    CHECK(cam_ap_parse_set_config(key64, sizeof(key64), &config), "64-character key");
    CHECK_EQ(config.key_length, 64, "64-character key length");

    memset(&config, 0x5a, sizeof(config));
    cam_ap_config_t untouched = config;
    CHECK(!cam_ap_parse_set_config(wpa2, 4, &config), "no strings");
    CHECK(!cam_ap_parse_set_config(wpa2, sizeof(wpa2) - 1, &config), "key terminator missing");
    uint8_t trailing[sizeof(open) + 1];
    memcpy(trailing, open, sizeof(open));
    trailing[sizeof(open)] = 0x42;
    CHECK(!cam_ap_parse_set_config(trailing, sizeof(trailing), &config),
          "bytes after the key rejected");
    static const uint8_t empty_ssid[] = {0x01, 0x00, 0x00, 0x04, 0x00, 0x00};
    CHECK(!cam_ap_parse_set_config(empty_ssid, sizeof(empty_ssid), &config),
          "empty SSID rejected");
    uint8_t long_ssid[4 + 34 + 1];
    memset(long_ssid, 0, sizeof(long_ssid));
    memset(long_ssid + 4, 's', 33);
    CHECK(!cam_ap_parse_set_config(long_ssid, sizeof(long_ssid), &config),
          "33-byte SSID rejected");
    uint8_t key65[4 + 2 + 66];
    memset(key65, 0, sizeof(key65));
    key65[4] = 'n';
    memset(key65 + 6, 'a', 65);
    CHECK(!cam_ap_parse_set_config(key65, sizeof(key65), &config), "65-character key rejected");
    CHECK(memcmp(&config, &untouched, sizeof(config)) == 0, "rejected config untouched");
}

static void test_set_address(void) {
    static const uint8_t data[] = {0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0xff, 0xff};
    cam_ap_address_t address;
    CHECK(cam_ap_parse_set_address(data, sizeof(data), &address), "set_address");
    CHECK_EQ(address.ip, ipv4(10, 0, 0, 1), "ip 10.0.0.1");
    CHECK_EQ(address.netmask, ipv4(255, 255, 0, 0), "netmask 255.255.0.0");
    CHECK(!cam_ap_parse_set_address(data, 7, &address), "7 bytes rejected");
}

int main(void) {
    test_layout_constants();
    test_link_up();
    test_link_stopped();
    test_station();
    test_set_config();
    test_set_address();

    if (failures) {
        fprintf(stderr, "test_ap_packets: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_ap_packets: all %d checks passed\n", checks);
    return 0;
}
