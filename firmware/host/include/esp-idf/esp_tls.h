#pragma once
// Stand-in for components/esp-tls/esp_tls.h and esp_tls_errors.h of ESP-IDF
// v5.0.5 (commit 03d7a3807bee18c7b9ffa0638af83b92fc23895f), written for this
// project: the error handle esp_http_client passes with HTTP_EVENT_ERROR and
// the one call that reads it, with the real names, fields and numbers.
// Unchanged in what we use through 5.5.x.
#include "esp_err.h"

#define ESP_ERR_ESP_TLS_BASE 0x8000
#define ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME (ESP_ERR_ESP_TLS_BASE + 0x01)
#define ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST (ESP_ERR_ESP_TLS_BASE + 0x04)
#define ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT (ESP_ERR_ESP_TLS_BASE + 0x06)
#define ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1A)

typedef struct esp_tls_last_error {
    esp_err_t last_error;
    int esp_tls_error_code;
    int esp_tls_flags;
} esp_tls_last_error_t;

typedef struct esp_tls_last_error *esp_tls_error_handle_t;

// The last error, the mbedTLS code and the certificate verification flags;
// clears the handle. ESP_ERR_INVALID_STATE for a NULL handle.
esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code, int *esp_tls_flags);
