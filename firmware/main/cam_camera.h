// Camscript Camera service: the native side of the driver contract in
// services/camera.md (v1), over Espressif's esp32-camera component. Call
// cam_camera_init() once from app_init_services(), only on boards with a
// camera (boards/<id>.board.json has camscript.camera.sensor). The service
// then owns esp32-camera and the flash LED's GPIO; the bytecode sends the
// board's wiring with set_pins and set_config before set_active(true).
#pragma once

#include <stdint.h>

#include "esp_camera.h"

void cam_camera_init(void);

// The frame buffer the camera holds in buffer `index` as frame `sequence`
// (services/camera.md's handle), or NULL when that buffer no longer holds
// that frame (released, the camera restarted) or the service is not running.
// Main loop only (the table of held buffers is main-loop state); the buffer
// stays valid until the bytecode releases the frame.
const camera_fb_t *cam_camera_held_frame(uint8_t index, uint32_t sequence);
