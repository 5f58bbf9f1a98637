// ESP-IDF's default event loop. On the chip its task calls the registered
// handlers; here the simulator's "event task" queue calls the exports below,
// one event at a time, never while the main loop (sim_process /
// sim_handle_packet) runs. Each export builds ESP-IDF's event structure
// from flat arguments (strings and MACs in the scratch buffer).

#include <string.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_wifi_types.h"
#include "sim.h"

esp_event_base_t const WIFI_EVENT = "WIFI_EVENT";
esp_event_base_t const IP_EVENT = "IP_EVENT";
esp_event_base_t const ETH_EVENT = "ETH_EVENT";

#define MAX_HANDLERS 16

typedef struct {
    esp_event_base_t base;
    int32_t id;
    esp_event_handler_t handler;
    void *arg;
} registration_t;

static registration_t registrations[MAX_HANDLERS];
static unsigned registration_count;

esp_err_t esp_event_loop_create_default(void) {
    return ESP_OK;
}

esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler,
                                              void *event_handler_arg,
                                              esp_event_handler_instance_t *instance) {
    if (event_handler == NULL)
        return ESP_ERR_INVALID_ARG;
    if (registration_count >= MAX_HANDLERS)
        return ESP_ERR_NO_MEM;
    registration_t *r = &registrations[registration_count++];
    r->base = event_base;
    r->id = event_id;
    r->handler = event_handler;
    r->arg = event_handler_arg;
    if (instance != NULL)
        *instance = r;
    return ESP_OK;
}

// ESP-IDF copies the event data for the loop; the handlers get that copy.
void sim_post_event(const char *base, int32_t id, void *data, size_t size) {
    uint8_t copy[128] __attribute__((aligned(8)));
    if (size > sizeof(copy))
        size = sizeof(copy);
    if (data != NULL)
        memcpy(copy, data, size);
    for (unsigned i = 0; i < registration_count; ++i) {
        registration_t *r = &registrations[i];
        if (r->base == base && (r->id == ESP_EVENT_ANY_ID || r->id == id))
            r->handler(r->arg, base, id, data != NULL ? copy : NULL);
    }
}

static uint8_t *scratch_bytes(void) {
    extern uint8_t *sim_scratch(void);
    return sim_scratch();
}

// WIFI_EVENT without data: STA_START / STA_STOP / AP_START / AP_STOP.
SIM_EXPORT(sim_event_wifi) void sim_event_wifi(int32_t id) {
    sim_post_event(WIFI_EVENT, id, NULL, 0);
}

SIM_EXPORT(sim_event_scan_done) void sim_event_scan_done(uint32_t status, uint32_t number) {
    wifi_event_sta_scan_done_t event;
    memset(&event, 0, sizeof(event));
    event.status = status;
    event.number = (uint8_t)number;
    sim_post_event(WIFI_EVENT, WIFI_EVENT_SCAN_DONE, &event, sizeof(event));
}

// scratch: ssid (32 bytes), bssid (6 bytes) at 32
SIM_EXPORT(sim_event_sta_connected)
void sim_event_sta_connected(uint32_t ssid_length, uint32_t channel, uint32_t authmode,
                             uint32_t aid) {
    const uint8_t *scratch = scratch_bytes();
    wifi_event_sta_connected_t event;
    memset(&event, 0, sizeof(event));
    event.ssid_len = (uint8_t)(ssid_length > 32 ? 32 : ssid_length);
    memcpy(event.ssid, scratch, event.ssid_len);
    memcpy(event.bssid, scratch + 32, 6);
    event.channel = (uint8_t)channel;
    event.authmode = (wifi_auth_mode_t)authmode;
    event.aid = (uint16_t)aid;
    sim_post_event(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, &event, sizeof(event));
}

// scratch: ssid (32 bytes), bssid (6 bytes) at 32
SIM_EXPORT(sim_event_sta_disconnected)
void sim_event_sta_disconnected(uint32_t ssid_length, uint32_t reason, int32_t rssi) {
    const uint8_t *scratch = scratch_bytes();
    wifi_event_sta_disconnected_t event;
    memset(&event, 0, sizeof(event));
    event.ssid_len = (uint8_t)(ssid_length > 32 ? 32 : ssid_length);
    memcpy(event.ssid, scratch, event.ssid_len);
    memcpy(event.bssid, scratch + 32, 6);
    event.reason = (uint8_t)reason;
    event.rssi = (int8_t)rssi;
    sim_post_event(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, &event, sizeof(event));
}

// scratch: the station's MAC (6 bytes)
SIM_EXPORT(sim_event_ap_station) void sim_event_ap_station(int32_t id, uint32_t aid) {
    const uint8_t *scratch = scratch_bytes();
    if (id == WIFI_EVENT_AP_STACONNECTED) {
        wifi_event_ap_staconnected_t event;
        memset(&event, 0, sizeof(event));
        memcpy(event.mac, scratch, 6);
        event.aid = (uint8_t)aid;
        sim_post_event(WIFI_EVENT, id, &event, sizeof(event));
    } else {
        wifi_event_ap_stadisconnected_t event;
        memset(&event, 0, sizeof(event));
        memcpy(event.mac, scratch, 6);
        event.aid = (uint8_t)aid;
        sim_post_event(WIFI_EVENT, id, &event, sizeof(event));
    }
}

// IP_EVENT_STA_GOT_IP / IP_EVENT_ETH_GOT_IP for the interface numbered `netif`.
SIM_EXPORT(sim_event_got_ip)
void sim_event_got_ip(int32_t id, uint32_t netif, uint32_t ip, uint32_t netmask, uint32_t gateway,
                      uint32_t changed) {
    ip_event_got_ip_t event;
    memset(&event, 0, sizeof(event));
    event.esp_netif = sim_netif_by_id(netif);
    sim_ip_from_u32(&event.ip_info.ip, ip);
    sim_ip_from_u32(&event.ip_info.netmask, netmask);
    sim_ip_from_u32(&event.ip_info.gw, gateway);
    event.ip_changed = changed != 0;
    sim_post_event(IP_EVENT, id, &event, sizeof(event));
}

// IP_EVENT_STA_LOST_IP / IP_EVENT_ETH_LOST_IP
SIM_EXPORT(sim_event_lost_ip) void sim_event_lost_ip(int32_t id, uint32_t netif) {
    ip_event_got_ip_t event;
    memset(&event, 0, sizeof(event));
    event.esp_netif = sim_netif_by_id(netif);
    sim_post_event(IP_EVENT, id, &event, sizeof(event));
}

// scratch: the station's MAC (6 bytes)
SIM_EXPORT(sim_event_ap_ip_assigned) void sim_event_ap_ip_assigned(uint32_t netif, uint32_t ip) {
    ip_event_ap_staipassigned_t event;
    memset(&event, 0, sizeof(event));
#if ESP_IDF_VERSION_MINOR >= 1
    event.esp_netif = sim_netif_by_id(netif);
#else
    (void)netif;
#endif
    sim_ip_from_u32(&event.ip, ip);
    memcpy(event.mac, scratch_bytes(), 6);
    sim_post_event(IP_EVENT, IP_EVENT_AP_STAIPASSIGNED, &event, sizeof(event));
}
