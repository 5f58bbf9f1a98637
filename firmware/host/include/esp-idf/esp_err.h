#pragma once
#include <stdint.h>

typedef int esp_err_t;

#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERR_INVALID_STATE 0x103
#define ESP_ERR_INVALID_SIZE 0x104
#define ESP_ERR_NOT_FOUND 0x105
#define ESP_ERR_NOT_SUPPORTED 0x106
#define ESP_ERR_TIMEOUT 0x107
// The Wi-Fi codes are declared in ESP-IDF's components/esp_wifi/include/
// esp_wifi.h, the same numbers at every tag from v5.0 to v5.5.5 (read at
// v5.0, v5.0.5, v5.3 and v5.5): base + 1 NOT_INIT, + 2 NOT_STARTED,
// + 3 NOT_STOPPED, + 4 IF, + 5 MODE, + 6 STATE, + 7 CONN, + 10 SSID,
// + 11 PASSWORD, + 15 NOT_CONNECT.
#define ESP_ERR_WIFI_BASE 0x3000
#define ESP_ERR_WIFI_NOT_INIT (ESP_ERR_WIFI_BASE + 1)
#define ESP_ERR_WIFI_NOT_STARTED (ESP_ERR_WIFI_BASE + 2)
#define ESP_ERR_WIFI_NOT_STOPPED (ESP_ERR_WIFI_BASE + 3)
#define ESP_ERR_WIFI_IF (ESP_ERR_WIFI_BASE + 4)
#define ESP_ERR_WIFI_MODE (ESP_ERR_WIFI_BASE + 5)
#define ESP_ERR_WIFI_STATE (ESP_ERR_WIFI_BASE + 6)
#define ESP_ERR_WIFI_CONN (ESP_ERR_WIFI_BASE + 7)
#define ESP_ERR_WIFI_SSID (ESP_ERR_WIFI_BASE + 10)
#define ESP_ERR_WIFI_PASSWORD (ESP_ERR_WIFI_BASE + 11)
#define ESP_ERR_WIFI_NOT_CONNECT (ESP_ERR_WIFI_BASE + 15)
#define ESP_ERR_ESP_NETIF_BASE 0x5000
#define ESP_ERR_ESP_NETIF_INVALID_PARAMS (ESP_ERR_ESP_NETIF_BASE + 0x01)
#define ESP_ERR_ESP_NETIF_IF_NOT_READY (ESP_ERR_ESP_NETIF_BASE + 0x02)
#define ESP_ERR_ESP_NETIF_DHCPC_START_FAILED (ESP_ERR_ESP_NETIF_BASE + 0x03)
#define ESP_ERR_ESP_NETIF_DHCP_ALREADY_STARTED (ESP_ERR_ESP_NETIF_BASE + 0x04)
#define ESP_ERR_ESP_NETIF_DHCP_ALREADY_STOPPED (ESP_ERR_ESP_NETIF_BASE + 0x05)

const char *esp_err_to_name(esp_err_t code);

// ESP-IDF aborts the program on a failed check; the simulator reports the
// expression and traps (see firmware/host/sim/esp_system_sim.c).
void _esp_error_check_failed(esp_err_t rc, const char *file, int line, const char *function,
                             const char *expression) __attribute__((noreturn));
#define ESP_ERROR_CHECK(x)                                                                         \
    do {                                                                                           \
        esp_err_t err_rc_ = (x);                                                                   \
        if (err_rc_ != ESP_OK)                                                                     \
            _esp_error_check_failed(err_rc_, __FILE__, __LINE__, __func__, #x);                    \
    } while (0)
