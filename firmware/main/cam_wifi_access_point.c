// Camscript Wi-Fi access point: driver contract v1
// (services/wifi-access-point.md) on ESP-IDF 5.0's soft-AP.
//
// The driver is thin, as the station is: set_config stores the network to
// host, set_active brings the access point and its DHCP server up or down,
// set_address sets its own address (the DHCP server hands out the rest of
// that subnet). Everything that happens is reported: `link` snapshots, and
// the list of connected stations as `station` records, then
// `stations_done`, then the `link` that counts them (the contract's order).
// The bytecode validates the settings and decides everything else.
//
// One radio. The station (cam_wifi_station.c) and this service share it
// through cam_wifi_mode.c, which puts ESP-IDF in STA, AP or APSTA mode for
// whoever is active. While the station is associated, ESP-IDF runs the
// access point on the station's channel; the `link` event reports the
// channel actually in use (esp_wifi_get_channel) with reason
// ChannelFollowsStation when it differs from the configured one.
//
// Threading, as in cam_wifi_station.c. ESP-IDF delivers WIFI_EVENT /
// IP_EVENT on the system event task. Handlers there only record what
// happened (under `lock`) and set flags; cam_wifi_access_point_process(), on
// the Jacdac main loop, reads the station list and the channel from ESP-IDF
// and sends the events. Nothing in an event handler calls into Jacdac, the
// VM or ESP-IDF. Commands and process() run on the main loop and take the
// same lock whenever they touch the shared fields; no ESP-IDF call is made
// while it is held.
//
// Secrets. The passphrase arrives in set_config and goes into the stored
// configuration and wifi_config_t, nowhere else: it is never logged (the
// SSID, channel and security are), never echoed, and ESP-IDF is told not to
// persist its configuration to flash (cam_wifi_mode.c). Copies are wiped
// once handed over or replaced.
//
// Wire layouts are in cam_wifi_ap_packets.c (explicit byte offsets, never a
// struct copy).

#include "jdesp.h"

#include <stddef.h>
#include <string.h>

#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "esp_wifi_ap_get_sta_list.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "sdkconfig.h"

#include "cam_netif_address.h"
#include "cam_wifi_access_point.h"
#include "cam_wifi_ap_packets.h"
#include "cam_wifi_mode.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants, JD_CAM_WIFI_ACCESS_POINT_* included

// ------------------------------------------------------- ESP-IDF versions

// The station list with IP addresses is esp_wifi_ap_get_sta_list_with_ip()
// (esp_wifi_ap_get_sta_list.h) from ESP-IDF 5.0; 4.x had
// esp_netif_get_sta_list() (esp_netif_sta_list.h) instead.
#if ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 0, 0)
#error "cam_wifi_access_point targets ESP-IDF 5.x (esp_wifi_ap_get_sta_list_with_ip)"
#endif

// WPA3-Personal (SAE) for the soft-AP arrived in ESP-IDF 5.1, behind
// CONFIG_ESP_WIFI_SOFTAP_SAE_SUPPORT (on by default with WPA3). A 5.0.x
// soft-AP cannot host WPA3: set_config with Wpa3 or Wpa2Wpa3 is refused
// there (never silently downgraded to WPA2).
#if defined(CONFIG_ESP_WIFI_SOFTAP_SAE_SUPPORT) && CONFIG_ESP_WIFI_SOFTAP_SAE_SUPPORT
#define HAS_SOFTAP_SAE 1
#else
#define HAS_SOFTAP_SAE 0
#endif

// ------------------------------------------------------------- constants

#define LOG(msg, ...) DMESG("cam_ap: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1

#define MAC_LENGTH CAM_AP_MAC_LENGTH
#define PASSPHRASE_MIN_LENGTH 8
#define PASSPHRASE_MAX_LENGTH 63
#define HEX_KEY_LENGTH 64 // a WPA2 PSK given as 64 hex digits
#define CHANNEL_MIN 1
#define CHANNEL_MAX 13 // ESP-IDF's default country (CN) allows 1..13
#define BEACON_INTERVAL_TU 100

