// Stand-in for devicescript-esp32's jdesp.h as far as the camscript
// services use it: jacdac-c's service framework (srv_t, SRV_DEF, SRV_ALLOC,
// REG_DEFINITION, register handling), events, time and logging. The names,
// macros and signatures follow jacdac-c's jd_service_framework.h,
// jd_protocol.h and jd_util.h (written here, not copied). The
// implementation is firmware/host/sim/jacdac_sim.c.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "esp_err.h"

#define JD_PTRSIZE 4

typedef struct {
    uint16_t crc;
    uint8_t _size;
    uint8_t flags;
    uint64_t device_identifier;
    uint8_t service_size;
    uint8_t service_index;
    uint16_t service_command;
    uint8_t data[236];
} __attribute__((__packed__, aligned(4))) jd_packet_t;

#define PKT_UNHANDLED 0
#define PKT_HANDLED_RO 1
#define PKT_HANDLED_RW 2

#define JD_REG_PADDING 0xff0
#define JD_REG_END 0xff1
#define _JD_REG_(tp, v) (((tp) << 12) | (v))
#define _JD_REG_I8 0
#define _JD_REG_U8 1
#define _JD_REG_I16 2
#define _JD_REG_U16 3
#define _JD_REG_I32 4
#define _JD_REG_U32 5
#define _JD_REG_BYTES 9
#define REG_I8(v) _JD_REG_(_JD_REG_I8, (v))
#define REG_U8(v) _JD_REG_(_JD_REG_U8, (v))
#define REG_I16(v) _JD_REG_(_JD_REG_I16, (v))
#define REG_U16(v) _JD_REG_(_JD_REG_U16, (v))
#define REG_I32(v) _JD_REG_(_JD_REG_I32, (v))
#define REG_U32(v) _JD_REG_(_JD_REG_U32, (v))
#define REG_BYTES(v, n) _JD_REG_(_JD_REG_BYTES, (v)), n

#define REG_DEFINITION(name, ...) static const uint16_t name[] = {__VA_ARGS__ JD_REG_END};

typedef struct srv_state srv_t;
typedef void (*srv_pkt_cb_t)(srv_t *state, jd_packet_t *pkt);
typedef void (*srv_cb_t)(srv_t *state);

struct _srv_vt {
    uint32_t service_class;
    uint16_t state_size;
    srv_cb_t process;
    srv_pkt_cb_t handle_pkt;
};
typedef struct _srv_vt srv_vt_t;

#define SRV_COMMON                                                                                 \
    const srv_vt_t *vt;                                                                            \
    uint8_t service_index;                                                                         \
    uint8_t srv_flags;
#define REG_SRV_COMMON REG_BYTES(JD_REG_PADDING, JD_PTRSIZE + 2)

srv_t *jd_allocate_service(const srv_vt_t *vt);
int service_handle_register(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]);
int service_handle_register_final(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]);

#define SRV_DEF(id, service_cls)                                                                   \
    static const srv_vt_t id##_vt = {                                                              \
        .service_class = service_cls,                                                              \
        .state_size = sizeof(srv_t),                                                               \
        .process = id##_process,                                                                   \
        .handle_pkt = id##_handle_packet,                                                          \
    }

#define SRV_ALLOC(id)                                                                              \
    srv_t *state = jd_allocate_service(&id##_vt);                                                  \
    (void)state;

void jd_send_event_ext(srv_t *srv, uint32_t eventid, const void *data, uint32_t size);

// Milliseconds since start, refreshed before every main-loop pass.
extern uint32_t now;
bool jd_should_sample_ms(uint32_t *sample, uint32_t period);

void jd_log_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
#define DMESG(fmt, ...) jd_log_printf(fmt, ##__VA_ARGS__)

// The main loop runs after every event the simulator delivers: no wake-up needed.
#define JD_WIFI 0
