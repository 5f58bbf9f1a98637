// Host unit test of the upload driver itself (firmware/main/cam_http_upload.c)
// against fakes of what it calls: esp_http_client (records the config, the
// headers and where the body was written from; answers as each case
// scripts), esp_netif (which interface holds an address), the camera's
// cam_camera_held_frame(), FreeRTOS and jacdac-c (the events sent). The
// task's job is run by calling run_job() where the task would. What it
// checks: the frame is written from the camera's buffer itself (the same
// pointer, never a copy); the config esp_http_client gets (method, timeout,
// cert_pem only when checking, CN check on, redirects off); the script's
// headers; each reason (NoLink, FrameGone, Rejected while busy or with a
// spoiled part, Refused, Timeout, Dns, Tls, ServerError, None) with its
// status, `via` (Ethernet first) and sent_bytes; one result per send.
// Built and run by `make -C firmware/test` (the stand-in headers of
// firmware/host/include; only the pure parts of them are used).

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cam_http_upload.c"
#include "cam_http_upload_packets.c"
#include "cam_wifi_packets.c"

#include "check.h"

// ------------------------------------------------------------------ fakes

uint32_t now;
static int64_t clock_us;
int64_t esp_timer_get_time(void) {
    return clock_us;
}
void jd_log_printf(const char *format, ...) {
    (void)format;
}
const char *esp_err_to_name(esp_err_t code) {
    (void)code;
    return "err";
}
static srv_t *allocated;
srv_t *jd_allocate_service(const srv_vt_t *vt) {
    allocated = calloc(1, vt->state_size);
    return allocated;
}
int service_handle_register_final(srv_t *state, jd_packet_t *pkt, const uint16_t sdesc[]) {
    (void)state, (void)pkt, (void)sdesc;
    return 0;
}
static int events;
static uint8_t event[CAM_UPLOAD_RESULT_SIZE];
void jd_send_event_ext(srv_t *srv, uint32_t eventid, const void *data, uint32_t size) {
    (void)srv;
    CHECK_EQ(eventid, JD_CAM_HTTP_UPLOAD_EV_RESULT, "the result event");
    CHECK_EQ(size, CAM_UPLOAD_RESULT_SIZE, "its size");
    memcpy(event, data, sizeof(event));
    events++;
}

// FreeRTOS: the task is never started; the test runs its job.
static int tasks_created, gives;
SemaphoreHandle_t xSemaphoreCreateMutex(void) {
    return (SemaphoreHandle_t)1;
}
SemaphoreHandle_t xSemaphoreCreateBinary(void) {
    return (SemaphoreHandle_t)2;
}
BaseType_t xSemaphoreTake(SemaphoreHandle_t s, TickType_t t) {
    (void)s, (void)t;
    return pdTRUE;
}
BaseType_t xSemaphoreGive(SemaphoreHandle_t s) {
    if (s == (SemaphoreHandle_t)2)
        gives++;
    return pdTRUE;
}
BaseType_t xTaskCreate(TaskFunction_t fn, const char *const name, const uint32_t depth, void *const arg,
                       UBaseType_t prio, TaskHandle_t *const handle) {
    (void)fn, (void)name, (void)arg, (void)prio;
    CHECK(depth >= 8192, "the task's stack holds mbedTLS's handshake");
    tasks_created++;
    *handle = (TaskHandle_t)1;
    return pdPASS;
}

// esp_netif
static bool eth_up, sta_up;
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *key) {
    if (strcmp(key, "ETH_DEF") == 0)
        return (esp_netif_t *)1;
    if (strcmp(key, "WIFI_STA_DEF") == 0)
        return (esp_netif_t *)2;
    return NULL;
}
static bool eth_static; // a static address: kept in the ip info while the netif is down
bool esp_netif_is_netif_up(esp_netif_t *netif) {
    return netif == (esp_netif_t *)1 ? eth_up : sta_up;
}
esp_err_t esp_netif_get_ip_info(esp_netif_t *netif, esp_netif_ip_info_t *info) {
    memset(info, 0, sizeof(*info));
    bool up = netif == (esp_netif_t *)1 ? eth_up || eth_static : sta_up;
    info->ip.addr = up ? 0x0100a8c0 : 0;
    return ESP_OK;
}

