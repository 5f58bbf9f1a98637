// Byte-exact packing of the Camscript Ethernet packets. See
// cam_ethernet_packets.h for the layouts.

#include "cam_ethernet_packets.h"

#include <string.h>

// The generated constants of every camscript contract, Ethernet included
// (JD_CAM_ETHERNET_*): one file, .devicescript/c/constants.c, copied under
// this name (firmware/README.md).
#include "cam_wifi_station_spec.h"

// Tripwires: the offsets above are the contract's, written out by hand. The
// generated structs describe the same fixed layouts (none needs padding
// except set_address, whose u8 `mode` only pads the struct's end), so if
// services/ethernet.md is changed and the constants regenerated, the build
// stops here until this file is brought in line. Nothing is ever copied
// through those structs.
_Static_assert(offsetof(jd_cam_ethernet_link_t, duplex) == CAM_ETH_LINK_OFFSET_DUPLEX,
               "link.duplex");
_Static_assert(offsetof(jd_cam_ethernet_link_t, reason) == CAM_ETH_LINK_OFFSET_REASON,
               "link.reason");
_Static_assert(offsetof(jd_cam_ethernet_link_t, speed_mbps) == CAM_ETH_LINK_OFFSET_SPEED,
               "link.speed_mbps");
_Static_assert(offsetof(jd_cam_ethernet_link_t, reserved) == CAM_ETH_LINK_OFFSET_RESERVED,
               "link.reserved");
_Static_assert(offsetof(jd_cam_ethernet_link_t, ip) == CAM_ETH_LINK_OFFSET_IP, "link.ip");
_Static_assert(offsetof(jd_cam_ethernet_link_t, netmask) == CAM_ETH_LINK_OFFSET_NETMASK,
               "link.netmask");
_Static_assert(offsetof(jd_cam_ethernet_link_t, gateway) == CAM_ETH_LINK_OFFSET_GATEWAY,
               "link.gateway");
_Static_assert(offsetof(jd_cam_ethernet_link_t, dns) == CAM_ETH_LINK_OFFSET_DNS, "link.dns");
_Static_assert(sizeof(jd_cam_ethernet_link_t) == CAM_ETH_LINK_SIZE, "link size");

_Static_assert(offsetof(jd_cam_ethernet_set_phy_t, phy_address) ==
                   CAM_ETH_SET_PHY_OFFSET_PHY_ADDRESS,
               "set_phy.phy_address");
_Static_assert(offsetof(jd_cam_ethernet_set_phy_t, clock_mode) ==
                   CAM_ETH_SET_PHY_OFFSET_CLOCK_MODE,
               "set_phy.clock_mode");
_Static_assert(offsetof(jd_cam_ethernet_set_phy_t, mdc_pin) == CAM_ETH_SET_PHY_OFFSET_MDC_PIN,
               "set_phy.mdc_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_phy_t, mdio_pin) == CAM_ETH_SET_PHY_OFFSET_MDIO_PIN,
               "set_phy.mdio_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_phy_t, power_pin) ==
                   CAM_ETH_SET_PHY_OFFSET_POWER_PIN,
               "set_phy.power_pin");
_Static_assert(sizeof(jd_cam_ethernet_set_phy_t) == CAM_ETH_SET_PHY_SIZE, "set_phy size");

_Static_assert(offsetof(jd_cam_ethernet_set_spi_t, sclk_pin) == CAM_ETH_SET_SPI_OFFSET_SCLK_PIN,
               "set_spi.sclk_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_spi_t, mosi_pin) == CAM_ETH_SET_SPI_OFFSET_MOSI_PIN,
               "set_spi.mosi_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_spi_t, miso_pin) == CAM_ETH_SET_SPI_OFFSET_MISO_PIN,
               "set_spi.miso_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_spi_t, cs_pin) == CAM_ETH_SET_SPI_OFFSET_CS_PIN,
               "set_spi.cs_pin");
