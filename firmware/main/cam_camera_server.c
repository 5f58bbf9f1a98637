// Camscript Camera Server: driver contract v1 (services/camera-server.md) on
// ESP-IDF's esp_http_server as of v5.0.5 (03d7a3807bee, the pinned runtime's
// ESP-IDF; firmware/host/include/esp-idf/esp_http_server.h follows its
// header). The model it must match is sim/drivers/camera-server.ts; the
// policy (which ports, paths, rates, how many clients, the password rules)
// is the bytecode's (src/camera/server.ts), which checks every value first.
//
// - serve: httpd_start on the port (a restart with new settings is
//   httpd_stop then httpd_start: every client is closed), a GET and a HEAD
//   handler on each non-empty path, error handlers for 404 and 405 (httpd
//   matches the path without its query, and answers 405 when the path is
//   known but not the method: httpd_uri.c, httpd_uri()).
// - every request: HTTP Basic first (401 with WWW-Authenticate), then 503
//   with Retry-After while the camera is not Ready, then for the stream
//   503 with Retry-After beyond `stream_clients`.
// - the stream. On 5.0.5 httpd runs one handler at a time in its one task,
//   and httpd_req_async_handler_begin only exists from 5.2: a handler that
//   looped sending frames would stop every other request (Arduino's
//   CameraWebServer runs a second httpd for it). So the stream handler
//   writes the response head itself on the socket (httpd_req_to_sockfd,
//   httpd_socket_send), hands the socket to this driver's stream task and
//   returns; the task sends each part (multipart/x-mixed-replace, the
//   part header of cam_camera_server_packets.c) at most `max_fps` times a
//   second, always the newest frame and never the same one twice, and a
//   client whose send fails is closed with httpd_sess_trigger_close. httpd
//   tells us a socket closed through config.close_fn (httpd_sess.c,
//   httpd_sess_delete: close_fn must close the socket itself).
// - snapshots: a frame whose exposure began after the request (the
//   stale-frame rule of capture()), waited for in the handler (at most
//   esp32-camera's 4 s), sent with httpd_resp_send.
// - one frame buffer: the stream task and the snapshot handler share the
//   one frame the server holds (taken from cam_camera_take_newest, given
//   back when its last user is done), so the server never holds more than
//   the one buffer the bytecode reserved for it.
// - events: httpd's task and the stream task only queue what happened
//   (under `lock`); the Jacdac main loop (cam_camera_server_process) sends
//   the `served` events and `status` (on every change, and with
//   frames_sent at most once a second while frames flow, as the model).
//
// Not done yet (docs/streaming.md): the client's address in `served` is 0
// (getpeername on the session's socket is the way). Under `--driver
// firmware` this driver runs over the simulated httpd
// (firmware/host/sim/esp_http_server_sim.c).

#include "jdesp.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h> // close(): httpd leaves it to close_fn

#include "esp_camera.h"
#include "esp_err.h"
#include "esp_http_server.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#include "cam_camera.h"
#include "cam_camera_server.h"
#include "cam_camera_server_packets.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants

#define LOG(msg, ...) DMESG("cam_camera_server: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1
#define STATE(name) JD_CAM_CAMERA_SERVER_STATE_##name
#define REASON(name) JD_CAM_CAMERA_SERVER_REASON_##name
#define KIND(name) JD_CAM_CAMERA_SERVER_CLIENT_KIND_##name
#define WHAT(name) JD_CAM_CAMERA_SERVER_CLIENT_EVENT_##name

#define MAX_STREAMS 3               // src/limits.ts SERVE_STREAM_CLIENTS_MAX
#define SERVED_QUEUE 8              // served events waiting for the main loop
#define STATUS_EVERY_US 1000000     // frames_sent at most once a second (the model's STATUS_EVERY_MS)
#define SNAPSHOT_WAIT_US 4000000    // esp32-camera's FB_GET_TIMEOUT
#define STOP_WAIT_US 6000000        // the stream task ends within httpd's send timeout (5 s)
#define CHUNK 4096                  // a frame goes out in pieces; the camera's state is checked between
#define STREAM_TASK_STACK 4096
#define AUTH_HEADER_MAX (6 + ((CAM_SERVER_USER_MAX + 1 + CAM_SERVER_PASSWORD_MAX + 2) / 3) * 4 + 8)

