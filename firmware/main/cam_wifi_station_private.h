// Camscript Wi-Fi station, private to its files (cam_wifi_station*.c): the
// service's state, the constants and small helpers they share, and the
// functions one file calls in another. The overview and the threading rule
// are at the top of cam_wifi_station.c. Not for other services: they talk
// to the station through cam_wifi_station.h and cam_wifi_mode.h only.
#pragma once

#include "jdesp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "sdkconfig.h"

#include "cam_link_reason.h"
#include "cam_wifi_mode.h"
#include "cam_wifi_packets.h"
#include "cam_wifi_security.h"
#include "cam_wifi_station_spec.h"

// ------------------------------------------- ESP-IDF versions (enterprise)

#define IDF_AT_LEAST(major, minor, patch)                                                          \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(major, minor, patch))

// 802.1X support is a build option (default on). Without it, every
// associate_enterprise fails at once (AssocRejected, logged).
#if defined(CONFIG_ESP_WIFI_ENTERPRISE_SUPPORT) && CONFIG_ESP_WIFI_ENTERPRISE_SUPPORT
#define HAS_ENTERPRISE 1
#else
#define HAS_ENTERPRISE 0
#endif

// esp_eap_client.h (esp_wifi_sta_enterprise_enable, esp_eap_client_set_*)
// exists from 5.0.5 on the 5.0 branch and from 5.1.2 (not in 5.1 or
// 5.1.1). Before that, the same functions are esp_wpa2.h's
// esp_wifi_sta_wpa2_ent_* (deprecated, still present up to 5.5).
#define HAS_EAP_CLIENT                                                                             \
    ((IDF_AT_LEAST(5, 0, 5) && !IDF_AT_LEAST(5, 1, 0)) || IDF_AT_LEAST(5, 1, 2))

// esp_eap_client_set_domain_name() (the server certificate's name check):
// 5.0.9, 5.1.7, 5.2.6, 5.3.4, 5.4.2, 5.5 and later. Where it is missing, an
// attempt with a server domain fails rather than skip the check.
#define HAS_EAP_DOMAIN_NAME                                                                        \
    ((IDF_AT_LEAST(5, 0, 9) && !IDF_AT_LEAST(5, 1, 0)) ||                                           \
     (IDF_AT_LEAST(5, 1, 7) && !IDF_AT_LEAST(5, 2, 0)) ||                                           \
     (IDF_AT_LEAST(5, 2, 6) && !IDF_AT_LEAST(5, 3, 0)) ||                                           \
     (IDF_AT_LEAST(5, 3, 4) && !IDF_AT_LEAST(5, 4, 0)) || IDF_AT_LEAST(5, 4, 2))

// esp_eap_client_set_eap_methods() (offer only the method asked for):
// 5.3.4, 5.4.3, 5.5.1 and later. Without it ESP-IDF accepts whichever of
// PEAP, TTLS, TLS and FAST the server proposes, using the credentials given.
#define HAS_EAP_METHODS                                                                            \
    ((IDF_AT_LEAST(5, 3, 4) && !IDF_AT_LEAST(5, 4, 0)) ||                                           \
     (IDF_AT_LEAST(5, 4, 3) && !IDF_AT_LEAST(5, 5, 0)) || IDF_AT_LEAST(5, 5, 1))

#define LOG(msg, ...) DMESG("cam_wifi: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1

#define SSID_MAX_LENGTH CAM_WIFI_SSID_MAX_LENGTH // wifi_config_t.sta.ssid has no room for a NUL
#define BSSID_LENGTH CAM_WIFI_BSSID_LENGTH
#define MAC_LENGTH 6
#define HOSTNAME_MAX_LENGTH 32 // what esp_netif_set_hostname() accepts

#define RSSI_POLL_PERIOD_MS 1000
// Reported while no access point is named: no received signal is ever 0 dBm.
#define RSSI_NONE 0

#define TX_POWER_MIN_DBM 2
#define TX_POWER_MAX_DBM 20
// esp_wifi_set_max_tx_power() takes quarter-dBm units.
#define QUARTER_DBM_PER_DBM 4

// A scan list is held until it has been sent; this bounds its heap use.
#define SCAN_MAX_RECORDS 32
// scan_record events sent per main-loop pass, so a long list does not
// overflow the Jacdac send queue in one go.
#define SCAN_RECORDS_PER_PASS 2

