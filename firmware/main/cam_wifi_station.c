// Camscript Wi-Fi station: driver contract v1.1 (services/wifi-station.md) on
// ESP-IDF 5.0's station interface, enterprise (802.1X) networks included.
//
// The driver is thin on purpose. One `associate` command is one attempt: the
// driver searches for the network (a scan for that SSID), picks the access
// point, then ESP-IDF associates, runs the handshake and DHCP, and whatever
// happens is reported as a `link` event. There are no retries, no reconnect
// on WIFI_EVENT_STA_DISCONNECTED and no timeouts on the outcome here: the
// bytecode owns every policy decision.
//
// Why the driver searches itself instead of leaving it to esp_wifi_connect():
// the contract's `link` event names the access point an attempt is about
// (ssid, bssid, channel, security), also after the attempt failed, so the
// bytecode can explain e.g. a SecurityMismatch against an enterprise network.
// ESP-IDF tells nothing about the AP it picked until the handshake succeeded
// (WIFI_EVENT_STA_CONNECTED), which is exactly what a failed attempt never
// reaches. The search also gives the contract's Scanning -> Associating
// progression.
//
// Threading. ESP-IDF delivers WIFI_EVENT / IP_EVENT on the system event
// task. Handlers there only record what happened into the link snapshot
// (under `lock`) and set a flag; cam_wifi_station_process(), on the Jacdac
// main loop, sends the events. Nothing in an event handler may call into
// Jacdac or the VM. Commands (handle_packet) and process() run on the main
// loop and take the same lock whenever they touch the shared fields.
// Several changes between two main-loop passes are coalesced into one `link`
// event; as every event carries the whole snapshot, the last one is right.
//
// Secrets. The key arrives in the `associate` payload, is held (in the
// pending attempt) only while the search runs, and then goes into
// wifi_config_t. It is never logged, never echoed in an event or register,
// and the Wi-Fi driver is told not to persist its configuration to flash.
// Every copy is wiped once handed over or dropped.
//
// Enterprise (contract 1.1). set_enterprise starts a credential set,
// set_credential chunks are reassembled into heap buffers
// (cam_enterprise_t in cam_wifi_packets.c), associate_enterprise runs the
// same search-then-connect attempt as `associate` with ESP-IDF's 802.1X
// supplicant armed with that set. The set is kept for the bytecode's
// retries (which send associate_enterprise alone) until the next
// set_enterprise or set_active(false); ESP-IDF's own copies are cleared
// whenever no enterprise attempt or link is under way. Every buffer is
// wiped before it is freed. Credentials are never logged (only which kind
// of credential a problem is about), never echoed.
//
// The radio is shared with the access point (cam_wifi_access_point.c):
// set_active goes through cam_wifi_mode.c, which picks STA / AP / APSTA.
//
// Wire layouts are in cam_wifi_packets.c (explicit byte offsets, never a
// struct copy).

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
#include "cam_wifi_station.h"
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

#if HAS_ENTERPRISE && HAS_EAP_CLIENT
#include "esp_eap_client.h"
#define eap_enable esp_wifi_sta_enterprise_enable
#define eap_disable esp_wifi_sta_enterprise_disable
#define eap_set_identity esp_eap_client_set_identity
#define eap_clear_identity esp_eap_client_clear_identity
#define eap_set_username esp_eap_client_set_username
#define eap_clear_username esp_eap_client_clear_username
#define eap_set_password esp_eap_client_set_password
#define eap_clear_password esp_eap_client_clear_password
#define eap_set_ca_cert esp_eap_client_set_ca_cert
#define eap_clear_ca_cert esp_eap_client_clear_ca_cert
#define eap_set_certificate_and_key esp_eap_client_set_certificate_and_key
#define eap_clear_certificate_and_key esp_eap_client_clear_certificate_and_key
#define eap_set_ttls_phase2_method esp_eap_client_set_ttls_phase2_method
#elif HAS_ENTERPRISE
#include "esp_wpa2.h"
#define eap_enable esp_wifi_sta_wpa2_ent_enable
#define eap_disable esp_wifi_sta_wpa2_ent_disable
#define eap_set_identity esp_wifi_sta_wpa2_ent_set_identity
#define eap_clear_identity esp_wifi_sta_wpa2_ent_clear_identity
#define eap_set_username esp_wifi_sta_wpa2_ent_set_username
#define eap_clear_username esp_wifi_sta_wpa2_ent_clear_username
#define eap_set_password esp_wifi_sta_wpa2_ent_set_password
#define eap_clear_password esp_wifi_sta_wpa2_ent_clear_password
#define eap_set_ca_cert esp_wifi_sta_wpa2_ent_set_ca_cert
#define eap_clear_ca_cert esp_wifi_sta_wpa2_ent_clear_ca_cert
#define eap_set_certificate_and_key esp_wifi_sta_wpa2_ent_set_cert_key
#define eap_clear_certificate_and_key esp_wifi_sta_wpa2_ent_clear_cert_key
#define eap_set_ttls_phase2_method esp_wifi_sta_wpa2_ent_set_ttls_phase2_method
#endif

#if defined(JD_WIFI) && JD_WIFI
// The stock Jacdac Wi-Fi service (and main/wifi_impl.c) would drive the same
// radio with its own auto-reconnect policy. See firmware/README.md.
#error "cam_wifi_station owns the station interface: set JD_WIFI to 0 in jd_user_config.h"
#endif

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

REG_DEFINITION(                                             //
    cam_wifi_station_regs,                                  //
    REG_SRV_COMMON,                                         //
    REG_U16(JD_CAM_WIFI_STATION_REG_CONTRACT_VERSION),      //
    REG_BYTES(JD_CAM_WIFI_STATION_REG_MAC, MAC_LENGTH),     //
)

static srv_t *station; // for jd_tcpsock_is_available()

// ---------------------------------------------------------------- helpers

static void lock(srv_t *state) {
    xSemaphoreTake(state->lock, portMAX_DELAY);
}

static void unlock(srv_t *state) {
    xSemaphoreGive(state->lock);
}

// memset() on memory that is never read again may be optimised away; writing
// through a volatile pointer may not. Used for copies of the key.
static void wipe_secret(void *secret, size_t size) {
    volatile uint8_t *bytes = secret;
    while (size--)
        *bytes++ = 0;
}

static void wake_main_loop(void) {
#ifdef JD_WAKE_MAIN
    JD_WAKE_MAIN();
#endif
}

// Scanning .. ObtainingAddress: "an attempt is under way" (contract).
static bool attempt_under_way(uint8_t link_state) {
    return link_state >= LINK_STATE(SCANNING) && link_state <= LINK_STATE(OBTAINING_ADDRESS);
}

// esp_wifi_connect() was called for this link and it has not ended: the
// radio holds (or is building) a link that esp_wifi_disconnect() ends.
// (Scanning is the driver's own search: nothing to disconnect yet.)
static bool connect_outstanding(uint8_t link_state) {
    return link_state >= LINK_STATE(ASSOCIATING);
}

// Associated: the handshake is done, an address is being obtained or held.
static bool is_associated(uint8_t link_state) {
    return link_state == LINK_STATE(OBTAINING_ADDRESS) || link_state == LINK_STATE(GOT_ADDRESS);
}

