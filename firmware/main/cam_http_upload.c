// Camscript Http Upload: driver contract v1 (services/http-upload.md) on
// ESP-IDF's esp_http_client, as its components/esp_http_client/include/
// esp_http_client.h declares it at v5.0.5 (commit 03d7a3807bee18c7b9ffa0638af83b92fc23895f;
// firmware/host/include/esp-idf/esp_http_client.h follows it for the host
// build).
//
// Thin on purpose: one `send` is one attempt. The bytecode (src/upload/)
// checks the URL, headers and CA, chooses the retries and says what a failure
// means; this file makes the request and reports what happened:
//
// - set_part: the URL, the extra headers and the CA certificate arrive in
//   chunks into buffers of the contract's sizes (heap, allocated at init:
//   512 + 1024 + 8192 bytes). A part announced longer, or a chunk out of
//   place, spoils the request: its send is answered Rejected, status 0.
// - send: the frame is looked up in the camera driver's buffers
//   (cam_camera_held_frame: index and sequence) and written to the socket
//   from camera_fb_t.buf, never copied. No interface with an address: NoLink
//   at once. Then esp_http_client_init with the URL, the method, timeout_ms,
//   cert_pem (the script's CA; NULL with `insecure`, which the image allows
//   through CONFIG_ESP_TLS_INSECURE / CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY
//   in idf/sdkconfig.camscript), skip_cert_common_name_check false, redirects
//   not followed; esp_http_client_open with the body's length,
//   esp_http_client_write until the frame is out, esp_http_client_fetch_headers,
//   esp_http_client_get_status_code. After the connection each call gets
//   what is left of timeout_ms (esp_http_client_set_timeout_ms), since the
//   contract counts one timeout from the send for the whole attempt.
// - which interface: lwIP routes by its default netif, and cam_ethernet.c
//   gives Ethernet the higher route_prio, so a request goes out on Ethernet
//   while it holds an address, else on the Wi-Fi station. `via` names the one
//   that will carry it by the same rule.
//
// Threading. esp_http_client's calls block (connect, handshake, write and the
// answer each up to timeout_ms), so they run on a task of this driver's own
// ("cam_upload", created at the first send, 8 KB of stack: mbedTLS's
// handshake runs on the calling task). The Jacdac main loop never waits:
// `send` hands the job to the task and returns; the task records the result
// under the lock and wakes the main loop, whose process() sends the `result`
// event. One request at a time (the contract): a send while one is under way
// is answered Rejected, status 0, and set_part chunks that arrive meanwhile
// spoil their request (the worker is reading the parts). The frame stays
// held: the contract forbids releasing it before the result.
//
// Nothing the script sent (headers, CA) is logged. Wire layouts and the
// reason rules are in cam_http_upload_packets.c.

#include "jdesp.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp_camera.h"
#include "esp_err.h"
#include "esp_http_client.h"
#include "esp_netif.h"
#include "esp_tls.h"
#include "mbedtls/x509.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#include "cam_camera.h"
#include "cam_http_upload.h"
#include "cam_http_upload_packets.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants

#define LOG(msg, ...) DMESG("cam_http_upload: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1
#define REASON(name) JD_CAM_HTTP_UPLOAD_REASON_##name
#define TASK_STACK 8192
#define TASK_PRIORITY 5
#define VIA_NONE 0
#define VIA_STATION 1
#define VIA_ETHERNET 2

// the pure reason rules (cam_http_upload_packets.c) name these numbers themselves
_Static_assert(CAM_UPLOAD_TLS_CANNOT_RESOLVE_HOSTNAME == ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, "esp-tls");
_Static_assert(CAM_UPLOAD_X509_BADCERT_EXPIRED == MBEDTLS_X509_BADCERT_EXPIRED, "mbedTLS");
_Static_assert(CAM_UPLOAD_X509_BADCERT_CN_MISMATCH == MBEDTLS_X509_BADCERT_CN_MISMATCH, "mbedTLS");
_Static_assert(CAM_UPLOAD_X509_BADCERT_NOT_TRUSTED == MBEDTLS_X509_BADCERT_NOT_TRUSTED, "mbedTLS");
_Static_assert(CAM_UPLOAD_X509_BADCERT_FUTURE == MBEDTLS_X509_BADCERT_FUTURE, "mbedTLS");

