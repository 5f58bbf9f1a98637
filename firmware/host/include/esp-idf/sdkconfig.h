// The simulated board's configuration: a classic ESP32 with the EMAC and
// W5500 Ethernet drivers and 802.1X; soft-AP SAE from ESP-IDF 5.1 on.
#pragma once
#include "esp_idf_version.h"
#define CONFIG_IDF_TARGET_ESP32 1
#define CONFIG_ESP_WIFI_ENTERPRISE_SUPPORT 1
#define CONFIG_ETH_USE_ESP32_EMAC 1
#define CONFIG_ETH_USE_SPI_ETHERNET 1
#define CONFIG_ETH_SPI_ETHERNET_W5500 1
#if ESP_IDF_VERSION_MINOR >= 1
#define CONFIG_ESP_WIFI_SOFTAP_SAE_SUPPORT 1
#endif
