#pragma once
// sensor.h of espressif/esp32-camera v2.0.16 (driver/include/sensor.h at
// 920996f51ca75d5b83fa84efd60d745c48f23189), written for this project from
// that header: names, enum orders and values, struct fields and the setter
// signatures follow it; only what cam_camera.c uses is declared (the
// sensor_t setters in their upstream order up to set_wb_mode).
#include <stdbool.h>
#include <stdint.h>

// camera_pid_t: the product ids esp_camera_init's probe reads back
typedef enum {
    OV2640_PID = 0x26,
    OV3660_PID = 0x3660,
    OV5640_PID = 0x5640,
} camera_pid_t;

// pixformat_t, in upstream order (PIXFORMAT_JPEG is 4)
typedef enum {
    PIXFORMAT_RGB565,
    PIXFORMAT_YUV422,
    PIXFORMAT_YUV420,
    PIXFORMAT_GRAYSCALE,
    PIXFORMAT_JPEG,
    PIXFORMAT_RGB888,
    PIXFORMAT_RAW,
    PIXFORMAT_RGB444,
    PIXFORMAT_RGB555,
} pixformat_t;

// framesize_t, in upstream order: the contract's FrameSize numbers
typedef enum {
    FRAMESIZE_96X96,
    FRAMESIZE_QQVGA,
    FRAMESIZE_128X128,
    FRAMESIZE_QCIF,
    FRAMESIZE_HQVGA,
    FRAMESIZE_240X240,
    FRAMESIZE_QVGA,
    FRAMESIZE_320X320,
    FRAMESIZE_CIF,
    FRAMESIZE_HVGA,
    FRAMESIZE_VGA,
    FRAMESIZE_SVGA,
    FRAMESIZE_XGA,
    FRAMESIZE_HD,
    FRAMESIZE_SXGA,
    FRAMESIZE_UXGA,
    FRAMESIZE_FHD,
    FRAMESIZE_P_HD,
    FRAMESIZE_P_3MP,
    FRAMESIZE_QXGA,
    FRAMESIZE_QHD,
    FRAMESIZE_WQXGA,
    FRAMESIZE_P_FHD,
    FRAMESIZE_QSXGA,
    FRAMESIZE_5MP,
    FRAMESIZE_INVALID
} framesize_t;

typedef struct {
    uint8_t MIDH;
    uint8_t MIDL;
    uint16_t PID;
    uint8_t VER;
} sensor_id_t;

typedef struct {
    framesize_t framesize;
    bool scale;
    bool binning;
    uint8_t quality;
    int8_t brightness;
    int8_t contrast;
    int8_t saturation;
} camera_status_t;

// upstream typedefs sensor_t twice (C11); the host build is C99
typedef struct _sensor sensor_t;
struct _sensor {
    sensor_id_t id;
    uint8_t slv_addr;
    pixformat_t pixformat;
    camera_status_t status;
    int xclk_freq_hz;

    int (*init_status)(sensor_t *sensor);
    int (*reset)(sensor_t *sensor);
    int (*set_pixformat)(sensor_t *sensor, pixformat_t pixformat);
    int (*set_framesize)(sensor_t *sensor, framesize_t framesize);
    int (*set_contrast)(sensor_t *sensor, int level);
    int (*set_brightness)(sensor_t *sensor, int level);
    int (*set_saturation)(sensor_t *sensor, int level);
    int (*set_sharpness)(sensor_t *sensor, int level);
    int (*set_denoise)(sensor_t *sensor, int level);
    int (*set_gainceiling)(sensor_t *sensor, int gainceiling); // gainceiling_t upstream
    int (*set_quality)(sensor_t *sensor, int quality);
    int (*set_colorbar)(sensor_t *sensor, int enable);
    int (*set_whitebal)(sensor_t *sensor, int enable);
    int (*set_gain_ctrl)(sensor_t *sensor, int enable);
    int (*set_exposure_ctrl)(sensor_t *sensor, int enable);
    int (*set_hmirror)(sensor_t *sensor, int enable);
    int (*set_vflip)(sensor_t *sensor, int enable);
    int (*set_aec2)(sensor_t *sensor, int enable);
    int (*set_awb_gain)(sensor_t *sensor, int enable);
    int (*set_agc_gain)(sensor_t *sensor, int gain);
    int (*set_aec_value)(sensor_t *sensor, int gain);
    int (*set_special_effect)(sensor_t *sensor, int effect);
    int (*set_wb_mode)(sensor_t *sensor, int mode);
};
