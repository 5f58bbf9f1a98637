// Wire layouts of the Camscript Camera packets (services/camera.md v1).
//
// As for the other contracts (cam_wifi_packets.h, cam_ethernet_packets.h),
// every packet is built and read byte by byte at the explicit offsets below,
// never by copying a C struct; integers are little-endian on the wire. The
// functions are pure (no ESP-IDF, no Jacdac), so the layouts are unit-tested
// on the host (firmware/test/test_camera_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAM_CAMERA_PINS 16     // set_pins: pwdn reset xclk siod sioc d0..d7 vsync href pclk
#define CAM_CAMERA_NO_PIN 255  // set_pins: a line that is not wired

// ---- event status (10 bytes)
//   psram_kb u32, state u8, reason u8, sensor u8, frame_size u8, fb_count u8, held u8
#define CAM_CAMERA_STATUS_SIZE 10
typedef struct {
    uint32_t psram_kb;
    uint8_t state, reason, sensor, frame_size, fb_count, held;
} cam_camera_status_t;
void cam_camera_put_status(uint8_t *out, const cam_camera_status_t *s);

// ---- event frame (22 bytes)
//   sequence u32, length u32, age_ms u32, request u16, width u16, height u16,
//   result u8, index u8, format u8, discarded u8
#define CAM_CAMERA_FRAME_SIZE 22
typedef struct {
    uint32_t sequence, length, age_ms;
    uint16_t request, width, height;
    uint8_t result, index, format, discarded;
} cam_camera_frame_t;
void cam_camera_put_frame(uint8_t *out, const cam_camera_frame_t *f);

// ---- command set_config (6 bytes)
//   sensor u8, frame_size u8, jpeg_quality u8, fb_count u8, settle_frames u8, flash_pin i8
#define CAM_CAMERA_CONFIG_SIZE 6
typedef struct {
    uint8_t sensor, frame_size, jpeg_quality, fb_count, settle_frames;
    int8_t flash_pin;
} cam_camera_config_t;
bool cam_camera_parse_config(const uint8_t *data, size_t size, cam_camera_config_t *out);

// ---- command set_pins (16 bytes): GPIO numbers, -1 for 255
bool cam_camera_parse_pins(const uint8_t *data, size_t size, int pins[CAM_CAMERA_PINS]);

// ---- command set_sensor (3 bytes): value i16, setting u8
bool cam_camera_parse_sensor(const uint8_t *data, size_t size, int16_t *value, uint8_t *setting);

// ---- command capture (4 bytes): request u16, mode u8, flash u8
typedef struct {
    uint16_t request;
    uint8_t mode;
    bool flash;
} cam_camera_capture_t;
bool cam_camera_parse_capture(const uint8_t *data, size_t size, cam_camera_capture_t *out);

// ---- command release (5 bytes): sequence u32, index u8
bool cam_camera_parse_release(const uint8_t *data, size_t size, uint32_t *sequence, uint8_t *index);
