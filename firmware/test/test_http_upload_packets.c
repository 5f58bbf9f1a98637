// Host unit test for the upload driver's wire layouts and pure rules
// (firmware/main/cam_http_upload_packets.c): the packets against
// services/http-upload.md's pack formats, byte for byte (set_part
// "u16 u8 u8 u16 u16 b", send "u16 u8 u8 u32 u32 u8", result
// "u16 u16 u32 u32 u8 u8 u8"; the expected bytes written out by hand,
// little-endian), the reassembly of parts at the contract's limits (the
// last size allowed, the first refused), the header lines, and the reasons
// for statuses and failed connections. Built and run by `make -C firmware/test`.

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cam_http_upload_packets.c"
#include "cam_wifi_packets.c" // the shared little-endian helpers

#include "check.h"

static void test_result(void) {
    cam_upload_result_t r = {.request = 0x1234, .status = 503, .elapsed_ms = 0x01020304,
                             .sent_bytes = 27276, .reason = 6, .tls = 0, .via = 2};
    uint8_t out[CAM_UPLOAD_RESULT_SIZE];
    cam_upload_put_result(out, &r);
    const uint8_t expected[] = {0x34, 0x12, 0xf7, 0x01, 0x04, 0x03, 0x02, 0x01,
                                0x8c, 0x6a, 0x00, 0x00, 6,    0,    2};
    check_bytes(out, sizeof(out), expected, sizeof(expected), "result");
    CHECK_EQ(sizeof(expected), 15, "result is 15 bytes");
}

static void test_send(void) {
    const uint8_t wire[] = {0x07, 0x00, 3, 2, 0x10, 0x00, 0x00, 0x00, 0x88, 0x13, 0x00, 0x00, 1};
    cam_upload_send_t s;
    CHECK(cam_upload_parse_send(wire, sizeof(wire), &s), "send parsed");
    CHECK_EQ(s.request, 7, "request");
    CHECK_EQ(s.index, 3, "index");
    CHECK_EQ(s.method, 2, "method Put");
    CHECK_EQ(s.sequence, 16, "sequence");
    CHECK_EQ(s.timeout_ms, 5000, "timeout_ms");
    CHECK_EQ(s.insecure, 1, "insecure");
    CHECK(!cam_upload_parse_send(wire, sizeof(wire) - 1, &s), "send one byte short refused");
}

static void test_set_part(void) {
    const uint8_t wire[] = {0x07, 0x00, 1, 0, 0x00, 0x00, 0x05, 0x00, 'h', 't', 't', 'p', ':'};
    cam_upload_part_t p;
    CHECK(cam_upload_parse_set_part(wire, sizeof(wire), &p), "set_part parsed");
    CHECK_EQ(p.request, 7, "request");
    CHECK_EQ(p.part, 1, "part Url");
    CHECK_EQ(p.offset, 0, "offset");
    CHECK_EQ(p.total, 5, "total");
    CHECK_EQ(p.size, 5, "data size");
    CHECK_EQ(p.data[0], 'h', "data");
    CHECK(!cam_upload_parse_set_part(wire, 7, &p), "set_part head one byte short refused");
}

// A part of `total` bytes sent in chunks of at most 200: whether it is whole.
static bool reassemble(cam_upload_buffer_t *b, uint16_t total) {
    static uint8_t data[CAM_UPLOAD_CA_CERT_MAX + 1];
    memset(data, 'x', sizeof(data));
    cam_upload_reset_buffer(b);
    uint16_t offset = 0;
    do {
        uint16_t n = (uint16_t)(total - offset > CAM_UPLOAD_CHUNK_MAX ? CAM_UPLOAD_CHUNK_MAX : total - offset);
        cam_upload_part_t p = {.request = 1, .part = 3, .offset = offset, .total = total, .data = data, .size = n};
        if (!cam_upload_take_chunk(b, &p))
            return false;
        offset = (uint16_t)(offset + n);
    } while (offset < total);
    return cam_upload_buffer_whole(b);
}

