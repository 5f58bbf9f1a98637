// Camscript Camera Server: the native side of services/camera-server.md
// (v1) over ESP-IDF's esp_http_server. Call cam_camera_server_init() once,
// after cam_camera_init(), on boards with a camera: the server takes its
// frames from the camera driver (cam_camera.h), never through the VM.
#pragma once

void cam_camera_server_init(void);
