// Camscript Wi-Fi station: the `scan` command (a list of scan_record events
// then scan_done), and reading ESP-IDF's scan results, also for an attempt's
// search.

#include "cam_wifi_station_private.h"

void cam_sta_send_scan_done(srv_t *state, uint8_t count) {
    jd_send_event_ext(state, JD_CAM_WIFI_STATION_EV_SCAN_DONE, &count, sizeof(count));
}

void cam_sta_free_scan_records(srv_t *state) {
    free(state->scan_records);
    state->scan_records = NULL;
    state->scan_record_count = 0;
    state->scan_records_sent = 0;
}

bool cam_sta_scan_list_pending(srv_t *state) {
    return state->scan_records != NULL;
}

// Reads (at most `capacity`) records of the scan that just finished. Reading
// is also what makes ESP-IDF free its own copy of the list. Returns a heap
// array (free() it) or NULL, with the count in *count.
wifi_ap_record_t *cam_sta_read_scan_results(uint16_t capacity, uint16_t *count) {
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

static void encode_scan_record(scan_record_event_t *out, uint8_t index,
                               const wifi_ap_record_t *ap) {
    cam_scan_record_t record;
    memset(&record, 0, sizeof(record));
    size_t length = cam_sta_ssid_length(ap->ssid, sizeof(ap->ssid));
    record.index = index;
    record.rssi = ap->rssi;
    record.channel = ap->primary;
    record.security = cam_security_from_authmode(ap->authmode);
    // A hidden network's beacon carries an empty (or all-zero) SSID.
    record.hidden = length == 0;
    memcpy(record.ssid, ap->ssid, length);
    record.ssid_length = (uint8_t)length;
    memcpy(record.bssid, ap->bssid, sizeof(record.bssid));
    out->size = (uint8_t)cam_encode_scan_record(out->payload, &record);
}

// WIFI_EVENT_SCAN_DONE of a `scan` command: fetch the list and queue it.
void cam_sta_collect_scan_results(srv_t *state) {
    cam_sta_free_scan_records(state);
    uint16_t count = 0;
    wifi_ap_record_t *aps = cam_sta_read_scan_results(SCAN_MAX_RECORDS, &count);
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
void cam_sta_discard_scan_results(void) {
    uint16_t one = 1;
    wifi_ap_record_t ap;
    esp_wifi_scan_get_ap_records(&one, &ap);
}

// Sends a few queued records per pass.
void cam_sta_send_scan_records(srv_t *state) {
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

void cam_sta_start_requested_scan(srv_t *state, uint8_t link_state) {
    if (!state->scan_requested || state->scan_running || cam_sta_scan_list_pending(state))
        return;
    if (!state->radio_started) {
        // Nothing can be seen with the radio off.
        state->scan_requested = false;
        cam_sta_send_scan_done(state, 0);
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
        cam_sta_send_scan_done(state, 0);
        return;
    }
    state->scan_running = true;
    state->scan_for_attempt = false;
}
