#pragma once
// ESP-IDF 5.0 to 5.0.4, 5.1 and 5.1.1: the enterprise client before
// esp_eap_client.h. Same behaviour, older names.
#include <stdbool.h>
#include "esp_err.h"

typedef enum {
    ESP_EAP_TTLS_PHASE2_EAP,
    ESP_EAP_TTLS_PHASE2_MSCHAPV2,
    ESP_EAP_TTLS_PHASE2_MSCHAP,
    ESP_EAP_TTLS_PHASE2_PAP,
    ESP_EAP_TTLS_PHASE2_CHAP
} esp_eap_ttls_phase2_types;

esp_err_t esp_wifi_sta_wpa2_ent_enable(void);
esp_err_t esp_wifi_sta_wpa2_ent_disable(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_identity(const unsigned char *identity, int len);
void esp_wifi_sta_wpa2_ent_clear_identity(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_username(const unsigned char *username, int len);
void esp_wifi_sta_wpa2_ent_clear_username(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_password(const unsigned char *password, int len);
void esp_wifi_sta_wpa2_ent_clear_password(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_ca_cert(const unsigned char *ca_cert, int ca_cert_len);
void esp_wifi_sta_wpa2_ent_clear_ca_cert(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_cert_key(const unsigned char *client_cert, int client_cert_len,
                                             const unsigned char *private_key, int private_key_len,
                                             const unsigned char *private_key_passwd,
                                             int private_key_passwd_len);
void esp_wifi_sta_wpa2_ent_clear_cert_key(void);
esp_err_t esp_wifi_sta_wpa2_ent_set_ttls_phase2_method(esp_eap_ttls_phase2_types type);
