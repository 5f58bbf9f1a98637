// Camscript board power: driver contract v1 (services/board-power.md) on
// ESP-IDF's sleep API (esp_sleep.h) and reset reason (esp_system.h).
//
// Thin on purpose: the bytecode (src/machine.ts) checks the duration and
// waits for its own flash writes; this service only tells why the chip
// started and goes to sleep when told. ESP-IDF's "Sleep Modes" guide asks
// that Wi-Fi be stopped before deep sleep (esp_wifi_stop()): the station
// then tells its access point it is leaving, instead of the AP finding out
// by its own inactivity timeout. Everything else (Ethernet, the camera)
// loses power with the chip; the boot after the timer runs the deployed
// program from its first line, with `wake_cause` DeepSleepTimer.
//
// esp_reset_reason() alone cannot tell that boot: devicescript-esp32 resets
// the chip itself through a 20 ms deep sleep (main/platform.c, target_reset()
// and target_standby(), at f6aec45), so every runtime reset also reads
// ESP_RST_DEEPSLEEP. This service marks its own sleeps in RTC memory, which
// survives deep sleep, and reads the mark back at boot.

#include "jdesp.h"

#include <stdbool.h>
#include <stdint.h>

#include "esp_attr.h"
#include "esp_err.h"
#include "esp_sleep.h"
#include "esp_system.h"
#include "esp_wifi.h"

#include "cam_board_power.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants, JD_CAM_POWER_* included

#define LOG_TAG "cam_power"
#define LOG(fmt, ...) DMESG(LOG_TAG ": " fmt, ##__VA_ARGS__)

#define CONTRACT_VERSION 1

// Set just before this service's deep sleep; cleared at every boot.
#define SLEEP_MARK 0x63616d7au // "camz"
static RTC_DATA_ATTR uint32_t sleep_mark;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_board_power_regs.
    uint16_t contract_version;
    uint8_t wake_cause; // WakeCause, read once at boot
};

REG_DEFINITION(                                    //
    cam_board_power_regs,                          //
    REG_SRV_COMMON,                                //
    REG_U16(JD_CAM_POWER_REG_CONTRACT_VERSION),    //
    REG_U8(JD_CAM_POWER_REG_WAKE_CAUSE),           //
)

// deep_sleep { duration_ms: u32 }, little-endian as every Jacdac field.
static void handle_deep_sleep(srv_t *state, jd_packet_t *pkt) {
    (void)state;
    if (pkt->service_size < 4) {
        LOG("deep_sleep: %u bytes, the duration needs 4", pkt->service_size);
        return;
    }
    const uint8_t *d = pkt->data;
    uint32_t ms = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    if (ms == 0) {
        LOG("deep_sleep: a duration of 0 ms is not a sleep");
        return;
    }
    // ESP_ERR_WIFI_NOT_INIT / NOT_STARTED: no radio to stop, which is fine
    esp_err_t err = esp_wifi_stop();
    if (err != ESP_OK && err != ESP_ERR_WIFI_NOT_INIT && err != ESP_ERR_WIFI_NOT_STARTED)
        LOG("esp_wifi_stop: %s (sleeping anyway)", esp_err_to_name(err));
    ESP_ERROR_CHECK(esp_sleep_enable_timer_wakeup((uint64_t)ms * 1000u));
    LOG("deep sleep for %u ms", (unsigned)ms);
    sleep_mark = SLEEP_MARK;
    esp_deep_sleep_start();
}

static void cam_board_power_handle_packet(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_command == JD_CAM_POWER_CMD_DEEP_SLEEP) {
        handle_deep_sleep(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_board_power_regs);
}

static void cam_board_power_process(srv_t *state) {
    (void)state;
}

SRV_DEF(cam_board_power, JD_SERVICE_CLASS_CAM_POWER);

void cam_board_power_init(void) {
    SRV_ALLOC(cam_board_power); // zero-filled by jd_allocate_service()
    state->contract_version = CONTRACT_VERSION;
    // this service's own sleep ended (the timer is the only wake-up source it
    // arms), not a runtime reset passing through deep sleep
    bool slept = esp_reset_reason() == ESP_RST_DEEPSLEEP && sleep_mark == SLEEP_MARK;
    sleep_mark = 0;
    state->wake_cause = slept ? JD_CAM_POWER_WAKE_CAUSE_DEEP_SLEEP_TIMER : JD_CAM_POWER_WAKE_CAUSE_POWER_ON;
}