enum { PART_URL, PART_HEADERS, PART_CA, PARTS };
static const uint16_t part_caps[PARTS] = {CAM_UPLOAD_URL_MAX, CAM_UPLOAD_HEADERS_MAX,
                                          CAM_UPLOAD_CA_CERT_MAX};

// What the task needs: read-only to it while `busy`.
typedef struct {
    cam_upload_send_t send;
    const uint8_t *body; // the camera's camera_fb_t.buf
    size_t length;       // its .len
    uint8_t via;
    int64_t started_us;
} job_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_http_upload_regs.
    uint16_t contract_version;

    uint16_t request; // the request whose parts the buffers hold
    cam_upload_buffer_t parts[PARTS];

    bool busy; // main loop: a job is with the task
    job_t job;

    TaskHandle_t task;
    SemaphoreHandle_t go;   // given by the main loop: a job is ready
    SemaphoreHandle_t lock; // guards done / result
    bool done;              // the task finished the job
    cam_upload_result_t result;
};

REG_DEFINITION(                                        //
    cam_http_upload_regs,                              //
    REG_SRV_COMMON,                                    //
    REG_U16(JD_CAM_HTTP_UPLOAD_REG_CONTRACT_VERSION),  //
)

// ---------------------------------------------------------------- helpers

static void send_result(srv_t *state, const cam_upload_result_t *r) {
    uint8_t payload[CAM_UPLOAD_RESULT_SIZE];
    cam_upload_put_result(payload, r);
    jd_send_event_ext(state, JD_CAM_HTTP_UPLOAD_EV_RESULT, payload, sizeof(payload));
}

static void answer_now(srv_t *state, uint16_t request, uint8_t reason) {
    cam_upload_result_t r = {.request = request, .reason = reason};
    send_result(state, &r);
}

// lwIP routes only over a netif that is up; esp_netif_get_ip_info keeps a
// static address while the netif is down (esp_netif_lwip.c v5.0.5: from the
// lwIP netif when up, else the saved ip_info), so both are asked.
static bool holds_address(const char *if_key) {
    esp_netif_t *netif = esp_netif_get_handle_from_ifkey(if_key);
    esp_netif_ip_info_t info;
    return netif != NULL && esp_netif_is_netif_up(netif) && esp_netif_get_ip_info(netif, &info) == ESP_OK &&
           info.ip.addr != 0;
}

// "Connected is connected": Ethernet first (its route_prio is the higher).
static uint8_t route(void) {
    if (holds_address("ETH_DEF"))
        return VIA_ETHERNET;
    if (holds_address("WIFI_STA_DEF"))
        return VIA_STATION;
    return VIA_NONE;
}

static uint32_t elapsed_ms(int64_t since_us) {
    int64_t us = esp_timer_get_time() - since_us;
    return us > 0 ? (uint32_t)(us / 1000) : 0;
}

// ------------------------------------------------------------------- task

// Sets the client's timeout to what is left of the attempt's; false when
// nothing is left.
static bool give_what_is_left(esp_http_client_handle_t client, const job_t *job, int64_t timeout_us) {
    int64_t left_us = timeout_us - (esp_timer_get_time() - job->started_us);
    if (left_us < 1000)
        return false;
    esp_http_client_set_timeout_ms(client, (int)(left_us / 1000));
    return true;
}

// esp_http_client_open dispatches HTTP_EVENT_ERROR with the transport's
// esp-tls error handle (esp_http_client.c v5.0.5, esp_http_client_open):
// what esp-tls recorded about the connect, for the reason.
static esp_err_t on_http_event(esp_http_client_event_t *event) {
    cam_upload_tls_error_t *seen = event->user_data;
    if (event->event_id != HTTP_EVENT_ERROR || event->data == NULL || seen == NULL)
        return ESP_OK;
    int code = 0, flags = 0;
    esp_err_t last = esp_tls_get_and_clear_last_error((esp_tls_error_handle_t)event->data, &code, &flags);
    seen->last_error = last;
    seen->cert_flags = flags;
    return ESP_OK;
}

