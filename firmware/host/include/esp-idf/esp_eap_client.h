#pragma once
#include <stdbool.h>
#include "esp_err.h"
#include "esp_idf_version.h"

// components/wpa_supplicant/esp_supplicant/include/esp_eap_client.h exists
// from v5.0.5 on the 5.0 line and from v5.1.2 (not in v5.1, v5.1.1): a
// driver that includes it for another version must not compile here either.
#if !((ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 5) &&                                          \
       ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 1, 0)) ||                                          \
      ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 2))
#error "esp_eap_client.h: No such file in this ESP-IDF version (5.0.5+ on 5.0, 5.1.2+)"
#endif

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
#if (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 9) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 1, 0)) || \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 7) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 2, 0)) || \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 2, 6) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 3, 0)) || \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 4) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 4, 0)) || \
    ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 2)
esp_err_t esp_eap_client_set_domain_name(const char *domain_name);
#endif

// esp_eap_client_set_eap_methods(): 5.3.4, 5.4.3, 5.5.1 and later (not in
// 5.4 .. 5.4.2 or 5.5)
#if (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 4) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 4, 0)) || \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 3) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 5, 0)) || \
    ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 1)
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
