// esp_netif over the simulator: an interface is a number the simulator
// gives out; its DHCP client and server, addresses and hostname live there.

#include <stdlib.h>
#include <string.h>

#include "esp_netif.h"
#include "sim.h"

struct esp_netif_obj {
    uint32_t id;
    uint32_t kind; // SIM_NETIF_*
};

const esp_netif_netstack_config_t *_g_esp_netif_netstack_default_eth;

#define MAX_NETIFS 8
static esp_netif_t *netifs[MAX_NETIFS];

// esp_ip4_addr_t is in network order: its bytes are a, b, c, d.
uint32_t sim_ip_to_u32(const void *esp_ip4) {
    const uint8_t *b = esp_ip4;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

void sim_ip_from_u32(void *esp_ip4, uint32_t value) {
    uint8_t *b = esp_ip4;
    b[0] = (uint8_t)(value >> 24);
    b[1] = (uint8_t)(value >> 16);
    b[2] = (uint8_t)(value >> 8);
    b[3] = (uint8_t)value;
}

uint32_t sim_netif_id(const void *netif) {
    return netif != NULL ? ((const esp_netif_t *)netif)->id : 0;
}

void *sim_netif_by_id(uint32_t id) {
    for (unsigned i = 0; i < MAX_NETIFS; ++i)
        if (netifs[i] != NULL && netifs[i]->id == id)
            return netifs[i];
    return NULL;
}

static esp_netif_t *create(uint32_t kind) {
    for (unsigned i = 0; i < MAX_NETIFS; ++i) {
        if (netifs[i] == NULL) {
            esp_netif_t *netif = calloc(1, sizeof(*netif));
            if (netif == NULL)
                return NULL;
            netif->id = sim_netif_new(kind);
            netif->kind = kind;
            netifs[i] = netif;
            return netif;
        }
    }
    return NULL;
}

esp_err_t sim_eth_glue_attach(void *glue, uint32_t netif);

esp_err_t esp_netif_attach(esp_netif_t *esp_netif, esp_netif_iodriver_handle driver_handle) {
    if (esp_netif == NULL || driver_handle == NULL)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    return sim_eth_glue_attach(driver_handle, esp_netif->id);
}

esp_err_t esp_netif_init(void) {
    return ESP_OK;
}

esp_netif_t *esp_netif_new(const esp_netif_config_t *esp_netif_config) {
    if (esp_netif_config == NULL || esp_netif_config->base == NULL)
        return NULL;
    return create(SIM_NETIF_ETH);
}

void esp_netif_destroy(esp_netif_t *esp_netif) {
    if (esp_netif == NULL)
        return;
    for (unsigned i = 0; i < MAX_NETIFS; ++i)
        if (netifs[i] == esp_netif)
            netifs[i] = NULL;
    sim_netif_destroy(esp_netif->id);
    free(esp_netif);
}

esp_netif_t *esp_netif_create_default_wifi_sta(void) {
    return create(SIM_NETIF_STA);
}

esp_netif_t *esp_netif_create_default_wifi_ap(void) {
    return create(SIM_NETIF_AP);
}

esp_err_t esp_netif_dhcpc_start(esp_netif_t *esp_netif) {
    return esp_netif ? sim_netif_dhcpc(esp_netif->id, 1) : ESP_ERR_ESP_NETIF_INVALID_PARAMS;
}

esp_err_t esp_netif_dhcpc_stop(esp_netif_t *esp_netif) {
    return esp_netif ? sim_netif_dhcpc(esp_netif->id, 0) : ESP_ERR_ESP_NETIF_INVALID_PARAMS;
}

esp_err_t esp_netif_dhcps_start(esp_netif_t *esp_netif) {
    return esp_netif ? sim_netif_dhcps(esp_netif->id, 1) : ESP_ERR_ESP_NETIF_INVALID_PARAMS;
}

esp_err_t esp_netif_dhcps_stop(esp_netif_t *esp_netif) {
    return esp_netif ? sim_netif_dhcps(esp_netif->id, 0) : ESP_ERR_ESP_NETIF_INVALID_PARAMS;
}

esp_err_t esp_netif_set_ip_info(esp_netif_t *esp_netif, const esp_netif_ip_info_t *ip_info) {
    if (esp_netif == NULL || ip_info == NULL)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    return sim_netif_set_ip(esp_netif->id, sim_ip_to_u32(&ip_info->ip),
                            sim_ip_to_u32(&ip_info->netmask), sim_ip_to_u32(&ip_info->gw));
}

esp_err_t esp_netif_set_dns_info(esp_netif_t *esp_netif, esp_netif_dns_type_t type,
                                 esp_netif_dns_info_t *dns) {
    if (esp_netif == NULL || dns == NULL || type >= ESP_NETIF_DNS_MAX)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    if (dns->ip.type != ESP_IPADDR_TYPE_V4)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    uint32_t value = sim_ip_to_u32(&dns->ip.u_addr.ip4);
    if (value == 0)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS; // ESP-IDF refuses 0.0.0.0
    if (type != ESP_NETIF_DNS_MAIN)
        return ESP_OK;
    return sim_netif_set_dns(esp_netif->id, value);
}

esp_err_t esp_netif_get_dns_info(esp_netif_t *esp_netif, esp_netif_dns_type_t type,
                                 esp_netif_dns_info_t *dns) {
    if (esp_netif == NULL || dns == NULL || type >= ESP_NETIF_DNS_MAX)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    memset(dns, 0, sizeof(*dns));
    dns->ip.type = ESP_IPADDR_TYPE_V4;
    if (type == ESP_NETIF_DNS_MAIN)
        sim_ip_from_u32(&dns->ip.u_addr.ip4, sim_netif_get_dns(esp_netif->id));
    return ESP_OK;
}

esp_err_t esp_netif_set_hostname(esp_netif_t *esp_netif, const char *hostname) {
    if (esp_netif == NULL || hostname == NULL)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    size_t length = strlen(hostname);
    if (length == 0 || length > 32)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    return sim_netif_set_hostname(esp_netif->id, hostname, length);
}

// esp_netif_get_handle_from_ifkey (esp_netif_lwip.c, v5.0.5): the first
// netif whose config's if_key matches; the default configs' keys
// (esp_netif_defaults.h) name the kinds made here.
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key) {
    if (if_key == NULL)
        return NULL;
    uint32_t kind = strcmp(if_key, "WIFI_STA_DEF") == 0  ? SIM_NETIF_STA
                    : strcmp(if_key, "WIFI_AP_DEF") == 0 ? SIM_NETIF_AP
                    : strcmp(if_key, "ETH_DEF") == 0     ? SIM_NETIF_ETH
                                                         : 0;
    for (unsigned i = 0; kind != 0 && i < MAX_NETIFS; ++i)
        if (netifs[i] != NULL && netifs[i]->kind == kind)
            return netifs[i];
    return NULL;
}

esp_err_t esp_netif_get_ip_info(esp_netif_t *esp_netif, esp_netif_ip_info_t *ip_info) {
    if (esp_netif == NULL || ip_info == NULL)
        return ESP_ERR_ESP_NETIF_INVALID_PARAMS;
    uint32_t words[3] = {0, 0, 0};
    sim_netif_get_ip(esp_netif->id, words);
    sim_ip_from_u32(&ip_info->ip, words[0]);
    sim_ip_from_u32(&ip_info->netmask, words[1]);
    sim_ip_from_u32(&ip_info->gw, words[2]);
    return ESP_OK;
}

bool esp_netif_is_netif_up(esp_netif_t *esp_netif) {
    return esp_netif != NULL && sim_netif_is_up(esp_netif->id) != 0;
}
