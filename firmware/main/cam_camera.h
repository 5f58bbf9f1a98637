// Camscript Camera service: the native side of the driver contract in
// services/camera.md (v1), over Espressif's esp32-camera component. Call
// cam_camera_init() once from app_init_services(), only on boards with a
// camera (boards/<id>.board.json has camscript.camera.sensor). The service
// then owns esp32-camera and the flash LED's GPIO; the bytecode sends the
// board's wiring with set_pins and set_config before set_active(true).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "esp_camera.h"

void cam_camera_init(void);

// The frame buffer the camera holds in buffer `index` as frame `sequence`
// (services/camera.md's handle), or NULL when that buffer no longer holds
// that frame (released, the camera restarted) or the service is not running.
// Main loop only (the table of held buffers is main-loop state); the buffer
// stays valid until the bytecode releases the frame.
const camera_fb_t *cam_camera_held_frame(uint8_t index, uint32_t sequence);
// ---- frames for the camera server (cam_camera_server.c, services/camera-server.md)
//
// The server takes the camera's frames on the driver side, from its own
// tasks, never through the bus or the VM. It holds at most one buffer at a
// time (the one the bytecode reserved for it: `fb_count - 1` are the
// script's).

// `fn` is called on the main loop when the camera becomes Ready or stops
// being Ready, before the camera's own status event (the contract's order).
typedef void (*cam_camera_watch_fn)(bool ready);
void cam_camera_watch(cam_camera_watch_fn fn);

// The newest frame the sensor finished whose exposure began at or after
// `not_before_us` (esp_timer time; 0: any), with its sequence number; NULL
// when there is none at this moment or the camera is not Ready. Never
// waits for the sensor. Held until cam_camera_give().
camera_fb_t *cam_camera_take_newest(int64_t not_before_us, uint32_t *sequence);
void cam_camera_give(camera_fb_t *fb);
// whether frames flow (Ready); a sender checks it between chunks
bool cam_camera_ready(void);
