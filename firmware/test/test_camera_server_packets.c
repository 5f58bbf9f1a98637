// Host unit test for the camera server's wire layouts and text (firmware/
// main/cam_camera_server_packets.c) against services/camera-server.md's pack
// formats (status "u32 u32 u16 u8 u8 u8", served "u32 u16 u8 u8", serve
// "u16 u8 u8 u8 z z", set_password "z s"): the expected bytes are written
// out by hand, little-endian; the Basic tokens are RFC 7617's own example
// ("Aladdin:open sesame" is "QWxhZGRpbjpvcGVuIHNlc2FtZQ==") and ones
// computed with `printf %s user:pw | base64`. Built and run by
// `make -C firmware/test`.

#include <stdio.h>
#include <string.h>

#include "cam_camera_server_packets.c"

#include "check.h"

static void test_status(void) {
    cam_server_status_t s = {.frames_sent = 0x01020304, .snapshots_sent = 7, .port = 8080, .state = 1,
                             .reason = 0, .stream_clients = 2};
    uint8_t out[CAM_SERVER_STATUS_SIZE];
    cam_server_put_status(out, &s);
    const uint8_t expected[] = {4, 3, 2, 1, 7, 0, 0, 0, 0x90, 0x1f, 1, 0, 2};
    check_bytes(out, sizeof(out), expected, sizeof(expected), "status");
}

static void test_served(void) {
    // 192.168.4.2 with a in the top byte
    cam_server_served_t s = {.address = 0xc0a80402, .status_code = 503, .kind = 0, .what = 2};
    uint8_t out[CAM_SERVER_SERVED_SIZE];
    cam_server_put_served(out, &s);
    const uint8_t expected[] = {0x02, 0x04, 0xa8, 0xc0, 0xf7, 0x01, 0, 2};
    check_bytes(out, sizeof(out), expected, sizeof(expected), "served");
}

static void test_serve(void) {
    const uint8_t data[] = {0x50, 0, 10, 1, 5, '/', 's', 't', 'r', 'e', 'a', 'm', 0, '/', 'c', 'a', 'p', 0};
    cam_server_config_t c;
    CHECK(cam_server_parse_serve(data, sizeof(data), &c), "serve parses");
    CHECK_EQ(c.port, 80, "port");
    CHECK_EQ(c.max_fps, 10, "max_fps");
    CHECK_EQ(c.stream_clients, 1, "stream_clients");
    CHECK_EQ(c.retry_after_s, 5, "retry_after_s");
    CHECK(strcmp(c.stream_path, "/stream") == 0, "stream_path");
    CHECK(strcmp(c.snapshot_path, "/cap") == 0, "snapshot_path");
    // an empty snapshot path (not served)
    const uint8_t empty[] = {0x50, 0, 10, 1, 5, '/', 's', 0, 0};
    CHECK(cam_server_parse_serve(empty, sizeof(empty), &c) && c.snapshot_path[0] == 0, "empty path");
    // the second path without its NUL
    CHECK(!cam_server_parse_serve(data, sizeof(data) - 1, &c), "missing NUL refused");
    // a path of 64 characters is the longest
    uint8_t edge[5 + 65 + 1];
    memset(edge, 'a', sizeof(edge));
    edge[5] = '/';
    edge[5 + 64] = 0;
    edge[5 + 65] = 0;
    CHECK(cam_server_parse_serve(edge, sizeof(edge), &c) && strlen(c.stream_path) == 64, "64 chars");
    uint8_t over[5 + 66 + 1];
    memset(over, 'a', sizeof(over));
    over[5 + 65] = 0;
    over[5 + 66] = 0;
    CHECK(!cam_server_parse_serve(over, sizeof(over), &c), "65 chars refused");
}

static void test_password(void) {
    char user[CAM_SERVER_USER_MAX + 1], pw[CAM_SERVER_PASSWORD_MAX + 1];
    const uint8_t data[] = {'c', 'a', 'm', 0, 's', 'e', 'c', 'r', 'e', 't'};
    CHECK(cam_server_parse_password(data, sizeof(data), user, pw), "set_password parses");
    CHECK(strcmp(user, "cam") == 0 && strcmp(pw, "secret") == 0, "user and password");
    const uint8_t none[] = {0};
    CHECK(cam_server_parse_password(none, sizeof(none), user, pw) && pw[0] == 0, "no password");
    const uint8_t no_nul[] = {'c', 'a', 'm'};
    CHECK(!cam_server_parse_password(no_nul, sizeof(no_nul), user, pw), "user without NUL refused");
    uint8_t longest[2 + 64];
    memset(longest, 'p', sizeof(longest));
    longest[0] = 'u';
    longest[1] = 0;
    CHECK(cam_server_parse_password(longest, sizeof(longest), user, pw) && strlen(pw) == 64, "64 chars");
    uint8_t over[2 + 65];
    memset(over, 'p', sizeof(over));
    over[0] = 'u';
    over[1] = 0;
    CHECK(!cam_server_parse_password(over, sizeof(over), user, pw), "65 chars refused");
}

static void test_basic(void) {
    CHECK(cam_server_basic_ok("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"), "RFC 7617");
    CHECK(cam_server_basic_ok("basic  QWxhZGRpbjpvcGVuIHNlc2FtZQ== ", "Aladdin", "open sesame"),
          "scheme without case, blanks around");
    CHECK(!cam_server_basic_ok("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", "Aladdin", "open sesame"), "short token");
    CHECK(!cam_server_basic_ok("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==x", "Aladdin", "open sesame"), "long token");
    CHECK(!cam_server_basic_ok("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"), "scheme");
    CHECK(!cam_server_basic_ok("BasicQWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"), "no blank");
    CHECK(!cam_server_basic_ok("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== junk", "Aladdin", "open sesame"),
          "junk after the token");
    CHECK(!cam_server_basic_ok(NULL, "Aladdin", "open sesame"), "no header");
    CHECK(!cam_server_basic_ok("", "Aladdin", "open sesame"), "empty header");
    // padding of each length: "a:b" (3 bytes), "ab:c" (4), "ab:cd" (5)
    CHECK(cam_server_basic_ok("Basic YTpi", "a", "b"), "no padding");
    CHECK(cam_server_basic_ok("Basic YWI6Yw==", "ab", "c"), "two =");
    CHECK(cam_server_basic_ok("Basic YWI6Y2Q=", "ab", "cd"), "one =");
    CHECK(!cam_server_basic_ok("Basic YWI6Y2Q=", "ab", "ce"), "wrong password");
    CHECK(cam_server_basic_ok(NULL, "", ""), "no password: anyone");
}

static void test_part_header(void) {
    char out[200];
    size_t n = cam_server_part_header(out, sizeof(out), 27276, 42, 1500250);
    const char *expected = "--camscript-frame\r\nContent-Type: image/jpeg\r\nContent-Length: 27276\r\n"
                           "X-Frame-Sequence: 42\r\nX-Timestamp: 1.500250\r\n\r\n";
    CHECK_EQ(n, strlen(expected), "part header length");
    CHECK(strcmp(out, expected) == 0, "part header text");
    CHECK_EQ(cam_server_part_header(out, strlen(expected), 27276, 42, 1500250), 0, "too small");
}

int main(void) {
    test_status();
    test_served();
    test_serve();
    test_password();
    test_basic();
    test_part_header();
    if (failures) {
        fprintf(stderr, "test_camera_server_packets: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_camera_server_packets: %d checks passed\n", checks);
    return 0;
}
