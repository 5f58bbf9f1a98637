// Camscript Wi-Fi station: driver contract v1 (services/wifi-station.md) on
// ESP-IDF 5.0's station interface.
//
// The driver is thin on purpose. One `associate` command is one attempt:
// ESP-IDF finds the network, associates, runs the handshake and DHCP, and
// whatever happens is reported as a `link` event. There are no retries, no
// reconnect on WIFI_EVENT_STA_DISCONNECTED and no timeouts here: the bytecode
// owns every policy decision.
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
// Secrets. The key arrives in the `associate` payload and goes straight into
// wifi_config_t. It is never logged, never echoed in an event or register,
// and the Wi-Fi driver is told not to persist its configuration to flash.
// Local copies are wiped once handed over.

#include "jdesp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"

#include "cam_link_reason.h"
#include "cam_wifi_station.h"
#include "cam_wifi_station_spec.h"

#if defined(JD_WIFI) && JD_WIFI
// The stock Jacdac Wi-Fi service (and main/wifi_impl.c) would drive the same
// radio with its own auto-reconnect policy. See firmware/README.md.
#error "cam_wifi_station owns the station interface: set JD_WIFI to 0 in jd_user_config.h"
#endif

#define LOG(msg, ...) DMESG("cam_wifi: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1

#define SSID_MAX_LENGTH 32     // 802.11 limit; wifi_config_t.sta.ssid has no room for a NUL
#define KEY_MAX_LENGTH 64      // 8..63 character passphrase, or 64 hex digits
#define HOSTNAME_MAX_LENGTH 32 // what esp_netif_set_hostname() accepts

#define RSSI_POLL_PERIOD_MS 1000
// Reported while not associated: no received signal is ever 0 dBm.
#define RSSI_NOT_ASSOCIATED 0

#define TX_POWER_MIN_DBM 2
#define TX_POWER_MAX_DBM 20
// esp_wifi_set_max_tx_power() takes quarter-dBm units.
#define QUARTER_DBM_PER_DBM 4

// A scan list is held until it has been sent; this bounds its heap use.
#define SCAN_MAX_RECORDS 32
// scan_record events sent per main-loop pass, so a long list does not
// overflow the Jacdac send queue in one go.
#define SCAN_RECORDS_PER_PASS 2

#define LINK_STATE(name) JD_CAM_WIFI_STATION_LINK_STATE_##name
#define LINK_REASON(name) JD_CAM_WIFI_STATION_LINK_REASON_##name
#define SECURITY(name) JD_CAM_WIFI_STATION_SECURITY_##name

// The wire layout of the two events with fixed heads (see the spec);
// the generated structs must match it byte for byte.
#define LINK_HEAD_SIZE 28
#define SCAN_RECORD_HEAD_SIZE 11
_Static_assert(sizeof(jd_cam_wifi_station_link_t) == LINK_HEAD_SIZE, "link event head");
_Static_assert(sizeof(jd_cam_wifi_station_scan_record_t) == SCAN_RECORD_HEAD_SIZE,
               "scan_record event head");

// set_address is four u32 and a trailing u8: 17 bytes on the wire, while C
// pads the generated struct to 20. Its fields are read by offset.
#define SET_ADDRESS_WIRE_SIZE (offsetof(jd_cam_wifi_station_set_address_t, mode) + 1)

// associate: channel_hint u8, ssid string0, key string0, then bssid as
// "bytes": empty, or the 6-byte BSSID to join.
#define BSSID_LENGTH 6

// IPv4 addresses as the contract carries them: a.b.c.d is the u32
// (a << 24) | (b << 16) | (c << 8) | d.
typedef struct {
    uint32_t ip;
    uint32_t netmask;
    uint32_t gateway;
    uint32_t dns;
} ipv4_config_t;

// Everything a `link` event carries, in host form.
typedef struct {
    uint8_t state;  // LinkState
    int8_t rssi;    // dBm
    uint16_t reason; // LinkReason
    uint8_t channel;
    uint8_t security; // Security
    uint8_t bssid[BSSID_LENGTH];
    ipv4_config_t address;
    uint8_t ssid_length;
    char ssid[SSID_MAX_LENGTH];
} link_snapshot_t;

// One `associate` command, parsed.
typedef struct {
    uint8_t channel_hint;
    uint8_t bssid[BSSID_LENGTH];
    uint8_t ssid_length;
    char ssid[SSID_MAX_LENGTH];
    uint8_t key_length;
    char key[KEY_MAX_LENGTH];
} attempt_request_t;

