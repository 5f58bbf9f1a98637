// Host unit test for the ESP-IDF -> LinkReason table (firmware/main/cam_link_reason.c).
// Built and run by `make -C firmware/test`; exits non-zero on any failure.
//
// The table source is included directly so the test can also inspect the
// (static) rows themselves, not only the public function.

#include <stdio.h>

#include "cam_link_reason.c"

#include "check.h"

// Contexts the driver can be in when a disconnect arrives.
static const cam_link_context_t JOINING_WITH_KEY = {
    .leave_requested = false, .link_was_up = false, .key_given = true};
static const cam_link_context_t JOINING_OPEN = {
    .leave_requested = false, .link_was_up = false, .key_given = false};
static const cam_link_context_t LINK_UP_WITH_KEY = {
    .leave_requested = false, .link_was_up = true, .key_given = true};
static const cam_link_context_t LINK_UP_OPEN = {
    .leave_requested = false, .link_was_up = true, .key_given = false};

static cam_link_context_t with_leave_requested(cam_link_context_t context) {
    context.leave_requested = true;
    return context;
}

// Reasons the radio may cause. None, AddressTimeout and RadioStopped are the
// driver's own verdicts; LeftByRequest needs our request (checked separately).
static int is_radio_reason(uint16_t reason) {
    switch (reason) {
    case LR(NO_AP_FOUND):
    case LR(AUTH_FAILED):
    case LR(HANDSHAKE_TIMEOUT):
    case LR(ASSOC_REJECTED):
    case LR(BEACON_TIMEOUT):
    case LR(SECURITY_MISMATCH):
    case LR(DEAUTHENTICATED):
        return 1;
    default:
        return 0;
    }
}

static void test_rows_are_well_formed(void) {
    for (size_t i = 0; i < REASON_TABLE_LENGTH; ++i) {
        const reason_row_t *row = &reason_table[i];
        CHECK(is_radio_reason(row->during_attempt), "during_attempt column is a radio reason");
        CHECK(is_radio_reason(row->after_link_up), "after_link_up column is a radio reason");
        CHECK(row->rule <= RULE_EAP_FAILURE, "rule is known");
        for (size_t j = i + 1; j < REASON_TABLE_LENGTH; ++j)
            CHECK(row->esp_reason != reason_table[j].esp_reason, "each ESP-IDF code appears once");
    }
}

static void test_plain_rows(void) {
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_NO_AP_FOUND, JOINING_WITH_KEY), LR(NO_AP_FOUND),
             "NO_AP_FOUND");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_NO_AP_FOUND, JOINING_OPEN), LR(NO_AP_FOUND),
             "NO_AP_FOUND, open network");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AUTH_FAIL, JOINING_WITH_KEY), LR(AUTH_FAILED),
             "AUTH_FAIL");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_BEACON_TIMEOUT, LINK_UP_WITH_KEY),
             LR(BEACON_TIMEOUT), "BEACON_TIMEOUT on an established link");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_BEACON_TIMEOUT, JOINING_WITH_KEY),
             LR(BEACON_TIMEOUT), "BEACON_TIMEOUT while joining");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_FAIL, JOINING_WITH_KEY),
             LR(ASSOC_REJECTED), "ASSOC_FAIL");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_EXPIRE, JOINING_WITH_KEY),
             LR(ASSOC_REJECTED), "ASSOC_EXPIRE while joining");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_EXPIRE, LINK_UP_WITH_KEY),
             LR(DEAUTHENTICATED), "ASSOC_EXPIRE (inactivity) on an established link");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_TOOMANY, JOINING_OPEN),
             LR(ASSOC_REJECTED), "ASSOC_TOOMANY");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AUTH_EXPIRE, JOINING_WITH_KEY),
             LR(ASSOC_REJECTED), "AUTH_EXPIRE while joining");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AUTH_EXPIRE, LINK_UP_WITH_KEY),
             LR(DEAUTHENTICATED), "AUTH_EXPIRE on an established link");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AUTH_LEAVE, LINK_UP_OPEN), LR(DEAUTHENTICATED),
             "AUTH_LEAVE on an established link");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_PAIRWISE_CIPHER_INVALID, JOINING_WITH_KEY),
             LR(SECURITY_MISMATCH), "PAIRWISE_CIPHER_INVALID");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_802_1X_AUTH_FAILED, JOINING_WITH_KEY),
             LR(AUTH_FAILED), "802_1X_AUTH_FAILED");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_GROUP_KEY_UPDATE_TIMEOUT, LINK_UP_WITH_KEY),
             LR(HANDSHAKE_TIMEOUT), "GROUP_KEY_UPDATE_TIMEOUT");
    CHECK_EQ(cam_link_reason_from_esp(210, JOINING_WITH_KEY), LR(SECURITY_MISMATCH),
             "NO_AP_FOUND_W_COMPATIBLE_SECURITY (210)");
    CHECK_EQ(cam_link_reason_from_esp(211, JOINING_WITH_KEY), LR(SECURITY_MISMATCH),
             "NO_AP_FOUND_IN_AUTHMODE_THRESHOLD (211)");
    CHECK_EQ(cam_link_reason_from_esp(212, JOINING_WITH_KEY), LR(NO_AP_FOUND),
             "NO_AP_FOUND_IN_RSSI_THRESHOLD (212)");
}