// the camera: buffer 1 holds frame 42
static uint8_t jpeg[3000];
static camera_fb_t fb = {.buf = jpeg, .len = sizeof(jpeg)};
const camera_fb_t *cam_camera_held_frame(uint8_t index, uint32_t sequence) {
    return index == 1 && sequence == 42 ? &fb : NULL;
}

// esp_http_client
static struct {
    char url[600];
    const char *cert_pem;
    bool skip_cn, no_redirect;
    int method, timeout_ms, write_len;
    char headers[1200];
    const char *body_from;
    size_t written;
    // scripted
    esp_err_t open_err;
    int sock_errno, status, chunk;
    int64_t fetch;
    int64_t open_takes_us;
    int timeout_set; // the last esp_http_client_set_timeout_ms
    bool cleaned;
    http_event_handle_cb handler;
    void *user_data;
    esp_tls_last_error_t tls_error; // scripted: what esp-tls recorded when open fails
} http;

// esp-tls: as v5.0.5's esp_tls_get_and_clear_last_error
esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *code, int *flags) {
    if (h == NULL)
        return ESP_ERR_INVALID_STATE;
    esp_err_t last = h->last_error;
    if (code)
        *code = h->esp_tls_error_code;
    if (flags)
        *flags = h->esp_tls_flags;
    memset(h, 0, sizeof(*h));
    return last;
}
static int client_dummy;
esp_http_client_handle_t esp_http_client_init(const esp_http_client_config_t *c) {
    snprintf(http.url, sizeof(http.url), "%s", c->url);
    http.cert_pem = c->cert_pem;
    http.skip_cn = c->skip_cert_common_name_check;
    http.no_redirect = c->disable_auto_redirect;
    http.method = c->method;
    http.timeout_ms = c->timeout_ms;
    http.handler = c->event_handler;
    http.user_data = c->user_data;
    http.headers[0] = 0;
    http.cleaned = false;
    return (esp_http_client_handle_t)&client_dummy;
}
esp_err_t esp_http_client_set_header(esp_http_client_handle_t c, const char *k, const char *v) {
    (void)c;
    size_t n = strlen(http.headers);
    snprintf(http.headers + n, sizeof(http.headers) - n, "%s=%s;", k, v);
    return ESP_OK;
}
int esp_http_client_get_errno(esp_http_client_handle_t c) {
    (void)c;
    return http.sock_errno;
}
esp_err_t esp_http_client_set_timeout_ms(esp_http_client_handle_t c, int timeout_ms) {
    (void)c;
    http.timeout_set = timeout_ms;
    return ESP_OK;
}
esp_err_t esp_http_client_open(esp_http_client_handle_t c, int len) {
    (void)c;
    http.write_len = len;
    clock_us += http.open_takes_us;
    // v5.0.5: a failed connect dispatches HTTP_EVENT_ERROR with the transport's esp-tls error handle
    if (http.open_err != ESP_OK && http.handler != NULL) {
        esp_http_client_event_t e = {.event_id = HTTP_EVENT_ERROR, .client = c, .data = &http.tls_error,
                                     .user_data = http.user_data};
        http.handler(&e);
    }
    return http.open_err;
}
int esp_http_client_write(esp_http_client_handle_t c, const char *buf, int len) {
    (void)c;
    if (http.written == 0)
        http.body_from = buf;
    int n = len < http.chunk ? len : http.chunk;
    http.written += (size_t)n;
    return n;
}
int64_t esp_http_client_fetch_headers(esp_http_client_handle_t c) {
    (void)c;
    return http.fetch;
}
// as v5.0.5: -1 until fetch_headers parsed a status line
int esp_http_client_get_status_code(esp_http_client_handle_t c) {
    (void)c;
    return http.fetch < 0 ? -1 : http.status;
}
esp_err_t esp_http_client_close(esp_http_client_handle_t c) {
    (void)c;
    return ESP_OK;
}
esp_err_t esp_http_client_cleanup(esp_http_client_handle_t c) {
    (void)c;
    http.cleaned = true;
    return ESP_OK;
}

