#pragma once
#include "FreeRTOS.h"
void vTaskDelay(const TickType_t ticks_to_delay);