static void test_wrong_key_heuristic(void) {
    const uint16_t handshake_timeouts[] = {WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT,
                                           WIFI_REASON_HANDSHAKE_TIMEOUT};
    for (size_t i = 0; i < sizeof(handshake_timeouts) / sizeof(handshake_timeouts[0]); ++i) {
        uint16_t code = handshake_timeouts[i];
        CHECK_EQ(cam_link_reason_from_esp(code, JOINING_WITH_KEY), LR(AUTH_FAILED),
                 "handshake timeout ending a keyed attempt means a wrong key");
        CHECK_EQ(cam_link_reason_from_esp(code, JOINING_OPEN), LR(HANDSHAKE_TIMEOUT),
                 "handshake timeout without a key is just a timeout");
        CHECK_EQ(cam_link_reason_from_esp(code, LINK_UP_WITH_KEY), LR(HANDSHAKE_TIMEOUT),
                 "handshake timeout after the key worked is just a timeout");
        CHECK_EQ(cam_link_reason_from_esp(code, LINK_UP_OPEN), LR(HANDSHAKE_TIMEOUT),
                 "handshake timeout on an established open link");
    }
    // At the receiver's floor a timeout is blamed on the signal; one dB
    // above it, on the key. 0 is "not measured".
    cam_link_context_t weak = JOINING_WITH_KEY;
    weak.ap_rssi = CAM_WEAK_SIGNAL_DBM;
    for (size_t i = 0; i < sizeof(handshake_timeouts) / sizeof(handshake_timeouts[0]); ++i) {
        weak.ap_rssi = CAM_WEAK_SIGNAL_DBM;
        CHECK_EQ(cam_link_reason_from_esp(handshake_timeouts[i], weak), LR(HANDSHAKE_TIMEOUT),
                 "handshake timeout at the weak-signal threshold is the signal");
        weak.ap_rssi = -95;
        CHECK_EQ(cam_link_reason_from_esp(handshake_timeouts[i], weak), LR(HANDSHAKE_TIMEOUT),
                 "handshake timeout below the weak-signal threshold is the signal");
        weak.ap_rssi = CAM_WEAK_SIGNAL_DBM + 1;
        CHECK_EQ(cam_link_reason_from_esp(handshake_timeouts[i], weak), LR(AUTH_FAILED),
                 "handshake timeout 1 dB above the threshold is the key");
    }
    weak.ap_rssi = CAM_WEAK_SIGNAL_DBM;
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_MIC_FAILURE, weak), LR(AUTH_FAILED),
             "a weak signal changes only the handshake-timeout rule");
    // AUTH_FAIL is an explicit refusal: it does not need the key heuristic.
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AUTH_FAIL, JOINING_OPEN), LR(AUTH_FAILED),
             "AUTH_FAIL without a key");
}

