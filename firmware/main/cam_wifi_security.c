// ESP-IDF's wifi_auth_mode_t -> the contract's Security. See
// cam_wifi_security.h.
//
// wifi_auth_mode_t did not grow the same way on every ESP-IDF release line
// (components/esp_wifi/include/esp_wifi_types.h, esp_wifi_types_generic.h
// from v5.3; read at every tag v5.0 .. v5.5.5), so every member after
// WIFI_AUTH_OWE is named only where the release being compiled against has
// it (the same table is in the stand-in firmware/host/include/esp-idf/
// esp_wifi_types.h). A value the switch does not name, e.g. a mode of a
// release newer than this file, is reported as Unknown.

#include "cam_wifi_security.h"

#include "esp_idf_version.h"
#include "sdkconfig.h"

#include "cam_wifi_station_spec.h"

#define SECURITY(name) JD_CAM_WIFI_STATION_SECURITY_##name

#define IDF_FROM(a, b, c) (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(a, b, c))
#define IDF_IN(a, b, c, x, y, z) (IDF_FROM(a, b, c) && !IDF_FROM(x, y, z))

// WIFI_AUTH_WPA3_ENT_192: v5.0.5 .. v5.0.x and v5.1.2 on (not v5.1, v5.1.1)
#define HAS_WPA3_ENT_192 (IDF_IN(5, 0, 5, 5, 1, 0) || IDF_FROM(5, 1, 2))
// WIFI_AUTH_WPA3_EXT_PSK and WIFI_AUTH_WPA3_EXT_PSK_MIXED_MODE: v5.2 on
#define HAS_WPA3_EXT_PSK IDF_FROM(5, 2, 0)
// WIFI_AUTH_DPP: v5.3 on
#define HAS_DPP IDF_FROM(5, 3, 0)
// WIFI_AUTH_WPA3_ENTERPRISE and WIFI_AUTH_WPA2_WPA3_ENTERPRISE: v5.0.8 (only;
// gone again in v5.0.9) and v5.4 on
#define HAS_WPA3_ENTERPRISE (IDF_IN(5, 0, 8, 5, 0, 9) || IDF_FROM(5, 4, 0))
// WIFI_AUTH_WPA_ENTERPRISE: v5.1.7, v5.2.6 .. v5.2.x, v5.3.4 .. v5.3.x, v5.4.3 on
#define HAS_WPA_ENTERPRISE                                                                         \
    (IDF_IN(5, 1, 7, 5, 2, 0) || IDF_IN(5, 2, 6, 5, 3, 0) || IDF_IN(5, 3, 4, 5, 4, 0) ||           \
     IDF_FROM(5, 4, 3))

// The contract's Security follows MicroPython's SEC_* numbering. Its first
// members happen to share wifi_auth_mode_t's values, but nothing promises
// that, so every mode is mapped by name rather than cast.
uint8_t cam_security_from_authmode(wifi_auth_mode_t authmode) {
    switch (authmode) {
    case WIFI_AUTH_OPEN:
        return SECURITY(OPEN);
    case WIFI_AUTH_WEP:
        return SECURITY(WEP);
    case WIFI_AUTH_WPA_PSK:
        return SECURITY(WPA);
    case WIFI_AUTH_WPA2_PSK:
        return SECURITY(WPA2);
    case WIFI_AUTH_WPA_WPA2_PSK:
        return SECURITY(WPA_WPA2);
    case WIFI_AUTH_WPA2_ENTERPRISE:
        // also WIFI_AUTH_ENTERPRISE, its alias from v5.0.5 / v5.1.2: any
        // 802.1X network that is not WPA3-only
        return SECURITY(WPA2ENTERPRISE);
#if HAS_WPA3_ENT_192
    case WIFI_AUTH_WPA3_ENT_192:
        return SECURITY(WPA3ENTERPRISE);
#endif
#if HAS_WPA3_ENTERPRISE
    case WIFI_AUTH_WPA3_ENTERPRISE:
        return SECURITY(WPA3ENTERPRISE);
    case WIFI_AUTH_WPA2_WPA3_ENTERPRISE:
        // transition mode: a WPA2-Enterprise client joins it
        return SECURITY(WPA2ENTERPRISE);
#endif
    case WIFI_AUTH_WPA3_PSK:
        return SECURITY(WPA3);
#if HAS_WPA3_EXT_PSK
    case WIFI_AUTH_WPA3_EXT_PSK:
    case WIFI_AUTH_WPA3_EXT_PSK_MIXED_MODE:
        // "will yield same result as WIFI_AUTH_WPA3_PSK" (ESP-IDF's header)
        return SECURITY(WPA3);
#endif
    case WIFI_AUTH_WPA2_WPA3_PSK:
        return SECURITY(WPA2WPA3);
    case WIFI_AUTH_WAPI_PSK:
        // No WAPI in the contract. Like WPA2-PSK it is joined with a
        // passphrase, which is all the bytecode needs to know.
        return SECURITY(WPA2);
// the option was CONFIG_ESP32_WIFI_... in ESP-IDF 5.0 and CONFIG_ESP_WIFI_... later
#if defined(CONFIG_ESP_WIFI_ENABLE_WPA3_OWE_STA) || defined(CONFIG_ESP32_WIFI_ENABLE_WPA3_OWE_STA)
    case WIFI_AUTH_OWE:
        // Opportunistic Wireless Encryption: encrypted, but joined without a
        // key, exactly like an open network.
        return SECURITY(OPEN);
#endif
    default:
        // DPP (v5.3), WPA-Enterprise without WPA2 (no member in the
        // contract), OWE without station support, the DUMMY placeholders of
        // v5.1.7 / v5.2.6 / v5.3.4, and anything newer than this file.
        return SECURITY(UNKNOWN);
    }
}

bool cam_authmode_is_personal_or_open(wifi_auth_mode_t authmode) {
    switch (authmode) {
    case WIFI_AUTH_OPEN:
    case WIFI_AUTH_WEP:
    case WIFI_AUTH_WPA_PSK:
    case WIFI_AUTH_WPA2_PSK:
    case WIFI_AUTH_WPA_WPA2_PSK:
    case WIFI_AUTH_WPA3_PSK:
    case WIFI_AUTH_WPA2_WPA3_PSK:
    case WIFI_AUTH_WAPI_PSK:
#if HAS_WPA3_EXT_PSK
    case WIFI_AUTH_WPA3_EXT_PSK:
    case WIFI_AUTH_WPA3_EXT_PSK_MIXED_MODE:
#endif
        return true;
    default:
        return false;
    }
}
