// The board's start-up, as devicescript-esp32's app_main() does it for the
// camscript services: the default event loop, then each service's init.
// The simulator picks which services the board has.

#include "cam_board_power.h"
#include "cam_camera.h"
#include "cam_camera_server.h"
#include "cam_http_upload.h"
#include "cam_wifi_access_point.h"
#include "cam_wifi_station.h"
#include "esp_event.h"
#include "sim.h"

#define SIM_WITH_STATION 1
#define SIM_WITH_ACCESS_POINT 2
#define SIM_WITH_ETHERNET 4
#define SIM_WITH_CAMERA 8
#define SIM_WITH_POWER 16
#define SIM_WITH_UPLOAD 32
#define SIM_WITH_CAMERA_SERVER 64

#ifdef SIM_WITH_ETHERNET_DRIVER
#include "cam_ethernet.h"
#endif

SIM_EXPORT(sim_init) void sim_init(uint32_t services) {
    esp_event_loop_create_default();
    if (services & SIM_WITH_STATION)
        cam_wifi_station_init();
    if (services & SIM_WITH_ACCESS_POINT)
        cam_wifi_access_point_init();
#ifdef SIM_WITH_ETHERNET_DRIVER
    if (services & SIM_WITH_ETHERNET)
        cam_ethernet_init();
#endif
    if (services & SIM_WITH_CAMERA)
        cam_camera_init();
    // after the Wi-Fi services, as cam_board_power.h asks (deep_sleep stops their radio);
    // every boot, the first and each after a deep sleep, runs this again in a fresh instance
    if (services & SIM_WITH_POWER)
        cam_board_power_init();
    // after the camera, whose buffers it sends from (as idf/camscript_services.c)
    if (services & SIM_WITH_UPLOAD)
        cam_http_upload_init();
    // after the camera, whose frames it serves and whose state it follows
    if (services & SIM_WITH_CAMERA_SERVER)
        cam_camera_server_init();
}