static void test_our_leave(void) {
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_LEAVE,
                                      with_leave_requested(LINK_UP_WITH_KEY)),
             LR(LEFT_BY_REQUEST), "ASSOC_LEAVE we asked for, established link");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_LEAVE,
                                      with_leave_requested(JOINING_WITH_KEY)),
             LR(LEFT_BY_REQUEST), "ASSOC_LEAVE we asked for, during an attempt");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_LEAVE, LINK_UP_WITH_KEY),
             LR(DEAUTHENTICATED), "ASSOC_LEAVE nobody asked for");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_LEAVE, JOINING_OPEN), LR(DEAUTHENTICATED),
             "ASSOC_LEAVE nobody asked for, during an attempt");
    // Having asked to leave does not change what other codes mean.
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_BEACON_TIMEOUT,
                                      with_leave_requested(LINK_UP_WITH_KEY)),
             LR(BEACON_TIMEOUT), "BEACON_TIMEOUT while a leave is pending");
}

// Enterprise (802.1X) attempts: contract 1.1.
static cam_link_context_t enterprise_context(bool link_was_up, bool server_checked,
                                             bool domain_checked, uint8_t tls_alert_sent) {
    cam_link_context_t context = {
        .leave_requested = false,
        .link_was_up = link_was_up,
        .key_given = false, // associate_enterprise carries no key
        .enterprise = true,
        .server_checked = server_checked,
        .domain_checked = domain_checked,
        .tls_alert_sent = tls_alert_sent,
    };
    return context;
}

static void test_enterprise_auth_failed(void) {
    const uint16_t code = WIFI_REASON_802_1X_AUTH_FAILED;
    // What the station driver passes today: no TLS alert known.
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, false, 0)),
             LR(EAP_CREDENTIALS_REJECTED), "802.1X failure, CA given, no alert known: the default");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, true, 0)),
             LR(EAP_CREDENTIALS_REJECTED), "802.1X failure, CA and domain given, no alert known");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, false, false, 0)),
             LR(EAP_CREDENTIALS_REJECTED), "802.1X failure, insecure: only the credentials remain");
    // The TLS alert this station sent, when known, names the server check.
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, false,
                                                               CAM_TLS_ALERT_UNKNOWN_CA)),
             LR(EAP_SERVER_UNTRUSTED), "unknown_ca: not signed by the CA given");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, true,
                                                               CAM_TLS_ALERT_UNKNOWN_CA)),
             LR(EAP_SERVER_UNTRUSTED), "unknown_ca with a domain given");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, true,
                                                               CAM_TLS_ALERT_BAD_CERTIFICATE)),
             LR(EAP_SERVER_DOMAIN_MISMATCH), "bad_certificate with a domain given: name mismatch");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, false,
                                                               CAM_TLS_ALERT_BAD_CERTIFICATE)),
             LR(EAP_SERVER_UNTRUSTED), "bad_certificate without a domain");
    const uint8_t other_certificate_alerts[] = {
        CAM_TLS_ALERT_UNSUPPORTED_CERTIFICATE, CAM_TLS_ALERT_CERTIFICATE_REVOKED,
        CAM_TLS_ALERT_CERTIFICATE_EXPIRED, CAM_TLS_ALERT_CERTIFICATE_UNKNOWN,
        CAM_TLS_ALERT_ACCESS_DENIED};
    for (size_t i = 0; i < sizeof(other_certificate_alerts); ++i)
        CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, true,
                                                                   other_certificate_alerts[i])),
                 LR(EAP_SERVER_UNTRUSTED), "other certificate alerts: untrusted");
    // Alerts that are not about the certificate, and any alert when no
    // server check was configured, leave the default.
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, true, 40)),
             LR(EAP_CREDENTIALS_REJECTED), "handshake_failure (40) is not a certificate verdict");
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, false, false,
                                                               CAM_TLS_ALERT_UNKNOWN_CA)),
             LR(EAP_CREDENTIALS_REJECTED), "an alert without a server check configured");
    // Re-authentication of an established link refused.
    CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(true, true, false, 0)),
             LR(EAP_CREDENTIALS_REJECTED), "802.1X re-authentication refused");
    // The same code for an attempt made with a key (the network wanted 802.1X).
    CHECK_EQ(cam_link_reason_from_esp(code, JOINING_WITH_KEY), LR(AUTH_FAILED),
             "802.1X failure on a key attempt stays AuthFailed");
    CHECK_EQ(cam_link_reason_from_esp(code, JOINING_OPEN), LR(AUTH_FAILED),
             "802.1X failure on an open attempt stays AuthFailed");
}

