// The one Wi-Fi radio, shared by the station and the access point. See
// cam_wifi_mode.h.

#include "cam_wifi_mode.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "esp_netif.h"
#include "esp_random.h"
#include "esp_wifi.h"

// cam_wifi_mode_seed_ap()'s closed network.
#define CAM_SEED_SSID "camscript-closed"
#define CAM_SEED_KEY_LENGTH 63

static bool initialised;
static bool radio_started; // esp_wifi_start() succeeded and no esp_wifi_stop() since
// How many users each interface has, by cam_wifi_user_t. Each service
// acquires at most once (it tracks whether it has), so today these are 0
// or 1; counting keeps a second user of an interface from switching it off
// under the first.
static uint8_t users[2];

void cam_wifi_mode_init(void) {
    if (initialised)
        return;
    // The default event loop is created by app_main() before services
    // start. esp_netif_init() may already have run (Ethernet) and returns
    // ESP_OK again.
    ESP_ERROR_CHECK(esp_netif_init());
    wifi_init_config_t config = WIFI_INIT_CONFIG_DEFAULT();
    // Never persist the configuration (it holds the station's key and the
    // access point's passphrase) to flash: the bytecode supplies it.
    config.nvs_enable = 0;
    ESP_ERROR_CHECK(esp_wifi_init(&config));
    ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
    initialised = true;
}

static wifi_mode_t mode_for(unsigned station_users, unsigned access_point_users) {
    if (station_users && access_point_users)
        return WIFI_MODE_APSTA;
    if (station_users)
        return WIFI_MODE_STA;
    if (access_point_users)
        return WIFI_MODE_AP;
    return WIFI_MODE_NULL;
}

// Puts the radio in the mode for these counts: started in that mode, or
// stopped when nobody needs it. `configure` runs between the mode change
// and the start.
static esp_err_t apply(unsigned station_users, unsigned access_point_users,
                       cam_wifi_configure_t configure, void *arg) {
    wifi_mode_t mode = mode_for(station_users, access_point_users);
    if (mode == WIFI_MODE_NULL) {
        if (!radio_started)
            return ESP_OK;
        // Counted as stopped even if ESP-IDF complains: nobody uses it.
        radio_started = false;
        return esp_wifi_stop();
    }
    // Changing the mode of a running radio adds or removes that interface
    // (ESP-IDF posts WIFI_EVENT_AP_START / AP_STOP, STA_START / STA_STOP)
    // without restarting the other one.
    esp_err_t err = esp_wifi_set_mode(mode);
    if (err != ESP_OK)
        return err;
    if (configure != NULL) {
        err = configure(arg);
        if (err != ESP_OK)
            return err;
    }
    if (!radio_started) {
        err = esp_wifi_start();
        if (err != ESP_OK)
            return err;
        radio_started = true;
    }
    return ESP_OK;
}

esp_err_t cam_wifi_mode_acquire(cam_wifi_user_t user, cam_wifi_configure_t configure, void *arg) {
    unsigned counts[2] = {users[0], users[1]};
    ++counts[user];
    esp_err_t err = apply(counts[CAM_WIFI_USER_STATION], counts[CAM_WIFI_USER_ACCESS_POINT],
                          configure, arg);
    if (err != ESP_OK) {
        // Back to what the current users need (best effort).
        apply(users[CAM_WIFI_USER_STATION], users[CAM_WIFI_USER_ACCESS_POINT], NULL, NULL);
        return err;
    }
    ++users[user];
    return ESP_OK;
}

esp_err_t cam_wifi_mode_release(cam_wifi_user_t user) {
    if (users[user] == 0)
        return ESP_OK;
    --users[user];
    return apply(users[CAM_WIFI_USER_STATION], users[CAM_WIFI_USER_ACCESS_POINT], NULL, NULL);
}

esp_err_t cam_wifi_mode_seed_ap(void) {
    if (radio_started || users[CAM_WIFI_USER_STATION] || users[CAM_WIFI_USER_ACCESS_POINT])
        return ESP_ERR_INVALID_STATE;
    wifi_config_t config;
    memset(&config, 0, sizeof(config));
    // A passphrase nobody knows: 63 random letters (esp_fill_random is the
    // hardware RNG; with the radio off it is still seeded by the bootloader's
    // entropy). It is never logged and is wiped from this copy.
    uint8_t random[CAM_SEED_KEY_LENGTH];
    esp_fill_random(random, sizeof(random));
    for (size_t i = 0; i < sizeof(random); ++i)
        config.ap.password[i] = (uint8_t)('a' + random[i] % 26);
    memcpy(config.ap.ssid, CAM_SEED_SSID, sizeof(CAM_SEED_SSID) - 1);
    config.ap.ssid_len = sizeof(CAM_SEED_SSID) - 1;
    config.ap.ssid_hidden = 1;
    config.ap.channel = 1;
    config.ap.authmode = WIFI_AUTH_WPA2_PSK;
    config.ap.max_connection = 1;
    config.ap.beacon_interval = 100;
    // esp_wifi_set_config() needs the interface in the mode; the radio stays
    // stopped, and nobody's mode is changed (there is nobody).
    esp_err_t err = esp_wifi_set_mode(WIFI_MODE_AP);
    if (err == ESP_OK)
        err = esp_wifi_set_config(WIFI_IF_AP, &config);
    esp_wifi_set_mode(WIFI_MODE_NULL);
    volatile uint8_t *wipe = (volatile uint8_t *)&config;
    for (size_t i = 0; i < sizeof(config); ++i)
        wipe[i] = 0;
    wipe = random;
    for (size_t i = 0; i < sizeof(random); ++i)
        wipe[i] = 0;
    return err;
}

bool cam_wifi_mode_in_use(cam_wifi_user_t user) {
    return users[user] > 0;
}
