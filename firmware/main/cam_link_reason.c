// The ONE table from ESP-IDF `wifi_err_reason_t` to the contract's LinkReason.
//
// Each row gives two answers, because the same 802.11 code means different
// things before and after the link came up: a refusal while joining is
// "AssocRejected", the same code dropping an established link is
// "Deauthenticated". A few rows additionally apply a rule (see below), which
// may also depend on the kind of attempt (pre-shared key or 802.1X).
//
// Codes that are not in the table are NOT passed through: they become
// AssocRejected during an attempt (the access point, or the driver on its
// behalf, refused us for a reason we do not classify) and Deauthenticated
// once the link was up (the link was ended for such a reason). The bytecode
// therefore only ever sees the contract's own list.

#include "cam_link_reason.h"

#include <stddef.h>

#ifdef ESP_PLATFORM
#include "esp_wifi_types.h"
#else
// Host build of the unit test (firmware/test/): the same numeric codes,
// without ESP-IDF.
#include "esp_wifi_reason_stub.h"
#endif

#include "cam_wifi_station_spec.h"

// Codes added to wifi_err_reason_t during the 5.x series. Not every 5.0.x
// header has the names, so they are spelled as numbers (the values are
// stable: ESP-IDF only ever appends to this enum).
#define CAM_ESP_REASON_AP_TSF_RESET 206
#define CAM_ESP_REASON_ROAMING 207
#define CAM_ESP_REASON_ASSOC_COMEBACK_TIME_TOO_LONG 208
#define CAM_ESP_REASON_SA_QUERY_TIMEOUT 209
#define CAM_ESP_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY 210
#define CAM_ESP_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD 211
#define CAM_ESP_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD 212

#define LR(name) JD_CAM_WIFI_STATION_LINK_REASON_##name

typedef enum {
    // The two columns are the answer.
    RULE_AS_LISTED = 0,
    // Wrong-key heuristic. With WPA/WPA2-PSK nobody ever says "wrong
    // password": a station holding the wrong key derives the wrong session
    // key, its message 2 of the 4-way handshake fails the access point's
    // integrity check and is silently dropped, and the exchange ends as a
    // timeout (15 sent by the access point, 204 from ESP-IDF's supplicant).
    // So a handshake timeout that ends a fresh attempt made WITH a key is
    // reported as AuthFailed, unless the AP was heard at the receiver's floor
    // (context.ap_rssi <= CAM_WEAK_SIGNAL_DBM): frames lost to a weak signal
    // end the same way, and then HandshakeTimeout is the likelier cause. Once the link has been up the key is known to
    // be good, and without a key there is no password to be wrong: then it is
    // the HandshakeTimeout the columns say (e.g. a re-key lost to
    // interference).
    //
    // Enterprise (802.1X) attempts have no pre-shared key, and ESP-IDF's
    // handshake timer (started when association completes) covers the EAP
    // exchange too, which comes before the 4-way handshake. A timeout that
    // ends a fresh enterprise attempt therefore means the login exchange
    // never finished: the access point relayed our EAP messages to a login
    // (RADIUS) server that did not answer, or the AP could not reach one.
    // That is EapServerUnreachable. (An exchange refused by the server ends
    // sooner and explicitly: see RULE_EAP_FAILURE.)
    RULE_WRONG_KEY_SUSPECTED,
    // Our own leaving. ESP-IDF reports ASSOC_LEAVE when the station itself
    // leaves: if this driver asked (disassociate, or replacing an attempt)
    // it is LeftByRequest; if it did not, something under us dropped the
    // link, which the bytecode must treat like being thrown out.
    RULE_OUR_LEAVE,
    // 802.1X authentication failed (enterprise attempts; other attempts get
    // the columns). The authenticator ends a failed EAP conversation with
    // EAP-Failure and deauthenticates with reason 23 for every kind of
    // failure: the server refused the credentials, the server refused our
    // EAP method, or this station refused the server's certificate (our TLS
    // layer aborts the tunnel with an alert, the server then fails the
    // conversation). The disconnect code alone cannot tell these apart.
    //
    // What can tell them apart is the TLS alert this station sent
    // (context.tls_alert_sent), as mbedTLS picks it from the verification
    // flags: unknown_ca (48) means the certificate is not signed by the CA
    // given (EapServerUntrusted); bad_certificate (42) is what mbedTLS sends
    // for a name mismatch, so with a server domain configured it is
    // EapServerDomainMismatch (a certificate both untrusted AND for another
    // name also gets 42: mbedTLS checks the name first), without one
    // EapServerUntrusted; any other certificate alert (expired, revoked,
    // unsupported, unknown, access denied) is EapServerUntrusted. No alert
    // counts unless a server check was configured.
    //
    // ESP-IDF 5.0 .. 5.5 never reveals that alert: its supplicant's mbedTLS
    // glue answers tls_connection_get_write_alerts() with "not supported",
    // no event carries it, and the EAP state it keeps is internal. So the
    // driver passes 0, and the DEFAULT is EapCredentialsRejected: the
    // commonest cause, and the only possible one with `insecure` (no server
    // check) for password methods. With a CA certificate configured, a
    // server-certificate refusal is therefore reported as
    // EapCredentialsRejected too (firmware/README.md says so).
    // EapMethodRejected is never reported: a method refusal looks the same.
    RULE_EAP_FAILURE,
} reason_rule_t;

