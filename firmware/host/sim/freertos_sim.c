// FreeRTOS for the simulated board: tasks, binary semaphores and mutexes,
// as much of ESP-IDF 5.0.5's FreeRTOS (components/freertos/FreeRTOS-Kernel,
// tag v5.0.5, commit 03d7a3807bee) as the drivers use, on the simulator's
// virtual clock.
//
// How a task runs inside one WebAssembly instance. The module is built with
// binaryen's Asyncify (firmware/Makefile): the one import `task_wait` may
// suspend the code that called it, which unwinds that task's call stack into
// its own save area and returns to the simulator (sim/firmware/tasks.ts);
// later the simulator rewinds it and `task_wait` returns the answer. Each
// task has its own C stack (the shadow stack in linear memory, which
// Asyncify does not save) and its own save area, both allocated here; the
// simulator switches the stack pointer (sim_sp_get / sim_sp_set, stack.S)
// when it enters and leaves a task. Everything is cooperative and
// deterministic: a task runs until it blocks (a delay, an empty semaphore,
// an esp_http_client call), and only when the simulator's main-loop pass
// runs it, never inside another call into the module. Time passes only on
// the virtual clock.
//
// Blocking calls on the main loop (no task current): the simulator runs the
// Jacdac main loop and the event handlers as plain calls that may not
// suspend, so there a delay only counts as done (the clock does not move
// during a pass) and a semaphore take does not wait.

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "sim.h"

#define MAX_TASKS 4
// Asyncify's save area per task: the locals of every frame between the
// task's entry and task_wait (a few hundred bytes for the drivers' deepest
// path); Asyncify traps, loudly, if a task ever needs more.
#define SAVE_AREA_BYTES 4096
// the least C stack a task is given here, whatever it asked for: the
// WebAssembly shadow stack holds only address-taken locals, so the chip's
// figure is ample, but a tiny one must not overrun the heap
#define MIN_STACK_BYTES 4096

// binaryen's Asyncify data: where the next saved byte goes, and the end
struct save_area {
    uint32_t next;
    uint32_t end;
    uint8_t bytes[SAVE_AREA_BYTES];
};

struct tskTaskControlBlock {
    uint32_t id; // 1-based slot in `tasks`
    TaskFunction_t code;
    void *parameters;
    uint8_t *stack;
    struct save_area *save;
};

static struct tskTaskControlBlock *tasks[MAX_TASKS];
static struct tskTaskControlBlock *current; // NULL: the main loop or the event task

static void fatal(const char *message) {
    size_t length = 0;
    while (message[length])
        ++length;
    sim_fatal(message, length);
    __builtin_trap();
}

// ------------------------------------------------------------------- tasks

BaseType_t xTaskCreate(TaskFunction_t code, const char *const name, const uint32_t stack_depth,
                       void *const parameters, UBaseType_t priority, TaskHandle_t *const created) {
    (void)name;
    (void)priority; // one task runs at a time; a woken task runs at the next pass
    unsigned slot = 0;
    while (slot < MAX_TASKS && tasks[slot] != NULL)
        ++slot;
    if (slot == MAX_TASKS)
        return pdFALSE; // errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY in FreeRTOS
    uint32_t stack_bytes = stack_depth < MIN_STACK_BYTES ? MIN_STACK_BYTES : stack_depth;
    struct tskTaskControlBlock *t = calloc(1, sizeof(*t));
    uint8_t *stack = malloc(stack_bytes);
    struct save_area *save = malloc(sizeof(*save));
    if (t == NULL || stack == NULL || save == NULL) {
        free(t);
        free(stack);
        free(save);
        return pdFALSE;
    }
    t->id = slot + 1;
    t->code = code;
    t->parameters = parameters;
    t->stack = stack;
    t->save = save;
    tasks[slot] = t;
    if (created != NULL)
        *created = t;
    // the stack grows down from its 16-byte aligned top
    uintptr_t top = ((uintptr_t)stack + stack_bytes) & ~(uintptr_t)15;
    sim_task_created(t->id, (uint32_t)top, (uint32_t)(uintptr_t)save);
    return pdPASS;
}

// The simulator marks which task runs before it enters (or rewinds into)
// sim_task_run, and 0 after it left.
SIM_EXPORT(sim_task_current) void sim_task_current(uint32_t id) {
    current = id >= 1 && id <= MAX_TASKS ? tasks[id - 1] : NULL;
}

