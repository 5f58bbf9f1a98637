// esp_sleep and esp_reset_reason stand-ins. The simulator's deep sleep is the
// session's (sim/session.ts powers the board down and boots it again), so
// these ask it through imports. ESP-IDF v5.0.5's rules
// (components/esp_hw_support/sleep_modes.c, esp_system.h):
// - esp_sleep_enable_timer_wakeup stores the time and returns ESP_OK;
// - esp_deep_sleep_start powers down everything but the RTC and never
//   returns: the chip boots again from reset when the timer fires, with
//   esp_reset_reason() ESP_RST_DEEPSLEEP, fresh DRAM, and RTC memory
//   (RTC_DATA_ATTR) as it was. Here the `deep_sleep` import ends the call
//   (it throws through this module's frames, as the power going down ends
//   the CPU's work), the simulator drops this instance, and at wake-up
//   starts a fresh one of the same module with the RTC segment copied in;
// - esp_sleep_get_wakeup_cause is ESP_SLEEP_WAKEUP_UNDEFINED unless the
//   reset was a deep sleep's; the timer is the only source armed here.

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
    uint64_t ms = timer_wakeup_us / 1000u;
    sim_deep_sleep((uint32_t)ms, (uint32_t)(ms >> 32));
    __builtin_trap(); // the chip is off: nothing runs after this
}

esp_sleep_wakeup_cause_t esp_sleep_get_wakeup_cause(void) {
    return sim_reset_reason() == ESP_RST_DEEPSLEEP ? ESP_SLEEP_WAKEUP_TIMER : ESP_SLEEP_WAKEUP_UNDEFINED;
}

esp_reset_reason_t esp_reset_reason(void) {
    return (esp_reset_reason_t)sim_reset_reason();
}

// RTC memory: the linker's bounds of the "rtc_data" segment (RTC_DATA_ATTR,
// esp_attr.h), which the simulator keeps across a deep sleep. Weak: a build
// with no RTC variable has an empty range.
extern char __start_rtc_data[] __attribute__((weak));
extern char __stop_rtc_data[] __attribute__((weak));

SIM_EXPORT(sim_rtc_memory_start) uint32_t sim_rtc_memory_start(void) {
    return (uint32_t)(uintptr_t)__start_rtc_data;
}

SIM_EXPORT(sim_rtc_memory_end) uint32_t sim_rtc_memory_end(void) {
    return (uint32_t)(uintptr_t)__stop_rtc_data;
}
