#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_interface.h"
#include "esp_netif.h"

typedef enum {
    WIFI_MODE_NULL = 0,
    WIFI_MODE_STA,
    WIFI_MODE_AP,
    WIFI_MODE_APSTA,
    WIFI_MODE_MAX
} wifi_mode_t;

typedef enum {
    WIFI_IF_STA = ESP_IF_WIFI_STA,
    WIFI_IF_AP = ESP_IF_WIFI_AP,
} wifi_interface_t;

// wifi_auth_mode_t as each ESP-IDF release declares it
// (components/esp_wifi/include/esp_wifi_types.h up to v5.2.x,
// esp_wifi_types_generic.h from v5.3; read at every tag v5.0 .. v5.5.5).
// The list grew differently on each release line, so every member after
// WIFI_AUTH_OWE (9) is gated to the releases that have it; the values are
// the positions they have there:
//   v5.0 .. v5.0.4, v5.1, v5.1.1      ... OWE
//   v5.0.5 .. v5.0.7, v5.0.9, v5.1.2 ..  + WPA3_ENT_192 (10), and
//                                         WIFI_AUTH_ENTERPRISE (5) with
//                                         WPA2_ENTERPRISE as its alias
//   v5.0.8 only                          + WPA3_ENTERPRISE (11),
//                                         WPA2_WPA3_ENTERPRISE (12)
//   v5.1.7                               + DUMMY1..5 (11..15), WPA_ENTERPRISE (16)
//   v5.2 ..                              + WPA3_EXT_PSK (11), _MIXED_MODE (12)
//   v5.2.6 .. v5.2.x                     + DUMMY1..3 (13..15), WPA_ENTERPRISE (16)
//   v5.3 ..                              + DPP (13)
//   v5.3.4 .. v5.3.x                     + DUMMY1..2 (14..15), WPA_ENTERPRISE (16)
//   v5.4 ..                              + WPA3_ENTERPRISE (14), WPA2_WPA3_ENTERPRISE (15)
//   v5.4.3 .., v5.5 ..                   + WPA_ENTERPRISE (16)
#define SIM_IDF_IN(a, b, c, x, y, z)                                                               \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(a, b, c) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(x, y, z))
#define SIM_IDF_FROM(a, b, c) (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(a, b, c))
#define SIM_HAS_WPA3_ENT_192 (SIM_IDF_IN(5, 0, 5, 5, 1, 0) || SIM_IDF_FROM(5, 1, 2))
typedef enum {
    WIFI_AUTH_OPEN = 0,
    WIFI_AUTH_WEP,
    WIFI_AUTH_WPA_PSK,
    WIFI_AUTH_WPA2_PSK,
    WIFI_AUTH_WPA_WPA2_PSK,
#if SIM_HAS_WPA3_ENT_192
    WIFI_AUTH_ENTERPRISE,
    WIFI_AUTH_WPA2_ENTERPRISE = WIFI_AUTH_ENTERPRISE,
#else
    WIFI_AUTH_WPA2_ENTERPRISE,
#endif
    WIFI_AUTH_WPA3_PSK,
    WIFI_AUTH_WPA2_WPA3_PSK,
    WIFI_AUTH_WAPI_PSK,
    WIFI_AUTH_OWE,
#if SIM_HAS_WPA3_ENT_192
    WIFI_AUTH_WPA3_ENT_192,
#endif
#if SIM_IDF_IN(5, 0, 8, 5, 0, 9)
    WIFI_AUTH_WPA3_ENTERPRISE,
    WIFI_AUTH_WPA2_WPA3_ENTERPRISE,
#endif
#if SIM_IDF_IN(5, 1, 7, 5, 2, 0)
    WIFI_AUTH_DUMMY1,
    WIFI_AUTH_DUMMY2,
    WIFI_AUTH_DUMMY3,
    WIFI_AUTH_DUMMY4,
    WIFI_AUTH_DUMMY5,
    WIFI_AUTH_WPA_ENTERPRISE,
#endif
#if SIM_IDF_FROM(5, 2, 0)
    WIFI_AUTH_WPA3_EXT_PSK,
    WIFI_AUTH_WPA3_EXT_PSK_MIXED_MODE,
#endif
#if SIM_IDF_IN(5, 2, 6, 5, 3, 0)
    WIFI_AUTH_DUMMY1,
    WIFI_AUTH_DUMMY2,
    WIFI_AUTH_DUMMY3,
    WIFI_AUTH_WPA_ENTERPRISE,
#endif
#if SIM_IDF_FROM(5, 3, 0)
    WIFI_AUTH_DPP,
#endif
#if SIM_IDF_IN(5, 3, 4, 5, 4, 0)
    WIFI_AUTH_DUMMY1,
    WIFI_AUTH_DUMMY2,
    WIFI_AUTH_WPA_ENTERPRISE,
#endif
#if SIM_IDF_FROM(5, 4, 0)
    WIFI_AUTH_WPA3_ENTERPRISE,
    WIFI_AUTH_WPA2_WPA3_ENTERPRISE,
#endif
#if SIM_IDF_FROM(5, 4, 3)
    WIFI_AUTH_WPA_ENTERPRISE,
#endif
    WIFI_AUTH_MAX
} wifi_auth_mode_t;

