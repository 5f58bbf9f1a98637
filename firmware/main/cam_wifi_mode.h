// The one Wi-Fi radio, shared by the station (cam_wifi_station.c) and the
// access point (cam_wifi_access_point.c).
//
// ESP-IDF has one mode for the radio: STA, AP or APSTA, plus started or
// stopped. Each service says whether it needs its interface; this helper
// counts the users of each interface and puts the radio in the mode that
// serves exactly them, starting it for the first user and stopping it after
// the last. Neither service calls esp_wifi_set_mode(), esp_wifi_start() or
// esp_wifi_stop() itself, so turning one off never takes the radio from the
// other.
//
// Main loop only (both services' commands run there); not for ESP-IDF
// event handlers.
#pragma once

#include <stdbool.h>

#include "esp_err.h"

typedef enum {
    CAM_WIFI_USER_STATION = 0,      // the station interface (WIFI_IF_STA)
    CAM_WIFI_USER_ACCESS_POINT = 1, // the access point interface (WIFI_IF_AP)
} cam_wifi_user_t;

// Brings up ESP-IDF's Wi-Fi driver once (esp_netif_init, esp_wifi_init with
// flash storage of the configuration off); later calls do nothing. The
// default event loop must exist. Aborts (ESP_ERROR_CHECK) on failure, as
// service initialisation does.
void cam_wifi_mode_init(void);

// Called by cam_wifi_mode_acquire() once the interface is enabled in the
// mode (esp_wifi_set_config() needs that) and, if the radio was stopped,
// before esp_wifi_start(), so the interface starts with this configuration.
typedef esp_err_t (*cam_wifi_configure_t)(void *arg);

// Adds a user of `user`'s interface. The mode becomes STA, AP or APSTA for
// the interfaces now in use, `configure` (if not NULL) is called, and the
// radio is started if it was stopped. If the radio was already running, the
// interface comes up with the mode change, before `configure`: with
// whatever configuration ESP-IDF holds for it (see cam_wifi_mode_seed_ap()).
// On failure nothing changes (the user is not counted).
esp_err_t cam_wifi_mode_acquire(cam_wifi_user_t user, cam_wifi_configure_t configure, void *arg);

// Removes a user. The mode drops the interface once nobody uses it; the
// radio is stopped when neither interface is in use. A release without an
// acquire is ignored.
esp_err_t cam_wifi_mode_release(cam_wifi_user_t user);

// While nobody uses the radio: gives the access point interface a closed
// configuration (hidden, WPA2 with a random passphrase, one client), so that
// if ESP-IDF ever starts it before its real configuration is set (adding AP
// to a running station), it is not ESP-IDF's default open "ESP_XXXXXX"
// network. Does nothing (ESP_ERR_INVALID_STATE) while the radio is in use.
esp_err_t cam_wifi_mode_seed_ap(void);

// Someone uses `user`'s interface.
bool cam_wifi_mode_in_use(cam_wifi_user_t user);