static void test_reassembly(void) {
    static char buf[CAM_UPLOAD_CA_CERT_MAX + 1];
    cam_upload_buffer_t b = {.buf = buf, .cap = CAM_UPLOAD_CA_CERT_MAX};
    CHECK(reassemble(&b, CAM_UPLOAD_CA_CERT_MAX), "8192 bytes kept (the last size allowed)");
    CHECK_EQ(b.got, 8192, "all of it");
    CHECK_EQ(buf[8192], 0, "NUL-terminated");
    CHECK(!reassemble(&b, CAM_UPLOAD_CA_CERT_MAX + 1), "8193 bytes refused (the first too long)");
    CHECK(!cam_upload_buffer_whole(&b), "and the part stays spoiled");

    cam_upload_reset_buffer(&b);
    CHECK(cam_upload_buffer_whole(&b), "a part never sent is whole and empty");
    const uint8_t d[] = "abcdef";
    cam_upload_part_t first = {.offset = 0, .total = 6, .data = d, .size = 3};
    cam_upload_part_t gap = {.offset = 4, .total = 6, .data = d + 4, .size = 2};
    CHECK(cam_upload_take_chunk(&b, &first), "first chunk");
    CHECK(!cam_upload_buffer_whole(&b), "half a part is not whole");
    CHECK(!cam_upload_take_chunk(&b, &gap), "a chunk out of place spoils the part");
    // a chunk delivered twice changes nothing; the same place with other bytes spoils the part
    cam_upload_reset_buffer(&b);
    cam_upload_part_t second = {.offset = 3, .total = 6, .data = d + 3, .size = 3};
    CHECK(cam_upload_take_chunk(&b, &first), "first chunk");
    CHECK(cam_upload_take_chunk(&b, &first), "the first chunk again: taken, nothing changes");
    CHECK(cam_upload_take_chunk(&b, &second), "second chunk");
    CHECK(cam_upload_take_chunk(&b, &second), "the last chunk again (seen on the bus): taken");
    CHECK(cam_upload_buffer_whole(&b), "... the part still whole");
    CHECK_EQ(b.got, 6, "... 6 bytes");
    CHECK(strcmp(buf, "abcdef") == 0, "... as sent");
    const uint8_t other[] = "xyz";
    cam_upload_part_t changed = {.offset = 3, .total = 6, .data = other, .size = 3};
    CHECK(!cam_upload_take_chunk(&b, &changed), "other bytes at a place already held spoil the part");

    cam_upload_reset_buffer(&b);
    cam_upload_part_t over = {.offset = 0, .total = 2, .data = d, .size = 3};
    CHECK(!cam_upload_take_chunk(&b, &over), "a chunk beyond the announced total spoils it");
}

static void test_headers(void) {
    char text[] = "X-Camera: porch\r\nAuthorization:Bearer abc\r\n";
    char *cursor = text, *name, *value;
    CHECK(cam_upload_next_header(&cursor, &name, &value), "first header");
    CHECK(strcmp(name, "X-Camera") == 0 && strcmp(value, "porch") == 0, "X-Camera: porch");
    CHECK(cam_upload_next_header(&cursor, &name, &value), "second header");
    CHECK(strcmp(name, "Authorization") == 0 && strcmp(value, "Bearer abc") == 0, "no space after ':'");
    CHECK(!cam_upload_next_header(&cursor, &name, &value), "the end");
    char bad[] = "no colon\r\n";
    cursor = bad;
    CHECK(!cam_upload_next_header(&cursor, &name, &value), "a line without ':' stops");
    char empty[] = "";
    cursor = empty;
    CHECK(!cam_upload_next_header(&cursor, &name, &value), "no headers");
}

