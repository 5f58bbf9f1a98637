// Stand-in for ESP-IDF 5.0's esp_attr.h (components/esp_common/include/
// esp_attr.h at v5.0.5, 03d7a3807bee): only RTC_DATA_ATTR. On the chip it
// places a variable in RTC slow memory (section ".rtc.data"), set at
// power-on and kept across deep sleep ("Data in RTC memory is initialised
// whenever the SoC restarts, except when waking from deep sleep":
// docs/en/api-guides/deep-sleep-stub.rst). In the simulator's WebAssembly
// build it goes to a data segment of its own, "rtc_data", which the
// simulator copies from the instance that sleeps into the fresh instance
// that wakes (firmware/host/sim/esp_sleep_sim.c, sim/firmware/board.ts);
// elsewhere (the host unit tests) it is an ordinary variable, as in
// esp_attr.h's own non-ESP32 branch.
#pragma once

#if defined(__wasm__)
#define RTC_DATA_ATTR __attribute__((section("rtc_data")))
#else
#define RTC_DATA_ATTR
#endif
