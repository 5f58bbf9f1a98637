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
    // The access point's signal as last measured (search scan or RSSI poll),
    // dBm; 0 when unknown. See CAM_WEAK_SIGNAL_DBM.
    int8_t ap_rssi;

    // ---- Enterprise (802.1X) attempts: contract 1.1, associate_enterprise.
    // The attempt was made with associate_enterprise. The other fields below
    // only count when this is set.
    bool enterprise;
    // The login server's certificate was checked against a CA certificate
    // (set_enterprise `insecure` 0).
    bool server_checked;
    // A server domain was given as well (Credential ServerDomain).
    bool domain_checked;
    // The TLS alert (RFC 5246 AlertDescription) this station sent when it
    // refused the login server's certificate, or 0 when none is known.
    // ESP-IDF 5.0 .. 5.5 offers no way to learn it (see cam_link_reason.c),
    // so the station driver passes 0 and the documented default applies.
    uint8_t tls_alert_sent;
} cam_link_context_t;

// At or below this signal a handshake timeout is blamed on the signal, not
// on the key: the ESP32's receiver floor at the basic rates the EAPOL frames
// use is about -92 dBm, and within 3 dB of it multi-frame exchanges lose
// frames (the simulator's MARGINAL_LINK_DB over its default sensitivity).
#define CAM_WEAK_SIGNAL_DBM (-89)

// TLS alerts (RFC 5246 7.2) that mbedTLS sends when it refuses a peer's
// certificate (ssl_parse_certificate_verify()).
#define CAM_TLS_ALERT_BAD_CERTIFICATE 42         // name mismatch (MBEDTLS_X509_BADCERT_CN_MISMATCH)
#define CAM_TLS_ALERT_UNSUPPORTED_CERTIFICATE 43 // key usage, key type
#define CAM_TLS_ALERT_CERTIFICATE_REVOKED 44
#define CAM_TLS_ALERT_CERTIFICATE_EXPIRED 45
#define CAM_TLS_ALERT_CERTIFICATE_UNKNOWN 46
#define CAM_TLS_ALERT_UNKNOWN_CA 48              // not signed by a trusted CA
#define CAM_TLS_ALERT_ACCESS_DENIED 49           // other verification failure

// Maps `esp_reason` (the `reason` field of wifi_event_sta_disconnected_t)
// to a JD_CAM_WIFI_STATION_LINK_REASON_* value. Never returns `None`,
// `AddressTimeout` or `RadioStopped`: those are decided by the driver, not
// reported by the radio. Codes missing from the table give AssocRejected
// during an attempt and Deauthenticated once the link was up. The `Eap*`
// reasons only come out for enterprise attempts (context.enterprise), and
// EapMethodRejected never: ESP-IDF does not tell it apart (cam_link_reason.c).
uint16_t cam_link_reason_from_esp(uint16_t esp_reason, cam_link_context_t context);