// An attempt that replaces a link waits this long for the echo of leaving it
// (DISCONNECTED(ASSOC_LEAVE)) before its search scan starts: ESP-IDF refuses
// to scan while it is still tearing the old link down.
#define LEAVE_ECHO_WAIT_US (1000 * 1000)

#define LINK_STATE(name) JD_CAM_WIFI_STATION_LINK_STATE_##name
#define LINK_REASON(name) JD_CAM_WIFI_STATION_LINK_REASON_##name
#define SECURITY(name) JD_CAM_WIFI_STATION_SECURITY_##name

typedef cam_ipv4_config_t ipv4_config_t;
typedef cam_link_snapshot_t link_snapshot_t;
typedef cam_associate_request_t attempt_request_t;

#define CREDENTIAL(name) JD_CAM_WIFI_STATION_CREDENTIAL_##name
#define EAP_METHOD(name) JD_CAM_WIFI_STATION_EAP_METHOD_##name

// One scan_record event, ready to send.
typedef struct {
    uint8_t size;
    uint8_t payload[CAM_SCAN_RECORD_MAX_SIZE];
} scan_record_event_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_wifi_station_regs.
    uint16_t contract_version;
    uint8_t mac[MAC_LENGTH]; // `const mac: bytes`: served as exactly 6 bytes

    // ---- Shared with the ESP-IDF event handlers: only touched under `lock`.
    SemaphoreHandle_t lock;
    link_snapshot_t link;
    bool link_changed;  // `link` may differ from what was last sent
    bool scan_finished; // WIFI_EVENT_SCAN_DONE arrived
    // We called esp_wifi_disconnect(); the DISCONNECTED(ASSOC_LEAVE) it
    // causes is ours and is not reported again. Cleared by that echo, by any
    // other DISCONNECTED (events arrive in order, so the echo would have come
    // first) and by set_active.
    bool leave_pending;
    bool link_was_up; // WIFI_EVENT_STA_CONNECTED seen for this attempt
    bool connected_due; // a CONNECTED was recorded that process() has not reported yet
    bool key_given;   // this attempt was made with a key
    // This attempt was made with associate_enterprise, and which server
    // checks it asked for (cam_link_context_t).
    bool attempt_enterprise;
    bool attempt_server_checked;
    bool attempt_domain_checked;
    // The snapshot as it was when esp_wifi_connect() was called (Associating,
    // with the chosen AP), to go back to if a late event of a link we left
    // was recorded over the attempt.
    link_snapshot_t attempt_link;
    uint8_t address_mode; // AddressMode
    ipv4_config_t static_address;

    // ---- Main loop only.
    esp_netif_t *netif;
    bool radio_started;
    bool link_answer_due; // a command asked for a `link` event even if nothing changed
    uint8_t last_link_payload[CAM_LINK_MAX_SIZE];
    uint8_t last_link_size; // 0: nothing sent yet

    // An `associate` whose search has not finished. The request (with its
    // key) is held here until esp_wifi_connect() and wiped then.
    bool attempt_pending;
    attempt_request_t pending_attempt;
    bool search_current;      // the running scan is this request's search
    bool search_all_channels; // the hinted channel was searched in vain
    int64_t leave_wait_until_us;
    // What the running search scan looks for. wifi_scan_config_t takes
    // pointers, so they point here, not into a request that may be replaced.
    uint8_t search_ssid[SSID_MAX_LENGTH + 1]; // a C string
    uint8_t search_bssid[BSSID_LENGTH];
    bool pending_enterprise; // the pending attempt is an associate_enterprise

    // Enterprise credentials (contract 1.1), heap buffers, wiped before
    // they are freed. `enterprise` is the set sent since the last
    // set_enterprise. ESP-IDF's supplicant keeps POINTERS to the
    // certificates and the key it is given (it copies only identities and
    // the password), for the whole link: re-authentication reads them
    // again. So a set handed to it stays untouched while `eap_armed`; a
    // set_enterprise during that time moves it to `retired`, which is wiped
    // when the supplicant lets go (disarm_enterprise).
    cam_enterprise_t enterprise;
    cam_enterprise_t retired;
    bool eap_armed;          // 802.1X enabled in ESP-IDF with our buffers
    bool eap_uses_current;   // ... and they are `enterprise`'s (else `retired`'s)

    bool scan_requested;   // a `scan` command waits for the radio to be free
    bool scan_running;     // esp_wifi_scan_start() succeeded, SCAN_DONE not handled yet
    bool scan_for_attempt; // the running scan is an attempt's search, not a `scan`
    scan_record_event_t *scan_records;
    uint8_t scan_record_count;
    uint8_t scan_records_sent;

    int8_t tx_power_dbm; // 0: never set, leave ESP-IDF's default
    uint32_t next_rssi_poll;
};

