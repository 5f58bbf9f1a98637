// Camscript Camera: driver contract v1 (services/camera.md) on Espressif's
// esp32-camera component, v2.0.16 (the IDF component registry's
// espressif/esp32-camera; firmware/idf/idf_component.yml). The calls and
// types used are those of its driver/include/esp_camera.h and sensor.h at
// commit 920996f51ca75d5b83fa84efd60d745c48f23189 (firmware/host/include/
// esp32-camera/ follows them for the host build).
//
// Thin on purpose: the bytecode (src/camera/) decides which sizes and how
// many buffers a board affords, checks every value, and says what a failure
// means. This file turns the contract's commands into esp32-camera calls and
// reports what happened:
//
// - set_active(true): esp_camera_init() with a camera_config_t from the
//   board's pins (set_pins), JPEG at the frame size, quality and buffer count
//   of set_config, XCLK 20 MHz on LEDC timer 0 / channel 0, the buffers in
//   PSRAM when PSRAM was found (else internal DRAM), and the grab mode
//   esp32-camera needs for the count: CAMERA_GRAB_LATEST with more than one
//   buffer, CAMERA_GRAB_WHEN_EMPTY with one (GRAB_LATEST keeps
//   fb_count - 1 frames queued; with one buffer it does nothing:
//   cam_hal.c cam_config). Then `settle_frames` frames are taken and given
//   back while auto-exposure settles, and the state reads Ready.
// - capture: a frame whose exposure started after the command (Fresh): the
//   frames already filled (camera_fb_t.timestamp, taken at the frame's first
//   DMA transfer, earlier than the command) are given back at once and the
//   next one is kept; or the newest frame already filled (Latest). The
//   buffer's camera_fb_t stays held until `release`.
// - sequence numbers count every frame the sensor delivered, also those it
//   dropped while every buffer was full: the gap between two timestamps,
//   in frame periods (the period is the shortest gap seen, which the
//   settling frames, taken back to back, give at once).
//
// Threading. esp_camera_fb_get() blocks (up to FB_GET_TIMEOUT, 4 s, in
// driver/esp_camera.c); nothing here calls it unless
// esp_camera_available_frames() says a frame is ready, so the Jacdac main
// loop never waits on the sensor: a capture is a request that
// cam_camera_process() completes on a later pass, or fails after the
// contract's capture timeout (4 s, esp32-camera's own) with
// SensorNotResponding. All state is main-loop only; esp32-camera's own task
// and interrupt fill the buffers.
//
// The camera server (cam_camera_server.c) takes frames from its own tasks
// through cam_camera_take_newest(): every fb_get of either side runs under
// `frames_lock` after esp_camera_available_frames() said a frame is there,
// so neither side blocks in fb_get on a frame the other took, and the
// sequence numbering (sequence_of) sees each frame once. Before the camera
// stops (esp_camera_deinit frees the buffers) the main loop waits for the
// server to give its frame back (bounded: the server checks
// cam_camera_ready() between chunks of a send).
//
// Wire layouts are in cam_camera_packets.c.

#include "jdesp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "driver/gpio.h"
#include "esp_camera.h"
#include "esp_err.h"
#include "esp_psram.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#include "cam_camera.h"
#include "cam_camera_packets.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants, JD_CAM_CAMERA_* included

#define LOG(msg, ...) DMESG("cam_camera: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1
#define STATE(name) JD_CAM_CAMERA_STATE_##name
#define REASON(name) JD_CAM_CAMERA_REASON_##name
#define RESULT(name) JD_CAM_CAMERA_CAPTURE_RESULT_##name
#define SETTING(name) JD_CAM_CAMERA_SENSOR_SETTING_##name

#define MAX_BUFFERS 4               // src/limits.ts FB_COUNT_MAX
#define XCLK_HZ 20000000            // Arduino's CameraWebServer and ESPHome's default
#define CAPTURE_TIMEOUT_US 4000000  // esp32-camera's FB_GET_TIMEOUT (driver/esp_camera.c)
#define SETTINGS (SETTING(QUALITY) + 1)
// how long a stop waits for the server's frame: httpd's send timeout (5 s) and a margin
#define SERVER_GIVE_BACK_US 5500000

