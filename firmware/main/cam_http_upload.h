// Camscript Http Upload service: the native side of the driver contract in
// services/http-upload.md (v1), over ESP-IDF's esp_http_client. Call
// cam_http_upload_init() once from app_init_services(), after
// cam_camera_init() (it reads the camera's frame buffers), only on boards
// with a camera.
#pragma once

void cam_http_upload_init(void);