// ESP-IDF's own soft-AP default, 192.168.4.1/24, until set_address.
#define DEFAULT_IP 0xc0a80401u
#define DEFAULT_NETMASK 0xffffff00u

// `station` events sent per main-loop pass, so a full list (up to
// ESP_WIFI_MAX_CONN_NUM) does not overflow the Jacdac send queue in one go
// (as the station's scan records).
#define STATIONS_PER_PASS 2

#define AP_STATE(name) JD_CAM_WIFI_ACCESS_POINT_AP_STATE_##name
#define AP_REASON(name) JD_CAM_WIFI_ACCESS_POINT_AP_REASON_##name
#define SECURITY(name) JD_CAM_WIFI_ACCESS_POINT_SECURITY_##name

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_wifi_access_point_regs.
    uint16_t contract_version;
    uint8_t mac[MAC_LENGTH]; // `const mac: bytes`: the BSSID, served as exactly 6 bytes

    // ---- Shared with the ESP-IDF event handlers: only touched under `lock`.
    SemaphoreHandle_t lock;
    uint8_t ap_state;       // ApState
    bool link_changed;      // the snapshot may differ from what was last sent
    bool stations_changed;  // a station joined, left or got its lease: read the list again
    bool channel_check_due; // the radio may have moved (AP start, station link, scan end)

    // ---- Main loop only.
    esp_netif_t *netif;
    bool active;            // set_active(true) in effect: the AP interface is acquired
    bool configured;        // a valid set_config was received
    cam_ap_config_t config; // the network to host; holds the passphrase
    cam_ap_address_t address;
    uint8_t channel;       // in use; 0 unless Up
    uint16_t reason;       // ApReason
    uint8_t station_count; // what the last stations_done said
    // The station list being sent: `station` records, then stations_done.
    // The `link` event waits until it is out.
    bool list_sending;
    uint8_t list_count;
    uint8_t list_sent;
    cam_ap_station_t list[ESP_WIFI_MAX_CONN_NUM];
    bool link_answer_due; // a command asked for a `link` event even if nothing changed
    bool link_sent;
    uint8_t last_link_size;
    uint8_t last_link_payload[CAM_AP_LINK_MAX_SIZE];
};

REG_DEFINITION(                                                //
    cam_wifi_access_point_regs,                                //
    REG_SRV_COMMON,                                            //
    REG_U16(JD_CAM_WIFI_ACCESS_POINT_REG_CONTRACT_VERSION),    //
    REG_BYTES(JD_CAM_WIFI_ACCESS_POINT_REG_MAC, MAC_LENGTH),   //
)

// ---------------------------------------------------------------- helpers

static void lock(srv_t *state) {
    xSemaphoreTake(state->lock, portMAX_DELAY);
}

static void unlock(srv_t *state) {
    xSemaphoreGive(state->lock);
}

static void wake_main_loop(void) {
#ifdef JD_WAKE_MAIN
    JD_WAKE_MAIN();
#endif
}

static void mark_link_changed(srv_t *state) {
    lock(state);
    state->link_changed = true;
    unlock(state);
}

static uint8_t current_ap_state(srv_t *state) {
    lock(state);
    uint8_t ap_state = state->ap_state;
    unlock(state);
    return ap_state;
}