typedef struct {
    uint16_t esp_reason;
    uint16_t during_attempt; // the link had not come up yet
    uint16_t after_link_up;  // an established link went down
    uint8_t rule;            // reason_rule_t
} reason_row_t;

// clang-format off
static const reason_row_t reason_table[] = {
    // The access point gave no reason: it refused, or it dropped us.
    { WIFI_REASON_UNSPECIFIED, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The access point stopped answering 802.11 authentication (weak signal,
    // busy AP); nothing says the key is wrong. Later: our authentication
    // expired at the AP (inactivity), i.e. it threw us out.
    { WIFI_REASON_AUTH_EXPIRE, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The access point deauthenticated everyone because it is going away.
    { WIFI_REASON_AUTH_LEAVE, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Association timed out while joining; later: dropped for inactivity.
    { WIFI_REASON_ASSOC_EXPIRE, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The access point has too many stations.
    { WIFI_REASON_ASSOC_TOOMANY, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The access point got a frame from us it had no state for (it probably
    // restarted): it no longer knows us.
    { WIFI_REASON_NOT_AUTHED, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    { WIFI_REASON_NOT_ASSOCED, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The station left. Whether we asked decides (RULE_OUR_LEAVE).
    { WIFI_REASON_ASSOC_LEAVE, LR(DEAUTHENTICATED), LR(DEAUTHENTICATED), RULE_OUR_LEAVE },
    // Association requested before authentication: the AP lost our state.
    { WIFI_REASON_ASSOC_NOT_AUTHED, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The access point does not accept our power or channel capabilities.
    { WIFI_REASON_DISASSOC_PWRCAP_BAD, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    { WIFI_REASON_DISASSOC_SUPCHAN_BAD, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Malformed information element: the two sides disagree on the frame
    // format, not on the key.
    { WIFI_REASON_IE_INVALID, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Integrity check failed: while joining this means the keys differ;
    // later it is the AP's TKIP countermeasure throwing everyone out.
    { WIFI_REASON_MIC_FAILURE, LR(AUTH_FAILED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // 4-way handshake timed out (sent by the AP): see RULE_WRONG_KEY_SUSPECTED
    // (a fresh enterprise attempt: EapServerUnreachable).
    { WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT, LR(HANDSHAKE_TIMEOUT), LR(HANDSHAKE_TIMEOUT), RULE_WRONG_KEY_SUSPECTED },
    // Group key handshake timed out. It only follows a successful 4-way
    // handshake, so the key is not in question.
    { WIFI_REASON_GROUP_KEY_UPDATE_TIMEOUT, LR(HANDSHAKE_TIMEOUT), LR(HANDSHAKE_TIMEOUT), RULE_AS_LISTED },
    // The security the AP advertised in its beacon differs from what it used
    // in the handshake: misconfigured or downgraded network.
    { WIFI_REASON_IE_IN_4WAY_DIFFERS, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    // Cipher, key management or RSN version the two sides cannot agree on.
    { WIFI_REASON_GROUP_CIPHER_INVALID, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    { WIFI_REASON_PAIRWISE_CIPHER_INVALID, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    { WIFI_REASON_AKMP_INVALID, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    { WIFI_REASON_UNSUPP_RSN_IE_VERSION, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    { WIFI_REASON_INVALID_RSN_IE_CAP, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    { WIFI_REASON_CIPHER_SUITE_REJECTED, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    // 802.1X (enterprise) authentication failed, whether while joining or
    // on re-authentication. For an enterprise attempt the EAP verdict of
    // RULE_EAP_FAILURE (default EapCredentialsRejected); for any other
    // attempt (the network wanted 802.1X, we came with a key or none) the
    // columns' AuthFailed.
    { WIFI_REASON_802_1X_AUTH_FAILED, LR(AUTH_FAILED), LR(AUTH_FAILED), RULE_EAP_FAILURE },

    // ESP-IDF's own codes (200 and up): reported by the driver, not the AP.

    // Beacons stopped arriving: the AP vanished or is out of range.
    { WIFI_REASON_BEACON_TIMEOUT, LR(BEACON_TIMEOUT), LR(BEACON_TIMEOUT), RULE_AS_LISTED },
    // The scan that starts an attempt found no AP with this SSID (or BSSID).
    { WIFI_REASON_NO_AP_FOUND, LR(NO_AP_FOUND), LR(NO_AP_FOUND), RULE_AS_LISTED },
    // Authentication refused: wrong WPA3-SAE password or WEP key (the AP
    // answers those explicitly, unlike WPA2-PSK).
    { WIFI_REASON_AUTH_FAIL, LR(AUTH_FAILED), LR(AUTH_FAILED), RULE_AS_LISTED },
    // Association refused by the AP.
    { WIFI_REASON_ASSOC_FAIL, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The station's supplicant timed out in the handshake: see
    // RULE_WRONG_KEY_SUSPECTED. For an enterprise attempt this is the EAP
    // timeout (ESP-IDF's handshake timer also covers EAP):
    // EapServerUnreachable.
    { WIFI_REASON_HANDSHAKE_TIMEOUT, LR(HANDSHAKE_TIMEOUT), LR(HANDSHAKE_TIMEOUT), RULE_WRONG_KEY_SUSPECTED },
    // The AP stopped responding to the connection exchange.
    { WIFI_REASON_CONNECTION_FAIL, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The AP's timer jumped back: it restarted, so it no longer knows us.
    { CAM_ESP_REASON_AP_TSF_RESET, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Left for roaming. This driver never enables roaming; if it happens the
    // link we were told about is gone.
    { CAM_ESP_REASON_ROAMING, LR(DEAUTHENTICATED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Protected-management-frame AP told us to come back later than ESP-IDF
    // is willing to wait: a refusal.
    { CAM_ESP_REASON_ASSOC_COMEBACK_TIME_TOO_LONG, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // Protected-management-frame security check unanswered: the AP no longer
    // recognises our association.
    { CAM_ESP_REASON_SA_QUERY_TIMEOUT, LR(ASSOC_REJECTED), LR(DEAUTHENTICATED), RULE_AS_LISTED },
    // The SSID exists, but only with security this station cannot do.
    { CAM_ESP_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    // The SSID exists, but its security is below the configured threshold.
    // This driver sets the threshold to OPEN (the bytecode decides what is
    // acceptable), so this only appears if that changes.
    { CAM_ESP_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD, LR(SECURITY_MISMATCH), LR(SECURITY_MISMATCH), RULE_AS_LISTED },
    // The SSID exists, but too weak for the configured RSSI threshold (none
    // is configured): for the bytecode that is not finding it.
    { CAM_ESP_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD, LR(NO_AP_FOUND), LR(NO_AP_FOUND), RULE_AS_LISTED },
};
// clang-format on

#define REASON_TABLE_LENGTH (sizeof(reason_table) / sizeof(reason_table[0]))

static const reason_row_t *find_row(uint16_t esp_reason) {
    for (size_t i = 0; i < REASON_TABLE_LENGTH; ++i)
        if (reason_table[i].esp_reason == esp_reason)
            return &reason_table[i];
    return NULL;
}

// RULE_EAP_FAILURE's verdict for an enterprise attempt.
static uint16_t eap_failure_verdict(cam_link_context_t context) {
    if (!context.server_checked)
        return LR(EAP_CREDENTIALS_REJECTED); // no certificate was checked
    switch (context.tls_alert_sent) {
    case CAM_TLS_ALERT_BAD_CERTIFICATE:
        return context.domain_checked ? LR(EAP_SERVER_DOMAIN_MISMATCH)
                                      : LR(EAP_SERVER_UNTRUSTED);
    case CAM_TLS_ALERT_UNKNOWN_CA:
    case CAM_TLS_ALERT_UNSUPPORTED_CERTIFICATE:
    case CAM_TLS_ALERT_CERTIFICATE_REVOKED:
    case CAM_TLS_ALERT_CERTIFICATE_EXPIRED:
    case CAM_TLS_ALERT_CERTIFICATE_UNKNOWN:
    case CAM_TLS_ALERT_ACCESS_DENIED:
        return LR(EAP_SERVER_UNTRUSTED);
    default:
        return LR(EAP_CREDENTIALS_REJECTED); // the documented default
    }
}

uint16_t cam_link_reason_from_esp(uint16_t esp_reason, cam_link_context_t context) {
    const reason_row_t *row = find_row(esp_reason);
    if (row == NULL)
        return context.link_was_up ? LR(DEAUTHENTICATED) : LR(ASSOC_REJECTED);

    switch ((reason_rule_t)row->rule) {
    case RULE_WRONG_KEY_SUSPECTED:
        if (!context.link_was_up && context.enterprise)
            return LR(EAP_SERVER_UNREACHABLE);
        // A signal at the receiver's floor loses handshake frames whatever
        // the key: then the timeout is what it says.
        if (!context.link_was_up && context.key_given &&
            !(context.ap_rssi != 0 && context.ap_rssi <= CAM_WEAK_SIGNAL_DBM))
            return LR(AUTH_FAILED);
        break;
    case RULE_EAP_FAILURE:
        if (context.enterprise)
            return eap_failure_verdict(context);
        break;
    case RULE_OUR_LEAVE:
        if (context.leave_requested)
            return LR(LEFT_BY_REQUEST);
        break;
    case RULE_AS_LISTED:
        break;
    }
    return context.link_was_up ? row->after_link_up : row->during_attempt;
}
