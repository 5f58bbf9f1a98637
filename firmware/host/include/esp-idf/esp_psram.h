#pragma once
// esp_psram.h of ESP-IDF 5.x (components/esp_psram/include/esp_psram.h):
// whether PSRAM was found at boot, and its size.
#include <stdbool.h>
#include <stddef.h>

bool esp_psram_is_initialized(void);
size_t esp_psram_get_size(void);