static bool is_hex(const uint8_t *text, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        uint8_t c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

// ---------------------------------------------------- ESP-IDF event handlers
// These run on the system event task: record, flag, wake. Nothing else.

static void on_wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    (void)data;
    lock(state);
    switch (id) {
    case WIFI_EVENT_AP_START:
        // The soft-AP (and with it the DHCP server) is up. A late START of a
        // start that set_active(false) has already ended finds Stopped.
        if (state->ap_state == AP_STATE(STARTING)) {
            state->ap_state = AP_STATE(UP);
            state->link_changed = true;
        }
        state->stations_changed = true;
        state->channel_check_due = true;
        break;
    case WIFI_EVENT_AP_STOP:
        // set_active(false) has already recorded Stopped. A stop nobody asked
        // for while Up (ESP-IDF restarting the soft-AP) waits for its START.
        if (state->ap_state == AP_STATE(UP)) {
            state->ap_state = AP_STATE(STARTING);
            state->link_changed = true;
        }
        state->stations_changed = true;
        state->channel_check_due = true;
        break;
    case WIFI_EVENT_AP_STACONNECTED:
    case WIFI_EVENT_AP_STADISCONNECTED:
        state->stations_changed = true;
        break;
    case WIFI_EVENT_STA_CONNECTED:
    case WIFI_EVENT_STA_DISCONNECTED:
    case WIFI_EVENT_SCAN_DONE:
        // The station half moved the radio, or let it go back.
        state->channel_check_due = true;
        break;
    default:
        unlock(state);
        return;
    }
    unlock(state);
    wake_main_loop();
}

static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    (void)data;
    if (id != IP_EVENT_AP_STAIPASSIGNED)
        return;
    // A station got its lease: the list carries its address now.
    lock(state);
    state->stations_changed = true;
    unlock(state);
    wake_main_loop();
}

// ------------------------------------------------------------ event sending

static void send_link_if_due(srv_t *state) {
    lock(state);
    bool changed = state->link_changed;
    state->link_changed = false;
    uint8_t ap_state = state->ap_state;
    unlock(state);

    if (!changed && !state->link_answer_due)
        return;

    cam_ap_link_snapshot_t link;
    memset(&link, 0, sizeof(link));
    link.state = ap_state;
    link.channel = ap_state == AP_STATE(UP) ? state->channel : 0;
    link.reason = state->reason;
    link.station_count = state->station_count;
    link.max_clients = state->configured ? state->config.max_clients : 0;
    link.address = state->address;
    if (state->configured) {
        memcpy(link.ssid, state->config.ssid, state->config.ssid_length);
        link.ssid_length = state->config.ssid_length;
    }
    uint8_t payload[CAM_AP_LINK_MAX_SIZE];
    size_t size = cam_ap_encode_link(payload, &link);
    bool same = state->link_sent && size == state->last_link_size &&
                memcmp(payload, state->last_link_payload, size) == 0;
    if (same && !state->link_answer_due)
        return;

    jd_send_event_ext(state, JD_CAM_WIFI_ACCESS_POINT_EV_LINK, payload, (unsigned)size);
    memcpy(state->last_link_payload, payload, size);
    state->last_link_size = (uint8_t)size;
    state->link_sent = true;
    state->link_answer_due = false;
}

// Reads the connected stations from ESP-IDF (none unless Up) and starts
// sending them.
static void read_station_list(srv_t *state, uint8_t ap_state) {
    uint8_t count = 0;
    // Built aside, so that an unchanged list (a station that joined but has
    // no lease yet) is not sent again.
    cam_ap_station_t fresh[ESP_WIFI_MAX_CONN_NUM];
    if (ap_state == AP_STATE(UP)) {
        wifi_sta_list_t stations;
        memset(&stations, 0, sizeof(stations));
        if (esp_wifi_ap_get_sta_list(&stations) == ESP_OK) {
            // The leases of the default AP netif's DHCP server, in the order
            // of `stations`; 0.0.0.0 for a station that has none yet.
            wifi_sta_mac_ip_list_t addresses;
            memset(&addresses, 0, sizeof(addresses));
            bool have_addresses =
                esp_wifi_ap_get_sta_list_with_ip(&stations, &addresses) == ESP_OK;
            int total = stations.num;
            if (total < 0)
                total = 0;
            if (total > ESP_WIFI_MAX_CONN_NUM)
                total = ESP_WIFI_MAX_CONN_NUM;
            // A station is listed once it holds a lease ("one connected
            // station (MAC, leased IP, RSSI)"): between association and its
            // DHCP exchange it is not connected for the script yet.
            // IP_EVENT_AP_STAIPASSIGNED reads the list again.
            for (int i = 0; i < total; ++i) {
                const wifi_sta_info_t *station = &stations.sta[i];
                uint32_t ip = 0;
                for (int j = 0; have_addresses && j < addresses.num && j < ESP_WIFI_MAX_CONN_NUM;
                     ++j)
                    if (memcmp(addresses.sta[j].mac, station->mac, MAC_LENGTH) == 0)
                        ip = cam_ipv4_to_contract(&addresses.sta[j].ip);
                if (ip == 0)
                    continue;
                cam_ap_station_t *entry = &fresh[count];
                memset(entry, 0, sizeof(*entry));
                entry->index = count;
                entry->rssi = station->rssi; // how the camera hears it, when read
                memcpy(entry->mac, station->mac, MAC_LENGTH);
                entry->ip = ip;
                ++count;
            }
            for (uint8_t i = 0; i < count; ++i)
                fresh[i].count = count;
        }
    }
    if (count == state->station_count && count == state->list_count &&
        memcmp(fresh, state->list, count * sizeof(fresh[0])) == 0)
        return; // the same stations as last sent (none before, none now included)
    memcpy(state->list, fresh, count * sizeof(fresh[0]));
    state->list_count = count;
    state->list_sent = 0;
    state->list_sending = true;
}

