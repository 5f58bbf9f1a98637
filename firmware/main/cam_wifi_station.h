// Camscript Wi-Fi station service: the native side of the driver contract in
// services/wifi-station.md. Call cam_wifi_station_init() once from
// app_init_services(); the service then owns the station interface.
#pragma once

void cam_wifi_station_init(void);
