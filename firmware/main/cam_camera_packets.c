// Wire layouts of the Camscript Camera packets: see cam_camera_packets.h.

#include "cam_camera_packets.h"

#include "cam_wifi_packets.h" // cam_put_u16_le, cam_put_u32_le, cam_get_u32_le

void cam_camera_put_status(uint8_t *out, const cam_camera_status_t *s) {
    cam_put_u32_le(out, s->psram_kb);
    out[4] = s->state;
    out[5] = s->reason;
    out[6] = s->sensor;
    out[7] = s->frame_size;
    out[8] = s->fb_count;
    out[9] = s->held;
}

void cam_camera_put_frame(uint8_t *out, const cam_camera_frame_t *f) {
    cam_put_u32_le(out, f->sequence);
    cam_put_u32_le(out + 4, f->length);
    cam_put_u32_le(out + 8, f->age_ms);
    cam_put_u16_le(out + 12, f->request);
    cam_put_u16_le(out + 14, f->width);
    cam_put_u16_le(out + 16, f->height);
    out[18] = f->result;
    out[19] = f->index;
    out[20] = f->format;
    out[21] = f->discarded;
}

bool cam_camera_parse_config(const uint8_t *data, size_t size, cam_camera_config_t *out) {
    if (size < CAM_CAMERA_CONFIG_SIZE)
        return false;
    out->sensor = data[0];
    out->frame_size = data[1];
    out->jpeg_quality = data[2];
    out->fb_count = data[3];
    out->settle_frames = data[4];
    out->flash_pin = (int8_t)data[5];
    return true;
}

bool cam_camera_parse_pins(const uint8_t *data, size_t size, int pins[CAM_CAMERA_PINS]) {
    if (size < CAM_CAMERA_PINS)
        return false;
    for (int i = 0; i < CAM_CAMERA_PINS; ++i)
        pins[i] = data[i] == CAM_CAMERA_NO_PIN ? -1 : data[i];
    return true;
}

bool cam_camera_parse_sensor(const uint8_t *data, size_t size, int16_t *value, uint8_t *setting) {
    if (size < 3)
        return false;
    *value = (int16_t)(uint16_t)(data[0] | (data[1] << 8));
    *setting = data[2];
    return true;
}

bool cam_camera_parse_capture(const uint8_t *data, size_t size, cam_camera_capture_t *out) {
    if (size < 4)
        return false;
    out->request = (uint16_t)(data[0] | (data[1] << 8));
    out->mode = data[2];
    out->flash = data[3] != 0; // the VM sends true as 255
    return true;
}

bool cam_camera_parse_release(const uint8_t *data, size_t size, uint32_t *sequence, uint8_t *index) {
    if (size < 5)
        return false;
    *sequence = cam_get_u32_le(data);
    *index = data[4];
    return true;
}