typedef struct {
    int fd; // -1: free
    bool sent_one;
    uint32_t last_sequence;
    int64_t due_us;
} stream_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_camera_server_regs.
    uint16_t contract_version;

    char user[CAM_SERVER_USER_MAX + 1];
    char password[CAM_SERVER_PASSWORD_MAX + 1]; // never logged nor sent
    cam_server_config_t config;
    volatile uint8_t state;
    uint8_t reason;
    httpd_handle_t httpd;

    // shared by the main loop, httpd's task and the stream task: under `lock`
    SemaphoreHandle_t lock;
    stream_t streams[MAX_STREAMS];
    uint8_t stream_count;
    uint32_t frames_sent, snapshots_sent;
    cam_server_served_t served[SERVED_QUEUE];
    uint8_t served_count;
    camera_fb_t *frame; // the one buffer the server holds
    uint32_t frame_sequence;
    uint8_t frame_users;

    volatile bool streaming;        // the stream task is to run
    volatile bool streamer_running; // the stream task has not ended yet

    // main loop only
    uint8_t reported_streams;
    uint32_t reported_frames, reported_snapshots;
    int64_t status_at_us;
};

REG_DEFINITION(                                          //
    cam_camera_server_regs,                              //
    REG_SRV_COMMON,                                      //
    REG_U16(JD_CAM_CAMERA_SERVER_REG_CONTRACT_VERSION),  //
)

static srv_t *server; // one instance: httpd's handlers and the stream task reach it here

// ---------------------------------------------------------------- helpers

static void lock(void) {
    xSemaphoreTake(server->lock, portMAX_DELAY);
}

static void unlock(void) {
    xSemaphoreGive(server->lock);
}

// from any task: the main loop sends it
static void queue_served(uint8_t kind, uint8_t what, uint16_t status_code) {
    lock();
    if (server->served_count < SERVED_QUEUE) {
        cam_server_served_t *s = &server->served[server->served_count++];
        s->address = 0; // not read yet (see above)
        s->status_code = status_code;
        s->kind = kind;
        s->what = what;
    }
    unlock();
}

static void send_status(srv_t *state) {
    lock();
    cam_server_status_t s = {
        .frames_sent = state->frames_sent,
        .snapshots_sent = state->snapshots_sent,
        .port = state->config.port,
        .state = state->state,
        .reason = state->reason,
        .stream_clients = state->stream_count,
    };
    unlock();
    state->reported_streams = s.stream_clients;
    state->reported_frames = s.frames_sent;
    state->reported_snapshots = s.snapshots_sent;
    state->status_at_us = esp_timer_get_time();
    uint8_t payload[CAM_SERVER_STATUS_SIZE];
    cam_server_put_status(payload, &s);
    jd_send_event_ext(state, JD_CAM_CAMERA_SERVER_EV_STATUS, payload, sizeof(payload));
}

static void set_state(srv_t *state, uint8_t s, uint8_t reason) {
    state->state = s;
    state->reason = reason;
    send_status(state);
}

// ------------------------------------------------------- the shared frame

// The frame the server holds if it suits (exposure at or after
// not_before_us, and not `avoid` when has_avoid), else the newest that does
// if nobody is using the held one. NULL: none now.
static camera_fb_t *frame_acquire(int64_t not_before_us, bool has_avoid, uint32_t avoid,
                                  uint32_t *sequence) {
    camera_fb_t *fb = NULL;
    lock();
    camera_fb_t *held = server->frame;
    if (held != NULL) {
        int64_t t = (int64_t)held->timestamp.tv_sec * 1000000 + held->timestamp.tv_usec;
        bool suits = t >= not_before_us && !(has_avoid && server->frame_sequence == avoid);
        if (suits && cam_camera_ready()) {
            server->frame_users++;
            fb = held;
        } else if (server->frame_users == 0) {
            cam_camera_give(held);
            server->frame = NULL;
        }
    }
    if (fb == NULL && server->frame == NULL) {
        uint32_t n;
        camera_fb_t *got = cam_camera_take_newest(not_before_us, &n);
        if (got != NULL && has_avoid && n == avoid) {
            cam_camera_give(got); // cannot be newer: nothing to send yet
            got = NULL;
        }
        if (got != NULL) {
            server->frame = got;
            server->frame_sequence = n;
            server->frame_users = 1;
            fb = got;
        }
    }
    if (fb != NULL)
        *sequence = server->frame_sequence;
    unlock();
    return fb;
}