// A task's body, entered once; when it suspends this returns (unwinding),
// and the simulator calls it again to rewind.
SIM_EXPORT(sim_task_run) void sim_task_run(uint32_t id) {
    struct tskTaskControlBlock *t = id >= 1 && id <= MAX_TASKS ? tasks[id - 1] : NULL;
    if (t == NULL)
        fatal("sim_task_run: no such task");
    t->code(t->parameters);
    // FreeRTOS: a task function must not return (it calls vTaskDelete)
    fatal("a FreeRTOS task returned from its function");
}

// The simulator frees a deleted task once it has left it.
SIM_EXPORT(sim_task_free) void sim_task_free(uint32_t id) {
    if (id < 1 || id > MAX_TASKS || tasks[id - 1] == NULL)
        return;
    struct tskTaskControlBlock *t = tasks[id - 1];
    tasks[id - 1] = NULL;
    free(t->stack);
    free(t->save);
    free(t);
}

// Suspends the current task until the simulator answers what it waits for
// (set by the import called just before); that answer.
static int32_t suspend(void) {
    current->save->next = (uint32_t)(uintptr_t)current->save->bytes;
    current->save->end = (uint32_t)(uintptr_t)(current->save->bytes + SAVE_AREA_BYTES);
    return sim_task_wait();
}

int32_t sim_block_current_task(void) {
    if (current == NULL)
        fatal("a blocking ESP-IDF call on the main loop (it must run on a task)");
    return suspend();
}

bool sim_on_task(void) {
    return current != NULL;
}

void vTaskDelay(const TickType_t ticks_to_delay) {
    if (current == NULL) {
        // the main loop: it cannot suspend, and the clock does not move during
        // a pass; a main loop that delays waits for a task (cam_camera_server.c's
        // stop_server waits for its stream task to end), so the tasks sleeping
        // in a delay run now, once each, before the main loop goes on
        sim_task_main_delay();
        return;
    }
    // FreeRTOS: a delay of 0 only yields; at least one tick otherwise
    sim_task_sleep((uint32_t)ticks_to_delay * portTICK_PERIOD_MS);
    suspend();
}

void vTaskDelete(TaskHandle_t task) {
    struct tskTaskControlBlock *t = task != NULL ? task : current;
    if (t == NULL)
        return;
    sim_task_exit(t->id);
    if (t == current)
        suspend(); // never answered: the simulator frees the task once it has left it
    else
        sim_task_free(t->id);
}

// -------------------------------------------------------------- semaphores

// A binary semaphore (xSemaphoreCreateBinary: created empty) or a mutex
// (created given). A task that takes an empty one waits, up to block_time,
// for a give; at most one waiter (each driver's semaphore has one taker).
struct QueueDefinition {
    bool full;
    bool mutex;
    struct tskTaskControlBlock *waiter;
};

static SemaphoreHandle_t create(bool full, bool mutex) {
    SemaphoreHandle_t s = calloc(1, sizeof(*s));
    if (s != NULL) {
        s->full = full;
        s->mutex = mutex;
    }
    return s;
}

SemaphoreHandle_t xSemaphoreCreateMutex(void) {
    return create(true, true);
}

SemaphoreHandle_t xSemaphoreCreateBinary(void) {
    return create(false, false);
}

BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t block_time) {
    if (semaphore->full) {
        semaphore->full = false;
        return pdTRUE;
    }
    if (semaphore->mutex) {
        // the drivers hold their mutexes only across code that never blocks,
        // so a held mutex here is a take of one's own (not recursive: a
        // deadlock on the chip)
        fatal("xSemaphoreTake: the mutex is already held (deadlock)");
    }
    if (current == NULL || block_time == 0)
        return pdFALSE;
    if (semaphore->waiter != NULL)
        fatal("xSemaphoreTake: a second task waits on the same semaphore");
    semaphore->waiter = current;
    sim_task_block(block_time == portMAX_DELAY ? UINT32_MAX : (uint32_t)block_time * portTICK_PERIOD_MS);
    int32_t given = suspend();
    semaphore->waiter = NULL;
    return given ? pdTRUE : pdFALSE;
}

BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore) {
    if (semaphore->full)
        return pdFALSE; // already given (a binary semaphore counts to 1)
    struct tskTaskControlBlock *waiter = semaphore->waiter;
    if (waiter != NULL && sim_task_wake(waiter->id)) {
        semaphore->waiter = NULL; // the waiter has it
        return pdTRUE;
    }
    semaphore->full = true;
    return pdTRUE;
}

void vSemaphoreDelete(SemaphoreHandle_t semaphore) {
    free(semaphore);
}