static void clear_address(link_snapshot_t *link) {
    memset(&link->address, 0, sizeof(link->address));
}

// Stopped, or Idle with reason None / LeftByRequest: the snapshot names no
// access point any more. (A failure keeps naming the AP it failed on.)
static void forget_ap(link_snapshot_t *link) {
    link->rssi = RSSI_NONE;
    link->channel = 0;
    link->security = SECURITY(OPEN);
    link->ssid_length = 0;
    link->has_bssid = false;
    memset(link->bssid, 0, sizeof(link->bssid));
    clear_address(link);
}

// The attempt failed or the link went down: Idle with a failure reason. The
// AP fields (ssid, bssid, channel, security, last RSSI) stay, so the reason
// can be explained against the network it is about.
static void record_failure(link_snapshot_t *link, uint16_t reason) {
    link->state = LINK_STATE(IDLE);
    link->reason = reason;
    clear_address(link);
}

static size_t ssid_length(const uint8_t *ssid, size_t capacity) {
    size_t length = 0;
    while (length < capacity && length < SSID_MAX_LENGTH && ssid[length] != 0)
        ++length;
    return length;
}

static void set_link_ssid(link_snapshot_t *link, const uint8_t *ssid, size_t length) {
    length = ssid_length(ssid, length); // string0 on the wire: stop at a NUL
    memcpy(link->ssid, ssid, length);
    link->ssid_length = (uint8_t)length;
}

// esp_ip4_addr_t holds the address in network order: its bytes in memory
// are a, b, c, d. Converting byte by byte avoids any host-endianness
// assumption.
static uint32_t ipv4_to_contract(const esp_ip4_addr_t *address) {
    const uint8_t *octet = (const uint8_t *)&address->addr;
    return ((uint32_t)octet[0] << 24) | ((uint32_t)octet[1] << 16) | ((uint32_t)octet[2] << 8) |
           (uint32_t)octet[3];
}

static void ipv4_from_contract(esp_ip4_addr_t *address, uint32_t value) {
    uint8_t *octet = (uint8_t *)&address->addr;
    octet[0] = (uint8_t)(value >> 24);
    octet[1] = (uint8_t)(value >> 16);
    octet[2] = (uint8_t)(value >> 8);
    octet[3] = (uint8_t)value;
}

// The contract's Security follows MicroPython's SEC_* numbering. Its first
// members happen to share wifi_auth_mode_t's values, but nothing promises
// that, so every mode is mapped by name rather than cast.
static uint8_t security_from_authmode(wifi_auth_mode_t authmode) {
    switch (authmode) {
    case WIFI_AUTH_OPEN:
        return SECURITY(OPEN);
    case WIFI_AUTH_WEP:
        return SECURITY(WEP);
    case WIFI_AUTH_WPA_PSK:
        return SECURITY(WPA);
    case WIFI_AUTH_WPA2_PSK:
        return SECURITY(WPA2);
    case WIFI_AUTH_WPA_WPA2_PSK:
        return SECURITY(WPA_WPA2);
    case WIFI_AUTH_WPA2_ENTERPRISE:
        return SECURITY(WPA2ENTERPRISE);
    case WIFI_AUTH_WPA3_ENT_192:
        // WPA3-Enterprise (the 192-bit suite; ESP-IDF reports WPA3-Enterprise
        // without it as WIFI_AUTH_ENTERPRISE, the line above)
        return SECURITY(WPA3ENTERPRISE);
    case WIFI_AUTH_WPA3_PSK:
        return SECURITY(WPA3);
    case WIFI_AUTH_WPA2_WPA3_PSK:
        return SECURITY(WPA2WPA3);
    case WIFI_AUTH_WAPI_PSK:
        // No WAPI in the contract. Like WPA2-PSK it is joined with a
        // passphrase, which is all the bytecode needs to know.
        return SECURITY(WPA2);
// the option was CONFIG_ESP32_WIFI_... in ESP-IDF 5.0 and CONFIG_ESP_WIFI_... later
#if defined(CONFIG_ESP_WIFI_ENABLE_WPA3_OWE_STA) || defined(CONFIG_ESP32_WIFI_ENABLE_WPA3_OWE_STA)
    case WIFI_AUTH_OWE:
        // Opportunistic Wireless Encryption: encrypted, but joined without a
        // key, exactly like an open network.
        return SECURITY(OPEN);
#endif
    default:
        // Modes newer than ESP-IDF 5.0's list (WPA3-Enterprise 192-bit,
        // WPA3 extended-key PSK, ...) are all WPA3 family.
        return SECURITY(WPA3);
    }
}

// ---------------------------------------------------- ESP-IDF event handlers
// These run on the system event task: record, flag, wake. Nothing else.

static void record_connected(srv_t *state, const wifi_event_sta_connected_t *event) {
    lock(state);
    link_snapshot_t *link = &state->link;
    // Only an esp_wifi_connect() of ours that has not come up yet can be
    // what connected. (During the driver's own search none is outstanding.)
    bool joining = link->state == LINK_STATE(ASSOCIATING) || link->state == LINK_STATE(HANDSHAKING);
    // While the echo of our own leave is still due, a CONNECTED may belong to
    // the link we just left (posted before ESP-IDF saw the disconnect). One
    // for another network than the one asked for is surely that: ignore it.
    // (For the same network the echo's handling puts things right.)
    bool stale = state->leave_pending &&
                 (event->ssid_len != link->ssid_length ||
                  memcmp(event->ssid, link->ssid, link->ssid_length) != 0);
    if (joining && !stale) {
        // STA_CONNECTED is posted after association AND the 4-way handshake.
        state->link_was_up = true;
        state->connected_due = true;
        link->channel = event->channel;
        link->security = security_from_authmode(event->authmode);
        memcpy(link->bssid, event->bssid, sizeof(link->bssid));
        link->has_bssid = true;
        set_link_ssid(link, event->ssid, event->ssid_len);
        link->reason = LINK_REASON(NONE);
        if (state->address_mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC) {
            // The static address was set on the interface beforehand
            // (set_address); there is nothing to obtain.
            link->address = state->static_address;
            link->state = LINK_STATE(GOT_ADDRESS);
        } else {
            link->state = LINK_STATE(OBTAINING_ADDRESS);
        }
        state->link_changed = true;
    }
    unlock(state);
}

static void record_disconnected(srv_t *state, const wifi_event_sta_disconnected_t *event) {
    uint16_t esp_reason = event->reason;
    lock(state);
    link_snapshot_t *link = &state->link;
    if (state->leave_pending && esp_reason == WIFI_REASON_ASSOC_LEAVE) {
        // The echo of our own esp_wifi_disconnect(). A disassociate has
        // already been reported; if an attempt replaced the old link, that
        // attempt goes on, so undo anything a late event of the old link
        // may have recorded over it.
        state->leave_pending = false;
        if (is_associated(link->state)) {
            *link = state->attempt_link;
            state->link_was_up = false;
            state->link_changed = true;
        }
    } else if (connect_outstanding(link->state)) {
        // The attempt failed or the link went down. ONE attempt: no reconnect.
        cam_link_context_t context = {
            .leave_requested = state->leave_pending,
            .link_was_up = state->link_was_up,
            .key_given = state->key_given,
            .ap_rssi = link->rssi,
            .enterprise = state->attempt_enterprise,
            .server_checked = state->attempt_server_checked,
            .domain_checked = state->attempt_domain_checked,
            // ESP-IDF does not reveal the TLS alert its supplicant sent
            // (cam_link_reason.c): the documented default applies.
            .tls_alert_sent = 0,
        };
        state->leave_pending = false;
        record_failure(link, cam_link_reason_from_esp(esp_reason, context));
        state->link_was_up = false;
        state->link_changed = true;
    } else {
        // Idle, Stopped or the driver's own search: no link of ours to lose,
        // a late event. The radio has let go of whatever it held, so no echo
        // of a leave is to be waited for any more.
        state->leave_pending = false;
    }
    unlock(state);
}