// The last user gives the buffer back: the next request takes the newest.
static void frame_release(void) {
    lock();
    if (server->frame_users > 0)
        server->frame_users--;
    if (server->frame_users == 0 && server->frame != NULL) {
        cam_camera_give(server->frame);
        server->frame = NULL;
    }
    unlock();
}

// ------------------------------------------------------------- the stream

// All of buf on the socket; false when the client went or the send timed out.
static bool send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        int n = httpd_socket_send(server->httpd, fd, buf, len, 0);
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static bool send_part(int fd, const camera_fb_t *fb, uint32_t sequence) {
    char head[160];
    int64_t stamp = (int64_t)fb->timestamp.tv_sec * 1000000 + fb->timestamp.tv_usec;
    size_t n = cam_server_part_header(head, sizeof(head), (uint32_t)fb->len, sequence, stamp);
    if (n == 0 || !send_all(fd, head, n))
        return false;
    for (size_t at = 0; at < fb->len; at += CHUNK) {
        if (!cam_camera_ready())
            return false; // the camera is stopping: its buffers go
        size_t len = fb->len - at < CHUNK ? fb->len - at : CHUNK;
        if (!send_all(fd, (const char *)fb->buf + at, len))
            return false;
    }
    return send_all(fd, "\r\n", 2);
}

static void stream_task(void *arg) {
    (void)arg;
    while (server->streaming) {
        int64_t now = esp_timer_get_time();
        int64_t next = now + 10000; // look again within 10 ms when no frame was new
        for (int i = 0; i < MAX_STREAMS && server->streaming; ++i) {
            lock();
            stream_t s = server->streams[i];
            unlock();
            if (s.fd < 0)
                continue;
            if (now < s.due_us) {
                if (s.due_us < next)
                    next = s.due_us;
                continue;
            }
            uint32_t sequence;
            camera_fb_t *fb = frame_acquire(0, s.sent_one, s.last_sequence, &sequence);
            if (fb == NULL)
                continue;
            bool ok = send_part(s.fd, fb, sequence);
            frame_release();
            lock();
            stream_t *live = &server->streams[i];
            if (live->fd == s.fd) { // not closed meanwhile
                if (ok) {
                    live->sent_one = true;
                    live->last_sequence = sequence;
                    // the interval runs from when this frame was taken, as the model's
                    live->due_us = now + 1000000 / server->config.max_fps;
                    server->frames_sent++;
                } else {
                    live->due_us = INT64_MAX; // closing: close_fn frees the slot
                }
            }
            unlock();
            if (!ok)
                httpd_sess_trigger_close(server->httpd, s.fd);
        }
        int64_t wait_us = next - esp_timer_get_time();
        TickType_t ticks = wait_us > 0 ? pdMS_TO_TICKS(wait_us / 1000) : 0;
        vTaskDelay(ticks > 0 ? ticks : 1);
    }
    server->streamer_running = false;
    vTaskDelete(NULL);
}

// httpd closes a session (client gone, httpd_sess_trigger_close, httpd_stop)
static void on_close(httpd_handle_t hd, int fd) {
    (void)hd;
    bool was_stream = false;
    lock();
    for (int i = 0; i < MAX_STREAMS; ++i)
        if (server->streams[i].fd == fd) {
            server->streams[i].fd = -1;
            server->stream_count--;
            was_stream = true;
        }
    unlock();
    if (was_stream)
        queue_served(KIND(STREAM), WHAT(CLOSED), 200);
    close(fd);
}

// ------------------------------------------------------------ the handlers

static esp_err_t answer(httpd_req_t *req, const char *status, const char *header, const char *value,
                        const char *text) {
    httpd_resp_set_status(req, status);
    httpd_resp_set_type(req, "text/plain; charset=utf-8");
    httpd_resp_set_hdr(req, "Cache-Control", "no-store");
    if (header != NULL)
        httpd_resp_set_hdr(req, header, value);
    return httpd_resp_send(req, text, HTTPD_RESP_USE_STRLEN);
}

static char retry_after[4]; // Retry-After's value for this serve (1..255 s)

