// Wire layouts and pure rules of the Camscript Http Upload driver: see
// cam_http_upload_packets.h.

#include "cam_http_upload_packets.h"

#include <errno.h>
#include <string.h>

#include "cam_wifi_packets.h" // cam_put_u16_le, cam_put_u32_le, cam_get_u32_le
#include "cam_wifi_station_spec.h"

#define REASON(name) JD_CAM_HTTP_UPLOAD_REASON_##name

static uint16_t get_u16(const uint8_t *at) {
    return (uint16_t)(at[0] | (at[1] << 8));
}

bool cam_upload_parse_set_part(const uint8_t *data, size_t size, cam_upload_part_t *out) {
    if (size < CAM_UPLOAD_SET_PART_HEAD)
        return false;
    out->request = get_u16(data);
    out->part = data[2];
    out->offset = get_u16(data + 4);
    out->total = get_u16(data + 6);
    out->data = data + CAM_UPLOAD_SET_PART_HEAD;
    out->size = size - CAM_UPLOAD_SET_PART_HEAD;
    return true;
}

bool cam_upload_parse_send(const uint8_t *data, size_t size, cam_upload_send_t *out) {
    if (size < CAM_UPLOAD_SEND_SIZE)
        return false;
    out->request = get_u16(data);
    out->index = data[2];
    out->method = data[3];
    out->sequence = cam_get_u32_le(data + 4);
    out->timeout_ms = cam_get_u32_le(data + 8);
    out->insecure = data[12] != 0;
    return true;
}

void cam_upload_put_result(uint8_t *out, const cam_upload_result_t *r) {
    cam_put_u16_le(out, r->request);
    cam_put_u16_le(out + 2, r->status);
    cam_put_u32_le(out + 4, r->elapsed_ms);
    cam_put_u32_le(out + 8, r->sent_bytes);
    out[12] = r->reason;
    out[13] = r->tls;
    out[14] = r->via;
}

void cam_upload_reset_buffer(cam_upload_buffer_t *b) {
    b->total = 0;
    b->got = 0;
    b->spoiled = false;
    if (b->buf != NULL)
        b->buf[0] = 0;
}

bool cam_upload_take_chunk(cam_upload_buffer_t *b, const cam_upload_part_t *p) {
    if (b->spoiled)
        return false;
    // a chunk already held, byte for byte, changes nothing: the bus may deliver a
    // command twice (the VM's first request on a fresh role was seen to repeat its
    // last chunk), and the model driver, which writes each chunk at its offset,
    // takes a repeat too
    if (b->buf != NULL && b->got > 0 && p->total == b->total && p->offset + p->size <= b->got &&
        memcmp(b->buf + p->offset, p->data, p->size) == 0)
        return true;
    if (p->offset == 0) { // the first chunk announces the total
        b->total = p->total;
        b->got = 0;
    }
    if (p->total != b->total || p->total > b->cap || b->buf == NULL || p->offset != b->got ||
        p->size > (size_t)(b->total - b->got)) {
        b->spoiled = true;
        return false;
    }
    memcpy(b->buf + b->got, p->data, p->size);
    b->got = (uint16_t)(b->got + p->size);
    b->buf[b->got] = 0;
    return true;
}

bool cam_upload_buffer_whole(const cam_upload_buffer_t *b) {
    return !b->spoiled && b->got == b->total;
}

bool cam_upload_next_header(char **cursor, char **name, char **value) {
    char *line = *cursor;
    if (line == NULL || *line == 0)
        return false;
    char *end = strstr(line, "\r\n");
    if (end == NULL)
        return false; // every line ends with CRLF (the contract)
    *end = 0;
    char *colon = strchr(line, ':');
    if (colon == NULL || colon == line)
        return false;
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    *name = line;
    *value = v;
    *cursor = end + 2;
    return true;
}

uint8_t cam_upload_reason_of_status(int status) {
    if (status >= 200 && status <= 299)
        return REASON(NONE);
    if (status >= 500 && status <= 599)
        return REASON(SERVER_ERROR);
    return REASON(REJECTED); // 3xx (not followed), 4xx, anything else
}

uint8_t cam_upload_reason_of_open_failure(int sock_errno, const cam_upload_tls_error_t *tls_error, bool https,
                                          bool timed_out, uint8_t *tls) {
    *tls = JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_NONE;
    if (tls_error != NULL && tls_error->last_error == CAM_UPLOAD_TLS_CANNOT_RESOLVE_HOSTNAME)
        return REASON(DNS);
    const int flags = tls_error != NULL ? tls_error->cert_flags : 0;
    if (flags & CAM_UPLOAD_X509_BADCERT_NOT_TRUSTED)
        *tls = JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_UNTRUSTED;
    else if (flags & (CAM_UPLOAD_X509_BADCERT_EXPIRED | CAM_UPLOAD_X509_BADCERT_FUTURE))
        *tls = JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_EXPIRED;
    else if (flags & CAM_UPLOAD_X509_BADCERT_CN_MISMATCH)
        *tls = JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_NAME_MISMATCH;
    if (*tls != JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_NONE)
        return REASON(TLS);
    if (sock_errno == ECONNREFUSED)
        return REASON(REFUSED);
    if (timed_out || sock_errno == EAGAIN || sock_errno == ETIMEDOUT || sock_errno == EINPROGRESS)
        return REASON(TIMEOUT);
    if (sock_errno == ECONNRESET || sock_errno == ENOTCONN || sock_errno == EPIPE)
        return REASON(CONNECTION_LOST);
    if (sock_errno == EHOSTUNREACH || sock_errno == ENETUNREACH)
        return REASON(NO_LINK);
    if (https) {
        *tls = JD_CAM_HTTP_UPLOAD_TLS_PROBLEM_HANDSHAKE;
        return REASON(TLS);
    }
    return REASON(DNS);
}
