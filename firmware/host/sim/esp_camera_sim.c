// esp32-camera (v2.0.16's esp_camera.h and sensor.h) and esp_psram over the
// simulated sensor (sim/firmware/esp-camera.ts). The buffers' bookkeeping,
// the grab modes and the timing live there, modelled on esp32-camera's
// cam_hal.c; here each camera_fb_t only mirrors a buffer the simulator
// filled. The JPEG bytes stay in the simulator's memory (the contract moves
// frames by index, never through the driver's C): `buf` is an address in a
// range the module's memory never reaches (SIM_FRAME_BASE, one span per
// buffer), which the simulated esp_http_client and esp_http_server read
// through the simulator; nothing in the C dereferences it.

#include <stddef.h>
#include <string.h>

#include "esp_camera.h"
#include "esp_psram.h"
#include "sensor.h"
#include "sim.h"

#define MAX_BUFFERS 4

static camera_fb_t buffers[MAX_BUFFERS];
static sensor_t sensor;
static bool running;

static int set(uint32_t setting, int value) {
    return sim_camera_sensor_set(setting, value);
}

// the sensor_t setters cam_camera.c calls, numbered as the contract's SensorSetting
static int set_brightness(sensor_t *s, int v) { return set(0, v); }
static int set_contrast(sensor_t *s, int v) { return set(1, v); }
static int set_saturation(sensor_t *s, int v) { return set(2, v); }
static int set_vflip(sensor_t *s, int v) { return set(3, v); }
static int set_hmirror(sensor_t *s, int v) { return set(4, v); }
static int set_exposure_ctrl(sensor_t *s, int v) { return set(5, v); }
static int set_aec_value(sensor_t *s, int v) { return set(6, v); }
static int set_gain_ctrl(sensor_t *s, int v) { return set(7, v); }
static int set_agc_gain(sensor_t *s, int v) { return set(8, v); }
static int set_whitebal(sensor_t *s, int v) { return set(9, v); }
static int set_wb_mode(sensor_t *s, int v) { return set(10, v); }
static int set_quality(sensor_t *s, int v) { return set(11, v); }

esp_err_t esp_camera_init(const camera_config_t *config) {
    if (config == NULL)
        return ESP_ERR_INVALID_ARG;
    if (running)
        return ESP_ERR_INVALID_STATE; // esp_camera_init: "Camera already initialized"
    const int pins[16] = {config->pin_pwdn,  config->pin_reset,    config->pin_xclk,
                          config->pin_sccb_sda, config->pin_sccb_scl, config->pin_d0,
                          config->pin_d1,    config->pin_d2,       config->pin_d3,
                          config->pin_d4,    config->pin_d5,       config->pin_d6,
                          config->pin_d7,    config->pin_vsync,    config->pin_href,
                          config->pin_pclk};
    int32_t settings[SIM_CAM_SETTINGS];
    for (int i = 0; i < 16; ++i)
        settings[SIM_CAM_PIN_PWDN + i] = pins[i];
    settings[SIM_CAM_XCLK_HZ] = config->xclk_freq_hz;
    settings[SIM_CAM_PIXEL_FORMAT] = config->pixel_format;
    settings[SIM_CAM_FRAME_SIZE] = config->frame_size;
    settings[SIM_CAM_JPEG_QUALITY] = config->jpeg_quality;
    settings[SIM_CAM_FB_COUNT] = (int32_t)config->fb_count;
    settings[SIM_CAM_FB_LOCATION] = config->fb_location;
    settings[SIM_CAM_GRAB_MODE] = config->grab_mode;
    esp_err_t err = sim_camera_init(settings);
    if (err != ESP_OK)
        return err;
    memset(&sensor, 0, sizeof(sensor));
    sensor.id.PID = (uint16_t)sim_camera_sensor_pid();
    sensor.pixformat = config->pixel_format;
    sensor.status.framesize = config->frame_size;
    sensor.status.quality = (uint8_t)config->jpeg_quality;
    sensor.xclk_freq_hz = config->xclk_freq_hz;
    sensor.set_brightness = set_brightness;
    sensor.set_contrast = set_contrast;
    sensor.set_saturation = set_saturation;
    sensor.set_vflip = set_vflip;
    sensor.set_hmirror = set_hmirror;
    sensor.set_exposure_ctrl = set_exposure_ctrl;
    sensor.set_aec_value = set_aec_value;
    sensor.set_gain_ctrl = set_gain_ctrl;
    sensor.set_agc_gain = set_agc_gain;
    sensor.set_whitebal = set_whitebal;
    sensor.set_wb_mode = set_wb_mode;
    sensor.set_quality = set_quality;
    running = true;
    return ESP_OK;
}

esp_err_t esp_camera_deinit(void) {
    if (!running)
        return ESP_ERR_INVALID_STATE;
    running = false;
    return sim_camera_deinit();
}

bool esp_camera_available_frames(void) {
    return running && sim_camera_available() != 0;
}

// Never blocks here: the simulator answers at once (NULL when nothing is
// filled, as the real call does after FB_GET_TIMEOUT); cam_camera.c only
// calls it after esp_camera_available_frames().
camera_fb_t *esp_camera_fb_get(void) {
    if (!running)
        return NULL;
    sim_fb_t r;
    if (!sim_camera_take(&r) || r.index >= MAX_BUFFERS)
        return NULL;
    camera_fb_t *fb = &buffers[r.index];
    fb->buf = (uint8_t *)(uintptr_t)(SIM_FRAME_BASE + r.index * SIM_FRAME_SPAN);
    fb->len = r.length;
    fb->width = r.width;
    fb->height = r.height;
    fb->format = (pixformat_t)r.format;
    fb->timestamp.tv_sec = (time_t)r.timestamp_sec;
    fb->timestamp.tv_usec = (suseconds_t)r.timestamp_usec;
    return fb;
}

void esp_camera_fb_return(camera_fb_t *fb) {
    if (!running || fb == NULL || fb < buffers || fb >= buffers + MAX_BUFFERS)
        return;
    sim_camera_give((uint32_t)(fb - buffers));
}

void esp_camera_return_all(void) {
    if (running)
        sim_camera_give_all();
}

sensor_t *esp_camera_sensor_get(void) {
    return running ? &sensor : NULL;
}

bool esp_psram_is_initialized(void) {
    return sim_psram_size() > 0;
}

size_t esp_psram_get_size(void) {
    return sim_psram_size();
}
