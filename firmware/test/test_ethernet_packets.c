// Host unit test for the Ethernet wire layouts
// (firmware/main/cam_ethernet_packets.c): every packet is compared byte for
// byte with the layout of services/ethernet.md. The expected bytes are what
// DeviceScript's jdpack produces for the contract's pack formats
// (link "u8 u8 u16 u16 u16 u32 u32 u32 u32", set_phy "u8 u8 u8 i8 i8 i8",
// set_spi "i8 i8 i8 i8 i8 i8", set_address "u32 u32 u32 u32 u8"). Built and
// run by `make -C firmware/test`; exits non-zero on any failure.

#include <stdio.h>

#include "cam_ethernet_packets.c"
#include "cam_wifi_packets.c" // the shared little-endian helpers and set_address parser

#include "check.h"

static void test_layout_constants(void) {
    CHECK_EQ(CAM_ETH_LINK_SIZE, 24, "link payload");
    CHECK_EQ(sizeof(jd_cam_ethernet_link_t), 24, "generated link struct");
    CHECK_EQ(CAM_ETH_SET_PHY_SIZE, 6, "set_phy payload");
    CHECK_EQ(CAM_ETH_SET_SPI_SIZE, 6, "set_spi payload");
    // The generated struct is padded; the wire form is not.
    CHECK_EQ(sizeof(jd_cam_ethernet_set_address_t), 20, "generated set_address struct (C)");
    CHECK_EQ(CAM_SET_ADDRESS_SIZE, 17, "set_address on the wire");
}

static void test_link_with_address(void) {
    cam_eth_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_ETHERNET_LINK_STATE_GOT_ADDRESS;
    link.full_duplex = true;
    link.reason = 0x0102; // shows the byte order of a u16
    link.speed_mbps = 100;
    link.address.ip = ipv4(192, 168, 1, 20);
    link.address.netmask = ipv4(255, 255, 255, 0);
    link.address.gateway = ipv4(192, 168, 1, 1);
    link.address.dns = ipv4(8, 8, 4, 4);

    static const uint8_t expected[] = {
        3,                      // state GotAddress
        1,                      // duplex full
        0x02, 0x01,             // reason, u16 little-endian
        100, 0,                 // speed_mbps
        0, 0,                   // reserved
        0x14, 0x01, 0xa8, 0xc0, // ip 192.168.1.20
        0x00, 0xff, 0xff, 0xff, // netmask 255.255.255.0
        0x01, 0x01, 0xa8, 0xc0, // gateway 192.168.1.1
        0x04, 0x04, 0x08, 0x08, // dns 8.8.4.4
    };
    uint8_t out[CAM_ETH_LINK_SIZE + 8];
    memset(out, 0xee, sizeof(out));
    size_t size = cam_eth_encode_link(out, &link);
    check_bytes(out, size, expected, sizeof(expected), "link GotAddress");
    CHECK_EQ(out[CAM_ETH_LINK_SIZE], 0xee, "nothing written past the link payload");
}

static void test_link_no_cable(void) {
    cam_eth_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_ETHERNET_LINK_STATE_STARTED;
    link.reason = JD_CAM_ETHERNET_LINK_REASON_CABLE_UNPLUGGED;
    static const uint8_t expected[24] = {1, 0, 1, 0}; // the rest all zero
    uint8_t out[CAM_ETH_LINK_SIZE];
    memset(out, 0xee, sizeof(out));
    size_t size = cam_eth_encode_link(out, &link);
    check_bytes(out, size, expected, sizeof(expected), "link Started / CableUnplugged");
}

static void test_link_half_duplex_10(void) {
    cam_eth_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = JD_CAM_ETHERNET_LINK_STATE_LINK_UP;
    link.full_duplex = false;
    link.speed_mbps = 10;
    uint8_t out[CAM_ETH_LINK_SIZE];
    cam_eth_encode_link(out, &link);
    CHECK_EQ(out[CAM_ETH_LINK_OFFSET_STATE], 2, "LinkUp");
    CHECK_EQ(out[CAM_ETH_LINK_OFFSET_DUPLEX], 0, "half duplex");
    CHECK_EQ(out[CAM_ETH_LINK_OFFSET_SPEED], 10, "10 Mbit/s, low byte");
    CHECK_EQ(out[CAM_ETH_LINK_OFFSET_SPEED + 1], 0, "10 Mbit/s, high byte");
}

