// Host unit test for the camera's wire layouts (firmware/main/
// cam_camera_packets.c): every packet against services/camera.md's pack
// formats, byte for byte (status "u32 u8 u8 u8 u8 u8 u8", frame
// "u32 u32 u32 u16 u16 u16 u8 u8 u8 u8", set_config "u8 u8 u8 u8 u8 i8",
// set_sensor "i16 u8", capture "u16 u8 u8", release "u32 u8"). The expected
// bytes are written out by hand from those formats (little-endian), not
// produced by the code under test. Built and run by `make -C firmware/test`.

#include <stdio.h>
#include <string.h>

#include "cam_camera_packets.c"
#include "cam_wifi_packets.c" // the shared little-endian helpers

#include "check.h"

static void test_status(void) {
    cam_camera_status_t s = {.psram_kb = 4096, .state = 2, .reason = 0, .sensor = 1, .frame_size = 10,
                             .fb_count = 2, .held = 1};
    uint8_t out[CAM_CAMERA_STATUS_SIZE];
    cam_camera_put_status(out, &s);
    const uint8_t expected[] = {0x00, 0x10, 0x00, 0x00, 2, 0, 1, 10, 2, 1};
    check_bytes(out, sizeof(out), expected, sizeof(expected), "status");
}

static void test_frame(void) {
    cam_camera_frame_t f = {.sequence = 0x01020304, .length = 27276, .age_ms = 40, .request = 0x1234,
                            .width = 640, .height = 480, .result = 0, .index = 3, .format = 4,
                            .discarded = 2};
    uint8_t out[CAM_CAMERA_FRAME_SIZE];
    cam_camera_put_frame(out, &f);
    const uint8_t expected[] = {0x04, 0x03, 0x02, 0x01, 0x8c, 0x6a, 0x00, 0x00, 40,   0,    0,
                                0,    0x34, 0x12, 0x80, 0x02, 0xe0, 0x01, 0,    3,    4,    2};
    check_bytes(out, sizeof(out), expected, sizeof(expected), "frame");
}

static void test_commands(void) {
    const uint8_t config[] = {1, 15, 63, 4, 4, 0xff};
    cam_camera_config_t c;
    CHECK(cam_camera_parse_config(config, sizeof(config), &c), "set_config parsed");
    CHECK_EQ(c.sensor, 1, "sensor");
    CHECK_EQ(c.frame_size, 15, "frame_size");
    CHECK_EQ(c.jpeg_quality, 63, "jpeg_quality");
    CHECK_EQ(c.fb_count, 4, "fb_count");
    CHECK_EQ(c.settle_frames, 4, "settle_frames");
    CHECK_EQ(c.flash_pin, -1, "flash_pin -1");
    CHECK(!cam_camera_parse_config(config, 5, &c), "set_config one byte short");

    uint8_t pins_wire[CAM_CAMERA_PINS];
    for (int i = 0; i < CAM_CAMERA_PINS; ++i)
        pins_wire[i] = (uint8_t)i;
    pins_wire[1] = 255;
    int pins[CAM_CAMERA_PINS];
    CHECK(cam_camera_parse_pins(pins_wire, sizeof(pins_wire), pins), "set_pins parsed");
    CHECK_EQ(pins[0], 0, "pwdn");
    CHECK_EQ(pins[1], -1, "reset not wired");
    CHECK_EQ(pins[15], 15, "pclk");
    CHECK(!cam_camera_parse_pins(pins_wire, 15, pins), "set_pins one byte short");

    const uint8_t sensor[] = {0xfe, 0xff, 0}; // -2, Brightness
    int16_t value;
    uint8_t setting;
    CHECK(cam_camera_parse_sensor(sensor, sizeof(sensor), &value, &setting), "set_sensor parsed");
    CHECK_EQ(value, -2, "negative level");
    CHECK_EQ(setting, 0, "setting");
    const uint8_t exposure[] = {0xb0, 0x04, 6}; // 1200, ExposureValue
    CHECK(cam_camera_parse_sensor(exposure, sizeof(exposure), &value, &setting), "exposure parsed");
    CHECK_EQ(value, 1200, "exposure 1200");

    const uint8_t capture[] = {0xff, 0xff, 1, 255}; // request 65535, Latest, flash (the VM's true)
    cam_camera_capture_t cap;
    CHECK(cam_camera_parse_capture(capture, sizeof(capture), &cap), "capture parsed");
    CHECK_EQ(cap.request, 65535, "request");
    CHECK_EQ(cap.mode, 1, "mode");
    CHECK_EQ(cap.flash, 1, "flash");
    CHECK(!cam_camera_parse_capture(capture, 3, &cap), "capture one byte short");

    const uint8_t release[] = {0x78, 0x56, 0x34, 0x12, 2};
    uint32_t sequence;
    uint8_t index;
    CHECK(cam_camera_parse_release(release, sizeof(release), &sequence, &index), "release parsed");
    CHECK_EQ(sequence, 0x12345678, "sequence");
    CHECK_EQ(index, 2, "index");
    CHECK(!cam_camera_parse_release(release, 4, &sequence, &index), "release one byte short");
}

int main(void) {
    test_status();
    test_frame();
    test_commands();
    if (failures) {
        fprintf(stderr, "test_camera_packets: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("test_camera_packets: %d checks passed\n", checks);
    return 0;
}