static void on_wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    switch (id) {
    case WIFI_EVENT_STA_CONNECTED:
        record_connected(state, data);
        break;
    case WIFI_EVENT_STA_DISCONNECTED:
        record_disconnected(state, data);
        break;
    case WIFI_EVENT_SCAN_DONE:
        // The records are read on the main loop (process), not here.
        lock(state);
        state->scan_finished = true;
        unlock(state);
        break;
    default:
        return;
    }
    wake_main_loop();
}

static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    if (id == IP_EVENT_STA_GOT_IP) {
        const ip_event_got_ip_t *event = data;
        // Read before locking: no ESP-IDF calls are made under the lock.
        esp_netif_dns_info_t dns;
        memset(&dns, 0, sizeof(dns));
        esp_netif_get_dns_info(event->esp_netif, ESP_NETIF_DNS_MAIN, &dns);

        lock(state);
        link_snapshot_t *link = &state->link;
        // Only an associated interface has a link to give an address to;
        // a GOT_IP at any other time (e.g. while a static address is being
        // set between attempts) is not reported.
        if (is_associated(link->state)) {
            link->address.ip = ipv4_to_contract(&event->ip_info.ip);
            link->address.netmask = ipv4_to_contract(&event->ip_info.netmask);
            link->address.gateway = ipv4_to_contract(&event->ip_info.gw);
            link->address.dns =
                dns.ip.type == ESP_IPADDR_TYPE_V4 ? ipv4_to_contract(&dns.ip.u_addr.ip4) : 0;
            link->state = LINK_STATE(GOT_ADDRESS);
            link->reason = LINK_REASON(NONE);
            state->link_changed = true;
        }
        unlock(state);
    } else if (id == IP_EVENT_STA_LOST_IP) {
        lock(state);
        link_snapshot_t *link = &state->link;
        // Still associated but the lease ran out without renewal. (After a
        // disassociation ESP-IDF posts LOST_IP too, minutes later: ignored,
        // the link was reported down already.)
        if (link->state == LINK_STATE(GOT_ADDRESS)) {
            clear_address(link);
            link->state = LINK_STATE(OBTAINING_ADDRESS);
            link->reason = LINK_REASON(ADDRESS_TIMEOUT);
            state->link_changed = true;
        }
        unlock(state);
    } else {
        return;
    }
    wake_main_loop();
}

// ------------------------------------------------------------ event sending

static void send_link_if_due(srv_t *state) {
    lock(state);
    link_snapshot_t link = state->link;
    bool changed = state->link_changed;
    state->link_changed = false;
    unlock(state);

    if (!changed && !state->link_answer_due)
        return;

    uint8_t payload[CAM_LINK_MAX_SIZE];
    size_t size = cam_encode_link(payload, &link);
    bool same = size == state->last_link_size &&
                memcmp(payload, state->last_link_payload, size) == 0;
    if (same && !state->link_answer_due)
        return;

    jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_LINK, payload, size);
    memcpy(state->last_link_payload, payload, size);
    state->last_link_size = (uint8_t)size;
    state->link_answer_due = false;
}

// The association is reported as ObtainingAddress before its address, also
// when the address is known at once (static, or a lease that came in the
// same pass): each step is an event, as the bytecode's on_change reports
// them.
static void send_association_step(srv_t *state) {
    lock(state);
    link_snapshot_t link = state->link;
    bool due = state->connected_due;
    state->connected_due = false;
    unlock(state);
    if (!due || link.state != LINK_STATE(GOT_ADDRESS))
        return;
    link.state = LINK_STATE(OBTAINING_ADDRESS);
    clear_address(&link);
    uint8_t payload[CAM_LINK_MAX_SIZE];
    size_t size = cam_encode_link(payload, &link);
    jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_LINK, payload, size);
    memcpy(state->last_link_payload, payload, size);
    state->last_link_size = (uint8_t)size;
}

static void send_scan_done(srv_t *state, uint8_t count) {
    jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_SCAN_DONE, &count, sizeof(count));
}

// --------------------------------------------------------------- the radio

static void apply_tx_power(srv_t *state) {
    if (!state->radio_started || state->tx_power_dbm == 0)
        return;
    esp_err_t err =
        esp_wifi_set_max_tx_power((int8_t)(state->tx_power_dbm * QUARTER_DBM_PER_DBM));
    if (err != ESP_OK)
        LOG("set_tx_power failed: %s", esp_err_to_name(err));
}

// Puts the interface's address configuration into effect.
static void apply_address_mode(srv_t *state, uint8_t mode, const ipv4_config_t *address) {
    if (mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC) {
        // The DHCP client must be stopped before an address can be set.
        // "Already stopped" is not an error here.
        esp_netif_dhcpc_stop(state->netif);
        esp_netif_ip_info_t info;
        memset(&info, 0, sizeof(info));
        ipv4_from_contract(&info.ip, address->ip);
        ipv4_from_contract(&info.netmask, address->netmask);
        ipv4_from_contract(&info.gw, address->gateway);
        esp_err_t err = esp_netif_set_ip_info(state->netif, &info);
        if (err != ESP_OK)
            LOG("static address rejected: %s", esp_err_to_name(err));
        esp_netif_dns_info_t dns;
        memset(&dns, 0, sizeof(dns));
        dns.ip.type = ESP_IPADDR_TYPE_V4;
        ipv4_from_contract(&dns.ip.u_addr.ip4, address->dns);
        err = esp_netif_set_dns_info(state->netif, ESP_NETIF_DNS_MAIN, &dns);
        if (err != ESP_OK)
            LOG("static DNS rejected: %s", esp_err_to_name(err));
    } else {
        // Starts a new exchange when associated; otherwise ESP-IDF starts it
        // on the next association. "Already started" is not an error here.
        esp_netif_dhcpc_start(state->netif);
    }
}

static void fail_attempt_locally(srv_t *state, esp_err_t err, const char *step) {
    // The radio refused to even start a step of the attempt (bad state or
    // config). That is not a code from the network, so it does not go
    // through the reason table: it is reported as a refusal. Whatever AP the
    // attempt had chosen stays named.
    LOG("%s failed: %s", step, esp_err_to_name(err));
    lock(state);
    record_failure(&state->link, LINK_REASON(ASSOC_REJECTED));
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
}

