// esp_wifi and the enterprise client over the simulated radio. The
// simulator owns the radio's state (mode, started, the link, scans); these
// functions pass the configuration across flat and convert the records it
// writes into ESP-IDF's structures.

#include <stdlib.h>
#include <string.h>

#include "esp_eap_client.h"
#include "esp_wifi.h"
#include "esp_wifi_ap_get_sta_list.h"
#include "sim.h"

static bool initialised;

static size_t bounded_length(const uint8_t *bytes, size_t capacity) {
    size_t length = 0;
    while (length < capacity && bytes[length] != 0)
        ++length;
    return length;
}

static void ap_record_from_sim(wifi_ap_record_t *out, const sim_ap_t *in) {
    memset(out, 0, sizeof(*out));
    memcpy(out->bssid, in->bssid, 6);
    memcpy(out->ssid, in->ssid, sizeof(out->ssid));
    out->ssid[32] = 0;
    out->primary = in->primary;
    out->rssi = in->rssi;
    out->authmode = (wifi_auth_mode_t)in->authmode;
    out->pairwise_cipher = in->authmode == WIFI_AUTH_OPEN ? WIFI_CIPHER_TYPE_NONE : WIFI_CIPHER_TYPE_CCMP;
    out->group_cipher = out->pairwise_cipher;
    out->phy_11b = out->phy_11g = out->phy_11n = 1;
}

esp_err_t esp_wifi_init(const wifi_init_config_t *config) {
    if (config == NULL || config->magic != WIFI_INIT_CONFIG_MAGIC)
        return ESP_ERR_INVALID_ARG;
    initialised = true;
    return ESP_OK;
}

