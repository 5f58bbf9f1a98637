#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "esp_err.h"
#include "esp_event.h"

typedef struct esp_netif_obj esp_netif_t;

// Addresses in network byte order (their bytes in memory are a.b.c.d).
typedef struct {
    uint32_t addr;
} esp_ip4_addr_t;

typedef struct {
    uint32_t addr[4];
    uint8_t zone;
} esp_ip6_addr_t;

#define ESP_IPADDR_TYPE_V4 0
#define ESP_IPADDR_TYPE_V6 6
#define ESP_IPADDR_TYPE_ANY 46

typedef struct _ip_addr {
    union {
        esp_ip6_addr_t ip6;
        esp_ip4_addr_t ip4;
    } u_addr;
    uint8_t type;
} esp_ip_addr_t;

typedef enum {
    ESP_NETIF_DNS_MAIN = 0,
    ESP_NETIF_DNS_BACKUP,
    ESP_NETIF_DNS_FALLBACK,
    ESP_NETIF_DNS_MAX
} esp_netif_dns_type_t;

typedef struct {
    esp_ip_addr_t ip;
} esp_netif_dns_info_t;

typedef struct {
    esp_ip4_addr_t ip;
    esp_ip4_addr_t netmask;
    esp_ip4_addr_t gw;
} esp_netif_ip_info_t;

ESP_EVENT_DECLARE_BASE(IP_EVENT);

typedef enum {
    IP_EVENT_STA_GOT_IP,
    IP_EVENT_STA_LOST_IP,
    IP_EVENT_AP_STAIPASSIGNED,
    IP_EVENT_GOT_IP6,
    IP_EVENT_ETH_GOT_IP,
    IP_EVENT_ETH_LOST_IP,
    IP_EVENT_PPP_GOT_IP,
    IP_EVENT_PPP_LOST_IP,
} ip_event_t;

typedef struct {
    esp_netif_t *esp_netif;
    esp_netif_ip_info_t ip_info;
    bool ip_changed;
} ip_event_got_ip_t;

// components/esp_netif/include/esp_netif_types.h: esp_netif is the first
// member at every tag from v5.0 to v5.5.5
typedef struct {
    esp_netif_t *esp_netif;
    esp_ip4_addr_t ip;
    uint8_t mac[6];
} ip_event_ap_staipassigned_t;

typedef enum esp_netif_flags {
    ESP_NETIF_DHCP_CLIENT = 1 << 0,
    ESP_NETIF_DHCP_SERVER = 1 << 1,
    ESP_NETIF_FLAG_AUTOUP = 1 << 2,
    ESP_NETIF_FLAG_GARP = 1 << 3,
    ESP_NETIF_FLAG_EVENT_IP_MODIFIED = 1 << 4,
    ESP_NETIF_FLAG_IS_PPP = 1 << 5,
    ESP_NETIF_FLAG_IS_SLIP = 1 << 6,
    ESP_NETIF_FLAG_MLDV6_REPORT = 1 << 7,
} esp_netif_flags_t;

typedef struct esp_netif_inherent_config {
    esp_netif_flags_t flags;
    uint8_t mac[6];
    const esp_netif_ip_info_t *ip_info;
    uint32_t get_ip_event;
    uint32_t lost_ip_event;
    const char *if_key;
    const char *if_desc;
    int route_prio;
} esp_netif_inherent_config_t;

typedef struct esp_netif_netstack_config esp_netif_netstack_config_t;
typedef void *esp_netif_iodriver_handle;

typedef struct esp_netif_config {
    const esp_netif_inherent_config_t *base;
    const void *driver;
    const esp_netif_netstack_config_t *stack;
} esp_netif_config_t;

extern const esp_netif_netstack_config_t *_g_esp_netif_netstack_default_eth;
#define ESP_NETIF_NETSTACK_DEFAULT_ETH _g_esp_netif_netstack_default_eth

#define ESP_NETIF_INHERENT_DEFAULT_ETH()                                                           \
    {                                                                                              \
        .flags = (esp_netif_flags_t)(ESP_NETIF_DHCP_CLIENT | ESP_NETIF_FLAG_GARP |                 \
                                     ESP_NETIF_FLAG_EVENT_IP_MODIFIED),                            \
        .mac = {0}, .ip_info = NULL, .get_ip_event = IP_EVENT_ETH_GOT_IP,                          \
        .lost_ip_event = IP_EVENT_ETH_LOST_IP, .if_key = "ETH_DEF", .if_desc = "eth",             \
        .route_prio = 50                                                                           \
    }

esp_err_t esp_netif_init(void);
esp_netif_t *esp_netif_new(const esp_netif_config_t *esp_netif_config);
void esp_netif_destroy(esp_netif_t *esp_netif);
esp_err_t esp_netif_attach(esp_netif_t *esp_netif, esp_netif_iodriver_handle driver_handle);
esp_netif_t *esp_netif_create_default_wifi_sta(void);
esp_netif_t *esp_netif_create_default_wifi_ap(void);
esp_err_t esp_netif_dhcpc_start(esp_netif_t *esp_netif);
esp_err_t esp_netif_dhcpc_stop(esp_netif_t *esp_netif);
esp_err_t esp_netif_dhcps_start(esp_netif_t *esp_netif);
esp_err_t esp_netif_dhcps_stop(esp_netif_t *esp_netif);
esp_err_t esp_netif_set_ip_info(esp_netif_t *esp_netif, const esp_netif_ip_info_t *ip_info);
esp_err_t esp_netif_get_ip_info(esp_netif_t *esp_netif, esp_netif_ip_info_t *ip_info);
// lwIP's netif is up (esp_netif_action_connected .. _disconnected); a static
// address stays in esp_netif_get_ip_info while it is down
bool esp_netif_is_netif_up(esp_netif_t *esp_netif);
esp_err_t esp_netif_set_dns_info(esp_netif_t *esp_netif, esp_netif_dns_type_t type,
                                 esp_netif_dns_info_t *dns);
esp_err_t esp_netif_get_dns_info(esp_netif_t *esp_netif, esp_netif_dns_type_t type,
                                 esp_netif_dns_info_t *dns);
esp_err_t esp_netif_set_hostname(esp_netif_t *esp_netif, const char *hostname);
// components/esp_netif/include/esp_netif.h, ESP-IDF v5.0.5 (03d7a380): the
// netif created with that inherent config's if_key ("WIFI_STA_DEF", "ETH_DEF").
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key);
