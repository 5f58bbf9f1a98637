// See cam_netif_address.h.

#include "jdesp.h"

#include <string.h>

#include "esp_err.h"

#include "cam_netif_address.h"

#define LOG(msg, ...) DMESG("cam_netif: " msg, ##__VA_ARGS__)

uint32_t cam_ipv4_to_contract(const esp_ip4_addr_t *address) {
    const uint8_t *octet = (const uint8_t *)&address->addr;
    return ((uint32_t)octet[0] << 24) | ((uint32_t)octet[1] << 16) | ((uint32_t)octet[2] << 8) |
           (uint32_t)octet[3];
}

void cam_ipv4_from_contract(esp_ip4_addr_t *address, uint32_t value) {
    uint8_t *octet = (uint8_t *)&address->addr;
    octet[0] = (uint8_t)(value >> 24);
    octet[1] = (uint8_t)(value >> 16);
    octet[2] = (uint8_t)(value >> 8);
    octet[3] = (uint8_t)value;
}

void cam_netif_apply_address(esp_netif_t *netif, bool is_static, const cam_ipv4_config_t *address) {
    if (!is_static) {
        // "Already started" is not an error here.
        esp_netif_dhcpc_start(netif);
        return;
    }
    // The DHCP client must be stopped before an address can be set.
    // "Already stopped" is not an error here.
    esp_netif_dhcpc_stop(netif);
    esp_netif_ip_info_t info;
    memset(&info, 0, sizeof(info));
    cam_ipv4_from_contract(&info.ip, address->ip);
    cam_ipv4_from_contract(&info.netmask, address->netmask);
    cam_ipv4_from_contract(&info.gw, address->gateway);
    esp_err_t err = esp_netif_set_ip_info(netif, &info);
    if (err != ESP_OK)
        LOG("static address rejected: %s", esp_err_to_name(err));
    // ESP-IDF refuses 0.0.0.0 (esp_netif_lwip.c, esp_netif_set_dns_info_api,
    // v5.0.5): none given means none set
    if (address->dns == 0)
        return;
    esp_netif_dns_info_t dns;
    memset(&dns, 0, sizeof(dns));
    dns.ip.type = ESP_IPADDR_TYPE_V4;
    cam_ipv4_from_contract(&dns.ip.u_addr.ip4, address->dns);
    err = esp_netif_set_dns_info(netif, ESP_NETIF_DNS_MAIN, &dns);
    if (err != ESP_OK)
        LOG("static DNS rejected: %s", esp_err_to_name(err));
}