esp_err_t esp_wifi_set_storage(wifi_storage_t storage) {
    (void)storage;
    return initialised ? ESP_OK : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_set_mode(wifi_mode_t mode) {
    if (!initialised)
        return ESP_ERR_WIFI_NOT_INIT;
    if (mode >= WIFI_MODE_MAX)
        return ESP_ERR_INVALID_ARG;
    return sim_wifi_set_mode(mode);
}

esp_err_t esp_wifi_start(void) {
    return initialised ? sim_wifi_start() : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_stop(void) {
    return initialised ? sim_wifi_stop() : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_connect(void) {
    return initialised ? sim_wifi_connect() : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_disconnect(void) {
    return initialised ? sim_wifi_disconnect() : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t *conf) {
    if (!initialised)
        return ESP_ERR_WIFI_NOT_INIT;
    if (conf == NULL)
        return ESP_ERR_INVALID_ARG;
    if (interface == WIFI_IF_STA) {
        const wifi_sta_config_t *sta = &conf->sta;
        return sim_wifi_sta_config(sta->ssid, bounded_length(sta->ssid, sizeof(sta->ssid)),
                                   sta->password,
                                   bounded_length(sta->password, sizeof(sta->password)),
                                   sta->bssid_set, sta->bssid, sta->channel);
    }
    if (interface == WIFI_IF_AP) {
        const wifi_ap_config_t *ap = &conf->ap;
        size_t ssid_length = ap->ssid_len ? ap->ssid_len : bounded_length(ap->ssid, sizeof(ap->ssid));
        if (ssid_length > sizeof(ap->ssid))
            return ESP_ERR_WIFI_SSID;
        return sim_wifi_ap_config(ap->ssid, ssid_length, ap->password,
                                  bounded_length(ap->password, sizeof(ap->password)), ap->channel,
                                  ap->authmode, ap->ssid_hidden, ap->max_connection);
    }
    return ESP_ERR_WIFI_IF;
}

esp_err_t esp_wifi_scan_start(const wifi_scan_config_t *config, bool block) {
    if (!initialised)
        return ESP_ERR_WIFI_NOT_INIT;
    if (block)
        return ESP_ERR_NOT_SUPPORTED; // would stop the main loop: the drivers never block
    const uint8_t *ssid = config != NULL ? config->ssid : NULL;
    size_t ssid_length = ssid != NULL ? bounded_length(ssid, 32) : 0;
    return sim_wifi_scan_start(ssid, ssid_length, config != NULL ? config->bssid : NULL,
                               config != NULL ? config->channel : 0,
                               config != NULL ? config->show_hidden : 0);
}

esp_err_t esp_wifi_scan_stop(void) {
    return initialised ? sim_wifi_scan_stop() : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_scan_get_ap_num(uint16_t *number) {
    if (number == NULL)
        return ESP_ERR_INVALID_ARG;
    *number = (uint16_t)sim_wifi_scan_count();
    return ESP_OK;
}

// As in ESP-IDF: copies up to *number records, sets *number to how many,
// and frees the scan's list (a later call finds none).
esp_err_t esp_wifi_scan_get_ap_records(uint16_t *number, wifi_ap_record_t *ap_records) {
    if (number == NULL || ap_records == NULL)
        return ESP_ERR_INVALID_ARG;
    uint16_t copied = 0;
    uint32_t available = sim_wifi_scan_count();
    for (uint32_t i = 0; i < available && copied < *number; ++i) {
        sim_ap_t record;
        memset(&record, 0, sizeof(record));
        if (!sim_wifi_scan_record(i, &record))
            break;
        ap_record_from_sim(&ap_records[copied++], &record);
    }
    *number = copied;
    sim_wifi_scan_clear();
    return ESP_OK;
}

esp_err_t esp_wifi_sta_get_ap_info(wifi_ap_record_t *ap_info) {
    if (ap_info == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_ap_t record;
    memset(&record, 0, sizeof(record));
    esp_err_t err = sim_wifi_sta_ap_info(&record);
    if (err == ESP_OK)
        ap_record_from_sim(ap_info, &record);
    return err;
}

esp_err_t esp_wifi_get_channel(uint8_t *primary, wifi_second_chan_t *second) {
    if (primary == NULL || second == NULL)
        return ESP_ERR_INVALID_ARG;
    *primary = (uint8_t)sim_wifi_channel();
    *second = WIFI_SECOND_CHAN_NONE;
    return ESP_OK;
}

esp_err_t esp_wifi_set_max_tx_power(int8_t power) {
    // ESP-IDF's range: 8..84 quarter-dBm (2..21 dBm)
    if (power < 8 || power > 84)
        return ESP_ERR_INVALID_ARG;
    return sim_wifi_set_tx_power(power);
}

esp_err_t esp_wifi_deauth_sta(uint16_t aid) {
    return sim_wifi_deauth_sta(aid);
}

esp_err_t esp_wifi_ap_get_sta_list(wifi_sta_list_t *sta) {
    if (sta == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_sta_t records[ESP_WIFI_MAX_CONN_NUM];
    memset(records, 0, sizeof(records));
    uint32_t count = sim_wifi_ap_stations(records, ESP_WIFI_MAX_CONN_NUM);
    memset(sta, 0, sizeof(*sta));
    for (uint32_t i = 0; i < count && i < ESP_WIFI_MAX_CONN_NUM; ++i) {
        memcpy(sta->sta[i].mac, records[i].mac, 6);
        sta->sta[i].rssi = records[i].rssi;
        sta->sta[i].phy_11b = sta->sta[i].phy_11g = sta->sta[i].phy_11n = 1;
    }
    sta->num = (int)(count < ESP_WIFI_MAX_CONN_NUM ? count : ESP_WIFI_MAX_CONN_NUM);
    return ESP_OK;
}

// The default AP netif's DHCP server leases, in the order of the list given.
esp_err_t esp_wifi_ap_get_sta_list_with_ip(const wifi_sta_list_t *wifi_sta_list,
                                           wifi_sta_mac_ip_list_t *wifi_sta_ip_mac_list) {
    if (wifi_sta_list == NULL || wifi_sta_ip_mac_list == NULL)
        return ESP_ERR_INVALID_ARG;
    sim_sta_t records[ESP_WIFI_MAX_CONN_NUM];
    memset(records, 0, sizeof(records));
    uint32_t count = sim_wifi_ap_stations(records, ESP_WIFI_MAX_CONN_NUM);
    memset(wifi_sta_ip_mac_list, 0, sizeof(*wifi_sta_ip_mac_list));
    for (int i = 0; i < wifi_sta_list->num && i < ESP_WIFI_MAX_CONN_NUM; ++i) {
        esp_netif_pair_mac_ip_t *pair = &wifi_sta_ip_mac_list->sta[i];
        memcpy(pair->mac, wifi_sta_list->sta[i].mac, 6);
        for (uint32_t j = 0; j < count; ++j)
            if (memcmp(records[j].mac, pair->mac, 6) == 0)
                sim_ip_from_u32(&pair->ip, records[j].ip);
    }
    wifi_sta_ip_mac_list->num = wifi_sta_list->num;
    return ESP_OK;
}

// ------------------------------------------------- enterprise (esp_eap_client)
// ESP-IDF copies identity, username and password, and keeps pointers to the
// certificates and key; the simulator copies everything when it is set (it
// has to hand them to the simulated login server), so the drivers' rule
// "never change a buffer the supplicant holds" is not checked here.

// ESP-IDF's limits: identities, usernames and passwords 1..127 bytes.
#define EAP_TEXT_MAX 127

static esp_err_t set_text(uint32_t kind, const unsigned char *text, int len) {
    if (text == NULL || len <= 0 || len > EAP_TEXT_MAX)
        return ESP_ERR_INVALID_ARG;
    return sim_eap_set(kind, text, (size_t)len);
}

static uint32_t phase2 = ESP_EAP_TTLS_PHASE2_MSCHAPV2;
static uint32_t methods;

esp_err_t esp_wifi_sta_enterprise_enable(void) {
    return sim_eap_enable(1);
}

esp_err_t esp_wifi_sta_enterprise_disable(void) {
    return sim_eap_enable(0);
}

esp_err_t esp_eap_client_set_identity(const unsigned char *identity, int len) {
    return set_text(SIM_EAP_IDENTITY, identity, len);
}

void esp_eap_client_clear_identity(void) {
    sim_eap_set(SIM_EAP_IDENTITY, NULL, 0);
}

esp_err_t esp_eap_client_set_username(const unsigned char *username, int len) {
    return set_text(SIM_EAP_USERNAME, username, len);
}

void esp_eap_client_clear_username(void) {
    sim_eap_set(SIM_EAP_USERNAME, NULL, 0);
}

esp_err_t esp_eap_client_set_password(const unsigned char *password, int len) {
    return set_text(SIM_EAP_PASSWORD, password, len);
}

void esp_eap_client_clear_password(void) {
    sim_eap_set(SIM_EAP_PASSWORD, NULL, 0);
}

// PEM lengths count the NUL (mbedTLS): the simulator gets the text without it.
static size_t pem_length(const unsigned char *pem, int len) {
    size_t length = (size_t)len;
    if (length > 0 && pem[length - 1] == 0)
        --length;
    return length;
}

esp_err_t esp_eap_client_set_ca_cert(const unsigned char *ca_cert, int ca_cert_len) {
    if (ca_cert == NULL || ca_cert_len <= 0)
        return ESP_ERR_INVALID_ARG;
    return sim_eap_set(SIM_EAP_CA_CERT, ca_cert, pem_length(ca_cert, ca_cert_len));
}

void esp_eap_client_clear_ca_cert(void) {
    sim_eap_set(SIM_EAP_CA_CERT, NULL, 0);
}

esp_err_t esp_eap_client_set_certificate_and_key(const unsigned char *client_cert,
                                                 int client_cert_len,
                                                 const unsigned char *private_key,
                                                 int private_key_len,
                                                 const unsigned char *private_key_password,
                                                 int private_key_passwd_len) {
    (void)private_key_password;
    (void)private_key_passwd_len;
    if (client_cert == NULL || client_cert_len <= 0 || private_key == NULL || private_key_len <= 0)
        return ESP_ERR_INVALID_ARG;
    esp_err_t err =
        sim_eap_set(SIM_EAP_CLIENT_CERT, client_cert, pem_length(client_cert, client_cert_len));
    if (err == ESP_OK)
        err = sim_eap_set(SIM_EAP_CLIENT_KEY, private_key, pem_length(private_key, private_key_len));
    return err;
}

void esp_eap_client_clear_certificate_and_key(void) {
    sim_eap_set(SIM_EAP_CLIENT_CERT, NULL, 0);
    sim_eap_set(SIM_EAP_CLIENT_KEY, NULL, 0);
}

esp_err_t esp_eap_client_set_ttls_phase2_method(esp_eap_ttls_phase2_types type) {
    phase2 = type;
    return sim_eap_options(phase2, methods);
}

esp_err_t esp_eap_client_set_domain_name(const char *domain_name) {
    if (domain_name == NULL)
        return sim_eap_set(SIM_EAP_DOMAIN, NULL, 0);
    return sim_eap_set(SIM_EAP_DOMAIN, domain_name, strlen(domain_name));
}

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 4)
esp_err_t esp_eap_client_set_eap_methods(esp_eap_method_t eap_methods) {
    methods = eap_methods;
    return sim_eap_options(phase2, methods);
}
#endif