// set_pins order (services/camera.md)
enum { PIN_PWDN, PIN_RESET, PIN_XCLK, PIN_SIOD, PIN_SIOC, PIN_D0, PIN_VSYNC = 13, PIN_HREF, PIN_PCLK };

typedef struct {
    camera_fb_t *fb; // NULL: free
    uint32_t sequence;
} held_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_camera_regs.
    uint16_t contract_version;

    int pins[CAM_CAMERA_PINS];
    bool config_given;
    cam_camera_config_t config;
    int16_t settings[SETTINGS];
    uint16_t settings_given; // bit per SensorSetting
    uint8_t flash_level;

    uint8_t state;
    uint8_t reason;
    uint8_t sensor_found; // the contract's Sensor
    bool initialized;     // esp_camera_init succeeded, esp_camera_deinit not yet called
    uint8_t settle_left;  // frames still to discard before Ready
    held_t held[MAX_BUFFERS];

    // sequence numbers
    uint32_t next_sequence;  // the number the next frame the sensor delivers gets
    int64_t last_stamp_us;   // timestamp of the last frame taken (0: none this start)
    int64_t period_us;       // shortest gap between two frames seen this start (0: unknown)

    // the capture in progress
    bool capturing;
    cam_camera_capture_t capture;
    int64_t capture_since_us;
    uint8_t discarded;
};

// Shared with the camera server's tasks (see Threading above).
static SemaphoreHandle_t frames_lock;
static volatile bool frames_open;       // Ready: the server may take frames
static volatile uint8_t server_holds;   // frames the server holds (0 or 1)
static uint32_t frames_epoch;           // one more at every stop: a frame of an earlier one is gone
static uint32_t server_epoch;           // frames_epoch when the server took its frame
static cam_camera_watch_fn watcher;
static srv_t *camera_state;

REG_DEFINITION(                                   //
    cam_camera_regs,                              //
    REG_SRV_COMMON,                               //
    REG_U16(JD_CAM_CAMERA_REG_CONTRACT_VERSION),  //
)

// ---------------------------------------------------------------- helpers

static uint32_t psram_kb(void) {
    return esp_psram_is_initialized() ? (uint32_t)(esp_psram_get_size() / 1024) : 0;
}

static uint8_t held_count(srv_t *state) {
    uint8_t n = 0;
    for (int i = 0; i < MAX_BUFFERS; ++i)
        n += state->held[i].fb != NULL;
    return n;
}

static void send_status(srv_t *state) {
    cam_camera_status_t s = {
        .psram_kb = psram_kb(),
        .state = state->state,
        .reason = state->reason,
        .sensor = state->state == STATE(READY) ? state->sensor_found : JD_CAM_CAMERA_SENSOR_NONE,
        .frame_size = state->config.frame_size,
        .fb_count = state->config.fb_count,
        .held = held_count(state),
    };
    uint8_t payload[CAM_CAMERA_STATUS_SIZE];
    cam_camera_put_status(payload, &s);
    jd_send_event_ext(state, JD_CAM_CAMERA_EV_STATUS, payload, sizeof(payload));
}

static void open_frames(bool ready) {
    if (ready == frames_open)
        return;
    frames_open = ready;
    if (watcher != NULL)
        watcher(ready); // the server's status goes first (services/camera-server.md)
}

static void set_state(srv_t *state, uint8_t s, uint8_t reason) {
    open_frames(s == STATE(READY));
    state->state = s;
    state->reason = reason;
    send_status(state);
}

