// Host test of the camera server's request handling (firmware/main/
// cam_camera_server.c) with httpd, the camera driver, FreeRTOS and Jacdac
// replaced by recording fakes written here: which answer each request gets
// (401 without the password, 503 + Retry-After while the camera is not
// ready and beyond the stream client limit, 404, 405), what the stream task
// writes on a stream socket (the part headers, frames in order, at most
// max_fps a second on a fake clock, never the same frame twice), a fresh
// snapshot, and the events the main loop sends. The expected values come
// from services/camera-server.md and the model (sim/drivers/camera-server.ts),
// not from the code under test. Built and run by `make -C firmware/test`.

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define close fake_close // the driver's close(fd) of a session's socket, not the process's
#include "cam_camera_server.c"
#include "cam_camera_server_packets.c"

#include "check.h"

// ---------------------------------------------------------------- clock
static int64_t clock_us;
int64_t esp_timer_get_time(void) {
    return clock_us;
}
uint32_t now;

// ----------------------------------------------------- FreeRTOS fakes
struct QueueDefinition {
    int taken;
};
SemaphoreHandle_t xSemaphoreCreateMutex(void) {
    return calloc(1, sizeof(struct QueueDefinition));
}
BaseType_t xSemaphoreTake(SemaphoreHandle_t s, TickType_t t) {
    (void)t;
    CHECK_EQ(s->taken, 0, "mutex taken twice (deadlock on the chip)");
    s->taken = 1;
    return pdTRUE;
}
BaseType_t xSemaphoreGive(SemaphoreHandle_t s) {
    s->taken = 0;
    return pdTRUE;
}
void vSemaphoreDelete(SemaphoreHandle_t s) {
    free(s);
}
static int delays_left; // the stream task runs this many delays, then is told to stop
void vTaskDelay(const TickType_t ticks) {
    clock_us += (int64_t)ticks * portTICK_PERIOD_MS * 1000;
    if (--delays_left <= 0)
        server->streaming = false;
}
static TaskFunction_t task_fn;
BaseType_t xTaskCreate(TaskFunction_t code, const char *const name, const uint32_t depth, void *const p,
                       UBaseType_t prio, TaskHandle_t *const created) {
    (void)name, (void)depth, (void)p, (void)prio, (void)created;
    task_fn = code;
    return pdPASS;
}
void vTaskDelete(TaskHandle_t t) {
    (void)t;
}

// ------------------------------------------------------------ Jacdac fakes
static srv_t *service;
srv_t *jd_allocate_service(const srv_vt_t *vt) {
    service = calloc(1, vt->state_size);
    service->vt = vt;
    return service;
}
int service_handle_register_final(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]) {
    (void)state, (void)pkt, (void)sdesc;
    return 0;
}
void jd_log_printf(const char *format, ...) {
    (void)format;
}
static int status_events, served_events;
static uint8_t last_status[CAM_SERVER_STATUS_SIZE], last_served[CAM_SERVER_SERVED_SIZE];
void jd_send_event_ext(srv_t *srv, uint32_t id, const void *data, uint32_t size) {
    (void)srv;
    if (id == JD_CAM_CAMERA_SERVER_EV_STATUS) {
        status_events++;
        memcpy(last_status, data, size);
    } else if (id == JD_CAM_CAMERA_SERVER_EV_SERVED) {
        served_events++;
        memcpy(last_served, data, size);
    }
}
const char *esp_err_to_name(esp_err_t e) {
    (void)e;
    return "error";
}

// ------------------------------------------------------------- camera fakes
static bool camera_ready = true;
static cam_camera_watch_fn camera_watch;
static uint32_t next_frame = 100;  // the sequence the sensor delivers next
static int64_t frame_period_us = 40000; // 25 fps sensor
static int holds;
static uint8_t jpeg[10000];
static camera_fb_t fb;
void cam_camera_watch(cam_camera_watch_fn fn) {
    camera_watch = fn;
}
bool cam_camera_ready(void) {
    return camera_ready;
}
// the sensor's newest finished frame is the one of the last whole period
camera_fb_t *cam_camera_take_newest(int64_t not_before_us, uint32_t *sequence) {
    CHECK_EQ(holds, 0, "the server holds one buffer at most");
    int64_t start = (clock_us / frame_period_us - 1) * frame_period_us; // exposure start of the newest
    if (!camera_ready || start < 0 || start < not_before_us)
        return NULL;
    uint32_t n = next_frame + (uint32_t)(clock_us / frame_period_us);
    fb.buf = jpeg;
    fb.len = sizeof(jpeg);
    fb.timestamp.tv_sec = start / 1000000;
    fb.timestamp.tv_usec = start % 1000000;
    *sequence = n;
    holds++;
    return &fb;
}
void cam_camera_give(camera_fb_t *f) {
    CHECK(f == &fb, "the frame given back is the one taken");
    holds--;
}

