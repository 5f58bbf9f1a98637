// esp-tls's error handle (ESP-IDF v5.0.5, components/esp-tls/esp_tls.c,
// esp_tls_get_and_clear_last_error): the simulated esp_http_client fills the
// handle it dispatches with HTTP_EVENT_ERROR (esp_http_client_sim.c); this
// reads and clears it as the real call does.

#include <string.h>

#include "esp_tls.h"

esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code, int *esp_tls_flags) {
    if (h == NULL)
        return ESP_ERR_INVALID_STATE;
    esp_err_t last_err = h->last_error;
    if (esp_tls_code != NULL)
        *esp_tls_code = h->esp_tls_error_code;
    if (esp_tls_flags != NULL)
        *esp_tls_flags = h->esp_tls_flags;
    memset(h, 0, sizeof(*h));
    return last_err;
}
