#pragma once
#include <stdbool.h>
#include "esp_err.h"
#include "esp_idf_version.h"

typedef enum {
    ESP_EAP_TTLS_PHASE2_EAP,
    ESP_EAP_TTLS_PHASE2_MSCHAPV2,
    ESP_EAP_TTLS_PHASE2_MSCHAP,
    ESP_EAP_TTLS_PHASE2_PAP,
    ESP_EAP_TTLS_PHASE2_CHAP
} esp_eap_ttls_phase2_types;

esp_err_t esp_wifi_sta_enterprise_enable(void);
esp_err_t esp_wifi_sta_enterprise_disable(void);
esp_err_t esp_eap_client_set_identity(const unsigned char *identity, int len);
void esp_eap_client_clear_identity(void);
esp_err_t esp_eap_client_set_username(const unsigned char *username, int len);
void esp_eap_client_clear_username(void);
esp_err_t esp_eap_client_set_password(const unsigned char *password, int len);
void esp_eap_client_clear_password(void);
esp_err_t esp_eap_client_set_ca_cert(const unsigned char *ca_cert, int ca_cert_len);
void esp_eap_client_clear_ca_cert(void);
esp_err_t esp_eap_client_set_certificate_and_key(const unsigned char *client_cert,
                                                 int client_cert_len,
                                                 const unsigned char *private_key,
                                                 int private_key_len,
                                                 const unsigned char *private_key_password,
                                                 int private_key_passwd_len);
void esp_eap_client_clear_certificate_and_key(void);
esp_err_t esp_eap_client_set_ttls_phase2_method(esp_eap_ttls_phase2_types type);
// 5.0.9, 5.1.7, 5.2.6, 5.3.4, 5.4.2 and later (the simulated SDK: 5.3.4)
esp_err_t esp_eap_client_set_domain_name(const char *domain_name);

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 4)
typedef enum {
    ESP_EAP_TYPE_NONE = 0,
    ESP_EAP_TYPE_TLS = (1 << 0),
    ESP_EAP_TYPE_TTLS = (1 << 1),
    ESP_EAP_TYPE_PEAP = (1 << 2),
    ESP_EAP_TYPE_FAST = (1 << 3),
    ESP_EAP_TYPE_ALL = (ESP_EAP_TYPE_TLS | ESP_EAP_TYPE_TTLS | ESP_EAP_TYPE_PEAP | ESP_EAP_TYPE_FAST),
} esp_eap_method_t;
esp_err_t esp_eap_client_set_eap_methods(esp_eap_method_t methods);
#endif
