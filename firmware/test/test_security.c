// Host unit test of ESP-IDF's auth modes -> the contract's Security
// (firmware/main/cam_wifi_security.c) and of the stand-in headers' numbers,
// built once per ESP-IDF version (SIM_IDF_MINOR / SIM_IDF_PATCH, see the
// Makefile). Exits non-zero on any failure.
//
// The expected values are not taken from the headers under test: each
// release's wifi_auth_mode_t is written out below as the list of names in
// ESP-IDF's own header at that tag (components/esp_wifi/include/
// esp_wifi_types.h, esp_wifi_types_generic.h from v5.3), so a value is its
// position in the list, and each name's Security is decided by name.

#include <stdio.h>
#include <string.h>

#include "cam_wifi_security.c"
#include "esp_err.h"
#include "esp_interface.h"

#include "check.h"

#define V(minor, patch) ESP_IDF_VERSION_VAL(5, minor, patch)
#define IN(a, b, x, y) (ESP_IDF_VERSION >= V(a, b) && ESP_IDF_VERSION < V(x, y))

// wifi_auth_mode_t at this release, by value, up to (not including) WIFI_AUTH_MAX
static const char *const MODES[] = {
    "OPEN", "WEP", "WPA_PSK", "WPA2_PSK", "WPA_WPA2_PSK", "WPA2_ENTERPRISE", "WPA3_PSK",
    "WPA2_WPA3_PSK", "WAPI_PSK", "OWE",
#if IN(0, 5, 1, 0) || ESP_IDF_VERSION >= V(1, 2)
    "WPA3_ENT_192",
#endif
#if IN(0, 8, 0, 9) // v5.0.8
    "WPA3_ENTERPRISE", "WPA2_WPA3_ENTERPRISE",
#elif IN(1, 7, 2, 0) // v5.1.7
    "DUMMY1", "DUMMY2", "DUMMY3", "DUMMY4", "DUMMY5", "WPA_ENTERPRISE",
#elif IN(2, 0, 2, 6) // v5.2 .. v5.2.5
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE",
#elif IN(2, 6, 3, 0) // v5.2.6 ..
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE", "DUMMY1", "DUMMY2", "DUMMY3", "WPA_ENTERPRISE",
#elif IN(3, 0, 3, 4) // v5.3 .. v5.3.3
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE", "DPP",
#elif IN(3, 4, 4, 0) // v5.3.4 ..
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE", "DPP", "DUMMY1", "DUMMY2", "WPA_ENTERPRISE",
#elif IN(4, 0, 4, 3) // v5.4 .. v5.4.2
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE", "DPP", "WPA3_ENTERPRISE", "WPA2_WPA3_ENTERPRISE",
#elif ESP_IDF_VERSION >= V(4, 3) // v5.4.3 .., v5.5 ..
    "WPA3_EXT_PSK", "WPA3_EXT_PSK_MIXED_MODE", "DPP", "WPA3_ENTERPRISE", "WPA2_WPA3_ENTERPRISE",
    "WPA_ENTERPRISE",
#endif
};
#define MODE_COUNT (sizeof(MODES) / sizeof(MODES[0]))

#define SEC(name) JD_CAM_WIFI_STATION_SECURITY_##name

static int security_of(const char *name) {
    static const struct {
        const char *name;
        int security;
    } table[] = {
        {"OPEN", SEC(OPEN)},
        {"WEP", SEC(WEP)},
        {"WPA_PSK", SEC(WPA)},
        {"WPA2_PSK", SEC(WPA2)},
        {"WPA_WPA2_PSK", SEC(WPA_WPA2)},
        {"WPA2_ENTERPRISE", SEC(WPA2ENTERPRISE)},
        {"WPA3_PSK", SEC(WPA3)},
        {"WPA2_WPA3_PSK", SEC(WPA2WPA3)},
        {"WAPI_PSK", SEC(WPA2)}, // joined with a passphrase
        // the stand-in sdkconfig.h has no OWE station support
        {"OWE", SEC(UNKNOWN)},
        {"WPA3_ENT_192", SEC(WPA3ENTERPRISE)},
        {"WPA3_ENTERPRISE", SEC(WPA3ENTERPRISE)},
        {"WPA2_WPA3_ENTERPRISE", SEC(WPA2ENTERPRISE)},
        {"WPA3_EXT_PSK", SEC(WPA3)},
        {"WPA3_EXT_PSK_MIXED_MODE", SEC(WPA3)},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i)
        if (strcmp(table[i].name, name) == 0)
            return table[i].security;
    return SEC(UNKNOWN); // DPP, WPA_ENTERPRISE, DUMMYn
}

static int is_personal(const char *name) {
    return strstr(name, "PSK") != NULL || strcmp(name, "OPEN") == 0 || strcmp(name, "WEP") == 0;
}

int main(void) {
    char what[96];
    CHECK_EQ(WIFI_AUTH_MAX, MODE_COUNT, "the stand-in's WIFI_AUTH_MAX");
    for (size_t value = 0; value < MODE_COUNT; ++value) {
        snprintf(what, sizeof(what), "Security of WIFI_AUTH_%s (%u)", MODES[value], (unsigned)value);
        CHECK_EQ(cam_security_from_authmode((wifi_auth_mode_t)value), security_of(MODES[value]), what);
        snprintf(what, sizeof(what), "personal or open: WIFI_AUTH_%s", MODES[value]);
        CHECK_EQ(cam_authmode_is_personal_or_open((wifi_auth_mode_t)value), is_personal(MODES[value]),
                 what);
    }
    // a mode newer than this release's list (the next release's)
    CHECK_EQ(cam_security_from_authmode((wifi_auth_mode_t)MODE_COUNT), SEC(UNKNOWN), "WIFI_AUTH_MAX");
    CHECK_EQ(cam_security_from_authmode((wifi_auth_mode_t)40), SEC(UNKNOWN), "a mode from the future");
    CHECK_EQ(SEC(UNKNOWN), 255, "the contract's Unknown");

    // the stand-ins' numbers that cross the simulator boundary (esp_wifi.h, esp_interface.h)
    CHECK_EQ(ESP_ERR_WIFI_NOT_STOPPED, 0x3003, "ESP_ERR_WIFI_NOT_STOPPED");
    CHECK_EQ(ESP_ERR_WIFI_IF, 0x3004, "ESP_ERR_WIFI_IF");
    CHECK_EQ(ESP_ERR_WIFI_MODE, 0x3005, "ESP_ERR_WIFI_MODE");
    CHECK_EQ(ESP_ERR_WIFI_STATE, 0x3006, "ESP_ERR_WIFI_STATE");
    CHECK_EQ(ESP_ERR_WIFI_CONN, 0x3007, "ESP_ERR_WIFI_CONN");
    CHECK_EQ(ESP_IF_ETH, ESP_IDF_VERSION >= V(1, 0) ? 3 : 2, "ESP_IF_ETH (ESP_IF_WIFI_NAN from 5.1)");

    if (failures) {
        fprintf(stderr, "test_security (ESP-IDF %d.%d.%d): %d of %d checks FAILED\n",
                ESP_IDF_VERSION_MAJOR, ESP_IDF_VERSION_MINOR, ESP_IDF_VERSION_PATCH, failures, checks);
        return 1;
    }
    printf("test_security (ESP-IDF %d.%d.%d): all %d checks passed\n", ESP_IDF_VERSION_MAJOR,
           ESP_IDF_VERSION_MINOR, ESP_IDF_VERSION_PATCH, checks);
    return 0;
}
