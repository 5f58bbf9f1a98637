// ESP-IDF's wifi_auth_mode_t -> the contract's Security
// (services/wifi-station.md), and which modes are joined without 802.1X.
// Pure, so it is unit-tested on the host at several ESP-IDF versions
// (firmware/test/test_security.c).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_wifi_types.h"

// A JD_CAM_WIFI_STATION_SECURITY_*: the mode by name, UNKNOWN for a mode
// this driver does not know (newer than it) or the contract cannot name.
uint8_t cam_security_from_authmode(wifi_auth_mode_t authmode);

// The mode has no 802.1X login (open, WEP or a pre-shared key). Anything
// else, enterprise modes and unknown ones included, is left to ESP-IDF.
bool cam_authmode_is_personal_or_open(wifi_auth_mode_t authmode);