// Basic, then the camera's state. false: answered already.
static bool admitted(httpd_req_t *req, uint8_t kind) {
    if (server->password[0] != 0) {
        char header[AUTH_HEADER_MAX];
        size_t len = httpd_req_get_hdr_value_len(req, "Authorization");
        bool ok = len > 0 && len < sizeof(header) &&
                  httpd_req_get_hdr_value_str(req, "Authorization", header, sizeof(header)) == ESP_OK &&
                  cam_server_basic_ok(header, server->user, server->password);
        if (!ok) {
            answer(req, "401 Unauthorized", "WWW-Authenticate",
                   "Basic realm=\"camscript camera\", charset=\"UTF-8\"",
                   "this camera needs its user name and password\n");
            queue_served(kind, WHAT(UNAUTHORIZED), 401);
            return false;
        }
    }
    if (server->state != STATE(SERVING)) {
        answer(req, "503 Service Unavailable", "Retry-After", retry_after,
               "the camera is not ready; try again shortly\n");
        queue_served(kind, WHAT(REFUSED), 503);
        return false;
    }
    return true;
}

static const char STREAM_HEAD[] = "HTTP/1.1 200 OK\r\n"
                                  "Content-Type: multipart/x-mixed-replace; boundary=" CAM_SERVER_BOUNDARY "\r\n"
                                  "Cache-Control: no-store\r\n"
                                  "Access-Control-Allow-Origin: *\r\n"
                                  "\r\n";

static esp_err_t stream_handler(httpd_req_t *req) {
    if (!admitted(req, KIND(STREAM)))
        return ESP_OK;
    lock();
    bool full = server->stream_count >= server->config.stream_clients;
    unlock();
    if (full) {
        char text[96];
        snprintf(text, sizeof(text), "this camera serves %u stream client%s at a time; try again in %s s\n",
                 server->config.stream_clients, server->config.stream_clients == 1 ? "" : "s", retry_after);
        answer(req, "503 Service Unavailable", "Retry-After", retry_after, text);
        queue_served(KIND(STREAM), WHAT(REFUSED), 503);
        return ESP_OK;
    }
    if (req->method == HTTP_HEAD) { // the stream's headers only: a HEAD takes no client's place
        httpd_resp_set_type(req, "multipart/x-mixed-replace; boundary=" CAM_SERVER_BOUNDARY);
        return httpd_resp_send(req, NULL, 0);
    }
    int fd = httpd_req_to_sockfd(req);
    if (fd < 0 || !send_all(fd, STREAM_HEAD, sizeof(STREAM_HEAD) - 1))
        return ESP_FAIL; // httpd closes the session
    bool placed = false;
    lock();
    for (int i = 0; i < MAX_STREAMS && !placed; ++i)
        if (server->streams[i].fd < 0) {
            server->streams[i] = (stream_t){.fd = fd, .sent_one = false, .due_us = 0};
            server->stream_count++;
            placed = true;
        }
    unlock();
    if (!placed)
        return ESP_FAIL;
    queue_served(KIND(STREAM), WHAT(OPENED), 200);
    return ESP_OK; // the socket is the stream task's now; httpd keeps the session open
}

static esp_err_t snapshot_handler(httpd_req_t *req) {
    if (!admitted(req, KIND(SNAPSHOT)))
        return ESP_OK;
    int64_t asked = esp_timer_get_time();
    uint32_t sequence = 0;
    camera_fb_t *fb = NULL;
    while (fb == NULL && cam_camera_ready() && esp_timer_get_time() - asked < SNAPSHOT_WAIT_US) {
        fb = frame_acquire(asked, false, 0, &sequence);
        if (fb == NULL)
            vTaskDelay(1);
    }
    if (fb == NULL) {
        answer(req, "503 Service Unavailable", "Retry-After", retry_after, "the camera stopped\n");
        queue_served(KIND(SNAPSHOT), WHAT(REFUSED), 503);
        return ESP_OK;
    }
    char number[12];
    snprintf(number, sizeof(number), "%lu", (unsigned long)sequence);
    httpd_resp_set_type(req, "image/jpeg");
    httpd_resp_set_hdr(req, "Content-Disposition", "inline; filename=capture.jpg");
    httpd_resp_set_hdr(req, "Cache-Control", "no-store");
    httpd_resp_set_hdr(req, "Access-Control-Allow-Origin", "*");
    httpd_resp_set_hdr(req, "X-Frame-Sequence", number);
    // HEAD: httpd_resp_send writes Content-Length from the length given, so a HEAD says 0
    bool head = req->method == HTTP_HEAD;
    esp_err_t err = httpd_resp_send(req, head ? NULL : (const char *)fb->buf, head ? 0 : (ssize_t)fb->len);
    frame_release();
    if (err == ESP_OK) {
        lock();
        server->snapshots_sent++;
        unlock();
        queue_served(KIND(SNAPSHOT), WHAT(OPENED), 200);
    }
    return err;
}