// One scan_record event, ready to send.
typedef struct {
    uint8_t size;
    uint8_t payload[SCAN_RECORD_HEAD_SIZE + SSID_MAX_LENGTH];
} scan_record_event_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_wifi_station_regs.
    uint16_t contract_version;
    uint8_t mac[6];

    // ---- Shared with the ESP-IDF event handlers: only touched under `lock`.
    SemaphoreHandle_t lock;
    link_snapshot_t link;
    bool link_changed;   // `link` may differ from what was last sent
    bool scan_finished;  // WIFI_EVENT_SCAN_DONE arrived
    // We called esp_wifi_disconnect(); the DISCONNECTED(ASSOC_LEAVE) it
    // causes is ours and is not reported again. Cleared by that echo, by any
    // other DISCONNECTED (events arrive in order, so the echo would have come
    // first) and by set_active.
    bool leave_pending;
    bool link_was_up;    // WIFI_EVENT_STA_CONNECTED seen for this attempt
    bool key_given;      // this attempt was made with a key
    uint8_t attempt_start_state; // Scanning or Associating
    uint8_t address_mode;        // AddressMode
    ipv4_config_t static_address;

    // ---- Main loop only.
    esp_netif_t *netif;
    bool radio_started;
    bool link_answer_due; // a command asked for a `link` event even if nothing changed
    uint8_t last_link_payload[LINK_HEAD_SIZE + SSID_MAX_LENGTH];
    uint8_t last_link_size; // 0: nothing sent yet

    bool attempt_deferred; // associate arrived during our own scan
    attempt_request_t deferred_attempt;

    bool scan_requested; // waiting for the radio to be free
    bool scan_running;   // esp_wifi_scan_start() succeeded, SCAN_DONE not handled yet
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
    REG_BYTES(JD_CAM_WIFI_STATION_REG_MAC, 6),              //
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

// The radio holds (or is building) a link that esp_wifi_disconnect() ends.
static bool holds_link(uint8_t link_state) {
    return link_state >= LINK_STATE(SCANNING);
}

// Associated: the handshake is done, an address is being obtained or held.
static bool is_associated(uint8_t link_state) {
    return link_state == LINK_STATE(OBTAINING_ADDRESS) || link_state == LINK_STATE(GOT_ADDRESS);
}

// Drops everything that describes a live link. The SSID stays, so a failure
// reason still says which network it is about.
static void clear_link_details(link_snapshot_t *link) {
    link->rssi = RSSI_NOT_ASSOCIATED;
    link->channel = 0;
    link->security = SECURITY(OPEN);
    memset(link->bssid, 0, sizeof(link->bssid));
    memset(&link->address, 0, sizeof(link->address));
}

static void set_link_ssid(link_snapshot_t *link, const void *ssid, size_t length) {
    if (length > SSID_MAX_LENGTH)
        length = SSID_MAX_LENGTH;
    memcpy(link->ssid, ssid, length);
    link->ssid_length = (uint8_t)length;
}

static size_t ssid_length(const uint8_t *ssid, size_t capacity) {
    size_t length = 0;
    while (length < capacity && length < SSID_MAX_LENGTH && ssid[length] != 0)
        ++length;
    return length;
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

// Little-endian, as every Jacdac integer on the wire.
static uint32_t read_u32_le(const uint8_t *bytes) {
    return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) |
           ((uint32_t)bytes[3] << 24);
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
    case WIFI_AUTH_WPA3_PSK:
        return SECURITY(WPA3);
    case WIFI_AUTH_WPA2_WPA3_PSK:
        return SECURITY(WPA2WPA3);
    case WIFI_AUTH_WAPI_PSK:
        // No WAPI in the contract. Like WPA2-PSK it is joined with a
        // passphrase, which is all the bytecode needs to know.
        return SECURITY(WPA2);
#ifdef CONFIG_ESP_WIFI_ENABLE_WPA3_OWE_STA
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
    bool joining = attempt_under_way(link->state) && !is_associated(link->state);
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
        link->channel = event->channel;
        link->security = security_from_authmode(event->authmode);
        memcpy(link->bssid, event->bssid, sizeof(link->bssid));
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
            link->state = state->attempt_start_state;
            state->link_was_up = false;
            clear_link_details(link);
            state->link_changed = true;
        }
    } else if (holds_link(link->state)) {
        // The attempt failed or the link went down. ONE attempt: no reconnect.
        cam_link_context_t context = {
            .leave_requested = state->leave_pending,
            .link_was_up = state->link_was_up,
            .key_given = state->key_given,
        };
        state->leave_pending = false;
        link->reason = cam_link_reason_from_esp(esp_reason, context);
        link->state = LINK_STATE(IDLE);
        state->link_was_up = false;
        clear_link_details(link);
        state->link_changed = true;
    }
    // Otherwise (Idle, Stopped) there is no link to lose: a late event.
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
            memset(&link->address, 0, sizeof(link->address));
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