// -------------------------------------------------------------- httpd fakes
#define MAX_HANDLERS 8
static httpd_uri_t handlers[MAX_HANDLERS];
static int handler_count;
static httpd_err_handler_func_t err_404, err_405;
static httpd_config_t started;
static int httpd_stops;
static esp_err_t start_result = ESP_OK;
esp_err_t httpd_start(httpd_handle_t *h, const httpd_config_t *c) {
    if (start_result != ESP_OK)
        return start_result;
    started = *c;
    handler_count = 0;
    *h = (httpd_handle_t)&started;
    return ESP_OK;
}
esp_err_t httpd_stop(httpd_handle_t h) {
    (void)h;
    httpd_stops++;
    return ESP_OK;
}
esp_err_t httpd_register_uri_handler(httpd_handle_t h, const httpd_uri_t *u) {
    (void)h;
    handlers[handler_count++] = *u;
    return ESP_OK;
}
esp_err_t httpd_register_err_handler(httpd_handle_t h, httpd_err_code_t e, httpd_err_handler_func_t fn) {
    (void)h;
    if (e == HTTPD_404_NOT_FOUND)
        err_404 = fn;
    if (e == HTTPD_405_METHOD_NOT_ALLOWED)
        err_405 = fn;
    return ESP_OK;
}
// the response of the request in progress
static char resp_status[40], resp_retry[8], resp_auth[80], resp_type[80], resp_seq[16];
static size_t resp_len;
static const char *req_auth; // the request's Authorization header
static int req_fd = 7;
esp_err_t httpd_resp_set_status(httpd_req_t *r, const char *s) {
    (void)r;
    snprintf(resp_status, sizeof(resp_status), "%s", s);
    return ESP_OK;
}
esp_err_t httpd_resp_set_type(httpd_req_t *r, const char *t) {
    (void)r;
    snprintf(resp_type, sizeof(resp_type), "%s", t);
    return ESP_OK;
}
esp_err_t httpd_resp_set_hdr(httpd_req_t *r, const char *f, const char *v) {
    (void)r;
    if (strcmp(f, "Retry-After") == 0)
        snprintf(resp_retry, sizeof(resp_retry), "%s", v);
    if (strcmp(f, "WWW-Authenticate") == 0)
        snprintf(resp_auth, sizeof(resp_auth), "%s", v);
    if (strcmp(f, "X-Frame-Sequence") == 0)
        snprintf(resp_seq, sizeof(resp_seq), "%s", v);
    return ESP_OK;
}
esp_err_t httpd_resp_send(httpd_req_t *r, const char *buf, ssize_t len) {
    (void)r;
    if (resp_status[0] == 0)
        strcpy(resp_status, "200 OK");
    resp_len = len == HTTPD_RESP_USE_STRLEN ? strlen(buf) : (size_t)len;
    return ESP_OK;
}
int httpd_req_to_sockfd(httpd_req_t *r) {
    (void)r;
    return req_fd;
}
size_t httpd_req_get_hdr_value_len(httpd_req_t *r, const char *f) {
    (void)r;
    return strcmp(f, "Authorization") == 0 && req_auth ? strlen(req_auth) : 0;
}
esp_err_t httpd_req_get_hdr_value_str(httpd_req_t *r, const char *f, char *v, size_t size) {
    (void)r;
    if (strcmp(f, "Authorization") != 0 || !req_auth || strlen(req_auth) >= size)
        return ESP_FAIL;
    strcpy(v, req_auth);
    return ESP_OK;
}
// what the stream task wrote on the socket
static char wire[200000];
static size_t wire_len;
static bool socket_broken;
int httpd_socket_send(httpd_handle_t h, int fd, const char *buf, size_t len, int flags) {
    (void)h, (void)flags;
    CHECK_EQ(fd, req_fd, "sent on the stream's socket");
    if (socket_broken)
        return HTTPD_SOCK_ERR_FAIL;
    if (wire_len + len < sizeof(wire)) {
        memcpy(wire + wire_len, buf, len);
        wire_len += len;
    }
    return (int)len;
}
static int trigger_closes;
esp_err_t httpd_sess_trigger_close(httpd_handle_t h, int fd) {
    (void)h;
    trigger_closes++;
    on_close(h, fd); // httpd closes the session: close_fn
    return ESP_OK;
}
int fake_close(int fd) {
    (void)fd;
    return 0;
}