_Static_assert(offsetof(jd_cam_ethernet_set_spi_t, int_pin) == CAM_ETH_SET_SPI_OFFSET_INT_PIN,
               "set_spi.int_pin");
_Static_assert(sizeof(jd_cam_ethernet_set_spi_t) == CAM_ETH_SET_SPI_SIZE, "set_spi size");

// `set_address` is parsed by the Wi-Fi station's cam_parse_set_address():
// the same 17 bytes in both contracts.
_Static_assert(offsetof(jd_cam_ethernet_set_address_t, netmask) ==
                   CAM_SET_ADDRESS_OFFSET_NETMASK,
               "set_address.netmask");
_Static_assert(offsetof(jd_cam_ethernet_set_address_t, gateway) ==
                   CAM_SET_ADDRESS_OFFSET_GATEWAY,
               "set_address.gateway");
_Static_assert(offsetof(jd_cam_ethernet_set_address_t, dns) == CAM_SET_ADDRESS_OFFSET_DNS,
               "set_address.dns");
_Static_assert(offsetof(jd_cam_ethernet_set_address_t, mode) == CAM_SET_ADDRESS_OFFSET_MODE,
               "set_address.mode");
_Static_assert(JD_CAM_ETHERNET_ADDRESS_MODE_DHCP == JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP &&
                   JD_CAM_ETHERNET_ADDRESS_MODE_STATIC == JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC,
               "AddressMode");

size_t cam_eth_encode_link(uint8_t *out, const cam_eth_link_snapshot_t *link) {
    out[CAM_ETH_LINK_OFFSET_STATE] = link->state;
    out[CAM_ETH_LINK_OFFSET_DUPLEX] = link->full_duplex ? 1 : 0;
    cam_put_u16_le(out + CAM_ETH_LINK_OFFSET_REASON, link->reason);
    cam_put_u16_le(out + CAM_ETH_LINK_OFFSET_SPEED, link->speed_mbps);
    cam_put_u16_le(out + CAM_ETH_LINK_OFFSET_RESERVED, 0);
    cam_put_u32_le(out + CAM_ETH_LINK_OFFSET_IP, link->address.ip);
    cam_put_u32_le(out + CAM_ETH_LINK_OFFSET_NETMASK, link->address.netmask);
    cam_put_u32_le(out + CAM_ETH_LINK_OFFSET_GATEWAY, link->address.gateway);
    cam_put_u32_le(out + CAM_ETH_LINK_OFFSET_DNS, link->address.dns);
    return CAM_ETH_LINK_SIZE;
}

bool cam_eth_parse_set_phy(const uint8_t *data, size_t size, cam_eth_phy_settings_t *phy) {
    if (size < CAM_ETH_SET_PHY_SIZE)
        return false;
    phy->phy_type = data[CAM_ETH_SET_PHY_OFFSET_PHY_TYPE];
    phy->phy_address = data[CAM_ETH_SET_PHY_OFFSET_PHY_ADDRESS];
    phy->clock_mode = data[CAM_ETH_SET_PHY_OFFSET_CLOCK_MODE];
    phy->mdc_pin = (int8_t)data[CAM_ETH_SET_PHY_OFFSET_MDC_PIN];
    phy->mdio_pin = (int8_t)data[CAM_ETH_SET_PHY_OFFSET_MDIO_PIN];
    phy->power_pin = (int8_t)data[CAM_ETH_SET_PHY_OFFSET_POWER_PIN];
    return true;
}

bool cam_eth_parse_set_spi(const uint8_t *data, size_t size, cam_eth_spi_settings_t *spi) {
    if (size < CAM_ETH_SET_SPI_SIZE)
        return false;
    spi->host = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_HOST];
    spi->sclk_pin = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_SCLK_PIN];
    spi->mosi_pin = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_MOSI_PIN];
    spi->miso_pin = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_MISO_PIN];
    spi->cs_pin = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_CS_PIN];
    spi->int_pin = (int8_t)data[CAM_ETH_SET_SPI_OFFSET_INT_PIN];
    return true;
}
