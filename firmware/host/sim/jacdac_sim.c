// jacdac-c's service framework, as much of it as the camscript services
// use, over the simulator: services are allocated into a table, packets
// from the bus arrive through sim_handle_packet(), the main loop is
// sim_process(), and events and register replies leave through imports
// onto the jacdac-ts bus.

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "jdesp.h"
#include "sim.h"

#define MAX_SERVICES 8
#define JD_GET(reg) (0x1000 | (reg))
#define JD_SET(reg) (0x2000 | (reg))

uint32_t now;

static srv_t *services[MAX_SERVICES];
static unsigned service_count;

// Data the simulator hands in (packets, event payloads) is written here.
static uint8_t scratch[1024] __attribute__((aligned(8)));

SIM_EXPORT(sim_scratch) uint8_t *sim_scratch(void) {
    return scratch;
}

SIM_EXPORT(sim_scratch_size) uint32_t sim_scratch_size(void) {
    return sizeof(scratch);
}

srv_t *jd_allocate_service(const srv_vt_t *vt) {
    if (service_count >= MAX_SERVICES) {
        static const char message[] = "too many services";
        sim_fatal(message, sizeof(message) - 1);
        __builtin_trap();
    }
    srv_t *state = calloc(1, vt->state_size);
    if (state == NULL) {
        static const char message[] = "no memory for a service";
        sim_fatal(message, sizeof(message) - 1);
        __builtin_trap();
    }
    struct {
        SRV_COMMON;
    } *common = (void *)state;
    common->vt = vt;
    common->service_index = (uint8_t)service_count;
    services[service_count++] = state;
    return state;
}

static const srv_vt_t *vt_of(srv_t *state) {
    return *(const srv_vt_t **)state;
}

static uint8_t index_of(srv_t *state) {
    return ((const uint8_t *)state)[JD_PTRSIZE];
}

SIM_EXPORT(sim_service_count) uint32_t sim_service_count(void) {
    return service_count;
}

SIM_EXPORT(sim_service_class) uint32_t sim_service_class(uint32_t index) {
    return index < service_count ? vt_of(services[index])->service_class : 0;
}

static size_t field_size(int type) {
    switch (type) {
    case _JD_REG_I8:
    case _JD_REG_U8:
        return 1;
    case _JD_REG_I16:
    case _JD_REG_U16:
        return 2;
    case _JD_REG_I32:
    case _JD_REG_U32:
        return 4;
    default:
        return 0;
    }
}

// Reads (GET) of the registers in `sdesc`, laid out in the service state as
// jacdac-c lays them: in order, numbers aligned to their size. Writes are
// not served: the camscript contracts' registers are all constant.
int service_handle_register(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]) {
    bool is_get = (pkt->service_command >> 12) == (JD_GET(0) >> 12);
    bool is_set = (pkt->service_command >> 12) == (JD_SET(0) >> 12);
    if (!is_get && !is_set)
        return 0;
    uint16_t wanted = pkt->service_command & 0xfff;
    size_t offset = 0;
    for (size_t i = 0; sdesc[i] != JD_REG_END; ++i) {
        int type = sdesc[i] >> 12;
        uint16_t reg = sdesc[i] & 0xfff;
        size_t size;
        if (type == _JD_REG_BYTES) {
            size = sdesc[++i];
        } else {
            size = field_size(type);
            if (size == 0)
                return 0; // a kind of register these services do not use
            offset = (offset + size - 1) & ~(size - 1);
        }
        if (reg == wanted && reg != JD_REG_PADDING) {
            if (is_set)
                return 0;
            sim_jd_reply(index_of(state), pkt->service_command, (const uint8_t *)state + offset,
                         size);
            return -(int)reg;
        }
        offset += size;
    }
    return 0;
}

int service_handle_register_final(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]) {
    return service_handle_register(state, pkt, sdesc);
}

void jd_send_event_ext(srv_t *srv, uint32_t eventid, const void *data, uint32_t size) {
    sim_jd_event(index_of(srv), eventid, data, size);
}

bool jd_should_sample_ms(uint32_t *sample, uint32_t period) {
    if ((int32_t)(now - *sample) < 0)
        return false;
    *sample += period;
    if ((int32_t)(now - *sample) >= 0)
        *sample = now + period; // fell behind: start again from now
    return true;
}

void jd_log_printf(const char *format, ...) {
    char line[256];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    if (length < 0)
        return;
    if ((size_t)length >= sizeof(line))
        length = sizeof(line) - 1;
    sim_log(line, (size_t)length);
}

static void refresh_now(void) {
    now = (uint32_t)(uint64_t)sim_now_ms();
}

// A packet from the bus for service `index`: its payload is in the scratch.
SIM_EXPORT(sim_handle_packet)
void sim_handle_packet(uint32_t index, uint32_t command, uint32_t size) {
    if (index >= service_count || size > sizeof(((jd_packet_t *)0)->data))
        return;
    refresh_now();
    jd_packet_t pkt;
    memset(&pkt, 0, sizeof(pkt));
    pkt.service_index = (uint8_t)index;
    pkt.service_command = (uint16_t)command;
    pkt.service_size = (uint8_t)size;
    memcpy(pkt.data, scratch, size);
    srv_t *state = services[index];
    vt_of(state)->handle_pkt(state, &pkt);
    // a command may carry a key: no copy of it stays behind
    volatile uint8_t *wipe = pkt.data;
    for (size_t i = 0; i < sizeof(pkt.data); ++i)
        wipe[i] = 0;
    wipe = scratch;
    for (size_t i = 0; i < size; ++i)
        wipe[i] = 0;
}

// One pass of the main loop: every service's process().
SIM_EXPORT(sim_process) void sim_process(void) {
    refresh_now();
    for (unsigned i = 0; i < service_count; ++i)
        vt_of(services[i])->process(services[i]);
}