// ---------------------------------------------------------------- helpers

static srv_t *state;

static void set_part(uint16_t request, uint8_t part, const char *value) {
    size_t total = strlen(value);
    size_t offset = 0;
    do {
        size_t n = total - offset > CAM_UPLOAD_CHUNK_MAX ? CAM_UPLOAD_CHUNK_MAX : total - offset;
        jd_packet_t pkt = {.service_command = JD_CAM_HTTP_UPLOAD_CMD_SET_PART,
                           .service_size = (uint8_t)(8 + n)};
        uint8_t *d = pkt.data;
        d[0] = (uint8_t)request, d[1] = (uint8_t)(request >> 8), d[2] = part, d[3] = 0;
        d[4] = (uint8_t)offset, d[5] = (uint8_t)(offset >> 8);
        d[6] = (uint8_t)total, d[7] = (uint8_t)(total >> 8);
        memcpy(d + 8, value + offset, n);
        cam_http_upload_handle_packet(state, &pkt);
        offset += n;
    } while (offset < total);
}

static void send_cmd(uint16_t request, uint8_t index, uint8_t method, uint32_t sequence, uint32_t timeout_ms,
                     bool insecure) {
    jd_packet_t pkt = {.service_command = JD_CAM_HTTP_UPLOAD_CMD_SEND, .service_size = 13};
    uint8_t *d = pkt.data;
    d[0] = (uint8_t)request, d[1] = (uint8_t)(request >> 8), d[2] = index, d[3] = method;
    cam_put_u32_le(d + 4, sequence);
    cam_put_u32_le(d + 8, timeout_ms);
    d[12] = insecure;
    cam_http_upload_handle_packet(state, &pkt);
}

typedef struct {
    int request, status, elapsed, sent, reason, tls, via;
} seen_t;
static seen_t last(void) {
    seen_t s = {event[0] | event[1] << 8,
                event[2] | event[3] << 8,
                (int)cam_get_u32_le(event + 4),
                (int)cam_get_u32_le(event + 8),
                event[12],
                event[13],
                event[14]};
    return s;
}

static void script(esp_err_t open_err, int sock_errno, int64_t fetch, int status) {
    memset(&http, 0, sizeof(http));
    http.open_err = open_err;
    http.sock_errno = sock_errno;
    http.fetch = fetch;
    http.status = status;
    http.chunk = 1000; // esp_http_client_write may write part of what it is given
}

// one whole request: parts, send, the task's job, the main loop's pass
static seen_t upload(uint16_t request, const char *url, const char *ca, bool insecure) {
    set_part(request, JD_CAM_HTTP_UPLOAD_PART_URL, url);
    set_part(request, JD_CAM_HTTP_UPLOAD_PART_HEADERS, "X-Camera: porch\r\n");
    if (ca)
        set_part(request, JD_CAM_HTTP_UPLOAD_PART_CA_CERT, ca);
    int before = events;
    send_cmd(request, 1, JD_CAM_HTTP_UPLOAD_METHOD_PUT, 42, 5000, insecure);
    if (state->busy) {
        CHECK_EQ(events, before, "no answer before the job ran");
        clock_us += 120000;
        run_job(state);
        cam_http_upload_process(state);
    }
    CHECK_EQ(events, before + 1, "one result per send");
    return last();
}

// ------------------------------------------------------------------ tests

static void test_accepted(void) {
    eth_up = false, sta_up = true;
    script(ESP_OK, 0, 0, 201);
    seen_t r = upload(1, "https://frames.local/p", "-----BEGIN CERTIFICATE-----\n", false);
    CHECK_EQ(r.request, 1, "request");
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_NONE, "201: None");
    CHECK_EQ(r.status, 201, "status");
    CHECK_EQ(r.sent, 3000, "every body byte");
    CHECK_EQ(r.elapsed, 120, "elapsed from the send");
    CHECK_EQ(r.via, 1, "over the station");
    CHECK(http.body_from == (const char *)jpeg, "the body written from the camera's buffer itself");
    CHECK_EQ(http.write_len, 3000, "Content-Length: the frame's length");
    CHECK(strcmp(http.url, "https://frames.local/p") == 0, "the URL");
    CHECK(http.cert_pem != NULL && strncmp(http.cert_pem, "-----BEGIN", 10) == 0, "cert_pem: the CA");
    CHECK(!http.skip_cn, "the name is checked");
    CHECK(http.no_redirect, "redirects not followed");
    CHECK_EQ(http.method, HTTP_METHOD_PUT, "PUT");
    CHECK_EQ(http.timeout_ms, 5000, "timeout_ms");
    CHECK(strcmp(http.headers, "Content-Type=image/jpeg;X-Camera=porch;") == 0, "the headers");
    CHECK(http.cleaned, "the client freed");
    CHECK_EQ(tasks_created, 1, "the task made at the first send");
}