static void test_reasons(void) {
    CHECK_EQ(cam_upload_reason_of_status(200), 0, "200 None");
    CHECK_EQ(cam_upload_reason_of_status(299), 0, "299 None");
    CHECK_EQ(cam_upload_reason_of_status(300), 7, "300 Rejected (redirects not followed)");
    CHECK_EQ(cam_upload_reason_of_status(199), 7, "199 Rejected");
    CHECK_EQ(cam_upload_reason_of_status(413), 7, "413 Rejected");
    CHECK_EQ(cam_upload_reason_of_status(499), 7, "499 Rejected");
    CHECK_EQ(cam_upload_reason_of_status(500), 6, "500 ServerError");
    CHECK_EQ(cam_upload_reason_of_status(599), 6, "599 ServerError");
    CHECK_EQ(cam_upload_reason_of_status(600), 7, "600 Rejected");

    uint8_t tls = 9;
    CHECK_EQ(cam_upload_reason_of_open_failure(ECONNREFUSED, NULL, false, false, &tls), 3, "RST: Refused");
    CHECK_EQ(tls, 0, "no TLS problem");
    CHECK_EQ(cam_upload_reason_of_open_failure(EAGAIN, NULL, true, false, &tls), 5, "EAGAIN: Timeout");
    CHECK_EQ(cam_upload_reason_of_open_failure(0, NULL, true, true, &tls), 5, "the whole timeout spent: Timeout");
    CHECK_EQ(cam_upload_reason_of_open_failure(0, NULL, false, false, &tls), 2, "http, no socket errno: Dns");
    CHECK_EQ(cam_upload_reason_of_open_failure(0, NULL, true, false, &tls), 4, "https, no socket errno: Tls");
    CHECK_EQ(tls, 4, "... Handshake");
    CHECK_EQ(cam_upload_reason_of_open_failure(ECONNRESET, NULL, false, false, &tls), 9, "reset: ConnectionLost");
    CHECK_EQ(cam_upload_reason_of_open_failure(EHOSTUNREACH, NULL, false, false, &tls), 1, "no route: NoLink");

    // esp-tls's error, read in the HTTP_EVENT_ERROR handler, comes first
    cam_upload_tls_error_t dns = {.last_error = 0x8001, .cert_flags = 0};
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &dns, true, false, &tls), 2, "https, name not resolved: Dns");
    CHECK_EQ(tls, 0, "... no TLS problem");
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &dns, false, false, &tls), 2, "http, name not resolved: Dns");
    cam_upload_tls_error_t untrusted = {.last_error = 0x801A, .cert_flags = 0x08};
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &untrusted, true, false, &tls), 4, "NOT_TRUSTED: Tls");
    CHECK_EQ(tls, 1, "... Untrusted");
    cam_upload_tls_error_t misnamed = {.last_error = 0x801A, .cert_flags = 0x04};
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &misnamed, true, false, &tls), 4, "CN_MISMATCH: Tls");
    CHECK_EQ(tls, 2, "... NameMismatch");
    cam_upload_tls_error_t expired = {.last_error = 0x801A, .cert_flags = 0x01 | 0x04};
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &expired, true, false, &tls), 4, "EXPIRED with CN_MISMATCH: Tls");
    CHECK_EQ(tls, 3, "... Expired (the chain's check comes before the name's)");
    cam_upload_tls_error_t future = {.last_error = 0x801A, .cert_flags = 0x0200};
    cam_upload_reason_of_open_failure(0, &future, true, false, &tls);
    CHECK_EQ(tls, 3, "FUTURE: Expired");
    cam_upload_tls_error_t both = {.last_error = 0x801A, .cert_flags = 0x08 | 0x04};
    cam_upload_reason_of_open_failure(0, &both, true, false, &tls);
    CHECK_EQ(tls, 1, "NOT_TRUSTED with CN_MISMATCH: Untrusted");
    cam_upload_tls_error_t handshake = {.last_error = 0x801A, .cert_flags = 0};
    CHECK_EQ(cam_upload_reason_of_open_failure(0, &handshake, true, false, &tls), 4, "no flags: Tls");
    CHECK_EQ(tls, 4, "... Handshake");
    cam_upload_tls_error_t refused = {.last_error = 0x8004, .cert_flags = 0};
    CHECK_EQ(cam_upload_reason_of_open_failure(ECONNREFUSED, &refused, true, false, &tls), 3, "RST with an esp-tls error: Refused");
}

int main(void) {
    test_result();
    test_send();
    test_set_part();
    test_reassembly();
    test_headers();
    test_reasons();
    if (failures) {
        fprintf(stderr, "test_http_upload_packets: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_http_upload_packets: %d checks passed\n", checks);
    return 0;
}
