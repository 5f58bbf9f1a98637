// esp_http_client (ESP-IDF v5.0.5, components/esp_http_client/
// esp_http_client.c at commit 03d7a3807bee) over the simulator's world:
// sim/firmware/esp-http-client.ts holds each client's state and makes the
// connection to the world's servers, with the same code the model upload
// driver uses. The calls that block on the chip (open, write,
// fetch_headers) begin the operation there and suspend the calling task
// (freertos_sim.c) until the simulator answers on the virtual clock; the
// rest answer at once. Only what firmware/main/cam_http_upload.c uses.

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "esp_http_client.h"
#include "esp_tls.h"
#include "sim.h"

struct esp_http_client {
    uint32_t handle;
    esp_tls_last_error_t tls_error; // the transport's esp-tls error handle
    http_event_handle_cb event_handler;
    void *user_data;
};

static size_t length_of(const char *text) {
    return text != NULL ? strlen(text) : 0;
}

esp_http_client_handle_t esp_http_client_init(const esp_http_client_config_t *config) {
    if (config == NULL || config->url == NULL)
        return NULL; // v5.0.5 needs a url or a host
    // esp_http_client_init: cert_len 0 means a NUL-terminated PEM
    size_t cert_length = config->cert_pem == NULL ? 0
                         : config->cert_len != 0  ? config->cert_len
                                                  : strlen(config->cert_pem);
    // DEFAULT_HTTP_USER_AGENT when the config names none
    const char *agent = config->user_agent != NULL ? config->user_agent : "ESP32 HTTP Client/1.0";
    uint32_t handle = sim_http_init(config->url, strlen(config->url), (uint32_t)config->method,
                                    config->timeout_ms, config->cert_pem, cert_length,
                                    (config->cert_pem != NULL ? 1u : 0u) | (config->skip_cert_common_name_check ? 0u : 2u),
                                    agent, strlen(agent));
    if (handle == 0)
        return NULL; // "Error parse url"
    esp_http_client_handle_t client = calloc(1, sizeof(*client));
    if (client == NULL) {
        sim_http_cleanup(handle);
        return NULL;
    }
    client->handle = handle;
    client->event_handler = config->event_handler;
    client->user_data = config->user_data;
    return client;
}

esp_err_t esp_http_client_set_header(esp_http_client_handle_t client, const char *key, const char *value) {
    if (client == NULL || key == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_http_set_header(client->handle, key, strlen(key), value, length_of(value));
    return ESP_OK;
}

esp_err_t esp_http_client_set_timeout_ms(esp_http_client_handle_t client, int timeout_ms) {
    if (client == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_http_set_timeout(client->handle, timeout_ms);
    return ESP_OK;
}

int esp_http_client_get_errno(esp_http_client_handle_t client) {
    if (client == NULL)
        return -1;
    switch (sim_http_errno(client->handle)) {
    case SIM_ERRNO_CONNREFUSED:
        return ECONNREFUSED;
    case SIM_ERRNO_TIMEDOUT:
        return ETIMEDOUT;
    case SIM_ERRNO_CONNRESET:
        return ECONNRESET;
    case SIM_ERRNO_HOSTUNREACH:
        return EHOSTUNREACH;
    default:
        return 0;
    }
}

// esp_http_client_open dispatches HTTP_EVENT_ERROR with the transport's
// esp-tls error handle when the connection or the request head fails.
static void dispatch_error(esp_http_client_handle_t client) {
    if (client->event_handler == NULL)
        return;
    int32_t code = 0, flags = 0;
    client->tls_error.last_error = sim_http_tls_error(client->handle, &code, &flags);
    client->tls_error.esp_tls_error_code = code;
    client->tls_error.esp_tls_flags = flags;
    esp_http_client_event_t event = {
        .event_id = HTTP_EVENT_ERROR,
        .client = client,
        .data = &client->tls_error, // esp_transport_get_error_handle(client->transport)
        .user_data = client->user_data,
    };
    client->event_handler(&event);
}

esp_err_t esp_http_client_open(esp_http_client_handle_t client, int write_len) {
    if (client == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_http_open(client->handle, write_len);
    esp_err_t err = (esp_err_t)sim_block_current_task();
    if (err != ESP_OK)
        dispatch_error(client);
    return err;
}

int esp_http_client_write(esp_http_client_handle_t client, const char *buffer, int len) {
    if (client == NULL)
        return -1;
    sim_http_write(client->handle, (uint32_t)(uintptr_t)buffer, len);
    return (int)sim_block_current_task();
}

int64_t esp_http_client_fetch_headers(esp_http_client_handle_t client) {
    if (client == NULL)
        return ESP_FAIL;
    sim_http_fetch_headers(client->handle);
    return (int64_t)sim_block_current_task();
}

int esp_http_client_get_status_code(esp_http_client_handle_t client) {
    return client != NULL ? (int)sim_http_status(client->handle) : -1;
}

esp_err_t esp_http_client_close(esp_http_client_handle_t client) {
    if (client == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_http_close(client->handle);
    return ESP_OK;
}

esp_err_t esp_http_client_cleanup(esp_http_client_handle_t client) {
    if (client == NULL)
        return ESP_FAIL;
    sim_http_cleanup(client->handle);
    free(client);
    return ESP_OK;
}
