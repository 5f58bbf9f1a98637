// Wire layouts and pure rules of the Camscript Http Upload driver
// (services/http-upload.md v1).
//
// As for the other contracts, packets are built and read byte by byte at the
// explicit offsets below (little-endian), never by copying a C struct. The
// functions are pure (no ESP-IDF, no Jacdac), so they are unit-tested on the
// host (firmware/test/test_http_upload_packets.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The longest value each part may announce (the contract; src/limits.ts)
#define CAM_UPLOAD_URL_MAX 512
#define CAM_UPLOAD_HEADERS_MAX 1024
#define CAM_UPLOAD_CA_CERT_MAX 8192
#define CAM_UPLOAD_CHUNK_MAX 200

// ---- command set_part (8 bytes + data)
//   request u16, part u8, reserved u8, offset u16, total u16, data bytes
#define CAM_UPLOAD_SET_PART_HEAD 8
typedef struct {
    uint16_t request;
    uint8_t part;
    uint16_t offset, total;
    const uint8_t *data;
    size_t size;
} cam_upload_part_t;
bool cam_upload_parse_set_part(const uint8_t *data, size_t size, cam_upload_part_t *out);

// ---- command send (13 bytes)
//   request u16, index u8, method u8, sequence u32, timeout_ms u32, insecure u8
#define CAM_UPLOAD_SEND_SIZE 13
typedef struct {
    uint16_t request;
    uint8_t index, method;
    uint32_t sequence, timeout_ms;
    bool insecure;
} cam_upload_send_t;
bool cam_upload_parse_send(const uint8_t *data, size_t size, cam_upload_send_t *out);

// ---- event result (15 bytes)
//   request u16, status u16, elapsed_ms u32, sent_bytes u32, reason u8, tls u8, via u8
#define CAM_UPLOAD_RESULT_SIZE 15
typedef struct {
    uint16_t request, status;
    uint32_t elapsed_ms, sent_bytes;
    uint8_t reason, tls, via;
} cam_upload_result_t;
void cam_upload_put_result(uint8_t *out, const cam_upload_result_t *r);

// A part being reassembled from set_part chunks. `buf` holds `cap` bytes
// plus a NUL; `total` is what the request announced, `got` the bytes
// received so far, in order (the bytecode sends the chunks in order; one out
// of place, beyond `total` or announcing a different total spoils the part).
typedef struct {
    char *buf;
    uint16_t cap;
    uint16_t total;
    uint16_t got;
    bool spoiled; // announced longer than cap, or a chunk out of place
} cam_upload_buffer_t;
// Takes one chunk into `b` (whose `buf` has cap + 1 bytes); returns false when
// the part is spoiled (it stays spoiled until reset). A chunk already held,
// byte for byte, is taken and changes nothing (the bus may repeat a packet).
bool cam_upload_take_chunk(cam_upload_buffer_t *b, const cam_upload_part_t *p);
void cam_upload_reset_buffer(cam_upload_buffer_t *b);
// The part is whole: every announced byte arrived (an empty part is whole).
bool cam_upload_buffer_whole(const cam_upload_buffer_t *b);

// The next `Name: value` CRLF-ended line of a headers part, split in place
// (NULs written over ':' and CR); leading spaces of the value skipped.
// Returns false at the end, or at a line with no ':' or an empty name (the
// bytecode refuses those before they reach the bus).
bool cam_upload_next_header(char **cursor, char **name, char **value);

// The contract's `Reason` for an HTTP status code that came back.
uint8_t cam_upload_reason_of_status(int status);

// What esp-tls recorded about a failed connect, read in the client's
// HTTP_EVENT_ERROR handler (esp_http_client_open dispatches it with the
// transport's error handle; esp_tls_get_and_clear_last_error, ESP-IDF 5.0.5
// components/esp-tls/esp_tls.c): its last error (an esp_err_t) and mbedTLS's
// certificate verification flags. All zero when nothing was recorded.
typedef struct {
    int last_error;
    int cert_flags;
} cam_upload_tls_error_t;

// esp_tls_errors.h (v5.0.5): the name did not resolve (esp_tls.c
// esp_tls_hostname_to_fd: getaddrinfo failed), over http (transport_ssl.c
// tcp_connect) and https (esp_tls_low_level_conn) alike
#define CAM_UPLOAD_TLS_CANNOT_RESOLVE_HOSTNAME 0x8001
// mbedTLS's x509.h verification flags (esp_tls_mbedtls.c
// esp_mbedtls_verify_certificate records mbedtls_ssl_get_verify_result)
#define CAM_UPLOAD_X509_BADCERT_EXPIRED 0x01
#define CAM_UPLOAD_X509_BADCERT_CN_MISMATCH 0x04
#define CAM_UPLOAD_X509_BADCERT_NOT_TRUSTED 0x08
#define CAM_UPLOAD_X509_BADCERT_FUTURE 0x0200

// The contract's `Reason` when esp_http_client_open() failed. ESP-IDF 5.0
// reports every failure to connect as ESP_ERR_HTTP_CONNECT, so the reason
// comes from esp-tls's error (`tls_error`, may be NULL), then the socket's
// errno (esp_http_client_get_errno), whether the URL is https, and whether
// the time taken reached the timeout: a name that did not resolve is Dns;
// certificate flags are Tls with Untrusted, Expired or NameMismatch (in
// that order: the chain is checked before the name); a refused connection
// has errno ECONNREFUSED, a timeout EAGAIN / ETIMEDOUT / EINPROGRESS or the
// whole timeout spent; otherwise no errno means no socket was made over
// http (Dns) and a failed handshake over https (Tls, Handshake).
uint8_t cam_upload_reason_of_open_failure(int sock_errno, const cam_upload_tls_error_t *tls_error, bool https,
                                          bool timed_out, uint8_t *tls);