// "The driver sends every station, then stations_done, then the link event
// that counts them": a few records per pass; `link` waits (process()).
static void send_station_list(srv_t *state) {
    unsigned sent_now = 0;
    while (state->list_sent < state->list_count && sent_now < STATIONS_PER_PASS) {
        uint8_t payload[CAM_AP_STATION_SIZE];
        size_t size = cam_ap_encode_station(payload, &state->list[state->list_sent]);
        jd_send_event_ext(state, JD_CAM_WIFI_ACCESS_POINT_EV_STATION, payload, (unsigned)size);
        ++state->list_sent;
        ++sent_now;
    }
    if (state->list_sent < state->list_count)
        return;
    uint8_t count = state->list_count;
    jd_send_event_ext(state, JD_CAM_WIFI_ACCESS_POINT_EV_STATIONS_DONE, &count, sizeof(count));
    state->station_count = count;
    state->list_sending = false;
    // "... then the link event that counts them": sent even when its bytes
    // are the same as the last one's (a lease changed, not the count).
    state->link_answer_due = true;
}

// The channel in use, and whether it follows the station's.
static void update_channel(srv_t *state, uint8_t ap_state) {
    uint8_t channel = 0;
    uint16_t reason = state->reason;
    if (ap_state == AP_STATE(UP)) {
        uint8_t primary = 0;
        wifi_second_chan_t second;
        if (esp_wifi_get_channel(&primary, &second) != ESP_OK || primary == 0)
            primary = state->config.channel;
        channel = primary;
        // Associated: esp_wifi_sta_get_ap_info() only succeeds then (and
        // fails in AP-only mode).
        wifi_ap_record_t uplink;
        bool associated = esp_wifi_sta_get_ap_info(&uplink) == ESP_OK;
        reason = associated && channel != state->config.channel
                     ? AP_REASON(CHANNEL_FOLLOWS_STATION)
                     : AP_REASON(NONE);
    } else if (ap_state == AP_STATE(STARTING)) {
        reason = AP_REASON(NONE);
    }
    // Stopped keeps its reason (None, or StoppedByRequest).
    if (channel != state->channel || reason != state->reason) {
        state->channel = channel;
        state->reason = reason;
        mark_link_changed(state);
    }
}

// -------------------------------------------------------------- main loop

static void cam_wifi_access_point_process(srv_t *state) {
    lock(state);
    bool channel_check = state->channel_check_due;
    state->channel_check_due = false;
    // A list change while a list is being sent is read once that one is out.
    bool stations_changed = state->stations_changed && !state->list_sending;
    if (stations_changed)
        state->stations_changed = false;
    uint8_t ap_state = state->ap_state;
    unlock(state);

    if (channel_check)
        update_channel(state, ap_state);
    if (stations_changed)
        read_station_list(state, ap_state);
    if (state->list_sending)
        send_station_list(state);
    if (!state->list_sending)
        send_link_if_due(state);
}

