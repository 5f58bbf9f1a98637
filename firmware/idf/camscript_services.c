// The camscript services' start-up in the runtime image: called from
// devicescript-esp32's app_init_services() (firmware/build.sh adds the call).
// Which services a board has is decided at build time from its board file
// (firmware/build.sh passes CAMSCRIPT_WLAN / CAMSCRIPT_LAN / CAMSCRIPT_CAMERA).

#include "cam_board_power.h"
#include "cam_camera.h"
#include "cam_camera_server.h"
#include "cam_ethernet.h"
#include "cam_http_upload.h"
#include "cam_wifi_access_point.h"
#include "cam_wifi_station.h"

void camscript_init_services(void) {
#if CAMSCRIPT_WLAN
    cam_wifi_station_init();
    cam_wifi_access_point_init();
#endif
#if CAMSCRIPT_LAN
    cam_ethernet_init();
#endif
#if CAMSCRIPT_CAMERA
    cam_camera_init();
    cam_http_upload_init(); // sends the camera's frames: after it
    cam_camera_server_init(); // after the camera: it watches the camera's state
#endif
    cam_board_power_init(); // after the radio's services: deep_sleep stops Wi-Fi
}