static size_t encode_link(uint8_t *out, const link_snapshot_t *link) {
    jd_cam_wifi_station_link_t head;
    memset(&head, 0, sizeof(head));
    head.state = link->state;
    head.rssi = link->rssi;
    head.reason = link->reason;
    head.channel = link->channel;
    head.security = link->security;
    memcpy(head.bssid, link->bssid, sizeof(head.bssid));
    // The ESP32 is little-endian like the wire, so the u32s go as they are.
    head.ip = link->address.ip;
    head.netmask = link->address.netmask;
    head.gateway = link->address.gateway;
    head.dns = link->address.dns;
    memcpy(out, &head, LINK_HEAD_SIZE);
    memcpy(out + LINK_HEAD_SIZE, link->ssid, link->ssid_length);
    return LINK_HEAD_SIZE + link->ssid_length;
}

static void send_link_if_due(srv_t *state) {
    lock(state);
    link_snapshot_t link = state->link;
    bool changed = state->link_changed;
    state->link_changed = false;
    unlock(state);

    if (!changed && !state->link_answer_due)
        return;

    uint8_t payload[LINK_HEAD_SIZE + SSID_MAX_LENGTH];
    size_t size = encode_link(payload, &link);
    bool same = size == state->last_link_size &&
                memcmp(payload, state->last_link_payload, size) == 0;
    if (same && !state->link_answer_due)
        return;

    jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_LINK, payload, size);
    memcpy(state->last_link_payload, payload, size);
    state->last_link_size = (uint8_t)size;
    state->link_answer_due = false;
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
    // The radio refused to even start the attempt (bad state or config).
    // That is not a code from the network, so it does not go through the
    // reason table: it is reported as a refusal.
    LOG("%s failed: %s", step, esp_err_to_name(err));
    lock(state);
    state->link.state = LINK_STATE(IDLE);
    state->link.reason = LINK_REASON(ASSOC_REJECTED);
    clear_link_details(&state->link);
    state->link_changed = true;
    unlock(state);
}