static void answer(srv_t *state, uint16_t request, uint8_t result, const cam_camera_frame_t *frame) {
    cam_camera_frame_t f = {0};
    if (frame != NULL)
        f = *frame;
    f.request = request;
    f.result = result;
    f.format = JD_CAM_CAMERA_PIXEL_FORMAT_JPEG;
    uint8_t payload[CAM_CAMERA_FRAME_SIZE];
    cam_camera_put_frame(payload, &f);
    jd_send_event_ext(state, JD_CAM_CAMERA_EV_FRAME, payload, sizeof(payload));
}

static int64_t stamp_us(const camera_fb_t *fb) {
    return (int64_t)fb->timestamp.tv_sec * 1000000 + fb->timestamp.tv_usec;
}

// The sequence number of a frame just taken: every frame period since the
// last one taken counts (frames dropped while the buffers were full too).
static uint32_t sequence_of(srv_t *state, const camera_fb_t *fb) {
    int64_t t = stamp_us(fb);
    uint32_t frames = 1;
    if (state->last_stamp_us != 0) {
        int64_t gap = t - state->last_stamp_us;
        if (gap > 0 && (state->period_us == 0 || gap < state->period_us))
            state->period_us = gap;
        if (state->period_us > 0 && gap > 0)
            frames = (uint32_t)((gap + state->period_us / 2) / state->period_us);
        if (frames == 0)
            frames = 1;
    }
    state->last_stamp_us = t;
    state->next_sequence += frames;
    return state->next_sequence - 1;
}

static void flash(srv_t *state, bool on) {
    if (state->config.flash_pin < 0)
        return;
    gpio_set_level((gpio_num_t)state->config.flash_pin, on ? 1 : 0);
}

// The sensor settings given so far, onto the running sensor (they are kept
// across re-initialisation, as the contract says).
static void apply_setting(sensor_t *s, uint8_t setting, int value) {
    switch (setting) {
    case SETTING(BRIGHTNESS):
        s->set_brightness(s, value);
        return;
    case SETTING(CONTRAST):
        s->set_contrast(s, value);
        return;
    case SETTING(SATURATION):
        s->set_saturation(s, value);
        return;
    case SETTING(VFLIP):
        s->set_vflip(s, value);
        return;
    case SETTING(HMIRROR):
        s->set_hmirror(s, value);
        return;
    case SETTING(AUTO_EXPOSURE):
        s->set_exposure_ctrl(s, value);
        return;
    case SETTING(EXPOSURE_VALUE):
        s->set_aec_value(s, value);
        return;
    case SETTING(AUTO_GAIN):
        s->set_gain_ctrl(s, value);
        return;
    case SETTING(GAIN_VALUE):
        s->set_agc_gain(s, value);
        return;
    case SETTING(WHITE_BALANCE):
        s->set_whitebal(s, value);
        return;
    case SETTING(WHITE_BALANCE_MODE):
        s->set_wb_mode(s, value);
        return;
    case SETTING(QUALITY):
        s->set_quality(s, value);
        return;
    }
}

static uint8_t sensor_of(const sensor_t *s) {
    switch (s->id.PID) {
    case OV2640_PID:
        return JD_CAM_CAMERA_SENSOR_OV2640;
    case OV3660_PID:
        return JD_CAM_CAMERA_SENSOR_OV3660;
    case OV5640_PID:
        return JD_CAM_CAMERA_SENSOR_OV5640;
    }
    return JD_CAM_CAMERA_SENSOR_NONE;
}

// ------------------------------------------------------------ start, stop

// The stream ends: the frames the sensor delivered after the last one taken
// still count (the period each, until now), so the next stream's numbers go
// on from where the sensor got to.
static void end_stream(srv_t *state) {
    if (!state->initialized || state->last_stamp_us == 0 || state->period_us == 0)
        return;
    int64_t since = esp_timer_get_time() - state->last_stamp_us;
    int64_t after = since / state->period_us - 1; // the last one taken is counted already
    if (after > 0)
        state->next_sequence += (uint32_t)after;
    state->last_stamp_us = 0;
}

