// Stand-in for ESP-IDF 5.0's esp_sleep.h (components/esp_hw_support/include/
// esp_sleep.h at v5.0.5, 03d7a3807bee): only what cam_board_power.c uses.
// The wake-up causes keep ESP-IDF's order (ESP_SLEEP_WAKEUP_TIMER is 4,
// which MicroPython's machine.TIMER_WAKE reports too).
#pragma once
#include <stdint.h>

#include "esp_err.h"

typedef enum {
    ESP_SLEEP_WAKEUP_UNDEFINED,
    ESP_SLEEP_WAKEUP_ALL,
    ESP_SLEEP_WAKEUP_EXT0,
    ESP_SLEEP_WAKEUP_EXT1,
    ESP_SLEEP_WAKEUP_TIMER,
} esp_sleep_wakeup_cause_t;

// Takes any 64-bit count of microseconds (v5.0.5's sleep_modes.c stores it
// and returns ESP_OK; the header's "out of range (TBD)" is never returned).
esp_err_t esp_sleep_enable_timer_wakeup(uint64_t time_in_us);

// Does not return: the chip boots again when a wake-up source fires.
void esp_deep_sleep_start(void) __attribute__((__noreturn__));

esp_sleep_wakeup_cause_t esp_sleep_get_wakeup_cause(void);