// Ends whatever link or attempt the radio holds. Returns after telling
// ESP-IDF; its DISCONNECTED(ASSOC_LEAVE) echo is recognised as ours.
static void leave_current_link(srv_t *state) {
    lock(state);
    bool leaving = connect_outstanding(state->link.state);
    if (leaving)
        state->leave_pending = true; // before the call: the echo may be quick
    unlock(state);
    if (!leaving)
        return;
    esp_err_t err = esp_wifi_disconnect();
    if (err != ESP_OK) {
        LOG("esp_wifi_disconnect failed: %s", esp_err_to_name(err));
        lock(state);
        state->leave_pending = false;
        unlock(state);
    }
}

static void drop_pending_attempt(srv_t *state) {
    state->attempt_pending = false;
    state->pending_enterprise = false;
    state->search_current = false;
    state->search_all_channels = false;
    wipe_secret(&state->pending_attempt, sizeof(state->pending_attempt));
}

// ---------------------------------------------------- enterprise (802.1X)
//
// ESP-IDF's supplicant is armed (credentials handed over, 802.1X enabled)
// just before esp_wifi_connect() of an enterprise attempt, and disarmed
// before any other attempt and whenever no enterprise attempt or link is
// under way (process()), so it never holds a password longer than needed
// and a later `associate` never runs 802.1X.

#define CREDENTIAL(name) JD_CAM_WIFI_STATION_CREDENTIAL_##name
#define EAP_METHOD(name) JD_CAM_WIFI_STATION_EAP_METHOD_##name

static const char *credential(const srv_t *state, uint8_t kind, size_t *length) {
    return cam_enterprise_value(&state->enterprise, kind, length);
}

// Takes our credentials away from the supplicant. ESP-IDF frees its copies
// of the identities and the password (without zeroing them: that is its
// code) and forgets the pointers to our certificates; then the buffers of a
// replaced set can be wiped. If ESP-IDF refuses, everything stays as it is
// and process() tries again.
static void disarm_enterprise(srv_t *state) {
    if (!state->eap_armed)
        return;
#if HAS_ENTERPRISE
    esp_err_t err = eap_disable();
    if (err != ESP_OK) {
        LOG("802.1X disable failed: %s", esp_err_to_name(err));
        return;
    }
    eap_clear_identity();
    eap_clear_username();
    eap_clear_password();
    eap_clear_ca_cert();
    eap_clear_certificate_and_key();
#if HAS_EAP_DOMAIN_NAME
    esp_eap_client_set_domain_name(NULL);
#endif
#endif
    state->eap_armed = false;
    state->eap_uses_current = false;
    cam_enterprise_wipe(&state->retired);
}

// The current set is to be replaced or dropped. If the supplicant still
// points into it, it becomes `retired` (wiped by disarm_enterprise());
// otherwise it is wiped now.
static void retire_current_set(srv_t *state) {
    if (state->eap_armed && state->eap_uses_current) {
        cam_enterprise_wipe(&state->retired); // not the supplicant's: it uses the current set
        state->retired = state->enterprise;   // the buffers change owner, nothing is copied
        memset(&state->enterprise, 0, sizeof(state->enterprise));
        state->eap_uses_current = false;
    } else {
        cam_enterprise_wipe(&state->enterprise);
    }
}

// The AP was seen with a security that has no 802.1X login. (Anything not
// listed, enterprise modes and modes newer than this list included, is
// left to ESP-IDF.)
static bool is_personal_or_open(wifi_auth_mode_t authmode) {
    switch (authmode) {
    case WIFI_AUTH_OPEN:
    case WIFI_AUTH_WEP:
    case WIFI_AUTH_WPA_PSK:
    case WIFI_AUTH_WPA2_PSK:
    case WIFI_AUTH_WPA_WPA2_PSK:
    case WIFI_AUTH_WPA3_PSK:
    case WIFI_AUTH_WPA2_WPA3_PSK:
    case WIFI_AUTH_WAPI_PSK:
        return true;
    default:
        return false;
    }
}

// Hands the current set to the supplicant and enables 802.1X. Returns NULL,
// or the step that failed (for the log) with its error in *err; the caller
// fails the attempt. Nothing of the credentials is logged.
static const char *arm_enterprise(srv_t *state, esp_err_t *err) {
#if !HAS_ENTERPRISE
    (void)state;
    *err = ESP_ERR_NOT_SUPPORTED;
    return "802.1X (CONFIG_ESP_WIFI_ENTERPRISE_SUPPORT is off)";
#else
    disarm_enterprise(state); // a previous attempt's
    if (state->eap_armed) {
        *err = ESP_ERR_INVALID_STATE;
        return "802.1X disable";
    }
    const cam_enterprise_t *set = &state->enterprise;
    if (cam_enterprise_missing(set) != CAM_ENTERPRISE_COMPLETE) {
        // A set_enterprise arrived while the attempt searched.
        *err = ESP_ERR_INVALID_STATE;
        return "credentials (incomplete)";
    }
    // From here on, disarm_enterprise() undoes whatever was handed over.
    state->eap_armed = true;
    state->eap_uses_current = true;

    size_t length = 0;
    // The outer (unprotected) identity: the anonymous one if given, else the
    // identity, else the username. ESP-IDF's "identity" is this outer one;
    // the inner login of PEAP / TTLS is its "username".
    const char *outer = credential(state, CREDENTIAL(ANONYMOUS_IDENTITY), &length);
    if (outer == NULL)
        outer = credential(state, CREDENTIAL(IDENTITY), &length);
    if (outer == NULL)
        outer = credential(state, CREDENTIAL(USERNAME), &length);
    if (outer == NULL) {
        *err = ESP_ERR_INVALID_ARG;
        return "identity (none given)";
    }
    *err = eap_set_identity((const unsigned char *)outer, (int)length);
    if (*err != ESP_OK)
        return "set identity"; // ESP-IDF takes 1..127 bytes

    if (set->method == EAP_METHOD(TLS)) {
        size_t cert_length = 0, key_length = 0;
        const char *cert = credential(state, CREDENTIAL(CLIENT_CERT), &cert_length);
        const char *key = credential(state, CREDENTIAL(CLIENT_KEY), &key_length);
        // PEM: mbedTLS wants the length to count the terminating NUL. The
        // supplicant keeps these pointers (see `retired`).
        *err = eap_set_certificate_and_key((const unsigned char *)cert, (int)cert_length + 1,
                                           (const unsigned char *)key, (int)key_length + 1, NULL,
                                           0);
        if (*err != ESP_OK)
            return "set client certificate and key";
    } else {
        const char *username = credential(state, CREDENTIAL(USERNAME), &length);
        *err = eap_set_username((const unsigned char *)username, (int)length);
        if (*err != ESP_OK)
            return "set username";
        const char *password = credential(state, CREDENTIAL(PASSWORD), &length);
        *err = eap_set_password((const unsigned char *)password, (int)length);
        if (*err != ESP_OK)
            return "set password";
        if (set->method == EAP_METHOD(TTLS)) {
            // PEAP's inner method is always MSCHAPv2 in ESP-IDF.
            *err = eap_set_ttls_phase2_method(set->phase2 == JD_CAM_WIFI_STATION_PHASE2_PAP
                                                  ? ESP_EAP_TTLS_PHASE2_PAP
                                                  : ESP_EAP_TTLS_PHASE2_MSCHAPV2);
            if (*err != ESP_OK)
                return "set TTLS phase 2";
        }
    }

    if (!set->insecure) {
        // Without a CA certificate ESP-IDF does not check the server at all
        // (MBEDTLS_SSL_VERIFY_NONE), which is exactly `insecure`.
        const char *ca = credential(state, CREDENTIAL(CA_CERT), &length);
        *err = eap_set_ca_cert((const unsigned char *)ca, (int)length + 1); // PEM, NUL counted
        if (*err != ESP_OK)
            return "set CA certificate";
        const char *domain = credential(state, CREDENTIAL(SERVER_DOMAIN), NULL);
        if (domain != NULL) {
#if HAS_EAP_DOMAIN_NAME
            *err = esp_eap_client_set_domain_name(domain);
            if (*err != ESP_OK)
                return "set server domain";
#else
            // Refuse rather than silently skip a check the script asked for.
            *err = ESP_ERR_NOT_SUPPORTED;
            return "server domain check (needs ESP-IDF 5.0.9, 5.1.7, 5.2.6, 5.3.4, 5.4.2 or later)";
#endif
        }
    }

#if HAS_EAP_METHODS
    esp_eap_method_t method = set->method == EAP_METHOD(TLS)    ? ESP_EAP_TYPE_TLS
                              : set->method == EAP_METHOD(TTLS) ? ESP_EAP_TYPE_TTLS
                                                                : ESP_EAP_TYPE_PEAP;
    *err = esp_eap_client_set_eap_methods(method);
    if (*err != ESP_OK)
        return "set EAP method";
#endif

    *err = eap_enable();
    if (*err != ESP_OK)
        return "802.1X enable";
    return NULL;
#endif
}