// ------------------------------------------------------------------ helpers

static httpd_uri_t *handler_for(const char *path, int method) {
    for (int i = 0; i < handler_count; ++i)
        if (strcmp(handlers[i].uri, path) == 0 && (int)handlers[i].method == method)
            return &handlers[i];
    return NULL;
}

// one request as httpd dispatches it (path matched without the query)
static void request(int method, const char *path) {
    resp_status[0] = resp_retry[0] = resp_auth[0] = resp_type[0] = resp_seq[0] = 0;
    resp_len = 0;
    httpd_req_t req;
    memset(&req, 0, sizeof(req));
    req.method = method;
    httpd_uri_t *h = handler_for(path, method);
    if (h != NULL) {
        h->handler(&req);
        return;
    }
    bool known = handler_for(path, HTTP_GET) != NULL;
    (known ? err_405 : err_404)(&req, known ? HTTPD_405_METHOD_NOT_ALLOWED : HTTPD_404_NOT_FOUND);
}

static void command(uint16_t cmd, const uint8_t *data, size_t size) {
    jd_packet_t pkt;
    memset(&pkt, 0, sizeof(pkt));
    pkt.service_command = cmd;
    pkt.service_size = (uint8_t)size;
    if (size > 0)
        memcpy(pkt.data, data, size);
    service->vt->handle_pkt(service, &pkt);
}

static void serve_command(uint8_t fps, uint8_t clients) {
    uint8_t data[] = {0x50, 0, fps, clients, 5, '/', 's', 't', 'r', 'e', 'a', 'm', 0, '/', 'c', 'a', 'p', 't', 'u', 'r', 'e', 0};
    command(JD_CAM_CAMERA_SERVER_CMD_SERVE, data, sizeof(data));
}

static int count(const char *hay, size_t len, const char *needle) {
    int n = 0;
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= len; ++i)
        if (memcmp(hay + i, needle, l) == 0)
            n++;
    return n;
}

// ---------------------------------------------------------------------- tests

static void test_serving(void) {
    cam_camera_server_init();
    CHECK(camera_watch != NULL, "the server watches the camera");
    clock_us = 1000000;
    serve_command(10, 1);
    CHECK_EQ(started.server_port, 80, "httpd on the port asked");
    CHECK(started.close_fn != NULL, "close_fn set: httpd tells the driver a stream socket closed");
    CHECK_EQ(handler_count, 4, "GET and HEAD on both paths");
    CHECK_EQ(last_status[10], JD_CAM_CAMERA_SERVER_STATE_SERVING, "serving");
    CHECK(task_fn != NULL, "the stream task was created");

    request(HTTP_GET, "/nope");
    CHECK(strncmp(resp_status, "404", 3) == 0, "unknown path: 404");
    request(HTTP_PUT, "/capture");
    CHECK(strncmp(resp_status, "405", 3) == 0, "PUT on a served path: 405");
    service->vt->process(service);
    CHECK_EQ(last_served[4] | (last_served[5] << 8), 405, "served event: 405");
    CHECK_EQ(last_served[6], JD_CAM_CAMERA_SERVER_CLIENT_KIND_OTHER, "kind other");

    // a fresh snapshot: the newest frame whose exposure began after the request
    clock_us = 1010000; // 10 ms into a 40 ms frame: the frame being exposed began before
    request(HTTP_GET, "/capture");
    CHECK(strcmp(resp_status, "200 OK") == 0, "snapshot 200");
    CHECK(strcmp(resp_type, "image/jpeg") == 0, "snapshot is a JPEG");
    CHECK_EQ(resp_len, sizeof(jpeg), "the whole frame");
    CHECK_EQ(atoi(resp_seq), 100 + 1040000 / 40000 + 1, "the first frame exposed after the request");
    CHECK(clock_us >= 1040000 + 40000, "waited for that frame to finish");
    CHECK_EQ(holds, 0, "the buffer given back");
    service->vt->process(service);
    CHECK_EQ(last_status[4], 1, "snapshots_sent 1");

    // the stream: head on the socket, then parts in order at 10 fps
    clock_us = 2000000;
    request(HTTP_GET, "/stream");
    const char *head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=camscript-frame\r\n";
    CHECK(strncmp(wire, head, strlen(head)) == 0, "the stream's response head");
    service->vt->process(service);
    CHECK_EQ(last_status[12], 1, "one stream client");
    // a second stream client: 503 with Retry-After, the first keeps its place
    request(HTTP_GET, "/stream");
    CHECK(strncmp(resp_status, "503", 3) == 0, "second stream client: 503");
    CHECK(strcmp(resp_retry, "5") == 0, "Retry-After: 5");
    // one second of the stream task on the fake clock (10 ms delays)
    wire_len = 0;
    delays_left = 100;
    server->streaming = true;
    task_fn(NULL);
    int parts = count(wire, wire_len, "--camscript-frame\r\n");
    CHECK(parts >= 9 && parts <= 11, "about 10 frames in one second at max_fps 10");
    // in order, never the same twice
    long last = -1;
    bool ordered = true;
    for (const char *p = wire; (p = strstr(p, "X-Frame-Sequence: ")) != NULL; p++) {
        long n = atol(p + 18);
        ordered = ordered && n > last;
        last = n;
    }
    CHECK(ordered, "frames in order, none twice");
    CHECK_EQ(holds, 0, "no buffer kept between frames");

    // the client goes: a failed send closes it
    socket_broken = true;
    delays_left = 20;
    server->streaming = true;
    task_fn(NULL);
    CHECK_EQ(trigger_closes, 1, "a failed send closes the session");
    service->vt->process(service);
    CHECK_EQ(last_status[12], 0, "no stream client left");
    socket_broken = false;
}

