// Wire layouts and text of the Camscript Camera Server (cam_camera_server_packets.h).

#include "cam_camera_server_packets.h"

#include <stdio.h>
#include <string.h>

static void put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = (uint8_t)(v >> (8 * i));
}

// a string0 at data[*at]: copied into out (max chars), *at moved past its NUL
static bool take_string0(const uint8_t *data, size_t size, size_t *at, char *out, size_t max) {
    size_t n = 0;
    while (*at + n < size && data[*at + n] != 0)
        n++;
    if (*at + n >= size || n > max)
        return false;
    memcpy(out, data + *at, n);
    out[n] = 0;
    *at += n + 1;
    return true;
}

bool cam_server_parse_serve(const uint8_t *data, size_t size, cam_server_config_t *out) {
    if (size < 5 + 2)
        return false;
    out->port = (uint16_t)(data[0] | (data[1] << 8));
    out->max_fps = data[2];
    out->stream_clients = data[3];
    out->retry_after_s = data[4];
    size_t at = 5;
    return take_string0(data, size, &at, out->stream_path, CAM_SERVER_PATH_MAX) &&
           take_string0(data, size, &at, out->snapshot_path, CAM_SERVER_PATH_MAX);
}

bool cam_server_parse_password(const uint8_t *data, size_t size, char user[CAM_SERVER_USER_MAX + 1],
                               char password[CAM_SERVER_PASSWORD_MAX + 1]) {
    size_t at = 0;
    if (!take_string0(data, size, &at, user, CAM_SERVER_USER_MAX))
        return false;
    size_t n = size - at;
    // a trailing NUL some senders add to a final string is not part of it
    if (n > 0 && data[size - 1] == 0)
        n--;
    if (n > CAM_SERVER_PASSWORD_MAX || memchr(data + at, 0, n) != NULL)
        return false;
    memcpy(password, data + at, n);
    password[n] = 0;
    return true;
}

void cam_server_put_status(uint8_t *out, const cam_server_status_t *s) {
    put_u32(out, s->frames_sent);
    put_u32(out + 4, s->snapshots_sent);
    put_u16(out + 8, s->port);
    out[10] = s->state;
    out[11] = s->reason;
    out[12] = s->stream_clients;
}

void cam_server_put_served(uint8_t *out, const cam_server_served_t *s) {
    put_u32(out, s->address);
    put_u16(out + 4, s->status_code);
    out[6] = s->kind;
    out[7] = s->what;
}

static size_t bounded_length(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n] != 0)
        n++;
    return n;
}

static const char BASE64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// base64 (RFC 4648, padded) of a and b joined by ':', into out (NUL-ended); its length
static size_t encode_credentials(const char *a, const char *b, char *out) {
    uint8_t in[CAM_SERVER_USER_MAX + 1 + CAM_SERVER_PASSWORD_MAX];
    size_t la = bounded_length(a, CAM_SERVER_USER_MAX), lb = bounded_length(b, CAM_SERVER_PASSWORD_MAX);
    memcpy(in, a, la);
    in[la] = ':';
    memcpy(in + la + 1, b, lb);
    size_t n = la + 1 + lb;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = BASE64[(v >> 18) & 63];
        out[o++] = BASE64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? BASE64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? BASE64[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool cam_server_basic_ok(const char *header, const char *user, const char *password) {
    if (password == NULL || password[0] == 0)
        return true;
    if (header == NULL)
        return false;
    static const char scheme[] = "basic";
    for (size_t i = 0; i < sizeof(scheme) - 1; ++i)
        if (lower(header[i]) != scheme[i])
            return false;
    const char *token = header + sizeof(scheme) - 1;
    if (*token != ' ' && *token != '\t')
        return false;
    while (*token == ' ' || *token == '\t')
        token++;
    size_t given = 0;
    while (token[given] != 0 && token[given] != ' ' && token[given] != '\t')
        given++;
    for (size_t i = given; token[i] != 0; ++i) // only blanks may follow the token
        if (token[i] != ' ' && token[i] != '\t')
            return false;
    char expected[((CAM_SERVER_USER_MAX + 1 + CAM_SERVER_PASSWORD_MAX + 2) / 3) * 4 + 1];
    size_t n = encode_credentials(user, password, expected);
    // every byte of the expected token is compared whatever differs first
    uint8_t diff = given != n;
    for (size_t i = 0; i < n; ++i)
        diff |= (uint8_t)(expected[i] ^ (i < given ? token[i] : 0));
    return diff == 0;
}

size_t cam_server_part_header(char *out, size_t size, uint32_t length, uint32_t sequence,
                              int64_t timestamp_us) {
    if (timestamp_us < 0)
        timestamp_us = 0;
    int n = snprintf(out, size,
                     "--" CAM_SERVER_BOUNDARY "\r\nContent-Type: image/jpeg\r\nContent-Length: %lu\r\n"
                     "X-Frame-Sequence: %lu\r\nX-Timestamp: %lu.%06lu\r\n\r\n",
                     (unsigned long)length, (unsigned long)sequence,
                     (unsigned long)(timestamp_us / 1000000), (unsigned long)(timestamp_us % 1000000));
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
