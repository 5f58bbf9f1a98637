// Stand-in for ESP-IDF 5.0's esp_system.h (components/esp_system/include/
// esp_system.h at v5.0.5, 03d7a3807bee): the reset reasons, in ESP-IDF's
// order, and esp_reset_reason().
#pragma once

typedef enum {
    ESP_RST_UNKNOWN,
    ESP_RST_POWERON,
    ESP_RST_EXT,
    ESP_RST_SW,
    ESP_RST_PANIC,
    ESP_RST_INT_WDT,
    ESP_RST_TASK_WDT,
    ESP_RST_WDT,
    ESP_RST_DEEPSLEEP,
    ESP_RST_BROWNOUT,
    ESP_RST_SDIO,
} esp_reset_reason_t;

esp_reset_reason_t esp_reset_reason(void);