// Gives every held buffer back and ends the capture in progress (answered
// NotReady): the frames of a stopped camera are gone.
static void drop_frames(srv_t *state) {
    for (int i = 0; i < MAX_BUFFERS; ++i) {
        if (state->held[i].fb != NULL && state->initialized)
            esp_camera_fb_return(state->held[i].fb);
        state->held[i].fb = NULL;
    }
    if (state->capturing) {
        state->capturing = false;
        if (state->capture.flash)
            flash(state, state->flash_level > 0);
        answer(state, state->capture.request, RESULT(NOT_READY), NULL);
    }
}

// The server's frame goes back before the buffers are freed.
static void close_frames(void) {
    open_frames(false);
    int64_t since = esp_timer_get_time();
    while (server_holds > 0 && esp_timer_get_time() - since < SERVER_GIVE_BACK_US)
        vTaskDelay(1);
    xSemaphoreTake(frames_lock, portMAX_DELAY);
    if (server_holds > 0)
        LOG("the camera server kept its frame past %d ms; the buffers go anyway", SERVER_GIVE_BACK_US / 1000);
    server_holds = 0;
    frames_epoch++; // a frame still out is not given back to the freed buffers
    xSemaphoreGive(frames_lock);
}

static void stop(srv_t *state, uint8_t s, uint8_t reason) {
    close_frames();
    drop_frames(state);
    end_stream(state);
    if (state->initialized) {
        esp_camera_deinit();
        state->initialized = false;
    }
    set_state(state, s, reason);
}

static uint8_t failure_reason(esp_err_t err) {
    switch (err) {
    case ESP_ERR_NOT_FOUND:            // camera_probe: no sensor answered on SCCB
    case ESP_ERR_CAMERA_NOT_DETECTED:  // an id that is no supported sensor
    case ESP_ERR_NOT_SUPPORTED:        // a sensor without JPEG
        return REASON(PROBE_FAILED);
    case ESP_FAIL:       // cam_config: "frame buffer malloc failed"
    case ESP_ERR_NO_MEM: // the driver's own state
        return psram_kb() == 0 ? REASON(NO_PSRAM) : REASON(OUT_OF_MEMORY);
    }
    return REASON(PROBE_FAILED);
}

static void start(srv_t *state) {
    close_frames();
    drop_frames(state);
    end_stream(state);
    if (state->initialized) {
        esp_camera_deinit();
        state->initialized = false;
    }
    if (!state->config_given) {
        set_state(state, STATE(FAILED), REASON(PROBE_FAILED));
        return;
    }
    set_state(state, STATE(STARTING), REASON(NONE));
    const int *p = state->pins;
    const bool psram = psram_kb() > 0;
    // The contract's rule (services/camera.md, NoPsram): more than one buffer
    // needs PSRAM. esp32-camera itself would try them all in internal RAM,
    // which the Wi-Fi stack and the VM need.
    if (!psram && state->config.fb_count > 1) {
        LOG("%d frame buffers need PSRAM, and none was found", state->config.fb_count);
        set_state(state, STATE(FAILED), REASON(NO_PSRAM));
        return;
    }
    camera_config_t config = {
        .pin_pwdn = p[PIN_PWDN],
        .pin_reset = p[PIN_RESET],
        .pin_xclk = p[PIN_XCLK],
        .pin_sccb_sda = p[PIN_SIOD],
        .pin_sccb_scl = p[PIN_SIOC],
        .pin_d0 = p[PIN_D0],
        .pin_d1 = p[PIN_D0 + 1],
        .pin_d2 = p[PIN_D0 + 2],
        .pin_d3 = p[PIN_D0 + 3],
        .pin_d4 = p[PIN_D0 + 4],
        .pin_d5 = p[PIN_D0 + 5],
        .pin_d6 = p[PIN_D0 + 6],
        .pin_d7 = p[PIN_D0 + 7],
        .pin_vsync = p[PIN_VSYNC],
        .pin_href = p[PIN_HREF],
        .pin_pclk = p[PIN_PCLK],
        .xclk_freq_hz = XCLK_HZ,
        .ledc_timer = LEDC_TIMER_0,
        .ledc_channel = LEDC_CHANNEL_0,
        .pixel_format = PIXFORMAT_JPEG,
        .frame_size = (framesize_t)state->config.frame_size,
        .jpeg_quality = state->config.jpeg_quality,
        .fb_count = state->config.fb_count,
        .fb_location = psram ? CAMERA_FB_IN_PSRAM : CAMERA_FB_IN_DRAM,
        .grab_mode = state->config.fb_count > 1 ? CAMERA_GRAB_LATEST : CAMERA_GRAB_WHEN_EMPTY,
        .sccb_i2c_port = 0,
    };
    esp_err_t err = esp_camera_init(&config);
    if (err != ESP_OK) {
        LOG("esp_camera_init: %s", esp_err_to_name(err));
        set_state(state, STATE(FAILED), failure_reason(err));
        return;
    }
    state->initialized = true;
    sensor_t *s = esp_camera_sensor_get();
    state->sensor_found = s != NULL ? sensor_of(s) : JD_CAM_CAMERA_SENSOR_NONE;
    if (s != NULL)
        for (uint8_t i = 0; i < SETTINGS; ++i)
            if (state->settings_given & (1u << i))
                apply_setting(s, i, state->settings[i]);
    state->settle_left = state->config.settle_frames;
    state->last_stamp_us = 0;
    state->period_us = 0;
    state->capture_since_us = esp_timer_get_time(); // the settling frames' deadline
    // Ready once the settling frames have gone by (cam_camera_process)
}

