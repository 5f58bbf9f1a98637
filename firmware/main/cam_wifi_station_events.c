// Camscript Wi-Fi station: the ESP-IDF event handlers (WIFI_EVENT, IP_EVENT).
// They run on the system event task: record into the link snapshot under
// the lock, flag, wake the main loop. Nothing else (see the threading rule
// in cam_wifi_station.c and firmware/README.md).

#include "cam_wifi_station_private.h"

#include "cam_netif_address.h"

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
        link->security = cam_security_from_authmode(event->authmode);
        memcpy(link->bssid, event->bssid, sizeof(link->bssid));
        link->has_bssid = true;
        cam_sta_set_link_ssid(link, event->ssid, event->ssid_len);
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
        cam_sta_record_failure(link, cam_link_reason_from_esp(esp_reason, context));
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
            link->address.ip = cam_ipv4_to_contract(&event->ip_info.ip);
            link->address.netmask = cam_ipv4_to_contract(&event->ip_info.netmask);
            link->address.gateway = cam_ipv4_to_contract(&event->ip_info.gw);
            link->address.dns =
                dns.ip.type == ESP_IPADDR_TYPE_V4 ? cam_ipv4_to_contract(&dns.ip.u_addr.ip4) : 0;
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

void cam_sta_register_event_handlers(srv_t *state) {
    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID,
                                                        on_wifi_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP,
                                                        on_ip_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_LOST_IP,
                                                        on_ip_event, state, NULL));
}
