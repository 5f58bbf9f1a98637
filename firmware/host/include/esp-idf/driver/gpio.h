#pragma once
#include <stdint.h>
#include "esp_err.h"

typedef int gpio_num_t; // ESP-IDF: an enum of GPIO_NUM_0 .. GPIO_NUM_MAX - 1, GPIO_NUM_NC = -1
#define GPIO_NUM_NC (-1)

typedef enum {
    GPIO_MODE_DISABLE = 0,
    GPIO_MODE_INPUT = 1,
    GPIO_MODE_OUTPUT = 2,
    GPIO_MODE_OUTPUT_OD = 6,
    GPIO_MODE_INPUT_OUTPUT_OD = 7,
    GPIO_MODE_INPUT_OUTPUT = 3,
} gpio_mode_t;

esp_err_t gpio_reset_pin(gpio_num_t gpio_num);
esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode);
esp_err_t gpio_set_level(gpio_num_t gpio_num, uint32_t level);
esp_err_t gpio_install_isr_service(int intr_alloc_flags);