static void test_enterprise_timeouts(void) {
    const uint16_t handshake_timeouts[] = {WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT,
                                           WIFI_REASON_HANDSHAKE_TIMEOUT};
    for (size_t i = 0; i < sizeof(handshake_timeouts) / sizeof(handshake_timeouts[0]); ++i) {
        uint16_t code = handshake_timeouts[i];
        CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, true, false, 0)),
                 LR(EAP_SERVER_UNREACHABLE), "timeout ending an enterprise attempt: no login server");
        CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(false, false, false, 0)),
                 LR(EAP_SERVER_UNREACHABLE), "the same, insecure");
        CHECK_EQ(cam_link_reason_from_esp(code, enterprise_context(true, true, false, 0)),
                 LR(HANDSHAKE_TIMEOUT), "timeout on an established enterprise link (re-key)");
    }
}

static void test_enterprise_other_codes(void) {
    // Codes that say nothing about 802.1X keep their meaning.
    cam_link_context_t joining = enterprise_context(false, true, true, 0);
    cam_link_context_t up = enterprise_context(true, true, true, 0);
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_NO_AP_FOUND, joining), LR(NO_AP_FOUND),
             "enterprise: NO_AP_FOUND");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_BEACON_TIMEOUT, up), LR(BEACON_TIMEOUT),
             "enterprise: BEACON_TIMEOUT");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_AKMP_INVALID, joining), LR(SECURITY_MISMATCH),
             "enterprise: AKMP_INVALID");
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_EXPIRE, up), LR(DEAUTHENTICATED),
             "enterprise: ASSOC_EXPIRE on an established link");
    cam_link_context_t leaving = joining;
    leaving.leave_requested = true;
    CHECK_EQ(cam_link_reason_from_esp(WIFI_REASON_ASSOC_LEAVE, leaving), LR(LEFT_BY_REQUEST),
             "enterprise: our own leave");
    CHECK_EQ(cam_link_reason_from_esp(99, joining), LR(ASSOC_REJECTED),
             "enterprise: unknown code during an attempt");
}

static void test_unknown_codes(void) {
    const uint16_t unknown[] = {0, 12, 25, 36, 46, 99, 199, 213, 255, 1000, 65535};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); ++i) {
        CHECK_EQ(cam_link_reason_from_esp(unknown[i], JOINING_WITH_KEY), LR(ASSOC_REJECTED),
                 "unknown code during an attempt");
        CHECK_EQ(cam_link_reason_from_esp(unknown[i], with_leave_requested(JOINING_OPEN)),
                 LR(ASSOC_REJECTED), "unknown code during an attempt, leave pending");
        CHECK_EQ(cam_link_reason_from_esp(unknown[i], LINK_UP_WITH_KEY), LR(DEAUTHENTICATED),
                 "unknown code on an established link");
    }
}