// --------------------------------------------------------------- the radio

// The stored network as ESP-IDF's soft-AP configuration. Holds the
// passphrase: the caller wipes it.
static void build_wifi_config(const cam_ap_config_t *config, wifi_config_t *out) {
    memset(out, 0, sizeof(*out));
    memcpy(out->ap.ssid, config->ssid, config->ssid_length);
    out->ap.ssid_len = config->ssid_length;
    memcpy(out->ap.password, config->key, config->key_length); // 64 hex digits fill it: no NUL
    out->ap.channel = config->channel;
    out->ap.ssid_hidden = config->hidden ? 1 : 0;
    out->ap.max_connection = config->max_clients;
    out->ap.beacon_interval = BEACON_INTERVAL_TU;
    switch (config->security) {
    case SECURITY(WPA2):
        out->ap.authmode = WIFI_AUTH_WPA2_PSK;
        out->ap.pairwise_cipher = WIFI_CIPHER_TYPE_CCMP;
        break;
    case SECURITY(WPA3):
        out->ap.authmode = WIFI_AUTH_WPA3_PSK;
        out->ap.pairwise_cipher = WIFI_CIPHER_TYPE_CCMP;
        // WPA3 requires protected management frames.
        out->ap.pmf_cfg.capable = true;
        out->ap.pmf_cfg.required = true;
        break;
    case SECURITY(WPA2WPA3):
        out->ap.authmode = WIFI_AUTH_WPA2_WPA3_PSK;
        out->ap.pairwise_cipher = WIFI_CIPHER_TYPE_CCMP;
        // Offered to WPA3 clients, not required of WPA2 ones.
        out->ap.pmf_cfg.capable = true;
        out->ap.pmf_cfg.required = false;
        break;
    default: // Open (check_config() lets nothing else through)
        out->ap.authmode = WIFI_AUTH_OPEN;
        break;
    }
}

// cam_wifi_mode_acquire()'s configure step: the interface is in the mode,
// the radio not yet started (or the AP just came up with its previous
// configuration, which this replaces).
static esp_err_t configure_ap(void *arg) {
    srv_t *state = arg;
    wifi_config_t config;
    build_wifi_config(&state->config, &config);
    esp_err_t err = esp_wifi_set_config(WIFI_IF_AP, &config);
    cam_wipe(&config, sizeof(config));
    return err;
}

// The AP's own address and its DHCP server's subnet. ESP-IDF only takes an
// address with the server stopped; started again while the AP is down, the
// server comes up with the AP (esp_netif's AP start).
static void apply_address(srv_t *state) {
    esp_netif_dhcps_stop(state->netif); // "already stopped" is not an error here
    esp_netif_ip_info_t info;
    memset(&info, 0, sizeof(info));
    cam_ipv4_from_contract(&info.ip, state->address.ip);
    cam_ipv4_from_contract(&info.netmask, state->address.netmask);
    cam_ipv4_from_contract(&info.gw, state->address.ip); // the AP is its network's gateway
    esp_err_t err = esp_netif_set_ip_info(state->netif, &info);
    if (err != ESP_OK)
        LOG("address rejected: %s", esp_err_to_name(err));
    err = esp_netif_dhcps_start(state->netif);
    if (err != ESP_OK && err != ESP_ERR_ESP_NETIF_DHCP_ALREADY_STARTED)
        LOG("DHCP server start failed: %s", esp_err_to_name(err));
}

// ---------------------------------------------------------------- commands

