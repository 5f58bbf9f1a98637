#pragma once
#include "FreeRTOS.h"
void vTaskDelay(const TickType_t ticks_to_delay);
// FreeRTOS-Kernel/include/freertos/task.h in ESP-IDF v5.0.5 (03d7a380):
// xTaskCreate is a static inline there, over xTaskCreatePinnedToCore with
// tskNO_AFFINITY; the stack depth is in bytes on ESP-IDF.
typedef void (*TaskFunction_t)(void *);
typedef struct tskTaskControlBlock *TaskHandle_t;
BaseType_t xTaskCreate(TaskFunction_t pvTaskCode, const char *const pcName, const uint32_t usStackDepth,
                       void *const pvParameters, UBaseType_t uxPriority, TaskHandle_t *const pxCreatedTask);