// ---------------------------------------------------------------- process

static int free_slot(srv_t *state) {
    for (int i = 0; i < state->config.fb_count && i < MAX_BUFFERS; ++i)
        if (state->held[i].fb == NULL)
            return i;
    return -1;
}

static void settle(srv_t *state) {
    xSemaphoreTake(frames_lock, portMAX_DELAY);
    while (state->settle_left > 0 && esp_camera_available_frames()) {
        camera_fb_t *fb = esp_camera_fb_get();
        if (fb == NULL)
            break;
        sequence_of(state, fb);
        esp_camera_fb_return(fb);
        state->settle_left--;
        state->capture_since_us = esp_timer_get_time();
    }
    xSemaphoreGive(frames_lock);
    if (state->settle_left == 0) {
        set_state(state, STATE(READY), REASON(NONE));
        return;
    }
    if (esp_timer_get_time() - state->capture_since_us >= CAPTURE_TIMEOUT_US) {
        LOG("no frame within %d ms while settling", CAPTURE_TIMEOUT_US / 1000);
        stop(state, STATE(FAILED), REASON(SENSOR_NOT_RESPONDING));
    }
}

// `at_command`: the pass of the capture command itself; only frames filled
// before the command count as discarded (the contract's `discarded`), not
// those whose exposure had begun but which completed after it.
static void take(srv_t *state, bool at_command) {
    cam_camera_capture_t *c = &state->capture;
    const bool fresh = c->mode == JD_CAM_CAMERA_GRAB_MODE_FRESH;
    xSemaphoreTake(frames_lock, portMAX_DELAY);
    while (esp_camera_available_frames()) {
        camera_fb_t *fb = esp_camera_fb_get();
        if (fb == NULL)
            break;
        uint32_t sequence = sequence_of(state, fb);
        // Fresh: a frame whose exposure began before the command goes back.
        // Latest: keep taking while more are queued, the last is the newest.
        bool stale = fresh && stamp_us(fb) < state->capture_since_us;
        if (stale || (!fresh && esp_camera_available_frames())) {
            esp_camera_fb_return(fb);
            if (stale && at_command)
                state->discarded++;
            continue;
        }
        int slot = free_slot(state);
        if (slot < 0) { // cannot happen: capture refuses when every buffer is held
            esp_camera_fb_return(fb);
            break;
        }
        state->held[slot].fb = fb;
        state->held[slot].sequence = sequence;
        state->capturing = false;
        xSemaphoreGive(frames_lock);
        if (c->flash)
            flash(state, state->flash_level > 0);
        int64_t age = esp_timer_get_time() - stamp_us(fb);
        cam_camera_frame_t f = {
            .sequence = sequence,
            .length = (uint32_t)fb->len,
            .age_ms = age > 0 ? (uint32_t)(age / 1000) : 0,
            .width = (uint16_t)fb->width,
            .height = (uint16_t)fb->height,
            .index = (uint8_t)slot,
            .discarded = state->discarded,
        };
        answer(state, c->request, RESULT(OK), &f);
        return;
    }
    xSemaphoreGive(frames_lock);
    if (esp_timer_get_time() - state->capture_since_us >= CAPTURE_TIMEOUT_US) {
        // esp_camera_fb_get would have returned NULL: the sensor stopped.
        // The state goes first, so the script reads it when capture() throws.
        uint16_t request = c->request;
        state->capturing = false;
        if (c->flash)
            flash(state, state->flash_level > 0);
        stop(state, STATE(FAILED), REASON(SENSOR_NOT_RESPONDING));
        answer(state, request, RESULT(TIMEOUT), NULL);
    }
}