// One attempt, on the task. Fills r's status, reason, tls and sent_bytes.
static void attempt(srv_t *state, const job_t *job, cam_upload_result_t *r) {
    cam_upload_tls_error_t tls_error = {0, 0};
    const char *url = state->parts[PART_URL].buf;
    const bool https = strncmp(url, "https://", 8) == 0;
    const bool verify = https && !job->send.insecure;
    esp_http_client_config_t config = {
        .url = url,
        .method = job->send.method == JD_CAM_HTTP_UPLOAD_METHOD_PUT ? HTTP_METHOD_PUT : HTTP_METHOD_POST,
        .timeout_ms = (int)job->send.timeout_ms,
        .cert_pem = verify ? state->parts[PART_CA].buf : NULL,
        .skip_cert_common_name_check = false,
        .disable_auto_redirect = true, // the contract: 3xx is Rejected, not followed
        .event_handler = on_http_event,
        .user_data = &tls_error,
        // no user_agent: esp_http_client's own (DEFAULT_HTTP_USER_AGENT, "ESP32 HTTP
        // Client/1.0"), which docs/upload.md promises and a script's header replaces
    };
    esp_http_client_handle_t client = esp_http_client_init(&config);
    if (client == NULL) { // out of memory, or a URL it cannot parse
        r->reason = REASON(REJECTED);
        return;
    }
    esp_http_client_set_header(client, "Content-Type", "image/jpeg");
    // the script's headers, split in place (the part is not read again)
    char *cursor = state->parts[PART_HEADERS].buf, *name, *value;
    while (cam_upload_next_header(&cursor, &name, &value))
        esp_http_client_set_header(client, name, value);

    const int64_t timeout_us = (int64_t)job->send.timeout_ms * 1000;
    esp_err_t err = esp_http_client_open(client, (int)job->length);
    if (err != ESP_OK) {
        bool timed_out = esp_timer_get_time() - job->started_us >= timeout_us;
        r->reason = cam_upload_reason_of_open_failure(esp_http_client_get_errno(client), &tls_error, https,
                                                       timed_out, &r->tls);
        LOG("open failed: %s, reason %d", esp_err_to_name(err), r->reason);
        esp_http_client_cleanup(client);
        return;
    }
    // the body, straight from the frame buffer. Each esp_http_client call
    // waits up to the client's timeout_ms; the contract counts one timeout
    // from the send for the whole attempt, so each call gets what is left.
    size_t sent = 0;
    while (sent < job->length) {
        if (!give_what_is_left(client, job, timeout_us))
            break;
        int n = esp_http_client_write(client, (const char *)job->body + sent, (int)(job->length - sent));
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    r->sent_bytes = (uint32_t)sent;
    bool timed_out = false;
    if (sent == job->length && give_what_is_left(client, job, timeout_us)) {
        // v5.0.5: the content length (0 without one), -ESP_ERR_HTTP_EAGAIN when
        // nothing came within timeout_ms, ESP_FAIL otherwise; the status code
        // reads -1 until a status line was parsed
        int64_t headers = esp_http_client_fetch_headers(client);
        int code = headers >= 0 ? esp_http_client_get_status_code(client) : -1;
        if (code >= 100 && code <= 999)
            r->status = (uint16_t)code;
        timed_out = headers == -ESP_ERR_HTTP_EAGAIN;
    }
    if (r->status >= 100) {
        r->reason = cam_upload_reason_of_status(r->status);
    } else {
        r->status = 0;
        timed_out = timed_out || esp_timer_get_time() - job->started_us >= timeout_us;
        r->reason = timed_out ? REASON(TIMEOUT) : REASON(CONNECTION_LOST);
    }
    esp_http_client_close(client);
    esp_http_client_cleanup(client);
}

// The job handed over by `send`: the attempt, then the result for process().
static void run_job(srv_t *state) {
    cam_upload_result_t r = {.request = state->job.send.request, .via = state->job.via};
    attempt(state, &state->job, &r);
    r.elapsed_ms = elapsed_ms(state->job.started_us);
    xSemaphoreTake(state->lock, portMAX_DELAY);
    state->result = r;
    state->done = true;
    xSemaphoreGive(state->lock);
#ifdef JD_WAKE_MAIN
    JD_WAKE_MAIN();
#endif
}

static void upload_task(void *arg) {
    srv_t *state = arg;
    for (;;) {
        xSemaphoreTake(state->go, portMAX_DELAY);
        run_job(state);
    }
}

// --------------------------------------------------------------- commands

static void handle_set_part(srv_t *state, jd_packet_t *pkt) {
    cam_upload_part_t p;
    if (!cam_upload_parse_set_part(pkt->data, pkt->service_size, &p))
        return;
    if (p.part < JD_CAM_HTTP_UPLOAD_PART_URL || p.part > JD_CAM_HTTP_UPLOAD_PART_CA_CERT)
        return;
    if (p.request != state->request) { // a new request forgets the parts before
        if (state->busy) {
            // the task reads the buffers: this request's send will be Rejected
            state->request = p.request;
            for (int i = 0; i < PARTS; ++i)
                state->parts[i].spoiled = true;
            return;
        }
        state->request = p.request;
        for (int i = 0; i < PARTS; ++i)
            cam_upload_reset_buffer(&state->parts[i]);
    }
    if (state->busy) {
        state->parts[p.part - 1].spoiled = true;
        return;
    }
    cam_upload_take_chunk(&state->parts[p.part - 1], &p);
}

static void handle_send(srv_t *state, jd_packet_t *pkt) {
    cam_upload_send_t s;
    if (!cam_upload_parse_send(pkt->data, pkt->service_size, &s))
        return;
    int64_t started = esp_timer_get_time();
    if (state->busy) {
        answer_now(state, s.request, REASON(REJECTED));
        return;
    }
    if (s.request != state->request) { // no part sent for it: every part empty
        state->request = s.request;
        for (int i = 0; i < PARTS; ++i)
            cam_upload_reset_buffer(&state->parts[i]);
    }
    bool parts_whole = true;
    for (int i = 0; i < PARTS; ++i)
        parts_whole = parts_whole && state->parts[i].buf != NULL && cam_upload_buffer_whole(&state->parts[i]);
    if (!parts_whole || state->parts[PART_URL].got == 0 ||
        (s.method != JD_CAM_HTTP_UPLOAD_METHOD_POST && s.method != JD_CAM_HTTP_UPLOAD_METHOD_PUT)) {
        answer_now(state, s.request, REASON(REJECTED));
        return;
    }
    const camera_fb_t *fb = cam_camera_held_frame(s.index, s.sequence);
    if (fb == NULL) {
        answer_now(state, s.request, REASON(FRAME_GONE));
        return;
    }
    uint8_t via = route();
    if (via == VIA_NONE) {
        answer_now(state, s.request, REASON(NO_LINK));
        return;
    }
    if (state->task == NULL &&
        xTaskCreate(upload_task, "cam_upload", TASK_STACK, state, TASK_PRIORITY, &state->task) != pdPASS) {
        state->task = NULL;
        LOG("no memory for the upload task");
        answer_now(state, s.request, REASON(REJECTED));
        return;
    }
    state->job = (job_t){.send = s, .body = fb->buf, .length = fb->len, .via = via, .started_us = started};
    state->busy = true;
    xSemaphoreGive(state->go);
}

// ---------------------------------------------------------------- process

static void cam_http_upload_process(srv_t *state) {
    if (!state->busy)
        return;
    xSemaphoreTake(state->lock, portMAX_DELAY);
    bool done = state->done;
    cam_upload_result_t r = state->result;
    state->done = false;
    xSemaphoreGive(state->lock);
    if (!done)
        return;
    state->busy = false;
    send_result(state, &r);
}

static void cam_http_upload_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_HTTP_UPLOAD_CMD_SET_PART:
        handle_set_part(state, pkt);
        return;
    case JD_CAM_HTTP_UPLOAD_CMD_SEND:
        handle_send(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_http_upload_regs);
}

// ------------------------------------------------------------------- init

SRV_DEF(cam_http_upload, JD_SERVICE_CLASS_CAM_HTTP_UPLOAD);

void cam_http_upload_init(void) {
    SRV_ALLOC(cam_http_upload); // zero-filled by jd_allocate_service()
    state->contract_version = CONTRACT_VERSION;
    state->lock = xSemaphoreCreateMutex();
    state->go = xSemaphoreCreateBinary();
    for (int i = 0; i < PARTS; ++i) {
        state->parts[i].cap = part_caps[i];
        state->parts[i].buf = malloc((size_t)part_caps[i] + 1);
        if (state->parts[i].buf == NULL)
            LOG("no memory for part %d: every send will be Rejected", i + 1);
        cam_upload_reset_buffer(&state->parts[i]);
    }
    if (state->lock == NULL || state->go == NULL)
        LOG("no memory for the semaphores");
}