static void test_routes_and_refusals(void) {
    eth_up = true, sta_up = true;
    script(ESP_OK, 0, 0, 204);
    CHECK_EQ(upload(2, "http://h/", NULL, false).via, 2, "Ethernet first");
    CHECK(http.cert_pem == NULL, "no cert_pem over http");

    // a static Ethernet address stays in the ip info with the cable out; lwIP routes over Wi-Fi
    eth_up = false, eth_static = true;
    script(ESP_OK, 0, 0, 204);
    CHECK_EQ(upload(5, "http://h/", NULL, false).via, 1, "Ethernet down, its static address kept: Wi-Fi");
    eth_static = false;

    eth_up = false, sta_up = false;
    script(ESP_OK, 0, 0, 204);
    seen_t r = upload(3, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_NO_LINK, "no address: NoLink");
    CHECK_EQ(r.via, 0, "via none");
    CHECK(http.url[0] == 0, "nothing opened");

    sta_up = true;
    set_part(4, JD_CAM_HTTP_UPLOAD_PART_URL, "http://h/");
    send_cmd(4, 1, JD_CAM_HTTP_UPLOAD_METHOD_POST, 41, 5000, false);
    CHECK_EQ(last().reason, JD_CAM_HTTP_UPLOAD_REASON_FRAME_GONE, "another sequence: FrameGone");
    CHECK_EQ(last().request, 4, "... for its request");

    // a CA announced one byte too long spoils the request
    static char big[CAM_UPLOAD_CA_CERT_MAX + 2];
    memset(big, 'A', CAM_UPLOAD_CA_CERT_MAX + 1);
    script(ESP_OK, 0, 0, 200);
    r = upload(5, "https://h/", big, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_REJECTED, "CA of 8193 bytes: Rejected");
    CHECK_EQ(r.status, 0, "status 0");
    big[CAM_UPLOAD_CA_CERT_MAX] = 0;
    r = upload(6, "https://h/", big, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_NONE, "CA of 8192 bytes: sent");

    // one at a time
    script(ESP_OK, 0, 0, 200);
    set_part(7, JD_CAM_HTTP_UPLOAD_PART_URL, "http://h/");
    send_cmd(7, 1, JD_CAM_HTTP_UPLOAD_METHOD_POST, 42, 5000, false);
    CHECK(state->busy, "under way");
    int before = events, jobs = gives;
    // the same request again (its parts are whole): refused only for being second
    send_cmd(7, 1, JD_CAM_HTTP_UPLOAD_METHOD_POST, 42, 5000, false);
    CHECK_EQ(events, before + 1, "the second send answered at once");
    CHECK_EQ(last().reason, JD_CAM_HTTP_UPLOAD_REASON_REJECTED, "... Rejected");
    CHECK_EQ(last().status, 0, "... status 0");
    CHECK_EQ(gives, jobs, "no second job handed to the task");
    run_job(state);
    cam_http_upload_process(state);
    CHECK_EQ(events, before + 2, "the first still answered");
    CHECK_EQ(last().request, 7, "... its request");
    CHECK_EQ(last().reason, JD_CAM_HTTP_UPLOAD_REASON_NONE, "... None");
    cam_http_upload_process(state);
    CHECK_EQ(events, before + 2, "once");
}

