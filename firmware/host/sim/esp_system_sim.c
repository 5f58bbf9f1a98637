// esp_err, esp_mac, esp_timer and esp_random stand-ins (FreeRTOS: freertos_sim.c).

#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "esp_err.h"
#include "esp_mac.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "sim.h"

const char *esp_err_to_name(esp_err_t code) {
    switch (code) {
    case ESP_OK:
        return "ESP_OK";
    case ESP_FAIL:
        return "ESP_FAIL";
    case ESP_ERR_NO_MEM:
        return "ESP_ERR_NO_MEM";
    case ESP_ERR_INVALID_ARG:
        return "ESP_ERR_INVALID_ARG";
    case ESP_ERR_INVALID_STATE:
        return "ESP_ERR_INVALID_STATE";
    case ESP_ERR_NOT_FOUND:
        return "ESP_ERR_NOT_FOUND";
    case ESP_ERR_NOT_SUPPORTED:
        return "ESP_ERR_NOT_SUPPORTED";
    case ESP_ERR_TIMEOUT:
        return "ESP_ERR_TIMEOUT";
    case ESP_ERR_WIFI_NOT_INIT:
        return "ESP_ERR_WIFI_NOT_INIT";
    case ESP_ERR_WIFI_NOT_STARTED:
        return "ESP_ERR_WIFI_NOT_STARTED";
    case ESP_ERR_WIFI_NOT_STOPPED:
        return "ESP_ERR_WIFI_NOT_STOPPED";
    case ESP_ERR_WIFI_IF:
        return "ESP_ERR_WIFI_IF";
    case ESP_ERR_WIFI_MODE:
        return "ESP_ERR_WIFI_MODE";
    case ESP_ERR_WIFI_STATE:
        return "ESP_ERR_WIFI_STATE";
    case ESP_ERR_WIFI_CONN:
        return "ESP_ERR_WIFI_CONN";
    case ESP_ERR_WIFI_SSID:
        return "ESP_ERR_WIFI_SSID";
    case ESP_ERR_WIFI_PASSWORD:
        return "ESP_ERR_WIFI_PASSWORD";
    case ESP_ERR_WIFI_NOT_CONNECT:
        return "ESP_ERR_WIFI_NOT_CONNECT";
    case ESP_ERR_ESP_NETIF_DHCP_ALREADY_STARTED:
        return "ESP_ERR_ESP_NETIF_DHCP_ALREADY_STARTED";
    case ESP_ERR_ESP_NETIF_DHCP_ALREADY_STOPPED:
        return "ESP_ERR_ESP_NETIF_DHCP_ALREADY_STOPPED";
    default:
        return "UNKNOWN ERROR";
    }
}

void _esp_error_check_failed(esp_err_t rc, const char *file, int line, const char *function,
                             const char *expression) {
    char text[256];
    int length = snprintf(text, sizeof(text), "ESP_ERROR_CHECK failed: %s (%s) at %s:%d in %s",
                          esp_err_to_name(rc), expression, file, line, function);
    sim_fatal(text, length < 0 ? 0 : (size_t)length < sizeof(text) ? (size_t)length : sizeof(text) - 1);
    __builtin_trap();
}

// The ESP32 derives each interface's MAC from the base MAC: station +0,
// soft-AP +1, Bluetooth +2, Ethernet +3.
esp_err_t esp_read_mac(uint8_t *mac, esp_mac_type_t type) {
    if (mac == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_base_mac(mac);
    unsigned offset = type == ESP_MAC_WIFI_SOFTAP ? 1 : type == ESP_MAC_BT ? 2 : type == ESP_MAC_ETH ? 3 : 0;
    mac[5] = (uint8_t)(mac[5] + offset);
    return ESP_OK;
}

int64_t esp_timer_get_time(void) {
    return (int64_t)(sim_now_ms() * 1000.0);
}

uint32_t esp_random(void) {
    return sim_random();
}

void esp_fill_random(void *buf, size_t len) {
    uint8_t *bytes = buf;
    for (size_t i = 0; i < len; ++i)
        bytes[i] = (uint8_t)sim_random();
}
