// esp_sleep and esp_reset_reason stand-ins. The simulator's deep sleep is the
// session's (sim/session.ts powers the board down and boots it again), so
// these ask it through imports. cam_board_power.c is not yet started by
// sim_init (the simulator serves services/board-power.md with its model
// driver), so the linker drops these until it is.

#include <stdint.h>

#include "esp_sleep.h"
#include "esp_system.h"
#include "sim.h"

static uint64_t timer_wakeup_us;

esp_err_t esp_sleep_enable_timer_wakeup(uint64_t time_in_us) {
    timer_wakeup_us = time_in_us;
    return ESP_OK;
}

void esp_deep_sleep_start(void) {
    sim_deep_sleep((uint32_t)(timer_wakeup_us / 1000u), (uint32_t)(timer_wakeup_us / 1000u >> 32));
    __builtin_trap(); // the chip is off: nothing runs after this
}

esp_sleep_wakeup_cause_t esp_sleep_get_wakeup_cause(void) {
    return sim_reset_reason() == ESP_RST_DEEPSLEEP ? ESP_SLEEP_WAKEUP_TIMER : ESP_SLEEP_WAKEUP_UNDEFINED;
}

esp_reset_reason_t esp_reset_reason(void) {
    return (esp_reset_reason_t)sim_reset_reason();
}