static void free_scan_records(srv_t *state) {
    free(state->scan_records);
    state->scan_records = NULL;
    state->scan_record_count = 0;
    state->scan_records_sent = 0;
}

static bool scan_list_pending(srv_t *state) {
    return state->scan_records != NULL;
}

// Reads (at most `capacity`) records of the scan that just finished. Reading
// is also what makes ESP-IDF free its own copy of the list. Returns a heap
// array (free() it) or NULL, with the count in *count.
static wifi_ap_record_t *read_scan_results(uint16_t capacity, uint16_t *count) {
    uint16_t available = 0;
    esp_wifi_scan_get_ap_num(&available);
    uint16_t wanted = available < capacity ? available : capacity;
    *count = 0;
    wifi_ap_record_t *aps = wanted ? calloc(wanted, sizeof(wifi_ap_record_t)) : NULL;
    if (aps == NULL) {
        // Nothing seen, or no memory: still empty ESP-IDF's list.
        uint16_t one = 1;
        wifi_ap_record_t ap;
        esp_wifi_scan_get_ap_records(&one, &ap);
        return NULL;
    }
    esp_err_t err = esp_wifi_scan_get_ap_records(&wanted, aps);
    if (err != ESP_OK) {
        LOG("reading scan results failed: %s", esp_err_to_name(err));
        free(aps);
        return NULL;
    }
    *count = wanted;
    return aps;
}

// ------------------------------------------------------------- the attempt
//
// associate -> Scanning: search scan for the SSID (on the hinted channel
// first, then on all) -> the strongest matching AP is chosen (or the pinned
// BSSID) -> Associating, with that AP named: esp_wifi_connect() pinned to its
// BSSID and channel -> CONNECTED -> ObtainingAddress / GotAddress, or
// DISCONNECTED -> Idle with a reason, the AP still named.

// The SSID of a scan record matches the request's: same bytes; or, for a
// hidden AP that only sent beacons with an empty SSID, the pinned BSSID.
static bool ap_matches(const wifi_ap_record_t *ap, const attempt_request_t *request) {
    if (request->bssid_pinned && memcmp(ap->bssid, request->bssid, BSSID_LENGTH) != 0)
        return false;
    size_t length = ssid_length(ap->ssid, sizeof(ap->ssid));
    if (length == 0)
        return request->bssid_pinned;
    return length == request->ssid_length && memcmp(ap->ssid, request->ssid, length) == 0;
}

// Starts the pending attempt's search when the radio is free for it.
static void start_attempt_search(srv_t *state) {
    if (!state->attempt_pending || state->scan_running)
        return;
    lock(state);
    bool leave_pending = state->leave_pending;
    unlock(state);
    if (leave_pending && esp_timer_get_time() < state->leave_wait_until_us)
        return; // ESP-IDF is still letting go of the link we left

    const attempt_request_t *request = &state->pending_attempt;
    memcpy(state->search_ssid, request->ssid, request->ssid_length);
    state->search_ssid[request->ssid_length] = 0;
    memcpy(state->search_bssid, request->bssid, BSSID_LENGTH);

    wifi_scan_config_t config;
    memset(&config, 0, sizeof(config));
    config.ssid = state->search_ssid; // also probes for a hidden AP of that name
    config.bssid = request->bssid_pinned ? state->search_bssid : NULL;
    config.channel = state->search_all_channels ? 0 : request->channel_hint;
    config.show_hidden = true;
    config.scan_type = WIFI_SCAN_TYPE_ACTIVE;
    esp_err_t err = esp_wifi_scan_start(&config, false);
    if (err != ESP_OK) {
        drop_pending_attempt(state);
        fail_attempt_locally(state, err, "esp_wifi_scan_start (search)");
        return;
    }
    state->scan_running = true;
    state->scan_for_attempt = true;
    state->search_current = true;
}

// The AP is chosen: configure ESP-IDF for exactly that AP and connect. The
// caller wipes the request. `enterprise`: an associate_enterprise, made with
// the current credential set.
static void connect_to(srv_t *state, const attempt_request_t *request, const wifi_ap_record_t *ap,
                       bool enterprise) {
    lock(state);
    link_snapshot_t *link = &state->link;
    link->state = LINK_STATE(ASSOCIATING);
    link->reason = LINK_REASON(NONE);
    link->rssi = ap->rssi;
    link->channel = ap->primary;
    link->security = security_from_authmode(ap->authmode);
    link->has_bssid = true;
    memcpy(link->bssid, ap->bssid, BSSID_LENGTH);
    // The name asked for (a hidden AP's record may carry none).
    set_link_ssid(link, request->ssid, request->ssid_length);
    clear_address(link);
    state->attempt_link = *link;
    state->link_was_up = false;
    state->key_given = request->key_length > 0;
    state->attempt_enterprise = enterprise;
    state->attempt_server_checked = enterprise && !state->enterprise.insecure;
    state->attempt_domain_checked =
        state->attempt_server_checked &&
        credential(state, CREDENTIAL(SERVER_DOMAIN), NULL) != NULL;
    state->link_changed = true;
    unlock(state);

    if (enterprise && is_personal_or_open(ap->authmode)) {
        // An 802.1X login cannot be used with a pre-shared key or an open
        // network: that is a mismatch, known before anything is sent (as
        // the simulator reports it).
        LOG("associate_enterprise: the network is not an 802.1X network");
        lock(state);
        record_failure(&state->link, LINK_REASON(SECURITY_MISMATCH));
        state->link_changed = true;
        unlock(state);
        return;
    }
    if (enterprise) {
        esp_err_t eap_err = ESP_OK;
        const char *step = arm_enterprise(state, &eap_err);
        if (step != NULL) {
            disarm_enterprise(state);
            fail_attempt_locally(state, eap_err, step);
            return;
        }
    } else {
        disarm_enterprise(state); // a key attempt must not run 802.1X
    }

    wifi_config_t config;
    memset(&config, 0, sizeof(config));
    memcpy(config.sta.ssid, request->ssid, request->ssid_length);
    memcpy(config.sta.password, request->key, request->key_length);
    // Exactly the AP the search chose: its BSSID, on its channel.
    config.sta.bssid_set = true;
    memcpy(config.sta.bssid, ap->bssid, sizeof(config.sta.bssid));
    config.sta.channel = ap->primary;
    config.sta.scan_method = WIFI_FAST_SCAN;
    // Accept any security, down to open: which networks are acceptable is
    // the bytecode's decision, not the driver's.
    config.sta.threshold.authmode = WIFI_AUTH_OPEN;

    esp_err_t err = esp_wifi_set_config(WIFI_IF_STA, &config);
    wipe_secret(&config, sizeof(config));
    if (err != ESP_OK) {
        fail_attempt_locally(state, err, "esp_wifi_set_config");
        return;
    }

    char ssid_text[SSID_MAX_LENGTH + 1];
    memcpy(ssid_text, request->ssid, request->ssid_length);
    ssid_text[request->ssid_length] = 0;
    LOG("associating with '%s' on channel %u%s", ssid_text, (unsigned)ap->primary,
        enterprise ? " (802.1X)" : ""); // never the key, never a credential
    err = esp_wifi_connect();
    if (err != ESP_OK)
        fail_attempt_locally(state, err, "esp_wifi_connect");
}