static esp_err_t not_found(httpd_req_t *req, httpd_err_code_t error) {
    (void)error;
    answer(req, "404 Not Found", NULL, NULL, "no such path on this camera\n");
    queue_served(KIND(OTHER), WHAT(NOT_FOUND), 404);
    return ESP_OK; // keep the session
}

static esp_err_t not_allowed(httpd_req_t *req, httpd_err_code_t error) {
    (void)error;
    answer(req, "405 Method Not Allowed", "Allow", "GET, HEAD", "GET or HEAD only\n");
    queue_served(KIND(OTHER), WHAT(NOT_FOUND), 405);
    return ESP_OK;
}

// --------------------------------------------------------- serve and stop

static void stop_server(srv_t *state) {
    if (state->streamer_running) {
        state->streaming = false;
        int64_t since = esp_timer_get_time();
        while (state->streamer_running && esp_timer_get_time() - since < STOP_WAIT_US)
            vTaskDelay(1);
    }
    if (state->httpd != NULL) {
        httpd_stop(state->httpd); // closes every session: on_close for each stream
        state->httpd = NULL;
    }
    lock();
    for (int i = 0; i < MAX_STREAMS; ++i)
        state->streams[i].fd = -1;
    state->stream_count = 0;
    if (state->frame != NULL) {
        cam_camera_give(state->frame);
        state->frame = NULL;
        state->frame_users = 0;
    }
    unlock();
}

static esp_err_t register_path(srv_t *state, const char *path, esp_err_t (*handler)(httpd_req_t *)) {
    if (path[0] == 0)
        return ESP_OK; // an empty path is not served
    httpd_uri_t get = {.uri = path, .method = HTTP_GET, .handler = handler, .user_ctx = NULL};
    httpd_uri_t head = {.uri = path, .method = HTTP_HEAD, .handler = handler, .user_ctx = NULL};
    esp_err_t err = httpd_register_uri_handler(state->httpd, &get);
    return err != ESP_OK ? err : httpd_register_uri_handler(state->httpd, &head);
}

static void serve(srv_t *state, const cam_server_config_t *c) {
    stop_server(state);
    state->config = *c;
    lock();
    state->frames_sent = 0;
    state->snapshots_sent = 0;
    unlock();
    snprintf(retry_after, sizeof(retry_after), "%u", c->retry_after_s);

    httpd_config_t config = HTTPD_DEFAULT_CONFIG();
    config.server_port = c->port;
    config.close_fn = on_close;
    esp_err_t err = httpd_start(&state->httpd, &config);
    if (err != ESP_OK) {
        state->httpd = NULL;
        LOG("httpd_start on port %u: %s", c->port, esp_err_to_name(err));
        // httpd_start: ESP_FAIL when httpd_server_init could not bind, else memory or the task
        set_state(state, STATE(FAILED), err == ESP_FAIL ? REASON(PORT_IN_USE) : REASON(OUT_OF_MEMORY));
        return;
    }
    // the paths kept in the state (httpd copies them too: httpd_uri.c strdup's the uri)
    err = register_path(state, state->config.stream_path, stream_handler);
    if (err == ESP_OK)
        err = register_path(state, state->config.snapshot_path, snapshot_handler);
    if (err == ESP_OK)
        err = httpd_register_err_handler(state->httpd, HTTPD_404_NOT_FOUND, not_found);
    if (err == ESP_OK)
        err = httpd_register_err_handler(state->httpd, HTTPD_405_METHOD_NOT_ALLOWED, not_allowed);
    state->streaming = true;
    state->streamer_running = true;
    if (err != ESP_OK || xTaskCreate(stream_task, "cam_stream", STREAM_TASK_STACK, NULL,
                                     tskIDLE_PRIORITY + 5, NULL) != pdPASS) {
        state->streaming = false;
        state->streamer_running = false;
        LOG("could not set up the handlers or the stream task: %s", esp_err_to_name(err));
        stop_server(state);
        set_state(state, STATE(FAILED), REASON(OUT_OF_MEMORY));
        return;
    }
    bool ready = cam_camera_ready();
    set_state(state, ready ? STATE(SERVING) : STATE(PAUSED), ready ? REASON(NONE) : REASON(CAMERA_NOT_READY));
}

