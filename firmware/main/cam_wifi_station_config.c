// Camscript Wi-Fi station: the interface's settings: address mode
// (set_address), hostname (set_hostname) and transmit power (set_tx_power).

#include "cam_wifi_station_private.h"

#include "cam_netif_address.h"

void cam_sta_apply_tx_power(srv_t *state) {
    if (!state->radio_started || state->tx_power_dbm == 0)
        return;
    esp_err_t err =
        esp_wifi_set_max_tx_power((int8_t)(state->tx_power_dbm * QUARTER_DBM_PER_DBM));
    if (err != ESP_OK)
        LOG("set_tx_power failed: %s", esp_err_to_name(err));
}

void cam_sta_handle_set_address(srv_t *state, jd_packet_t *pkt) {
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

    cam_netif_apply_address(state->netif, mode == JD_CAM_WIFI_STATION_ADDRESS_MODE_STATIC, &address);

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

void cam_sta_handle_set_hostname(srv_t *state, jd_packet_t *pkt) {
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

void cam_sta_handle_set_tx_power(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    int dbm = (int8_t)pkt->data[0];
    if (dbm < TX_POWER_MIN_DBM)
        dbm = TX_POWER_MIN_DBM;
    if (dbm > TX_POWER_MAX_DBM)
        dbm = TX_POWER_MAX_DBM;
    // Remembered, because ESP-IDF only accepts it while the radio runs.
    state->tx_power_dbm = (int8_t)dbm;
    cam_sta_apply_tx_power(state);
}