// The search scan finished (SCAN_DONE handled on the main loop).
static void finish_attempt_search(srv_t *state) {
    uint16_t count = 0;
    wifi_ap_record_t *aps = read_scan_results(SCAN_MAX_RECORDS, &count);
    if (!state->attempt_pending || !state->search_current) {
        // A search for a request that was replaced or dropped meanwhile; a
        // pending newer request gets its own search from process().
        free(aps);
        return;
    }
    state->search_current = false;

    const wifi_ap_record_t *best = NULL;
    for (uint16_t i = 0; i < count; ++i)
        if (ap_matches(&aps[i], &state->pending_attempt) &&
            (best == NULL || aps[i].rssi > best->rssi))
            best = &aps[i];

    if (best == NULL && state->pending_attempt.channel_hint != 0 && !state->search_all_channels) {
        // Not on the hinted channel: a hint only. Search all channels next.
        free(aps);
        state->search_all_channels = true;
        return;
    }
    if (best == NULL) {
        drop_pending_attempt(state);
        free(aps);
        lock(state);
        // The requested name stays; no AP was found to name further.
        record_failure(&state->link, LINK_REASON(NO_AP_FOUND));
        state->link_changed = true;
        unlock(state);
        return;
    }
    attempt_request_t request = state->pending_attempt;
    bool enterprise = state->pending_enterprise;
    drop_pending_attempt(state);
    connect_to(state, &request, best, enterprise);
    wipe_secret(&request, sizeof(request));
    free(aps);
}

// ------------------------------------------------------------------- scans

static void encode_scan_record(scan_record_event_t *out, uint8_t index,
                               const wifi_ap_record_t *ap) {
    cam_scan_record_t record;
    memset(&record, 0, sizeof(record));
    size_t length = ssid_length(ap->ssid, sizeof(ap->ssid));
    record.index = index;
    record.rssi = ap->rssi;
    record.channel = ap->primary;
    record.security = security_from_authmode(ap->authmode);
    // A hidden network's beacon carries an empty (or all-zero) SSID.
    record.hidden = length == 0;
    memcpy(record.ssid, ap->ssid, length);
    record.ssid_length = (uint8_t)length;
    memcpy(record.bssid, ap->bssid, sizeof(record.bssid));
    out->size = (uint8_t)cam_encode_scan_record(out->payload, &record);
}

// WIFI_EVENT_SCAN_DONE of a `scan` command: fetch the list and queue it.
static void collect_scan_results(srv_t *state) {
    free_scan_records(state);
    uint16_t count = 0;
    wifi_ap_record_t *aps = read_scan_results(SCAN_MAX_RECORDS, &count);
    state->scan_records = count ? calloc(count, sizeof(scan_record_event_t)) : NULL;
    if (state->scan_records != NULL) {
        for (uint16_t i = 0; i < count; ++i)
            encode_scan_record(&state->scan_records[i], (uint8_t)i, &aps[i]);
        state->scan_record_count = (uint8_t)count;
    }
    free(aps);
    // The list is complete; scan_done goes out once every record has.
    state->scan_records_sent = 0;
}

// A SCAN_DONE nobody waits for any more (the radio was stopped during the
// scan). Reading the records is what makes ESP-IDF free its list, and one
// record is enough for that.
static void discard_scan_results(void) {
    uint16_t one = 1;
    wifi_ap_record_t ap;
    esp_wifi_scan_get_ap_records(&one, &ap);
}

// Sends a few queued records per pass.
static void send_scan_records(srv_t *state) {
    unsigned sent_now = 0;
    while (state->scan_records_sent < state->scan_record_count &&
           sent_now < SCAN_RECORDS_PER_PASS) {
        const scan_record_event_t *record = &state->scan_records[state->scan_records_sent];
        jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_SCAN_RECORD, record->payload,
                          record->size);
        ++state->scan_records_sent;
        ++sent_now;
    }
}

static void start_requested_scan(srv_t *state, uint8_t link_state) {
    if (!state->scan_requested || state->scan_running || scan_list_pending(state))
        return;
    if (!state->radio_started) {
        // Nothing can be seen with the radio off.
        state->scan_requested = false;
        send_scan_done(state, 0);
        return;
    }
    if (state->attempt_pending || attempt_under_way(link_state))
        return; // "a scan while an attempt is under way waits for it"

    state->scan_requested = false;
    wifi_scan_config_t config;
    memset(&config, 0, sizeof(config));
    config.show_hidden = true; // the contract reports hidden networks
    esp_err_t err = esp_wifi_scan_start(&config, false);
    if (err != ESP_OK) {
        LOG("esp_wifi_scan_start failed: %s", esp_err_to_name(err));
        send_scan_done(state, 0);
        return;
    }
    state->scan_running = true;
    state->scan_for_attempt = false;
}

static void poll_rssi(srv_t *state, uint8_t link_state) {
    if (!is_associated(link_state))
        return;
    if (!jd_should_sample_ms(&state->next_rssi_poll, RSSI_POLL_PERIOD_MS))
        return;
    wifi_ap_record_t ap;
    if (esp_wifi_sta_get_ap_info(&ap) != ESP_OK)
        return; // just disconnected: the DISCONNECTED event will tell
    lock(state);
    // Any change is at least 1 dB (RSSI is whole dBm): the contract's rule.
    if (is_associated(state->link.state) && state->link.rssi != ap.rssi) {
        state->link.rssi = ap.rssi;
        state->link_changed = true;
    }
    unlock(state);
}

