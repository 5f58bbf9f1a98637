// Translation of ESP-IDF disconnect reasons into the contract's LinkReason.
//
// Vendor codes never cross the driver contract (services/wifi-station.md):
// every `wifi_err_reason_t` the radio reports goes through the one table in
// cam_link_reason.c and comes out as a JD_CAM_WIFI_STATION_LINK_REASON_*.
// The function is pure, so it is unit-tested on the host (firmware/test/).
#pragma once

#include <stdbool.h>
#include <stdint.h>

// What the driver knew when the disconnect arrived. Some ESP-IDF codes mean
// different things depending on it (see the heuristics in cam_link_reason.c).
typedef struct cam_link_context {
    // This driver itself called esp_wifi_disconnect() for the link that ended.
    bool leave_requested;
    // WIFI_EVENT_STA_CONNECTED was seen for this attempt: association and the
    // 4-way handshake succeeded, so the key is known to be right.
    bool link_was_up;
    // The `associate` command carried a non-empty key.
    bool key_given;
} cam_link_context_t;

// Maps `esp_reason` (the `reason` field of wifi_event_sta_disconnected_t)
// to a JD_CAM_WIFI_STATION_LINK_REASON_* value. Never returns `None`,
// `AddressTimeout` or `RadioStopped`: those are decided by the driver, not
// reported by the radio. Codes missing from the table give AssocRejected
// during an attempt and Deauthenticated once the link was up.
uint16_t cam_link_reason_from_esp(uint16_t esp_reason, cam_link_context_t context);