static void test_failures(void) {
    eth_up = false, sta_up = true;
    script(ESP_ERR_HTTP_CONNECT, ECONNREFUSED, 0, 0);
    seen_t r = upload(10, "http://h:9/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_REFUSED, "RST: Refused");
    CHECK_EQ(r.sent, 0, "nothing sent");
    CHECK(http.cleaned, "the client freed after a failed open");

    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    http.open_takes_us = 5000 * 1000;
    CHECK_EQ(upload(11, "http://h/", NULL, false).reason, JD_CAM_HTTP_UPLOAD_REASON_TIMEOUT,
             "the whole timeout spent connecting: Timeout");

    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    CHECK_EQ(upload(12, "http://nowhere/", NULL, false).reason, JD_CAM_HTTP_UPLOAD_REASON_DNS, "http: Dns");

    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    r = upload(13, "https://h/", NULL, true);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_TLS, "https: Tls");
    CHECK_EQ(r.tls, JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_HANDSHAKE, "... Handshake");
    CHECK(http.cert_pem == NULL, "insecure: no cert_pem");

    // esp-tls's error read in the HTTP_EVENT_ERROR handler
    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    http.tls_error = (esp_tls_last_error_t){ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED, -0x2700,
                                            MBEDTLS_X509_BADCERT_NOT_TRUSTED};
    r = upload(20, "https://h/", "-----BEGIN CERTIFICATE-----", false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_TLS, "a chain to another CA: Tls");
    CHECK_EQ(r.tls, JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_UNTRUSTED, "... Untrusted");
    CHECK_EQ(http.tls_error.esp_tls_flags, 0, "the handle read and cleared");
    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    http.tls_error = (esp_tls_last_error_t){ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED, -0x2700,
                                            MBEDTLS_X509_BADCERT_CN_MISMATCH};
    r = upload(21, "https://h/", "-----BEGIN CERTIFICATE-----", false);
    CHECK_EQ(r.tls, JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_NAME_MISMATCH, "another name: NameMismatch");
    script(ESP_ERR_HTTP_CONNECT, 0, 0, 0);
    http.tls_error = (esp_tls_last_error_t){ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, 0, 0};
    r = upload(22, "https://nowhere/", "-----BEGIN CERTIFICATE-----", false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_DNS, "https, the name did not resolve: Dns");
    CHECK_EQ(r.tls, JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_NONE, "... no TLS problem");

    script(ESP_OK, 0, 0, 500);
    r = upload(14, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_SERVER_ERROR, "500: ServerError");
    CHECK_EQ(r.status, 500, "status 500");
    CHECK_EQ(r.sent, 3000, "the body went out");

    script(ESP_OK, 0, -ESP_ERR_HTTP_EAGAIN, 0);
    r = upload(15, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_TIMEOUT, "no answer in time: Timeout");
    CHECK_EQ(r.status, 0, "no status");

    script(ESP_OK, 0, -1, 0);
    CHECK_EQ(upload(16, "http://h/", NULL, false).reason, JD_CAM_HTTP_UPLOAD_REASON_CONNECTION_LOST,
             "closed before the answer: ConnectionLost");

    // one timeout for the whole attempt: 120 ms before the task ran, 4 s to connect
    script(ESP_OK, 0, 0, 200);
    http.open_takes_us = 4000 * 1000;
    r = upload(18, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_NONE, "answered in time");
    CHECK_EQ(http.timeout_set, 880, "the body and the answer get the 880 ms left of 5000");
    script(ESP_OK, 0, 0, 200);
    http.open_takes_us = 4880 * 1000;
    r = upload(19, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_TIMEOUT, "connected with nothing left: Timeout");
    CHECK_EQ(r.sent, 0, "... nothing written");

    script(ESP_OK, 0, 0, 200);
    http.chunk = 0; // the connection took nothing
    r = upload(17, "http://h/", NULL, false);
    CHECK_EQ(r.reason, JD_CAM_HTTP_UPLOAD_REASON_CONNECTION_LOST, "body not written: ConnectionLost");
    CHECK_EQ(r.sent, 0, "sent_bytes 0");
}

int main(void) {
    cam_http_upload_init();
    state = allocated;
    test_accepted();
    test_routes_and_refusals();
    test_failures();
    if (failures) {
        fprintf(stderr, "test_http_upload_driver: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_http_upload_driver: %d checks passed\n", checks);
    return 0;
}
