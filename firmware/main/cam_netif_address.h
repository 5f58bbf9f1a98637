// The contracts' IPv4 address settings put into effect on an esp_netif: one
// way for the station, the access point and Ethernet (they used to carry a
// copy each, and the copies had drifted: one set a DNS server of 0.0.0.0,
// which ESP-IDF refuses).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_netif.h"

#include "cam_wifi_packets.h" // cam_ipv4_config_t

// esp_ip4_addr_t holds the address in network order: its bytes in memory
// are a, b, c, d. Converting byte by byte avoids any host-endianness
// assumption.
uint32_t cam_ipv4_to_contract(const esp_ip4_addr_t *address);

// a.b.c.d as the contracts carry it, (a << 24) | (b << 16) | (c << 8) | d,
// into lwIP's network byte order.
void cam_ipv4_from_contract(esp_ip4_addr_t *address, uint32_t value);

// A static address (`is_static`): stops the DHCP client and sets the address,
// netmask, gateway and, when it is not 0.0.0.0, the DNS server. Otherwise
// starts the DHCP client (a new exchange when the link is up; ESP-IDF starts
// it at the next link-up otherwise). Failures are logged, never fatal: the
// link events say what came of it.
void cam_netif_apply_address(esp_netif_t *netif, bool is_static, const cam_ipv4_config_t *address);