// the camera changed (main loop, before the camera's own status event)
static void camera_changed(bool ready) {
    srv_t *state = server;
    if (state->state != STATE(SERVING) && state->state != STATE(PAUSED))
        return;
    if (ready) {
        set_state(state, STATE(SERVING), REASON(NONE));
        return;
    }
    // the frames go with the camera's buffers: stream clients are closed
    int fds[MAX_STREAMS];
    int n = 0;
    lock();
    for (int i = 0; i < MAX_STREAMS; ++i)
        if (state->streams[i].fd >= 0) {
            fds[n++] = state->streams[i].fd;
            state->streams[i].due_us = INT64_MAX;
        }
    if (state->frame != NULL && state->frame_users == 0) {
        cam_camera_give(state->frame);
        state->frame = NULL;
    }
    unlock();
    for (int i = 0; i < n; ++i)
        httpd_sess_trigger_close(state->httpd, fds[i]);
    set_state(state, STATE(PAUSED), REASON(CAMERA_NOT_READY));
}

// ------------------------------------------------------------- main loop

static void cam_camera_server_process(srv_t *state) {
    cam_server_served_t served[SERVED_QUEUE];
    lock();
    uint8_t n = state->served_count;
    memcpy(served, state->served, sizeof(served[0]) * n);
    state->served_count = 0;
    uint8_t streams = state->stream_count;
    uint32_t frames = state->frames_sent;
    uint32_t snapshots = state->snapshots_sent;
    unlock();
    for (uint8_t i = 0; i < n; ++i) {
        uint8_t payload[CAM_SERVER_SERVED_SIZE];
        cam_server_put_served(payload, &served[i]);
        jd_send_event_ext(state, JD_CAM_CAMERA_SERVER_EV_SERVED, payload, sizeof(payload));
    }
    bool frames_due = frames != state->reported_frames &&
                      esp_timer_get_time() - state->status_at_us >= STATUS_EVERY_US;
    // as the model: on a stream coming or going, a snapshot sent, and frames_sent once a second
    if (streams != state->reported_streams || snapshots != state->reported_snapshots || frames_due)
        send_status(state);
}

static void cam_camera_server_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_CAMERA_SERVER_CMD_SET_PASSWORD:
        if (!cam_server_parse_password(pkt->data, pkt->service_size, state->user, state->password))
            state->user[0] = state->password[0] = 0;
        return;
    case JD_CAM_CAMERA_SERVER_CMD_SERVE: {
        cam_server_config_t c;
        // the bytecode checks the values (src/camera/server.ts); these would break the driver
        if (cam_server_parse_serve(pkt->data, pkt->service_size, &c) && c.max_fps > 0 &&
            c.stream_clients > 0 && c.stream_clients <= MAX_STREAMS)
            serve(state, &c);
        return;
    }
    case JD_CAM_CAMERA_SERVER_CMD_STOP:
        stop_server(state);
        set_state(state, STATE(OFF), REASON(STOPPED_BY_REQUEST));
        return;
    }
    service_handle_register_final(state, pkt, cam_camera_server_regs);
}

// ------------------------------------------------------------------- init

SRV_DEF(cam_camera_server, JD_SERVICE_CLASS_CAM_CAMERA_SERVER);

void cam_camera_server_init(void) {
    SRV_ALLOC(cam_camera_server); // zero-filled by jd_allocate_service()
    server = state;
    state->contract_version = CONTRACT_VERSION;
    state->state = STATE(OFF);
    state->reason = REASON(NONE);
    state->lock = xSemaphoreCreateMutex();
    for (int i = 0; i < MAX_STREAMS; ++i)
        state->streams[i].fd = -1;
    cam_camera_watch(camera_changed);
}
