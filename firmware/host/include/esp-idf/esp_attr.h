// Stand-in for ESP-IDF 5.0's esp_attr.h (components/esp_common/include/
// esp_attr.h at v5.0.5, 03d7a3807bee): only RTC_DATA_ATTR. On the chip it
// places a variable in RTC slow memory, set at power-on and kept across deep
// sleep; off the chip it is an ordinary variable (as in esp_attr.h's own
// non-ESP32 branch).
#pragma once

#define RTC_DATA_ATTR
