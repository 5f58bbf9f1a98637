// Camscript Camera service: the native side of the driver contract in
// services/camera.md (v1), over Espressif's esp32-camera component. Call
// cam_camera_init() once from app_init_services(), only on boards with a
// camera (boards/<id>.board.json has camscript.camera.sensor). The service
// then owns esp32-camera and the flash LED's GPIO; the bytecode sends the
// board's wiring with set_pins and set_config before set_active(true).
#pragma once

void cam_camera_init(void);