// "After use": no enterprise attempt or link holds the supplicant, so it
// gives our credentials back (the set itself stays for the bytecode's
// retries). Not while the echo of leaving a link is due: ESP-IDF may still be
// tearing that link down.
static void release_enterprise_if_unused(srv_t *state, uint8_t link_state) {
    if (!state->eap_armed || connect_outstanding(link_state))
        return;
    lock(state);
    bool leave_pending = state->leave_pending;
    unlock(state);
    if (!leave_pending)
        disarm_enterprise(state);
}

// -------------------------------------------------------------- main loop

static void cam_wifi_station_process(srv_t *state) {
    lock(state);
    bool scan_finished = state->scan_finished;
    state->scan_finished = false;
    unlock(state);

    if (scan_finished) {
        if (state->scan_running && state->scan_for_attempt) {
            state->scan_running = false;
            finish_attempt_search(state);
        } else if (state->scan_running) {
            state->scan_running = false;
            collect_scan_results(state);
            if (state->scan_records == NULL)
                send_scan_done(state, 0); // nothing seen: no records to wait for
        } else {
            discard_scan_results();
        }
    }

    send_association_step(state);
    send_link_if_due(state);

    if (scan_list_pending(state)) {
        send_scan_records(state);
        if (state->scan_records_sent >= state->scan_record_count) {
            send_scan_done(state, state->scan_record_count);
            free_scan_records(state);
        }
    }

    start_attempt_search(state);

    lock(state);
    uint8_t link_state = state->link.state;
    unlock(state);
    start_requested_scan(state, link_state);
    poll_rssi(state, link_state);
    release_enterprise_if_unused(state, link_state);
}

// ---------------------------------------------------------------- commands

static void handle_set_active(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    bool on = pkt->data[0] != 0;

    if (on && !state->radio_started) {
        // Starts the radio, or adds the station to a running access point.
        esp_err_t err = cam_wifi_mode_acquire(CAM_WIFI_USER_STATION, NULL, NULL);
        if (err == ESP_OK) {
            state->radio_started = true;
            apply_tx_power(state);
            lock(state);
            state->link.state = LINK_STATE(IDLE);
            state->link.reason = LINK_REASON(NONE);
            forget_ap(&state->link);
            state->leave_pending = false;
            state->link_was_up = false;
            state->link_changed = true;
            unlock(state);
        } else {
            LOG("starting the station failed: %s", esp_err_to_name(err));
        }
    } else if (!on && state->radio_started) {
        drop_pending_attempt(state);
        if (state->scan_running) {
            // The scan dies with the radio. A `scan` is finished now, with
            // nothing seen; an attempt's search just ends with the attempt.
            // (Stopped explicitly: an access point may keep the radio on.)
            esp_wifi_scan_stop();
            state->scan_running = false;
            if (!state->scan_for_attempt)
                send_scan_done(state, 0);
        }
        // Stops the radio, or leaves it to a running access point (the mode
        // drops the station; ESP-IDF then ends any link of it).
        esp_err_t err = cam_wifi_mode_release(CAM_WIFI_USER_STATION);
        if (err != ESP_OK)
            LOG("stopping the station failed: %s", esp_err_to_name(err));
        state->radio_started = false;
        lock(state);
        // "Turning it off drops any link (reason RadioStopped)". With no
        // link or attempt there is nothing dropped: reason None.
        bool dropped = state->link.state > LINK_STATE(IDLE);
        // Events the stop causes (DISCONNECTED) find Stopped and are ignored.
        state->link.state = LINK_STATE(STOPPED);
        state->link.reason = dropped ? LINK_REASON(RADIO_STOPPED) : LINK_REASON(NONE);
        forget_ap(&state->link);
        state->leave_pending = false;
        state->link_was_up = false;
        state->link_changed = true;
        unlock(state);
    }
    if (!on) {
        // Enterprise credentials do not outlive the radio: the supplicant
        // lets go, then they are wiped.
        disarm_enterprise(state);
        retire_current_set(state);
    }
    state->link_answer_due = true; // "Answered with a link event"
}

// Starts an attempt (`associate` or `associate_enterprise`): replaces any
// attempt or link, and leaves the search to process(). Wipes `request`.
// False when the radio is off (no attempt; the answer shows Stopped).
static bool begin_attempt(srv_t *state, attempt_request_t *request, bool enterprise) {
    state->link_answer_due = true;
    drop_pending_attempt(state); // a newer request replaces it

    if (!state->radio_started) {
        wipe_secret(request, sizeof(*request));
        return false;
    }
    leave_current_link(state); // "replaces any attempt under way"

    // The search starts from process() as soon as the radio is free (a
    // running scan finishes first; ESP-IDF cannot run two).
    state->pending_attempt = *request;
    wipe_secret(request, sizeof(*request));
    state->attempt_pending = true;
    state->pending_enterprise = enterprise;
    state->leave_wait_until_us = esp_timer_get_time() + LEAVE_ECHO_WAIT_US;

    lock(state);
    link_snapshot_t *link = &state->link;
    link->state = LINK_STATE(SCANNING);
    link->reason = LINK_REASON(NONE);
    forget_ap(link);
    // Until an AP is chosen, the snapshot names only the network asked for.
    set_link_ssid(link, state->pending_attempt.ssid, state->pending_attempt.ssid_length);
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
    return true;
}

static void handle_associate(srv_t *state, jd_packet_t *pkt) {
    attempt_request_t request;
    if (!cam_parse_associate(pkt->data, pkt->service_size, &request)) {
        LOG("associate: malformed payload ignored"); // nothing of it is logged
        wipe_secret(&request, sizeof(request));
        return;
    }
    begin_attempt(state, &request, false);
}

// ------------------------------------------- enterprise commands (1.1)

static void handle_set_enterprise(srv_t *state, jd_packet_t *pkt) {
    cam_set_enterprise_t command;
    if (!cam_parse_set_enterprise(pkt->data, pkt->service_size, &command)) {
        LOG("set_enterprise: %u bytes, expected %u", (unsigned)pkt->service_size,
            (unsigned)CAM_SET_ENTERPRISE_SIZE);
        return;
    }
    // "Start a new set of enterprise credentials (wiping any previous set)."
    retire_current_set(state);
    if (command.method > EAP_METHOD(TLS) || command.phase2 > JD_CAM_WIFI_STATION_PHASE2_PAP) {
        // Not the contract's: no set, so associate_enterprise fails.
        LOG("set_enterprise: method %u / phase2 %u unknown", (unsigned)command.method,
            (unsigned)command.phase2);
        return;
    }
    cam_enterprise_start(&state->enterprise, &command);
}

static const char *chunk_problem(cam_chunk_result_t result) {
    switch (result) {
    case CAM_CHUNK_NOT_STARTED:
        return "no set_enterprise before it";
    case CAM_CHUNK_UNKNOWN_KIND:
        return "unknown kind";
    case CAM_CHUNK_TOO_LONG:
        return "value too long, dropped";
    case CAM_CHUNK_OUT_OF_ORDER:
        return "out of order, value dropped";
    case CAM_CHUNK_NO_MEMORY:
        return "no memory, value dropped";
    default:
        return NULL;
    }
}