// Whether `reason` may come out of `code` in `context`: a radio reason, or
// one of the context-dependent verdicts, only where its context holds.
static int allowed(uint32_t code, cam_link_context_t context, uint16_t reason) {
    if (is_radio_reason(reason))
        return 1;
    switch (reason) {
    case LR(LEFT_BY_REQUEST):
        return context.leave_requested && code == WIFI_REASON_ASSOC_LEAVE;
    case LR(EAP_CREDENTIALS_REJECTED):
        return context.enterprise && code == WIFI_REASON_802_1X_AUTH_FAILED;
    case LR(EAP_SERVER_UNTRUSTED):
        return context.enterprise && context.server_checked && context.tls_alert_sent != 0 &&
               code == WIFI_REASON_802_1X_AUTH_FAILED;
    case LR(EAP_SERVER_DOMAIN_MISMATCH):
        return context.enterprise && context.server_checked && context.domain_checked &&
               context.tls_alert_sent == CAM_TLS_ALERT_BAD_CERTIFICATE &&
               code == WIFI_REASON_802_1X_AUTH_FAILED;
    case LR(EAP_SERVER_UNREACHABLE):
        return context.enterprise && !context.link_was_up &&
               (code == WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT ||
                code == WIFI_REASON_HANDSHAKE_TIMEOUT);
    default: // None, AddressTimeout, RadioStopped, EapMethodRejected: never from here
        return 0;
    }
}

// Every possible code in every context yields a member of the contract's list,
// and the context-dependent verdicts only appear when their context holds.
static void test_every_code_in_every_context(void) {
    static const uint8_t alerts[] = {0, CAM_TLS_ALERT_BAD_CERTIFICATE, CAM_TLS_ALERT_UNKNOWN_CA,
                                     CAM_TLS_ALERT_CERTIFICATE_EXPIRED, 40};
    for (uint32_t code = 0; code <= 0xffff; ++code) {
        for (unsigned bits = 0; bits < 64; ++bits) {
            for (size_t a = 0; a < sizeof(alerts); ++a) {
                cam_link_context_t context = {
                    .leave_requested = (bits & 1) != 0,
                    .link_was_up = (bits & 2) != 0,
                    .key_given = (bits & 4) != 0,
                    .enterprise = (bits & 8) != 0,
                    .server_checked = (bits & 16) != 0,
                    .domain_checked = (bits & 32) != 0,
                    .tls_alert_sent = alerts[a],
                };
                uint16_t reason = cam_link_reason_from_esp((uint16_t)code, context);
                if (!allowed(code, context, reason)) {
                    CHECK_EQ(reason, -1, "reason outside its context (code in message below)");
                    fprintf(stderr, "  esp_reason=%u context bits=%u alert=%u\n", (unsigned)code,
                            bits, (unsigned)alerts[a]);
                    return;
                }
                // Without an enterprise attempt the 1.0 answers are unchanged.
                if (!context.enterprise && context.tls_alert_sent == 0) {
                    cam_link_context_t plain = {
                        .leave_requested = context.leave_requested,
                        .link_was_up = context.link_was_up,
                        .key_given = context.key_given,
                    };
                    uint16_t expected = cam_link_reason_from_esp((uint16_t)code, plain);
                    if (reason != expected) {
                        CHECK_EQ(reason, expected,
                                 "enterprise-only fields change nothing for other attempts");
                        fprintf(stderr, "  esp_reason=%u context bits=%u\n", (unsigned)code, bits);
                        return;
                    }
                }
            }
        }
    }
    CHECK(1, "exhaustive sweep");
}

int main(void) {
    test_rows_are_well_formed();
    test_plain_rows();
    test_wrong_key_heuristic();
    test_our_leave();
    test_unknown_codes();
    test_enterprise_auth_failed();
    test_enterprise_timeouts();
    test_enterprise_other_codes();
    test_every_code_in_every_context();

    if (failures) {
        fprintf(stderr, "test_link_reason: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_link_reason: all %d checks passed (%zu table rows)\n", checks,
           (size_t)REASON_TABLE_LENGTH);
    return 0;
}
