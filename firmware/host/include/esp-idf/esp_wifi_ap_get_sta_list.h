#pragma once
#include "esp_netif.h"
#include "esp_wifi_types.h"

typedef struct {
    uint8_t mac[6];
    esp_ip4_addr_t ip;
} esp_netif_pair_mac_ip_t;

typedef struct {
    esp_netif_pair_mac_ip_t sta[ESP_WIFI_MAX_CONN_NUM];
    int num;
} wifi_sta_mac_ip_list_t;

esp_err_t esp_wifi_ap_get_sta_list_with_ip(const wifi_sta_list_t *wifi_sta_list,
                                           wifi_sta_mac_ip_list_t *wifi_sta_ip_mac_list);
