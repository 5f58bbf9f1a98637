#pragma once
#include "esp_idf_version.h"
// components/esp_hw_support/include/esp_interface.h: ESP_IF_WIFI_NAN comes
// in at v5.1 (not at v5.0.9), which moves ESP_IF_ETH from 2 to 3.
typedef enum {
    ESP_IF_WIFI_STA = 0,
    ESP_IF_WIFI_AP,
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 0)
    ESP_IF_WIFI_NAN,
#endif
    ESP_IF_ETH,
    ESP_IF_MAX
} esp_interface_t;
