// Wire layouts of the Camscript Ethernet packets (services/ethernet.md).
//
// As for the Wi-Fi station (cam_wifi_packets.h), every packet is built and
// read byte by byte at the explicit offsets below, never by copying a C
// struct, and integers are little-endian on the wire whatever the host. The
// little-endian helpers and the `set_address` parser are shared with the
// Wi-Fi station: that command has the same 17-byte layout in both contracts
// (cam_ethernet_packets.c checks it against the generated header).
//
// The functions are pure (no ESP-IDF, no Jacdac), so the layouts are
// unit-tested on the host (firmware/test/test_ethernet_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cam_wifi_packets.h" // cam_ipv4_config_t, cam_set_address_t, cam_put_*_le

// ---- event link (24 bytes)
//   state u8, duplex u8, reason u16, speed_mbps u16, reserved u16 (0),
//   ip u32, netmask u32, gateway u32, dns u32.
#define CAM_ETH_LINK_OFFSET_STATE 0
#define CAM_ETH_LINK_OFFSET_DUPLEX 1
#define CAM_ETH_LINK_OFFSET_REASON 2
#define CAM_ETH_LINK_OFFSET_SPEED 4
#define CAM_ETH_LINK_OFFSET_RESERVED 6
#define CAM_ETH_LINK_OFFSET_IP 8
#define CAM_ETH_LINK_OFFSET_NETMASK 12
#define CAM_ETH_LINK_OFFSET_GATEWAY 16
#define CAM_ETH_LINK_OFFSET_DNS 20
#define CAM_ETH_LINK_SIZE 24

// ---- command set_phy (6 bytes)
//   phy_type u8, phy_address u8, clock_mode u8, mdc_pin i8, mdio_pin i8,
//   power_pin i8.
#define CAM_ETH_SET_PHY_OFFSET_PHY_TYPE 0
#define CAM_ETH_SET_PHY_OFFSET_PHY_ADDRESS 1
#define CAM_ETH_SET_PHY_OFFSET_CLOCK_MODE 2
#define CAM_ETH_SET_PHY_OFFSET_MDC_PIN 3
#define CAM_ETH_SET_PHY_OFFSET_MDIO_PIN 4
#define CAM_ETH_SET_PHY_OFFSET_POWER_PIN 5
#define CAM_ETH_SET_PHY_SIZE 6

// ---- command set_spi (6 bytes)
//   host i8, sclk_pin i8, mosi_pin i8, miso_pin i8, cs_pin i8, int_pin i8.
#define CAM_ETH_SET_SPI_OFFSET_HOST 0
#define CAM_ETH_SET_SPI_OFFSET_SCLK_PIN 1
#define CAM_ETH_SET_SPI_OFFSET_MOSI_PIN 2
#define CAM_ETH_SET_SPI_OFFSET_MISO_PIN 3
#define CAM_ETH_SET_SPI_OFFSET_CS_PIN 4
#define CAM_ETH_SET_SPI_OFFSET_INT_PIN 5
#define CAM_ETH_SET_SPI_SIZE 6

// Everything a `link` event carries, in host form.
typedef struct {
    uint8_t state;       // LinkState
    bool full_duplex;    // goes out as duplex 1 (full) or 0 (half)
    uint16_t reason;     // LinkReason
    uint16_t speed_mbps; // 10 or 100; 0 while there is no link
    cam_ipv4_config_t address;
} cam_eth_link_snapshot_t;

// One `set_phy` command, parsed. Values are not validated here.
typedef struct {
    uint8_t phy_type;    // PhyType
    uint8_t phy_address; // 0..31 on the MDIO bus
    uint8_t clock_mode;  // ClockMode
    int8_t mdc_pin;      // GPIO numbers, -1 when not wired
    int8_t mdio_pin;
    int8_t power_pin;
} cam_eth_phy_settings_t;

// One `set_spi` command, parsed. Values are not validated here.
typedef struct {
    int8_t host; // spi_host_device_t: 1 = SPI2_HOST (HSPI), 2 = SPI3_HOST (VSPI)
    int8_t sclk_pin;
    int8_t mosi_pin;
    int8_t miso_pin;
    int8_t cs_pin;
    int8_t int_pin; // -1: no interrupt line, poll the chip
} cam_eth_spi_settings_t;

// Writes the `link` event payload (CAM_ETH_LINK_SIZE bytes) into `out` and
// returns its size.
size_t cam_eth_encode_link(uint8_t *out, const cam_eth_link_snapshot_t *link);

// Parse the commands. False (and the output untouched) when the payload is
// shorter than the layout; extra bytes are ignored, as Jacdac does.
bool cam_eth_parse_set_phy(const uint8_t *data, size_t size, cam_eth_phy_settings_t *phy);
bool cam_eth_parse_set_spi(const uint8_t *data, size_t size, cam_eth_spi_settings_t *spi);