// Why a parsed set_config cannot be hosted, or NULL. Never mentions the key.
static const char *check_config(const cam_ap_config_t *config) {
    if (config->channel < CHANNEL_MIN || config->channel > CHANNEL_MAX)
        return "channel not in 1..13";
    switch (config->security) {
    case SECURITY(OPEN):
        return config->key_length == 0 ? NULL : "an open network takes no key";
    case SECURITY(WPA2):
        if (config->key_length == HEX_KEY_LENGTH)
            return is_hex(config->key, config->key_length) ? NULL
                                                           : "a 64-character key must be hex";
        break;
    case SECURITY(WPA3):
    case SECURITY(WPA2WPA3):
        if (!HAS_SOFTAP_SAE)
            return "WPA3 needs ESP-IDF 5.1 or later with CONFIG_ESP_WIFI_SOFTAP_SAE_SUPPORT";
        break;
    default:
        return "security not hosted (Open, Wpa2, Wpa3 or Wpa2Wpa3)";
    }
    if (config->key_length < PASSPHRASE_MIN_LENGTH || config->key_length > PASSPHRASE_MAX_LENGTH)
        return "the key must be 8..63 characters";
    return NULL;
}

static void handle_set_config(srv_t *state, jd_packet_t *pkt) {
    cam_ap_config_t config;
    if (!cam_ap_parse_set_config(pkt->data, pkt->service_size, &config)) {
        LOG("set_config: malformed payload ignored"); // nothing of it is logged
        return;
    }
    const char *problem = check_config(&config);
    if (problem != NULL) {
        LOG("set_config: %s; ignored", problem);
        cam_wipe(&config, sizeof(config));
        return;
    }
    // ESP-IDF's soft-AP serves at most ESP_WIFI_MAX_CONN_NUM stations (and
    // fewer when ESP-NOW holds encryption keys); 0 would be no network.
    if (config.max_clients < 1)
        config.max_clients = 1;
    if (config.max_clients > ESP_WIFI_MAX_CONN_NUM)
        config.max_clients = ESP_WIFI_MAX_CONN_NUM;

    if (state->active) {
        // "... or at once (restarting the access point) when it is up."
        // ESP-IDF applies a new soft-AP configuration at once; its stations
        // are dropped and join again (the list is read again).
        wifi_config_t wifi_config;
        build_wifi_config(&config, &wifi_config);
        esp_err_t err = esp_wifi_set_config(WIFI_IF_AP, &wifi_config);
        cam_wipe(&wifi_config, sizeof(wifi_config));
        if (err != ESP_OK) {
            LOG("set_config: refused by ESP-IDF (%s); the previous network stays",
                esp_err_to_name(err));
            cam_wipe(&config, sizeof(config));
            return;
        }
        lock(state);
        state->stations_changed = true;
        state->channel_check_due = true;
        state->link_changed = true;
        unlock(state);
    }
    cam_wipe(&state->config, sizeof(state->config));
    state->config = config;
    cam_wipe(&config, sizeof(config));
    state->configured = true;

    char ssid_text[CAM_WIFI_SSID_MAX_LENGTH + 1];
    memcpy(ssid_text, state->config.ssid, state->config.ssid_length);
    ssid_text[state->config.ssid_length] = 0;
    LOG("set_config: '%s' channel %u security %u%s, up to %u clients", ssid_text,
        (unsigned)state->config.channel, (unsigned)state->config.security,
        state->config.hidden ? " (hidden)" : "", (unsigned)state->config.max_clients); // never the key
}

static void handle_set_active(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    bool on = pkt->data[0] != 0;

    if (on && !state->active) {
        if (!state->configured) {
            // Nothing to host; the answer shows Stopped.
            LOG("set_active: no set_config yet");
        } else {
            apply_address(state);
            lock(state);
            state->ap_state = AP_STATE(STARTING);
            state->link_changed = true;
            unlock(state);
            state->reason = AP_REASON(NONE);
            state->channel = 0;
            // AP or APSTA, configured before the radio starts (if it was
            // off); WIFI_EVENT_AP_START then gives Up.
            esp_err_t err =
                cam_wifi_mode_acquire(CAM_WIFI_USER_ACCESS_POINT, configure_ap, state);
            if (err == ESP_OK) {
                state->active = true;
            } else {
                LOG("starting the access point failed: %s", esp_err_to_name(err));
                lock(state);
                state->ap_state = AP_STATE(STOPPED);
                unlock(state);
            }
        }
    } else if (!on) {
        if (state->active) {
            // Stops the radio, or leaves it to the station (the mode drops
            // the AP; its stations are disconnected).
            esp_err_t err = cam_wifi_mode_release(CAM_WIFI_USER_ACCESS_POINT);
            if (err != ESP_OK)
                LOG("stopping the access point failed: %s", esp_err_to_name(err));
            state->active = false;
        }
        // Answered as the simulator does, also when it was already stopped.
        state->reason = AP_REASON(STOPPED_BY_REQUEST);
        state->channel = 0;
        lock(state);
        state->ap_state = AP_STATE(STOPPED);
        state->stations_changed = true; // the list is empty now
        state->link_changed = true;
        unlock(state);
    }
    state->link_answer_due = true; // every set_active is answered with a `link` event
}

