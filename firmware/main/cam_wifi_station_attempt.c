// Camscript Wi-Fi station: one attempt (`associate`, and the search and
// connect of `associate_enterprise`), leaving a link (`disassociate`).
//
//
// associate -> Scanning: search scan for the SSID (on the hinted channel
// first, then on all) -> the strongest matching AP is chosen (or the pinned
// BSSID) -> Associating, with that AP named: esp_wifi_connect() pinned to its
// BSSID and channel -> CONNECTED -> ObtainingAddress / GotAddress, or
// DISCONNECTED -> Idle with a reason, the AP still named.

#include "cam_wifi_station_private.h"

static void fail_attempt_locally(srv_t *state, esp_err_t err, const char *step) {
    // The radio refused to even start a step of the attempt (bad state or
    // config). That is not a code from the network, so it does not go
    // through the reason table: it is reported as a refusal. Whatever AP the
    // attempt had chosen stays named.
    LOG("%s failed: %s", step, esp_err_to_name(err));
    lock(state);
    cam_sta_record_failure(&state->link, LINK_REASON(ASSOC_REJECTED));
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

void cam_sta_drop_pending_attempt(srv_t *state) {
    state->attempt_pending = false;
    state->pending_enterprise = false;
    state->search_current = false;
    state->search_all_channels = false;
    wipe_secret(&state->pending_attempt, sizeof(state->pending_attempt));
}

// The SSID of a scan record matches the request's: same bytes; or, for a
// hidden AP that only sent beacons with an empty SSID, the pinned BSSID.
static bool ap_matches(const wifi_ap_record_t *ap, const attempt_request_t *request) {
    if (request->bssid_pinned && memcmp(ap->bssid, request->bssid, BSSID_LENGTH) != 0)
        return false;
    size_t length = cam_sta_ssid_length(ap->ssid, sizeof(ap->ssid));
    if (length == 0)
        return request->bssid_pinned;
    return length == request->ssid_length && memcmp(ap->ssid, request->ssid, length) == 0;
}

// Starts the pending attempt's search when the radio is free for it.
void cam_sta_start_attempt_search(srv_t *state) {
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
        cam_sta_drop_pending_attempt(state);
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
    link->security = cam_security_from_authmode(ap->authmode);
    link->has_bssid = true;
    memcpy(link->bssid, ap->bssid, BSSID_LENGTH);
    // The name asked for (a hidden AP's record may carry none).
    cam_sta_set_link_ssid(link, request->ssid, request->ssid_length);
    clear_address(link);
    state->attempt_link = *link;
    state->link_was_up = false;
    state->key_given = request->key_length > 0;
    state->attempt_enterprise = enterprise;
    state->attempt_server_checked = enterprise && !state->enterprise.insecure;
    state->attempt_domain_checked =
        state->attempt_server_checked &&
        cam_sta_credential(state, CREDENTIAL(SERVER_DOMAIN), NULL) != NULL;
    state->link_changed = true;
    unlock(state);

    if (enterprise && cam_authmode_is_personal_or_open(ap->authmode)) {
        // An 802.1X login cannot be used with a pre-shared key or an open
        // network: that is a mismatch, known before anything is sent (as
        // the simulator reports it).
        LOG("associate_enterprise: the network is not an 802.1X network");
        lock(state);
        cam_sta_record_failure(&state->link, LINK_REASON(SECURITY_MISMATCH));
        state->link_changed = true;
        unlock(state);
        return;
    }
    if (enterprise) {
        esp_err_t eap_err = ESP_OK;
        const char *step = cam_sta_arm_enterprise(state, &eap_err);
        if (step != NULL) {
            cam_sta_disarm_enterprise(state);
            fail_attempt_locally(state, eap_err, step);
            return;
        }
    } else {
        cam_sta_disarm_enterprise(state); // a key attempt must not run 802.1X
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
void cam_sta_finish_attempt_search(srv_t *state) {
    uint16_t count = 0;
    wifi_ap_record_t *aps = cam_sta_read_scan_results(SCAN_MAX_RECORDS, &count);
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
        cam_sta_drop_pending_attempt(state);
        free(aps);
        lock(state);
        // The requested name stays; no AP was found to name further.
        cam_sta_record_failure(&state->link, LINK_REASON(NO_AP_FOUND));
        state->link_changed = true;
        unlock(state);
        return;
    }
    attempt_request_t request = state->pending_attempt;
    bool enterprise = state->pending_enterprise;
    cam_sta_drop_pending_attempt(state);
    connect_to(state, &request, best, enterprise);
    wipe_secret(&request, sizeof(request));
    free(aps);
}

// Starts an attempt (`associate` or `associate_enterprise`): replaces any
// attempt or link, and leaves the search to process(). Wipes `request`.
// False when the radio is off (no attempt; the answer shows Stopped).
bool cam_sta_begin_attempt(srv_t *state, attempt_request_t *request, bool enterprise) {
    state->link_answer_due = true;
    cam_sta_drop_pending_attempt(state); // a newer request replaces it

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
    cam_sta_forget_ap(link);
    // Until an AP is chosen, the snapshot names only the network asked for.
    cam_sta_set_link_ssid(link, state->pending_attempt.ssid, state->pending_attempt.ssid_length);
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
    return true;
}

void cam_sta_handle_associate(srv_t *state, jd_packet_t *pkt) {
    attempt_request_t request;
    if (!cam_parse_associate(pkt->data, pkt->service_size, &request)) {
        LOG("associate: malformed payload ignored"); // nothing of it is logged
        wipe_secret(&request, sizeof(request));
        return;
    }
    cam_sta_begin_attempt(state, &request, false);
}

void cam_sta_handle_disassociate(srv_t *state) {
    cam_sta_drop_pending_attempt(state);
    state->link_answer_due = true;
    if (!state->radio_started)
        return;
    leave_current_link(state);
    lock(state);
    state->link.state = LINK_STATE(IDLE);
    state->link.reason = LINK_REASON(LEFT_BY_REQUEST);
    cam_sta_forget_ap(&state->link);
    state->link_was_up = false;
    state->link_changed = true;
    unlock(state);
}
