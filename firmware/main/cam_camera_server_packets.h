// Wire layouts of the Camscript Camera Server packets (services/camera-server.md
// v1) and the server's pure text work: the HTTP Basic check and the MJPEG
// part header. Built and read byte by byte at explicit offsets, integers
// little-endian, as for the other contracts (cam_camera_packets.h). No
// ESP-IDF, no Jacdac: unit-tested on the host
// (firmware/test/test_camera_server_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAM_SERVER_PATH_MAX 64     // src/limits.ts SERVE_PATH_MAX_CHARS
#define CAM_SERVER_USER_MAX 32     // src/limits.ts SERVE_USER_MAX_CHARS
#define CAM_SERVER_PASSWORD_MAX 64 // src/limits.ts SERVE_PASSWORD_MAX_CHARS

// ---- command serve: port u16, max_fps u8, stream_clients u8, retry_after_s u8,
//      stream_path string0, snapshot_path string0
typedef struct {
    uint16_t port;
    uint8_t max_fps, stream_clients, retry_after_s;
    char stream_path[CAM_SERVER_PATH_MAX + 1];
    char snapshot_path[CAM_SERVER_PATH_MAX + 1];
} cam_server_config_t;
// false: too short, a path without its NUL or longer than CAM_SERVER_PATH_MAX
bool cam_server_parse_serve(const uint8_t *data, size_t size, cam_server_config_t *out);

// ---- command set_password: user string0, password string (the rest)
// false: no NUL after the user, or a field longer than its maximum
bool cam_server_parse_password(const uint8_t *data, size_t size, char user[CAM_SERVER_USER_MAX + 1],
                               char password[CAM_SERVER_PASSWORD_MAX + 1]);

// ---- event status (13 bytes)
//   frames_sent u32, snapshots_sent u32, port u16, state u8, reason u8, stream_clients u8
#define CAM_SERVER_STATUS_SIZE 13
typedef struct {
    uint32_t frames_sent, snapshots_sent;
    uint16_t port;
    uint8_t state, reason, stream_clients;
} cam_server_status_t;
void cam_server_put_status(uint8_t *out, const cam_server_status_t *s);

// ---- event served (8 bytes): address u32, status_code u16, kind u8, what u8
#define CAM_SERVER_SERVED_SIZE 8
typedef struct {
    uint32_t address;
    uint16_t status_code;
    uint8_t kind, what;
} cam_server_served_t;
void cam_server_put_served(uint8_t *out, const cam_server_served_t *s);

// HTTP Basic (RFC 7617): whether an Authorization header's value carries
// `user:password`. The scheme is matched without case; the token is
// compared over its whole expected length whatever byte differs first. An
// empty password means no password: always true.
bool cam_server_basic_ok(const char *header, const char *user, const char *password);

// The part boundary of the stream (sim/drivers/camera-server.ts STREAM_BOUNDARY).
#define CAM_SERVER_BOUNDARY "camscript-frame"

// The header of one MJPEG part, as the model writes it: boundary,
// Content-Type, Content-Length, X-Frame-Sequence, X-Timestamp (seconds, 6
// decimals), blank line. Returns its length, or 0 when `size` is too small.
size_t cam_server_part_header(char *out, size_t size, uint32_t length, uint32_t sequence,
                              int64_t timestamp_us);