static void handle_set_address(srv_t *state, jd_packet_t *pkt) {
    cam_ap_address_t address;
    if (!cam_ap_parse_set_address(pkt->data, pkt->service_size, &address)) {
        LOG("set_address: %u bytes, expected %u", (unsigned)pkt->service_size,
            (unsigned)CAM_AP_SET_ADDRESS_SIZE);
        return;
    }
    uint32_t host = address.ip & ~address.netmask;
    if (address.ip == 0 || address.netmask == 0 || host == 0 || host == ~address.netmask) {
        LOG("set_address: not a host address of its subnet; ignored");
        return;
    }
    state->address = address;
    apply_address(state);
    if (state->active && current_ap_state(state) == AP_STATE(UP)) {
        // Leases of the old subnet are useless now: drop every station, so
        // each joins again and gets an address of the new one (as the
        // simulator restarts the access point).
        esp_err_t err = esp_wifi_deauth_sta(0); // 0: all stations
        if (err != ESP_OK)
            LOG("set_address: dropping stations failed: %s", esp_err_to_name(err));
        lock(state);
        state->stations_changed = true;
        unlock(state);
    }
    mark_link_changed(state); // the link carries ip and netmask
}

static void cam_wifi_access_point_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_WIFI_ACCESS_POINT_CMD_SET_CONFIG:
        handle_set_config(state, pkt);
        return;
    case JD_CAM_WIFI_ACCESS_POINT_CMD_SET_ACTIVE:
        handle_set_active(state, pkt);
        return;
    case JD_CAM_WIFI_ACCESS_POINT_CMD_SET_ADDRESS:
        handle_set_address(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_wifi_access_point_regs);
}

// ------------------------------------------------------------------- init

SRV_DEF(cam_wifi_access_point, JD_SERVICE_CLASS_CAM_WIFI_ACCESS_POINT);

void cam_wifi_access_point_init(void) {
    SRV_ALLOC(cam_wifi_access_point); // zero-filled by jd_allocate_service()

    state->contract_version = CONTRACT_VERSION;
    state->lock = xSemaphoreCreateMutex();
    ESP_ERROR_CHECK(state->lock != NULL ? ESP_OK : ESP_ERR_NO_MEM);

    // Off until set_active(true); nothing has happened yet.
    state->ap_state = AP_STATE(STOPPED);
    state->reason = AP_REASON(NONE);
    state->address.ip = DEFAULT_IP;
    state->address.netmask = DEFAULT_NETMASK;

    cam_wifi_mode_init(); // esp_netif_init + esp_wifi_init, once for both services
    // The default AP netif, created once (its DHCP server and the default
    // handlers that start it with the AP); esp_wifi_ap_get_sta_list_with_ip()
    // only works with this one.
    state->netif = esp_netif_create_default_wifi_ap();
    ESP_ERROR_CHECK(esp_read_mac(state->mac, ESP_MAC_WIFI_SOFTAP));
    apply_address(state);
    // A closed placeholder network, in case ESP-IDF starts the AP interface
    // before set_config's network is in place (cam_wifi_mode.h).
    esp_err_t err = cam_wifi_mode_seed_ap();
    if (err != ESP_OK)
        LOG("closed placeholder network not set: %s", esp_err_to_name(err));

    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID,
                                                        on_wifi_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_AP_STAIPASSIGNED,
                                                        on_ip_event, state, NULL));
}