typedef enum {
    WIFI_REASON_UNSPECIFIED = 1,
    WIFI_REASON_AUTH_EXPIRE = 2,
    WIFI_REASON_AUTH_LEAVE = 3,
    WIFI_REASON_ASSOC_EXPIRE = 4,
    WIFI_REASON_ASSOC_TOOMANY = 5,
    WIFI_REASON_NOT_AUTHED = 6,
    WIFI_REASON_NOT_ASSOCED = 7,
    WIFI_REASON_ASSOC_LEAVE = 8,
    WIFI_REASON_ASSOC_NOT_AUTHED = 9,
    WIFI_REASON_DISASSOC_PWRCAP_BAD = 10,
    WIFI_REASON_DISASSOC_SUPCHAN_BAD = 11,
    WIFI_REASON_BSS_TRANSITION_DISASSOC = 12,
    WIFI_REASON_IE_INVALID = 13,
    WIFI_REASON_MIC_FAILURE = 14,
    WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT = 15,
    WIFI_REASON_GROUP_KEY_UPDATE_TIMEOUT = 16,
    WIFI_REASON_IE_IN_4WAY_DIFFERS = 17,
    WIFI_REASON_GROUP_CIPHER_INVALID = 18,
    WIFI_REASON_PAIRWISE_CIPHER_INVALID = 19,
    WIFI_REASON_AKMP_INVALID = 20,
    WIFI_REASON_UNSUPP_RSN_IE_VERSION = 21,
    WIFI_REASON_INVALID_RSN_IE_CAP = 22,
    WIFI_REASON_802_1X_AUTH_FAILED = 23,
    WIFI_REASON_CIPHER_SUITE_REJECTED = 24,
    WIFI_REASON_BEACON_TIMEOUT = 200,
    WIFI_REASON_NO_AP_FOUND = 201,
    WIFI_REASON_AUTH_FAIL = 202,
    WIFI_REASON_ASSOC_FAIL = 203,
    WIFI_REASON_HANDSHAKE_TIMEOUT = 204,
    WIFI_REASON_CONNECTION_FAIL = 205,
    WIFI_REASON_AP_TSF_RESET = 206,
    WIFI_REASON_ROAMING = 207,
} wifi_err_reason_t;

typedef enum {
    WIFI_SECOND_CHAN_NONE = 0,
    WIFI_SECOND_CHAN_ABOVE,
    WIFI_SECOND_CHAN_BELOW,
} wifi_second_chan_t;

typedef enum {
    WIFI_SCAN_TYPE_ACTIVE = 0,
    WIFI_SCAN_TYPE_PASSIVE,
} wifi_scan_type_t;

typedef struct {
    uint32_t min;
    uint32_t max;
} wifi_active_scan_time_t;

typedef struct {
    wifi_active_scan_time_t active;
    uint32_t passive;
} wifi_scan_time_t;

typedef struct {
    uint8_t *ssid;
    uint8_t *bssid;
    uint8_t channel;
    bool show_hidden;
    wifi_scan_type_t scan_type;
    wifi_scan_time_t scan_time;
    uint8_t home_chan_dwell_time;
} wifi_scan_config_t;

typedef enum {
    WIFI_CIPHER_TYPE_NONE = 0,
    WIFI_CIPHER_TYPE_WEP40,
    WIFI_CIPHER_TYPE_WEP104,
    WIFI_CIPHER_TYPE_TKIP,
    WIFI_CIPHER_TYPE_CCMP,
    WIFI_CIPHER_TYPE_TKIP_CCMP,
    WIFI_CIPHER_TYPE_AES_CMAC128,
    WIFI_CIPHER_TYPE_SMS4,
    WIFI_CIPHER_TYPE_GCMP,
    WIFI_CIPHER_TYPE_GCMP256,
    WIFI_CIPHER_TYPE_AES_GMAC128,
    WIFI_CIPHER_TYPE_AES_GMAC256,
    WIFI_CIPHER_TYPE_UNKNOWN,
} wifi_cipher_type_t;

typedef enum {
    WIFI_ANT_ANT0,
    WIFI_ANT_ANT1,
    WIFI_ANT_MAX,
} wifi_ant_t;

typedef struct {
    char cc[3];
    uint8_t schan;
    uint8_t nchan;
    int8_t max_tx_power;
    int policy;
} wifi_country_t;

typedef struct {
    uint8_t bssid[6];
    uint8_t ssid[33];
    uint8_t primary;
    wifi_second_chan_t second;
    int8_t rssi;
    wifi_auth_mode_t authmode;
    wifi_cipher_type_t pairwise_cipher;
    wifi_cipher_type_t group_cipher;
    wifi_ant_t ant;
    uint32_t phy_11b : 1;
    uint32_t phy_11g : 1;
    uint32_t phy_11n : 1;
    uint32_t phy_lr : 1;
    uint32_t wps : 1;
    uint32_t ftm_responder : 1;
    uint32_t ftm_initiator : 1;
    uint32_t reserved : 25;
    wifi_country_t country;
} wifi_ap_record_t;

