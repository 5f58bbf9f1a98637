#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"
#include "esp_wifi_types.h"

typedef struct {
    void *osi_funcs;
    int static_rx_buf_num;
    int dynamic_rx_buf_num;
    int tx_buf_type;
    int static_tx_buf_num;
    int dynamic_tx_buf_num;
    int cache_tx_buf_num;
    int csi_enable;
    int ampdu_rx_enable;
    int ampdu_tx_enable;
    int amsdu_tx_enable;
    int nvs_enable;
    int nano_enable;
    int rx_ba_win;
    int wifi_task_core_id;
    int beacon_max_len;
    int mgmt_sbuf_num;
    uint64_t feature_caps;
    bool sta_disconnected_pm;
    int espnow_max_encrypt_num;
    int magic;
} wifi_init_config_t;

#define WIFI_INIT_CONFIG_MAGIC 0x1F2F3F4F
#define WIFI_INIT_CONFIG_DEFAULT()                                                                 \
    {                                                                                              \
        .osi_funcs = NULL, .static_rx_buf_num = 10, .dynamic_rx_buf_num = 32, .tx_buf_type = 1,   \
        .static_tx_buf_num = 0, .dynamic_tx_buf_num = 32, .cache_tx_buf_num = 0,                  \
        .csi_enable = 0, .ampdu_rx_enable = 1, .ampdu_tx_enable = 1, .amsdu_tx_enable = 0,        \
        .nvs_enable = 1, .nano_enable = 0, .rx_ba_win = 6, .wifi_task_core_id = 0,                 \
        .beacon_max_len = 752, .mgmt_sbuf_num = 32, .feature_caps = 0,                            \
        .sta_disconnected_pm = false, .espnow_max_encrypt_num = 7,                                \
        .magic = WIFI_INIT_CONFIG_MAGIC                                                            \
    }

esp_err_t esp_wifi_init(const wifi_init_config_t *config);
esp_err_t esp_wifi_set_storage(wifi_storage_t storage);
esp_err_t esp_wifi_set_mode(wifi_mode_t mode);
esp_err_t esp_wifi_get_mode(wifi_mode_t *mode);
esp_err_t esp_wifi_start(void);
esp_err_t esp_wifi_stop(void);
esp_err_t esp_wifi_connect(void);
esp_err_t esp_wifi_disconnect(void);
esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t *conf);
esp_err_t esp_wifi_scan_start(const wifi_scan_config_t *config, bool block);
esp_err_t esp_wifi_scan_stop(void);
esp_err_t esp_wifi_scan_get_ap_num(uint16_t *number);
esp_err_t esp_wifi_scan_get_ap_records(uint16_t *number, wifi_ap_record_t *ap_records);
esp_err_t esp_wifi_sta_get_ap_info(wifi_ap_record_t *ap_info);
esp_err_t esp_wifi_get_channel(uint8_t *primary, wifi_second_chan_t *second);
esp_err_t esp_wifi_set_max_tx_power(int8_t power);
esp_err_t esp_wifi_deauth_sta(uint16_t aid);
esp_err_t esp_wifi_ap_get_sta_list(wifi_sta_list_t *sta);
