#pragma once
#include <stdint.h>
// Microseconds since boot (here: since the simulated board started).
int64_t esp_timer_get_time(void);