static void cam_camera_process(srv_t *state) {
    if (!state->initialized)
        return;
    if (state->state == STATE(STARTING))
        settle(state);
    else if (state->state == STATE(READY) && state->capturing)
        take(state, false);
}

// --------------------------------------------------------------- commands

static void handle_capture(srv_t *state, jd_packet_t *pkt) {
    cam_camera_capture_t c;
    if (!cam_camera_parse_capture(pkt->data, pkt->service_size, &c))
        return;
    if (state->state != STATE(READY) || state->capturing) {
        answer(state, c.request, RESULT(NOT_READY), NULL);
        return;
    }
    if (free_slot(state) < 0) {
        answer(state, c.request, RESULT(NO_FREE_BUFFER), NULL);
        return;
    }
    state->capture = c;
    state->capturing = true;
    state->capture_since_us = esp_timer_get_time();
    state->discarded = 0;
    if (c.flash)
        flash(state, true);
    take(state, true);
}

static void handle_release(srv_t *state, jd_packet_t *pkt) {
    uint32_t sequence;
    uint8_t index;
    if (!cam_camera_parse_release(pkt->data, pkt->service_size, &sequence, &index))
        return;
    if (index >= MAX_BUFFERS || state->held[index].fb == NULL || state->held[index].sequence != sequence)
        return; // released already, or the camera restarted since
    esp_camera_fb_return(state->held[index].fb);
    state->held[index].fb = NULL;
}

static void handle_set_sensor(srv_t *state, jd_packet_t *pkt) {
    int16_t value;
    uint8_t setting;
    if (!cam_camera_parse_sensor(pkt->data, pkt->service_size, &value, &setting) || setting >= SETTINGS)
        return;
    state->settings[setting] = value;
    state->settings_given |= (uint16_t)(1u << setting);
    sensor_t *s = state->initialized ? esp_camera_sensor_get() : NULL;
    if (s != NULL)
        apply_setting(s, setting, value);
}

static void handle_set_config(srv_t *state, jd_packet_t *pkt) {
    cam_camera_config_t c;
    if (!cam_camera_parse_config(pkt->data, pkt->service_size, &c))
        return;
    if (c.fb_count < 1 || c.fb_count > MAX_BUFFERS)
        return; // the bytecode checks the count (src/camera/checks.ts)
    if (state->config_given && state->config.flash_pin >= 0 && state->config.flash_pin != c.flash_pin)
        gpio_reset_pin((gpio_num_t)state->config.flash_pin);
    state->config = c;
    state->config_given = true;
    if (c.flash_pin >= 0) {
        gpio_reset_pin((gpio_num_t)c.flash_pin);
        gpio_set_direction((gpio_num_t)c.flash_pin, GPIO_MODE_OUTPUT);
        flash(state, state->flash_level > 0);
    }
    // esp32-camera sizes its buffers at init: a running camera starts again
    if (state->state == STATE(READY) || state->state == STATE(STARTING))
        start(state);
}