static void handle_set_credential(srv_t *state, jd_packet_t *pkt) {
    cam_credential_chunk_t chunk;
    if (!cam_parse_set_credential(pkt->data, pkt->service_size, &chunk)) {
        LOG("set_credential: malformed chunk ignored"); // nothing of it is logged
        return;
    }
    if (state->eap_armed && state->eap_uses_current) {
        // The supplicant reads these very buffers while the link lasts;
        // changing one under it is not possible. The bytecode always starts
        // with set_enterprise, which gives a fresh set.
        LOG("set_credential: %s ignored: the set is in use, set_enterprise starts a new one",
            cam_credential_name(chunk.kind));
        return;
    }
    const char *problem = chunk_problem(cam_enterprise_add_chunk(&state->enterprise, &chunk));
    if (problem != NULL)
        LOG("set_credential: %s chunk: %s", cam_credential_name(chunk.kind), problem);
}

static void handle_associate_enterprise(srv_t *state, jd_packet_t *pkt) {
    attempt_request_t request;
    if (!cam_parse_associate_enterprise(pkt->data, pkt->service_size, &request)) {
        LOG("associate_enterprise: malformed payload ignored");
        return;
    }
    uint8_t missing = cam_enterprise_missing(&state->enterprise);
    if (!begin_attempt(state, &request, true))
        return;
    if (missing == CAM_ENTERPRISE_COMPLETE)
        return;
    // Nothing to log in with: the attempt ends before it searches, naming
    // the network asked for. (The bytecode checks every field first, so
    // this means a lost or refused chunk.)
    if (missing == CAM_ENTERPRISE_NOT_STARTED)
        LOG("associate_enterprise: no set_enterprise");
    else
        LOG("associate_enterprise: no complete %s", cam_credential_name(missing));
    drop_pending_attempt(state);
    lock(state);
    record_failure(&state->link, LINK_REASON(ASSOC_REJECTED));
    state->link_changed = true;
    unlock(state);
}

static void handle_disassociate(srv_t *state) {
    drop_pending_attempt(state);
    state->link_answer_due = true;
    if (!state->radio_started)
        return;
    leave_current_link(state);
    lock(state);
    state->link.state = LINK_STATE(IDLE);
    state->link.reason = LINK_REASON(LEFT_BY_REQUEST);
    forget_ap(&state->link);
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
}

static void handle_set_address(srv_t *state, jd_packet_t *pkt) {
    cam_set_address_t command;
    if (!cam_parse_set_address(pkt->data, pkt->service_size, &command))
        return;
    uint8_t mode = command.mode;
    if (mode != JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP &&
        mode != JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC)
        return;
    ipv4_config_t address = command.address;

    lock(state);
    bool was_dhcp = state->address_mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP;
    state->address_mode = mode;
    state->static_address = address;
    unlock(state);

    if (mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP && was_dhcp)
        return; // already in effect; a repeat does not restart the exchange

    apply_address_mode(state, mode, &address);

    // "Applies at once when associated."
    lock(state);
    link_snapshot_t *link = &state->link;
    if (is_associated(link->state)) {
        if (mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC) {
            link->address = address;
            link->state = LINK_STATE(GOT_ADDRESS);
        } else {
            clear_address(link);
            link->state = LINK_STATE(OBTAINING_ADDRESS);
        }
        link->reason = LINK_REASON(NONE);
        state->link_changed = true;
    }
    unlock(state);
}

static void handle_set_hostname(srv_t *state, jd_packet_t *pkt) {
    char hostname[HOSTNAME_MAX_LENGTH + 1];
    size_t length = pkt->service_size;
    if (length == 0 || length > HOSTNAME_MAX_LENGTH) {
        LOG("set_hostname: length %u not in 1..%u", (unsigned)length, HOSTNAME_MAX_LENGTH);
        return;
    }
    memcpy(hostname, pkt->data, length);
    hostname[length] = 0;
    // Sent as DHCP option 12 from the next exchange on.
    esp_err_t err = esp_netif_set_hostname(state->netif, hostname);
    if (err != ESP_OK)
        LOG("set_hostname failed: %s", esp_err_to_name(err));
}

static void handle_set_tx_power(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    int dbm = (int8_t)pkt->data[0];
    if (dbm < TX_POWER_MIN_DBM)
        dbm = TX_POWER_MIN_DBM;
    if (dbm > TX_POWER_MAX_DBM)
        dbm = TX_POWER_MAX_DBM;
    // Remembered, because ESP-IDF only accepts it while the radio runs.
    state->tx_power_dbm = (int8_t)dbm;
    apply_tx_power(state);
}

static void cam_wifi_station_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_WIFI_STATION_CMD_SET_ACTIVE:
        handle_set_active(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_ASSOCIATE:
        handle_associate(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_DISASSOCIATE:
        handle_disassociate(state);
        return;
    case JD_CAM_WIFI_STATION_CMD_SCAN:
        state->scan_requested = true; // started by process() when the radio is free
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_ADDRESS:
        handle_set_address(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_HOSTNAME:
        handle_set_hostname(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_TX_POWER:
        handle_set_tx_power(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_ENTERPRISE:
        handle_set_enterprise(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_CREDENTIAL:
        handle_set_credential(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_ASSOCIATE_ENTERPRISE:
        handle_associate_enterprise(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_wifi_station_regs);
}

// ------------------------------------------------------------------- init

static void bring_up_wifi_driver(srv_t *state) {
    // esp_netif_init() and esp_wifi_init(), once for the station and the
    // access point; the configuration (it contains the key) is never
    // persisted to flash: the bytecode supplies it for every attempt. The
    // mode is set by set_active (cam_wifi_mode.c).
    cam_wifi_mode_init();
    state->netif = esp_netif_create_default_wifi_sta();
    // The station's MAC, without needing the radio in a mode with STA.
    ESP_ERROR_CHECK(esp_read_mac(state->mac, ESP_MAC_WIFI_STA));

    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID,
                                                        on_wifi_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP,
                                                        on_ip_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_LOST_IP,
                                                        on_ip_event, state, NULL));
}

SRV_DEF(cam_wifi_station, JD_SERVICE_CLASS_CAM_WIFI_STATION);

void cam_wifi_station_init(void) {
    SRV_ALLOC(cam_wifi_station); // zero-filled by jd_allocate_service()

    state->contract_version = CONTRACT_VERSION;
    state->lock = xSemaphoreCreateMutex();
    ESP_ERROR_CHECK(state->lock != NULL ? ESP_OK : ESP_ERR_NO_MEM);

    // The radio starts off (set_active(true) turns it on), as MicroPython's
    // WLAN(STA_IF) does; nothing has failed yet.
    state->link.state = LINK_STATE(STOPPED);
    state->link.reason = LINK_REASON(NONE);
    state->address_mode = JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP;

    bring_up_wifi_driver(state);
    station = state;
}

// Defined in cam_ethernet.c on boards with Ethernet; weak so that Wi-Fi-only
// images link without it.
__attribute__((weak)) bool cam_ethernet_has_address(void);

// With JD_WIFI off, this service is what tells DeviceScript's TCP/TLS
// sockets whether the network is usable: "connected is connected", over
// Wi-Fi or Ethernet. Main loop only.
bool jd_tcpsock_is_available(void) {
    if (cam_ethernet_has_address && cam_ethernet_has_address())
        return true;
    if (station == NULL)
        return false;
    lock(station);
    bool usable = station->link.state == LINK_STATE(GOT_ADDRESS);
    unlock(station);
    return usable;
}