static void test_set_phy(void) {
    // LAN8720 at address 1, clock Gpio0In, MDC 23, MDIO 18, power 16 (WT32-ETH01)
    static const uint8_t payload[] = {0x00, 0x01, 0x00, 0x17, 0x12, 0x10};
    cam_eth_phy_settings_t phy;
    memset(&phy, 0, sizeof(phy));
    CHECK(cam_eth_parse_set_phy(payload, sizeof(payload), &phy), "set_phy parses");
    CHECK_EQ(phy.phy_type, JD_CAM_ETHERNET_PHY_TYPE_LAN8720, "phy_type");
    CHECK_EQ(phy.phy_address, 1, "phy_address");
    CHECK_EQ(phy.clock_mode, JD_CAM_ETHERNET_CLOCK_MODE_GPIO0IN, "clock_mode");
    CHECK_EQ(phy.mdc_pin, 23, "mdc_pin");
    CHECK_EQ(phy.mdio_pin, 18, "mdio_pin");
    CHECK_EQ(phy.power_pin, 16, "power_pin");

    // W5500: no clock, pins -1 (i8 0xff)
    static const uint8_t spi_chip[] = {0x0a, 0x00, 0xff, 0xff, 0xff, 0xff};
    CHECK(cam_eth_parse_set_phy(spi_chip, sizeof(spi_chip), &phy), "set_phy W5500 parses");
    CHECK_EQ(phy.phy_type, JD_CAM_ETHERNET_PHY_TYPE_W5500, "phy_type W5500");
    CHECK_EQ(phy.clock_mode, JD_CAM_ETHERNET_CLOCK_MODE_NONE, "clock_mode None");
    CHECK_EQ(phy.mdc_pin, -1, "mdc_pin -1");
    CHECK_EQ(phy.mdio_pin, -1, "mdio_pin -1");
    CHECK_EQ(phy.power_pin, -1, "power_pin -1");

    cam_eth_phy_settings_t untouched;
    memset(&untouched, 0x5a, sizeof(untouched));
    CHECK(!cam_eth_parse_set_phy(payload, 5, &untouched), "short set_phy refused");
    CHECK_EQ(untouched.phy_type, 0x5a, "refused set_phy leaves the output alone");
}

static void test_set_spi(void) {
    // SPI2 (host 1), SCLK 14, MOSI 13, MISO 12, CS 15 (esp32_cam_w5500), INT -1 (polled)
    static const uint8_t payload[] = {0x01, 0x0e, 0x0d, 0x0c, 0x0f, 0xff};
    cam_eth_spi_settings_t spi;
    memset(&spi, 0, sizeof(spi));
    CHECK(cam_eth_parse_set_spi(payload, sizeof(payload), &spi), "set_spi parses");
    CHECK_EQ(spi.host, 1, "host");
    CHECK_EQ(spi.sclk_pin, 14, "sclk_pin");
    CHECK_EQ(spi.mosi_pin, 13, "mosi_pin");
    CHECK_EQ(spi.miso_pin, 12, "miso_pin");
    CHECK_EQ(spi.cs_pin, 15, "cs_pin");
    CHECK_EQ(spi.int_pin, -1, "int_pin -1");
    CHECK(!cam_eth_parse_set_spi(payload, 0, &spi), "empty set_spi refused");
}

static void test_set_address(void) {
    static const uint8_t payload[] = {
        0x14, 0x01, 0xa8, 0xc0, 0x00, 0xff, 0xff, 0xff, 0x01,
        0x01, 0xa8, 0xc0, 0x04, 0x04, 0x08, 0x08, 0x01, // mode Static
    };
    cam_set_address_t command;
    CHECK(cam_parse_set_address(payload, sizeof(payload), &command), "set_address parses");
    CHECK_EQ(command.address.ip, ipv4(192, 168, 1, 20), "ip");
    CHECK_EQ(command.address.netmask, ipv4(255, 255, 255, 0), "netmask");
    CHECK_EQ(command.address.gateway, ipv4(192, 168, 1, 1), "gateway");
    CHECK_EQ(command.address.dns, ipv4(8, 8, 4, 4), "dns");
    CHECK_EQ(command.mode, JD_CAM_ETHERNET_ADDRESS_MODE_STATIC, "mode");
}

int main(void) {
    test_layout_constants();
    test_link_with_address();
    test_link_no_cable();
    test_link_half_duplex_10();
    test_set_phy();
    test_set_spi();
    test_set_address();
    if (failures) {
        fprintf(stderr, "test_ethernet_packets: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_ethernet_packets: %d checks passed\n", checks);
    return 0;
}
