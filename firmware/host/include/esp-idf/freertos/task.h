// Stand-in for ESP-IDF 5.0's FreeRTOS task.h (components/freertos/
// FreeRTOS-Kernel/include/freertos/task.h at v5.0.5, 03d7a3807bee): only what
// the drivers use. xTaskCreate is a static inline over
// xTaskCreatePinnedToCore there; a function here, with the same arguments.
#pragma once
#include "FreeRTOS.h"

typedef struct tskTaskControlBlock *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);

#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define tskNO_AFFINITY (0x7FFFFFFF)

void vTaskDelay(const TickType_t ticks_to_delay);
// the stack depth is in bytes on ESP-IDF
BaseType_t xTaskCreate(TaskFunction_t code, const char *const name, const uint32_t stack_depth,
                       void *const parameters, UBaseType_t priority, TaskHandle_t *const created);
// NULL: the calling task
void vTaskDelete(TaskHandle_t task);