static void test_password_and_pause(void) {
    const uint8_t pw[] = {'c', 'a', 'm', 0, 's', 'e', 'c', 'r', 'e', 't'};
    command(JD_CAM_CAMERA_SERVER_CMD_SET_PASSWORD, pw, sizeof(pw));
    serve_command(10, 1);
    req_auth = NULL;
    request(HTTP_GET, "/capture");
    CHECK(strncmp(resp_status, "401", 3) == 0, "no password: 401");
    CHECK(strncmp(resp_auth, "Basic realm=", 12) == 0, "WWW-Authenticate: Basic");
    req_auth = "Basic Y2FtOndyb25n"; // cam:wrong
    request(HTTP_GET, "/stream");
    CHECK(strncmp(resp_status, "401", 3) == 0, "wrong password: 401");
    req_auth = "Basic Y2FtOnNlY3JldA=="; // cam:secret
    // the camera stops: Paused before the camera's status, then 503
    status_events = 0;
    camera_ready = false;
    camera_watch(false);
    CHECK_EQ(status_events, 1, "the server's status at once");
    CHECK_EQ(last_status[10], JD_CAM_CAMERA_SERVER_STATE_PAUSED, "paused");
    CHECK_EQ(last_status[11], JD_CAM_CAMERA_SERVER_REASON_CAMERA_NOT_READY, "camera-not-ready");
    request(HTTP_GET, "/capture");
    CHECK(strncmp(resp_status, "503", 3) == 0, "camera not ready: 503");
    camera_ready = true;
    camera_watch(true);
    CHECK_EQ(last_status[10], JD_CAM_CAMERA_SERVER_STATE_SERVING, "serving again");
    request(HTTP_GET, "/capture");
    CHECK(strcmp(resp_status, "200 OK") == 0, "the right password: 200");
    // stop
    command(JD_CAM_CAMERA_SERVER_CMD_STOP, NULL, 0);
    CHECK_EQ(last_status[10], JD_CAM_CAMERA_SERVER_STATE_OFF, "off");
    CHECK_EQ(last_status[11], JD_CAM_CAMERA_SERVER_REASON_STOPPED_BY_REQUEST, "stopped by request");
    // a port httpd cannot bind
    start_result = ESP_FAIL;
    serve_command(10, 1);
    CHECK_EQ(last_status[10], JD_CAM_CAMERA_SERVER_STATE_FAILED, "failed");
    CHECK_EQ(last_status[11], JD_CAM_CAMERA_SERVER_REASON_PORT_IN_USE, "port-in-use");
    start_result = ESP_OK;
}

int main(void) {
    test_serving();
    test_password_and_pause();
    if (failures) {
        fprintf(stderr, "test_camera_server: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_camera_server: %d checks passed\n", checks);
    return 0;
}