static void cam_camera_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_CAMERA_CMD_SET_PINS:
        cam_camera_parse_pins(pkt->data, pkt->service_size, state->pins);
        return;
    case JD_CAM_CAMERA_CMD_SET_CONFIG:
        handle_set_config(state, pkt);
        return;
    case JD_CAM_CAMERA_CMD_SET_ACTIVE:
        if (pkt->service_size >= 1 && pkt->data[0])
            start(state);
        else
            stop(state, STATE(OFF), REASON(STOPPED_BY_REQUEST));
        return;
    case JD_CAM_CAMERA_CMD_SET_SENSOR:
        handle_set_sensor(state, pkt);
        return;
    case JD_CAM_CAMERA_CMD_SET_FLASH:
        if (pkt->service_size >= 1) {
            state->flash_level = pkt->data[0];
            // on or off: the LED is driven as a GPIO (no PWM dimming)
            if (!state->capturing || !state->capture.flash)
                flash(state, state->flash_level > 0);
        }
        return;
    case JD_CAM_CAMERA_CMD_CAPTURE:
        handle_capture(state, pkt);
        return;
    case JD_CAM_CAMERA_CMD_RELEASE:
        handle_release(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_camera_regs);
}

// ------------------------------------------------------------------- init

SRV_DEF(cam_camera, JD_SERVICE_CLASS_CAM_CAMERA);

const camera_fb_t *cam_camera_held_frame(uint8_t index, uint32_t sequence) {
    srv_t *camera = camera_state; // the one instance
    if (camera == NULL || index >= MAX_BUFFERS || camera->held[index].fb == NULL ||
        camera->held[index].sequence != sequence)
        return NULL;
    return camera->held[index].fb;
}

void cam_camera_init(void) {
    SRV_ALLOC(cam_camera); // zero-filled by jd_allocate_service()
    camera_state = state;
    frames_lock = xSemaphoreCreateMutex();
    state->contract_version = CONTRACT_VERSION;
    state->state = STATE(OFF);
    state->reason = REASON(NONE);
    for (int i = 0; i < CAM_CAMERA_PINS; ++i)
        state->pins[i] = -1;
}

// ------------------------------------------------- frames for the server

void cam_camera_watch(cam_camera_watch_fn fn) {
    watcher = fn;
}

bool cam_camera_ready(void) {
    return frames_open;
}

camera_fb_t *cam_camera_take_newest(int64_t not_before_us, uint32_t *sequence) {
    if (camera_state == NULL || !frames_open)
        return NULL;
    camera_fb_t *kept = NULL;
    xSemaphoreTake(frames_lock, portMAX_DELAY);
    // GRAB_LATEST keeps the newest frames queued: take them all, keep the last that is fresh enough
    while (frames_open && esp_camera_available_frames()) {
        camera_fb_t *fb = esp_camera_fb_get();
        if (fb == NULL)
            break;
        uint32_t n = sequence_of(camera_state, fb);
        if (stamp_us(fb) < not_before_us) {
            esp_camera_fb_return(fb);
            continue;
        }
        if (kept != NULL)
            esp_camera_fb_return(kept);
        kept = fb;
        *sequence = n;
    }
    if (kept != NULL) {
        server_holds++;
        server_epoch = frames_epoch;
    }
    xSemaphoreGive(frames_lock);
    return kept;
}

void cam_camera_give(camera_fb_t *fb) {
    if (fb == NULL)
        return;
    xSemaphoreTake(frames_lock, portMAX_DELAY);
    if (server_epoch == frames_epoch && server_holds > 0) { // else the camera stopped since: freed
        esp_camera_fb_return(fb);
        server_holds--;
    }
    xSemaphoreGive(frames_lock);
}