// Ends whatever link or attempt the radio holds. Returns after telling
// ESP-IDF; its DISCONNECTED(ASSOC_LEAVE) echo is recognised as ours.
static void leave_current_link(srv_t *state) {
    lock(state);
    bool leaving = holds_link(state->link.state);
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

// One attempt; the caller has left any previous link. The request (and its
// key) is wiped by the caller.
static void start_attempt(srv_t *state, const attempt_request_t *request) {
    static const uint8_t any_bssid[BSSID_LENGTH] = {0};
    bool bssid_pinned = memcmp(request->bssid, any_bssid, sizeof(any_bssid)) != 0;

    wifi_config_t config;
    memset(&config, 0, sizeof(config));
    memcpy(config.sta.ssid, request->ssid, request->ssid_length);
    memcpy(config.sta.password, request->key, request->key_length);
    // All channels, strongest matching AP: what "bssid all zero means any
    // access point with this SSID (the strongest is chosen)" asks for.
    config.sta.scan_method = WIFI_ALL_CHANNEL_SCAN;
    config.sta.sort_method = WIFI_CONNECT_AP_BY_SIGNAL;
    // A hint only: ESP-IDF starts its scan there.
    config.sta.channel = request->channel_hint;
    config.sta.bssid_set = bssid_pinned;
    memcpy(config.sta.bssid, request->bssid, sizeof(config.sta.bssid));
    // Accept any security, down to open: which networks are acceptable is
    // the bytecode's decision, not the driver's.
    config.sta.threshold.authmode = WIFI_AUTH_OPEN;

    esp_err_t err = esp_wifi_set_config(WIFI_IF_STA, &config);
    wipe_secret(&config, sizeof(config));
    if (err != ESP_OK) {
        fail_attempt_locally(state, err, "esp_wifi_set_config");
        return;
    }

    lock(state);
    link_snapshot_t *link = &state->link;
    // ESP-IDF posts nothing between esp_wifi_connect() and STA_CONNECTED
    // (which comes after the handshake), so the attempt is reported as
    // Scanning, or Associating when BSSID and channel are both given and no
    // search is needed, until it is connected or has failed.
    link->state = (bssid_pinned && request->channel_hint != 0) ? LINK_STATE(ASSOCIATING)
                                                               : LINK_STATE(SCANNING);
    link->reason = LINK_REASON(NONE);
    clear_link_details(link);
    link->channel = request->channel_hint;
    memcpy(link->bssid, request->bssid, sizeof(link->bssid));
    set_link_ssid(link, request->ssid, request->ssid_length);
    state->attempt_start_state = link->state;
    state->link_was_up = false;
    state->key_given = request->key_length > 0;
    state->link_changed = true;
    unlock(state);

    char ssid_text[SSID_MAX_LENGTH + 1];
    memcpy(ssid_text, request->ssid, request->ssid_length);
    ssid_text[request->ssid_length] = 0;
    LOG("associating with '%s'", ssid_text); // the SSID only, never the key
    err = esp_wifi_connect();
    if (err != ESP_OK)
        fail_attempt_locally(state, err, "esp_wifi_connect");
}

static void drop_deferred_attempt(srv_t *state) {
    state->attempt_deferred = false;
    wipe_secret(&state->deferred_attempt, sizeof(state->deferred_attempt));
}

static void free_scan_records(srv_t *state) {
    free(state->scan_records);
    state->scan_records = NULL;
    state->scan_record_count = 0;
    state->scan_records_sent = 0;
}

static void encode_scan_record(scan_record_event_t *out, uint8_t index,
                               const wifi_ap_record_t *ap) {
    jd_cam_wifi_station_scan_record_t head;
    memset(&head, 0, sizeof(head));
    size_t length = ssid_length(ap->ssid, sizeof(ap->ssid));
    head.index = index;
    head.rssi = ap->rssi;
    head.channel = ap->primary;
    head.security = security_from_authmode(ap->authmode);
    // A hidden network's beacon carries an empty (or all-zero) SSID.
    head.hidden = ap->ssid[0] == 0 ? 1 : 0;
    memcpy(head.bssid, ap->bssid, sizeof(head.bssid));
    memcpy(out->payload, &head, SCAN_RECORD_HEAD_SIZE);
    memcpy(out->payload + SCAN_RECORD_HEAD_SIZE, ap->ssid, length);
    out->size = (uint8_t)(SCAN_RECORD_HEAD_SIZE + length);
}

// WIFI_EVENT_SCAN_DONE was recorded: fetch the list (this also frees
// ESP-IDF's copy) and queue it for sending.
static void collect_scan_results(srv_t *state) {
    state->scan_running = false;
    free_scan_records(state);

    uint16_t available = 0;
    esp_wifi_scan_get_ap_num(&available);
    uint16_t wanted = available < SCAN_MAX_RECORDS ? available : SCAN_MAX_RECORDS;
    wifi_ap_record_t *aps = wanted ? calloc(wanted, sizeof(wifi_ap_record_t)) : NULL;
    if (aps == NULL) {
        state->scan_records = NULL; // an empty list: scan_done(0) follows
        return;
    }
    esp_err_t err = esp_wifi_scan_get_ap_records(&wanted, aps);
    if (err != ESP_OK) {
        LOG("reading scan results failed: %s", esp_err_to_name(err));
        wanted = 0;
    }
    state->scan_records = wanted ? calloc(wanted, sizeof(scan_record_event_t)) : NULL;
    if (state->scan_records != NULL) {
        for (uint16_t i = 0; i < wanted; ++i)
            encode_scan_record(&state->scan_records[i], (uint8_t)i, &aps[i]);
        state->scan_record_count = (uint8_t)wanted;
    }
    free(aps);
    // The list is complete; scan_done goes out once every record has.
    state->scan_records_sent = 0;
}

// A SCAN_DONE nobody waits for any more (the radio was stopped during the
// scan, which was then reported as done). Reading the records is what makes
// ESP-IDF free its list, and one record is enough for that.
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

static bool scan_list_pending(srv_t *state) {
    return state->scan_records != NULL;
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
    if (attempt_under_way(link_state))
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

// -------------------------------------------------------------- main loop

static void cam_wifi_station_process(srv_t *state) {
    lock(state);
    bool scan_finished = state->scan_finished;
    state->scan_finished = false;
    uint8_t link_state = state->link.state;
    unlock(state);

    if (scan_finished) {
        if (state->scan_running) {
            collect_scan_results(state);
            if (state->scan_records == NULL)
                send_scan_done(state, 0); // nothing seen: no records to wait for
        } else {
            discard_scan_results();
        }
    }

    send_link_if_due(state);

    if (scan_list_pending(state)) {
        send_scan_records(state);
        if (state->scan_records_sent >= state->scan_record_count) {
            send_scan_done(state, state->scan_record_count);
            free_scan_records(state);
        }
    }

    if (state->attempt_deferred && !state->scan_running) {
        attempt_request_t request = state->deferred_attempt;
        drop_deferred_attempt(state);
        start_attempt(state, &request);
        wipe_secret(&request, sizeof(request));
        lock(state);
        link_state = state->link.state;
        unlock(state);
    }

    start_requested_scan(state, link_state);
    poll_rssi(state, link_state);
}

// ---------------------------------------------------------------- commands

static void handle_set_active(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    bool on = pkt->data[0] != 0;

    if (on && !state->radio_started) {
        esp_err_t err = esp_wifi_start();
        if (err == ESP_OK) {
            state->radio_started = true;
            apply_tx_power(state);
            lock(state);
            state->link.state = LINK_STATE(IDLE);
            state->link.reason = LINK_REASON(NONE);
            state->link.ssid_length = 0;
            clear_link_details(&state->link);
            state->leave_pending = false;
            state->link_was_up = false;
            state->link_changed = true;
            unlock(state);
        } else {
            LOG("esp_wifi_start failed: %s", esp_err_to_name(err));
        }
    } else if (!on && state->radio_started) {
        drop_deferred_attempt(state);
        if (state->scan_running) {
            // The scan dies with the radio: finish it now, with nothing seen.
            state->scan_running = false;
            send_scan_done(state, 0);
        }
        esp_err_t err = esp_wifi_stop();
        if (err != ESP_OK)
            LOG("esp_wifi_stop failed: %s", esp_err_to_name(err));
        state->radio_started = false;
        lock(state);
        // Events the stop causes (DISCONNECTED) find Stopped and are ignored.
        state->link.state = LINK_STATE(STOPPED);
        state->link.reason = LINK_REASON(RADIO_STOPPED);
        state->link.ssid_length = 0;
        clear_link_details(&state->link);
        state->leave_pending = false;
        state->link_was_up = false;
        state->link_changed = true;
        unlock(state);
    }
    state->link_answer_due = true; // "Answered with a link event"
}

// Takes one NUL-terminated string off the front of [*cursor, end).
static bool take_string0(const uint8_t **cursor, const uint8_t *end, const uint8_t **text,
                         size_t *length) {
    const uint8_t *terminator = memchr(*cursor, 0, (size_t)(end - *cursor));
    if (terminator == NULL)
        return false;
    *text = *cursor;
    *length = (size_t)(terminator - *cursor);
    *cursor = terminator + 1;
    return true;
}

// channel_hint u8, ssid string0, key string0, bssid bytes (empty or 6).
static bool parse_associate(const jd_packet_t *pkt, attempt_request_t *request) {
    const uint8_t *cursor = pkt->data;
    const uint8_t *end = pkt->data + pkt->service_size;
    if (pkt->service_size < offsetof(jd_cam_wifi_station_associate_t, ssid))
        return false;
    uint8_t channel_hint = cursor[offsetof(jd_cam_wifi_station_associate_t, channel_hint)];
    cursor += offsetof(jd_cam_wifi_station_associate_t, ssid);

    const uint8_t *ssid, *key;
    size_t ssid_len, key_len;
    if (!take_string0(&cursor, end, &ssid, &ssid_len) ||
        !take_string0(&cursor, end, &key, &key_len))
        return false; // a terminator is missing
    if (ssid_len == 0 || ssid_len > SSID_MAX_LENGTH || key_len > KEY_MAX_LENGTH)
        return false;
    size_t bssid_len = (size_t)(end - cursor);
    if (bssid_len != 0 && bssid_len != BSSID_LENGTH)
        return false;

    memset(request, 0, sizeof(*request));
    request->channel_hint = channel_hint;
    if (bssid_len == BSSID_LENGTH)
        memcpy(request->bssid, cursor, BSSID_LENGTH); // all zero still means "any"
    memcpy(request->ssid, ssid, ssid_len);
    request->ssid_length = (uint8_t)ssid_len;
    memcpy(request->key, key, key_len);
    request->key_length = (uint8_t)key_len;
    return true;
}

static void handle_associate(srv_t *state, jd_packet_t *pkt) {
    attempt_request_t request;
    if (!parse_associate(pkt, &request)) {
        LOG("associate: malformed payload ignored");
        return;
    }
    state->link_answer_due = true;
    // A deferred attempt only exists on paper: the radio holds nothing to leave.
    bool radio_holds_attempt = !state->attempt_deferred;
    drop_deferred_attempt(state); // a newer request replaces it

    if (!state->radio_started) {
        // Radio off: no attempt; the answer shows Stopped.
        wipe_secret(&request, sizeof(request));
        return;
    }
    if (radio_holds_attempt)
        leave_current_link(state); // "replaces any attempt under way"
    if (state->scan_running) {
        // ESP-IDF refuses to connect while our scan runs. Start when it ends
        // (process()); meanwhile the attempt shows as Scanning.
        state->deferred_attempt = request;
        state->attempt_deferred = true;
        wipe_secret(&request, sizeof(request));
        lock(state);
        state->link.state = LINK_STATE(SCANNING);
        state->link.reason = LINK_REASON(NONE);
        clear_link_details(&state->link);
        set_link_ssid(&state->link, state->deferred_attempt.ssid,
                      state->deferred_attempt.ssid_length);
        state->link_changed = true;
        unlock(state);
        return;
    }
    start_attempt(state, &request);
    wipe_secret(&request, sizeof(request));
}

static void handle_disassociate(srv_t *state) {
    bool radio_holds_attempt = !state->attempt_deferred;
    drop_deferred_attempt(state);
    state->link_answer_due = true;
    if (!state->radio_started)
        return;
    if (radio_holds_attempt)
        leave_current_link(state);
    lock(state);
    state->link.state = LINK_STATE(IDLE);
    state->link.reason = LINK_REASON(LEFT_BY_REQUEST);
    clear_link_details(&state->link);
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
}

static void handle_set_address(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < SET_ADDRESS_WIRE_SIZE)
        return;
    const uint8_t *data = pkt->data;
    uint8_t mode = data[offsetof(jd_cam_wifi_station_set_address_t, mode)];
    if (mode != JD_CAM_WIFI_STATION_ADDRESS_MODE_DHCP &&
        mode != JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC)
        return;
    ipv4_config_t address;
    address.ip = read_u32_le(data + offsetof(jd_cam_wifi_station_set_address_t, ip));
    address.netmask = read_u32_le(data + offsetof(jd_cam_wifi_station_set_address_t, netmask));
    address.gateway = read_u32_le(data + offsetof(jd_cam_wifi_station_set_address_t, gateway));
    address.dns = read_u32_le(data + offsetof(jd_cam_wifi_station_set_address_t, dns));

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
            memset(&link->address, 0, sizeof(link->address));
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
    }
    service_handle_register_final(state, pkt, cam_wifi_station_regs);
}

// ------------------------------------------------------------------- init

static void bring_up_wifi_driver(srv_t *state) {
    // The default event loop is created by app_main() before services start.
    ESP_ERROR_CHECK(esp_netif_init());
    state->netif = esp_netif_create_default_wifi_sta();

    wifi_init_config_t config = WIFI_INIT_CONFIG_DEFAULT();
    // Never persist the station configuration (it contains the key) to
    // flash; the bytecode supplies it for every attempt.
    config.nvs_enable = 0;
    ESP_ERROR_CHECK(esp_wifi_init(&config));
    ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
    ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
    ESP_ERROR_CHECK(esp_wifi_get_mac(WIFI_IF_STA, state->mac));

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

// With JD_WIFI off, this service is what tells DeviceScript's TCP/TLS
// sockets whether the network is usable. Main loop only.
bool jd_tcpsock_is_available(void) {
    if (station == NULL)
        return false;
    lock(station);
    bool usable = station->link.state == LINK_STATE(GOT_ADDRESS);
    unlock(station);
    return usable;
}