// ---------------------------------------------------------------- helpers

static inline void lock(srv_t *state) {
    xSemaphoreTake(state->lock, portMAX_DELAY);
}

static inline void unlock(srv_t *state) {
    xSemaphoreGive(state->lock);
}

// memset() on memory that is never read again may be optimised away; writing
// through a volatile pointer may not. Used for copies of the key.
static inline void wipe_secret(void *secret, size_t size) {
    volatile uint8_t *bytes = secret;
    while (size--)
        *bytes++ = 0;
}

static inline void wake_main_loop(void) {
#ifdef JD_WAKE_MAIN
    JD_WAKE_MAIN();
#endif
}

// Scanning .. ObtainingAddress: "an attempt is under way" (contract).
static inline bool attempt_under_way(uint8_t link_state) {
    return link_state >= LINK_STATE(SCANNING) && link_state <= LINK_STATE(OBTAINING_ADDRESS);
}

// esp_wifi_connect() was called for this link and it has not ended: the
// radio holds (or is building) a link that esp_wifi_disconnect() ends.
// (Scanning is the driver's own search: nothing to disconnect yet.)
static inline bool connect_outstanding(uint8_t link_state) {
    return link_state >= LINK_STATE(ASSOCIATING);
}

// Associated: the handshake is done, an address is being obtained or held.
static inline bool is_associated(uint8_t link_state) {
    return link_state == LINK_STATE(OBTAINING_ADDRESS) || link_state == LINK_STATE(GOT_ADDRESS);
}

static inline void clear_address(link_snapshot_t *link) {
    memset(&link->address, 0, sizeof(link->address));
}

// ------------------------------------------------ shared between the files

// cam_wifi_station.c: the link snapshot
void cam_sta_forget_ap(link_snapshot_t *link);
void cam_sta_record_failure(link_snapshot_t *link, uint16_t reason);
size_t cam_sta_ssid_length(const uint8_t *ssid, size_t capacity);
void cam_sta_set_link_ssid(link_snapshot_t *link, const uint8_t *ssid, size_t length);

// cam_wifi_station_attempt.c: one attempt
void cam_sta_drop_pending_attempt(srv_t *state);
void cam_sta_start_attempt_search(srv_t *state);
void cam_sta_finish_attempt_search(srv_t *state);
bool cam_sta_begin_attempt(srv_t *state, attempt_request_t *request, bool enterprise);
void cam_sta_handle_associate(srv_t *state, jd_packet_t *pkt);
void cam_sta_handle_disassociate(srv_t *state);

// cam_wifi_station_scan.c: scans
void cam_sta_send_scan_done(srv_t *state, uint8_t count);
void cam_sta_free_scan_records(srv_t *state);
bool cam_sta_scan_list_pending(srv_t *state);
wifi_ap_record_t *cam_sta_read_scan_results(uint16_t capacity, uint16_t *count);
void cam_sta_collect_scan_results(srv_t *state);
void cam_sta_discard_scan_results(void);
void cam_sta_send_scan_records(srv_t *state);
void cam_sta_start_requested_scan(srv_t *state, uint8_t link_state);

// cam_wifi_station_enterprise.c: 802.1X
const char *cam_sta_credential(const srv_t *state, uint8_t kind, size_t *length);
void cam_sta_disarm_enterprise(srv_t *state);
void cam_sta_retire_current_set(srv_t *state);
const char *cam_sta_arm_enterprise(srv_t *state, esp_err_t *err);
void cam_sta_release_enterprise_if_unused(srv_t *state, uint8_t link_state);
void cam_sta_handle_set_enterprise(srv_t *state, jd_packet_t *pkt);
void cam_sta_handle_set_credential(srv_t *state, jd_packet_t *pkt);
void cam_sta_handle_associate_enterprise(srv_t *state, jd_packet_t *pkt);

// cam_wifi_station_config.c: address, hostname, transmit power
void cam_sta_apply_tx_power(srv_t *state);
void cam_sta_handle_set_address(srv_t *state, jd_packet_t *pkt);
void cam_sta_handle_set_hostname(srv_t *state, jd_packet_t *pkt);
void cam_sta_handle_set_tx_power(srv_t *state, jd_packet_t *pkt);

// cam_wifi_station_events.c
void cam_sta_register_event_handlers(srv_t *state);