typedef enum {
    WIFI_FAST_SCAN = 0,
    WIFI_ALL_CHANNEL_SCAN,
} wifi_scan_method_t;

typedef enum {
    WIFI_CONNECT_AP_BY_SIGNAL = 0,
    WIFI_CONNECT_AP_BY_SECURITY,
} wifi_sort_method_t;

typedef struct {
    int8_t rssi;
    wifi_auth_mode_t authmode;
} wifi_scan_threshold_t;

typedef struct {
    bool capable;
    bool required;
} wifi_pmf_config_t;

typedef struct {
    uint8_t ssid[32];
    uint8_t password[64];
    uint8_t ssid_len;
    uint8_t channel;
    wifi_auth_mode_t authmode;
    uint8_t ssid_hidden;
    uint8_t max_connection;
    uint16_t beacon_interval;
    wifi_cipher_type_t pairwise_cipher;
    bool ftm_responder;
    wifi_pmf_config_t pmf_cfg;
} wifi_ap_config_t;

typedef struct {
    uint8_t ssid[32];
    uint8_t password[64];
    wifi_scan_method_t scan_method;
    bool bssid_set;
    uint8_t bssid[6];
    uint8_t channel;
    uint16_t listen_interval;
    wifi_sort_method_t sort_method;
    wifi_scan_threshold_t threshold;
    wifi_pmf_config_t pmf_cfg;
    uint32_t rm_enabled : 1;
    uint32_t btm_enabled : 1;
    uint32_t mbo_enabled : 1;
    uint32_t ft_enabled : 1;
    uint32_t owe_enabled : 1;
    uint32_t transition_disable : 1;
    uint32_t reserved : 26;
    uint8_t failure_retry_cnt;
} wifi_sta_config_t;

typedef union {
    wifi_ap_config_t ap;
    wifi_sta_config_t sta;
} wifi_config_t;

typedef struct {
    uint8_t mac[6];
    int8_t rssi;
    uint32_t phy_11b : 1;
    uint32_t phy_11g : 1;
    uint32_t phy_11n : 1;
    uint32_t phy_lr : 1;
    uint32_t is_mesh_child : 1;
    uint32_t reserved : 27;
} wifi_sta_info_t;

#define ESP_WIFI_MAX_CONN_NUM (15)

typedef struct {
    wifi_sta_info_t sta[ESP_WIFI_MAX_CONN_NUM];
    int num;
} wifi_sta_list_t;

typedef enum {
    WIFI_STORAGE_FLASH,
    WIFI_STORAGE_RAM,
} wifi_storage_t;

ESP_EVENT_DECLARE_BASE(WIFI_EVENT);

typedef enum {
    WIFI_EVENT_WIFI_READY = 0,
    WIFI_EVENT_SCAN_DONE,
    WIFI_EVENT_STA_START,
    WIFI_EVENT_STA_STOP,
    WIFI_EVENT_STA_CONNECTED,
    WIFI_EVENT_STA_DISCONNECTED,
    WIFI_EVENT_STA_AUTHMODE_CHANGE,
    WIFI_EVENT_STA_WPS_ER_SUCCESS,
    WIFI_EVENT_STA_WPS_ER_FAILED,
    WIFI_EVENT_STA_WPS_ER_TIMEOUT,
    WIFI_EVENT_STA_WPS_ER_PIN,
    WIFI_EVENT_STA_WPS_ER_PBC_OVERLAP,
    WIFI_EVENT_AP_START,
    WIFI_EVENT_AP_STOP,
    WIFI_EVENT_AP_STACONNECTED,
    WIFI_EVENT_AP_STADISCONNECTED,
    WIFI_EVENT_AP_PROBEREQRECVED,
    WIFI_EVENT_MAX,
} wifi_event_t;

typedef struct {
    uint32_t status;
    uint8_t number;
    uint8_t scan_id;
} wifi_event_sta_scan_done_t;

typedef struct {
    uint8_t ssid[32];
    uint8_t ssid_len;
    uint8_t bssid[6];
    uint8_t channel;
    wifi_auth_mode_t authmode;
    uint16_t aid;
} wifi_event_sta_connected_t;

typedef struct {
    uint8_t ssid[32];
    uint8_t ssid_len;
    uint8_t bssid[6];
    uint8_t reason;
    int8_t rssi;
} wifi_event_sta_disconnected_t;

typedef struct {
    uint8_t mac[6];
    uint8_t aid;
    bool is_mesh_child;
} wifi_event_ap_staconnected_t;

typedef struct {
    uint8_t mac[6];
    uint8_t aid;
    bool is_mesh_child;
} wifi_event_ap_stadisconnected_t;
