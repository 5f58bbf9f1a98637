// Camscript Wi-Fi station: driver contract v1.2 (services/wifi-station.md) on
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
//
// The files, by concern (shared state and helpers: cam_wifi_station_private.h):
//   cam_wifi_station.c             this overview, the link snapshot, process(),
//                                  the packet dispatch, set_active, init
//   cam_wifi_station_events.c      the ESP-IDF event handlers (system event task)
//   cam_wifi_station_attempt.c     associate / disassociate: search, connect, leave
//   cam_wifi_station_scan.c        the `scan` command and the scan records
//   cam_wifi_station_enterprise.c  802.1X credentials and the supplicant
//   cam_wifi_station_config.c      address, hostname and transmit power

#include "cam_wifi_station_private.h"
#include "cam_wifi_station.h"

#if defined(JD_WIFI) && JD_WIFI
// The stock Jacdac Wi-Fi service (and main/wifi_impl.c) would drive the same
// radio with its own auto-reconnect policy. See firmware/README.md.
#error "cam_wifi_station owns the station interface: set JD_WIFI to 0 in jd_user_config.h"
#endif

REG_DEFINITION(                                             //
    cam_wifi_station_regs,                                  //
    REG_SRV_COMMON,                                         //
    REG_U16(JD_CAM_WIFI_STATION_REG_CONTRACT_VERSION),      //
    REG_BYTES(JD_CAM_WIFI_STATION_REG_MAC, MAC_LENGTH),     //
)

static srv_t *station; // for jd_tcpsock_is_available()

// ---------------------------------------------------------------- helpers

// Stopped, or Idle with reason None / LeftByRequest: the snapshot names no
// access point any more. (A failure keeps naming the AP it failed on.)
void cam_sta_forget_ap(link_snapshot_t *link) {
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
void cam_sta_record_failure(link_snapshot_t *link, uint16_t reason) {
    link->state = LINK_STATE(IDLE);
    link->reason = reason;
    clear_address(link);
}

size_t cam_sta_ssid_length(const uint8_t *ssid, size_t capacity) {
    size_t length = 0;
    while (length < capacity && length < SSID_MAX_LENGTH && ssid[length] != 0)
        ++length;
    return length;
}

void cam_sta_set_link_ssid(link_snapshot_t *link, const uint8_t *ssid, size_t length) {
    length = cam_sta_ssid_length(ssid, length); // string0 on the wire: stop at a NUL
    memcpy(link->ssid, ssid, length);
    link->ssid_length = (uint8_t)length;
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

// -------------------------------------------------------------- main loop

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

static void cam_wifi_station_process(srv_t *state) {
    lock(state);
    bool scan_finished = state->scan_finished;
    state->scan_finished = false;
    unlock(state);

    if (scan_finished) {
        if (state->scan_running && state->scan_for_attempt) {
            state->scan_running = false;
            cam_sta_finish_attempt_search(state);
        } else if (state->scan_running) {
            state->scan_running = false;
            cam_sta_collect_scan_results(state);
            if (state->scan_records == NULL)
                cam_sta_send_scan_done(state, 0); // nothing seen: no records to wait for
        } else {
            cam_sta_discard_scan_results();
        }
    }

    send_association_step(state);
    send_link_if_due(state);

    if (cam_sta_scan_list_pending(state)) {
        cam_sta_send_scan_records(state);
        if (state->scan_records_sent >= state->scan_record_count) {
            cam_sta_send_scan_done(state, state->scan_record_count);
            cam_sta_free_scan_records(state);
        }
    }

    cam_sta_start_attempt_search(state);

    lock(state);
    uint8_t link_state = state->link.state;
    unlock(state);
    cam_sta_start_requested_scan(state, link_state);
    poll_rssi(state, link_state);
    cam_sta_release_enterprise_if_unused(state, link_state);
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
            cam_sta_apply_tx_power(state);
            lock(state);
            state->link.state = LINK_STATE(IDLE);
            state->link.reason = LINK_REASON(NONE);
            cam_sta_forget_ap(&state->link);
            state->leave_pending = false;
            state->link_was_up = false;
            state->link_changed = true;
            unlock(state);
        } else {
            LOG("starting the station failed: %s", esp_err_to_name(err));
        }
    } else if (!on && state->radio_started) {
        cam_sta_drop_pending_attempt(state);
        if (state->scan_running) {
            // The scan dies with the radio. A `scan` is finished now, with
            // nothing seen; an attempt's search just ends with the attempt.
            // (Stopped explicitly: an access point may keep the radio on.)
            esp_wifi_scan_stop();
            state->scan_running = false;
            if (!state->scan_for_attempt)
                cam_sta_send_scan_done(state, 0);
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
        cam_sta_forget_ap(&state->link);
        state->leave_pending = false;
        state->link_was_up = false;
        state->link_changed = true;
        unlock(state);
    }
    if (!on) {
        // Enterprise credentials do not outlive the radio: the supplicant
        // lets go, then they are wiped.
        cam_sta_disarm_enterprise(state);
        cam_sta_retire_current_set(state);
    }
    state->link_answer_due = true; // "Answered with a link event"
}

static void cam_wifi_station_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_WIFI_STATION_CMD_SET_ACTIVE:
        handle_set_active(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_ASSOCIATE:
        cam_sta_handle_associate(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_DISASSOCIATE:
        cam_sta_handle_disassociate(state);
        return;
    case JD_CAM_WIFI_STATION_CMD_SCAN:
        state->scan_requested = true; // started by process() when the radio is free
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_ADDRESS:
        cam_sta_handle_set_address(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_HOSTNAME:
        cam_sta_handle_set_hostname(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_TX_POWER:
        cam_sta_handle_set_tx_power(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_ENTERPRISE:
        cam_sta_handle_set_enterprise(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_SET_CREDENTIAL:
        cam_sta_handle_set_credential(state, pkt);
        return;
    case JD_CAM_WIFI_STATION_CMD_ASSOCIATE_ENTERPRISE:
        cam_sta_handle_associate_enterprise(state, pkt);
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

    cam_sta_register_event_handlers(state);
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
