#pragma once
#include "FreeRTOS.h"
typedef struct QueueDefinition *QueueHandle_t;
typedef QueueHandle_t SemaphoreHandle_t;
SemaphoreHandle_t xSemaphoreCreateMutex(void);
BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t block_time);
BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore);
void vSemaphoreDelete(SemaphoreHandle_t semaphore);
// a macro over xQueueGenericCreate in FreeRTOS (semphr.h, ESP-IDF v5.0.5)
SemaphoreHandle_t xSemaphoreCreateBinary(void);
