#pragma once
// esp_camera.h of espressif/esp32-camera v2.0.16 (driver/include/
// esp_camera.h at 920996f51ca75d5b83fa84efd60d745c48f23189), written for
// this project from that header: camera_config_t's fields in their order
// (the SCCB pins without their deprecated sscb aliases), camera_fb_t, the
// grab modes and buffer locations, the error codes, and the calls
// cam_camera.c makes. v2.0.16 is the first release with
// esp_camera_available_frames() and the last that builds with ESP-IDF 5.0
// (2.1.2 requires 5.1: its idf_component.yml).
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "driver/ledc.h"
#include "esp_err.h"
#include "sensor.h"

typedef enum {
    CAMERA_GRAB_WHEN_EMPTY, // fills buffers when they are empty: the first fb_count frames may be old
    CAMERA_GRAB_LATEST      // except with one buffer, the queue holds the last fb_count frames
} camera_grab_mode_t;

typedef enum {
    CAMERA_FB_IN_PSRAM,
    CAMERA_FB_IN_DRAM
} camera_fb_location_t;

typedef struct {
    int pin_pwdn;
    int pin_reset;
    int pin_xclk;
    int pin_sccb_sda;
    int pin_sccb_scl;
    int pin_d7;
    int pin_d6;
    int pin_d5;
    int pin_d4;
    int pin_d3;
    int pin_d2;
    int pin_d1;
    int pin_d0;
    int pin_vsync;
    int pin_href;
    int pin_pclk;

    int xclk_freq_hz;

    ledc_timer_t ledc_timer;
    ledc_channel_t ledc_channel;

    pixformat_t pixel_format;
    framesize_t frame_size;

    int jpeg_quality;
    size_t fb_count;
    camera_fb_location_t fb_location;
    camera_grab_mode_t grab_mode;

    int sccb_i2c_port;
} camera_config_t;

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t width;
    size_t height;
    pixformat_t format;
    struct timeval timestamp; // since boot, at the frame's first DMA transfer
} camera_fb_t;

#define ESP_ERR_CAMERA_BASE 0x20000
#define ESP_ERR_CAMERA_NOT_DETECTED (ESP_ERR_CAMERA_BASE + 1)
#define ESP_ERR_CAMERA_FAILED_TO_SET_FRAME_SIZE (ESP_ERR_CAMERA_BASE + 2)
#define ESP_ERR_CAMERA_FAILED_TO_SET_OUT_FORMAT (ESP_ERR_CAMERA_BASE + 3)
#define ESP_ERR_CAMERA_NOT_SUPPORTED (ESP_ERR_CAMERA_BASE + 4)

esp_err_t esp_camera_init(const camera_config_t *config);
esp_err_t esp_camera_deinit(void);
// blocks up to FB_GET_TIMEOUT (4 s, driver/esp_camera.c) for a filled buffer; NULL after
camera_fb_t *esp_camera_fb_get(void);
void esp_camera_fb_return(camera_fb_t *fb);
sensor_t *esp_camera_sensor_get(void);
void esp_camera_return_all(void);
// whether esp_camera_fb_get would return a frame at once
bool esp_camera_available_frames(void);
