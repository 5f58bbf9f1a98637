// Camscript Wi-Fi station: enterprise (802.1X) networks, contract 1.1:
// set_enterprise / set_credential build a credential set,
// associate_enterprise runs an attempt (cam_wifi_station_attempt.c) with
// ESP-IDF's supplicant armed with that set.
//
//
// ESP-IDF's supplicant is armed (credentials handed over, 802.1X enabled)
// just before esp_wifi_connect() of an enterprise attempt, and disarmed
// before any other attempt and whenever no enterprise attempt or link is
// under way (process()), so it never holds a password longer than needed
// and a later `associate` never runs 802.1X.

#include "cam_wifi_station_private.h"

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

const char *cam_sta_credential(const srv_t *state, uint8_t kind, size_t *length) {
    return cam_enterprise_value(&state->enterprise, kind, length);
}

// Takes our credentials away from the supplicant. ESP-IDF frees its copies
// of the identities and the password (without zeroing them: that is its
// code) and forgets the pointers to our certificates; then the buffers of a
// replaced set can be wiped. If ESP-IDF refuses, everything stays as it is
// and process() tries again.
void cam_sta_disarm_enterprise(srv_t *state) {
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
// points into it, it becomes `retired` (wiped by cam_sta_disarm_enterprise());
// otherwise it is wiped now.
void cam_sta_retire_current_set(srv_t *state) {
    if (state->eap_armed && state->eap_uses_current) {
        cam_enterprise_wipe(&state->retired); // not the supplicant's: it uses the current set
        state->retired = state->enterprise;   // the buffers change owner, nothing is copied
        memset(&state->enterprise, 0, sizeof(state->enterprise));
        state->eap_uses_current = false;
    } else {
        cam_enterprise_wipe(&state->enterprise);
    }
}

// Hands the current set to the supplicant and enables 802.1X. Returns NULL,
// or the step that failed (for the log) with its error in *err; the caller
// fails the attempt. Nothing of the credentials is logged.
const char *cam_sta_arm_enterprise(srv_t *state, esp_err_t *err) {
#if !HAS_ENTERPRISE
    (void)state;
    *err = ESP_ERR_NOT_SUPPORTED;
    return "802.1X (CONFIG_ESP_WIFI_ENTERPRISE_SUPPORT is off)";
#else
    cam_sta_disarm_enterprise(state); // a previous attempt's
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
    // From here on, cam_sta_disarm_enterprise() undoes whatever was handed over.
    state->eap_armed = true;
    state->eap_uses_current = true;

    size_t length = 0;
    // The outer (unprotected) identity: the anonymous one if given, else the
    // identity, else the username. ESP-IDF's "identity" is this outer one;
    // the inner login of PEAP / TTLS is its "username".
    const char *outer = cam_sta_credential(state, CREDENTIAL(ANONYMOUS_IDENTITY), &length);
    if (outer == NULL)
        outer = cam_sta_credential(state, CREDENTIAL(IDENTITY), &length);
    if (outer == NULL)
        outer = cam_sta_credential(state, CREDENTIAL(USERNAME), &length);
    if (outer == NULL) {
        *err = ESP_ERR_INVALID_ARG;
        return "identity (none given)";
    }
    *err = eap_set_identity((const unsigned char *)outer, (int)length);
    if (*err != ESP_OK)
        return "set identity"; // ESP-IDF takes 1..127 bytes

    if (set->method == EAP_METHOD(TLS)) {
        size_t cert_length = 0, key_length = 0;
        const char *cert = cam_sta_credential(state, CREDENTIAL(CLIENT_CERT), &cert_length);
        const char *key = cam_sta_credential(state, CREDENTIAL(CLIENT_KEY), &key_length);
        // PEM: mbedTLS wants the length to count the terminating NUL. The
        // supplicant keeps these pointers (see `retired`).
        *err = eap_set_certificate_and_key((const unsigned char *)cert, (int)cert_length + 1,
                                           (const unsigned char *)key, (int)key_length + 1, NULL,
                                           0);
        if (*err != ESP_OK)
            return "set client certificate and key";
    } else {
        const char *username = cam_sta_credential(state, CREDENTIAL(USERNAME), &length);
        *err = eap_set_username((const unsigned char *)username, (int)length);
        if (*err != ESP_OK)
            return "set username";
        const char *password = cam_sta_credential(state, CREDENTIAL(PASSWORD), &length);
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
        const char *ca = cam_sta_credential(state, CREDENTIAL(CA_CERT), &length);
        *err = eap_set_ca_cert((const unsigned char *)ca, (int)length + 1); // PEM, NUL counted
        if (*err != ESP_OK)
            return "set CA certificate";
        const char *domain = cam_sta_credential(state, CREDENTIAL(SERVER_DOMAIN), NULL);
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

// "After use": no enterprise attempt or link holds the supplicant, so it
// gives our credentials back (the set itself stays for the bytecode's
// retries). Not while the echo of leaving a link is due: ESP-IDF may still be
// tearing that link down.
void cam_sta_release_enterprise_if_unused(srv_t *state, uint8_t link_state) {
    if (!state->eap_armed || connect_outstanding(link_state))
        return;
    lock(state);
    bool leave_pending = state->leave_pending;
    unlock(state);
    if (!leave_pending)
        cam_sta_disarm_enterprise(state);
}

// ------------------------------------------- enterprise commands (1.1)

void cam_sta_handle_set_enterprise(srv_t *state, jd_packet_t *pkt) {
    cam_set_enterprise_t command;
    if (!cam_parse_set_enterprise(pkt->data, pkt->service_size, &command)) {
        LOG("set_enterprise: %u bytes, expected %u", (unsigned)pkt->service_size,
            (unsigned)CAM_SET_ENTERPRISE_SIZE);
        return;
    }
    // "Start a new set of enterprise credentials (wiping any previous set)."
    cam_sta_retire_current_set(state);
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

void cam_sta_handle_set_credential(srv_t *state, jd_packet_t *pkt) {
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

void cam_sta_handle_associate_enterprise(srv_t *state, jd_packet_t *pkt) {
    attempt_request_t request;
    if (!cam_parse_associate_enterprise(pkt->data, pkt->service_size, &request)) {
        LOG("associate_enterprise: malformed payload ignored");
        return;
    }
    uint8_t missing = cam_enterprise_missing(&state->enterprise);
    if (!cam_sta_begin_attempt(state, &request, true))
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
    cam_sta_drop_pending_attempt(state);
    lock(state);
    cam_sta_record_failure(&state->link, LINK_REASON(ASSOC_REJECTED));
    state->link_changed = true;
    unlock(state);
}
