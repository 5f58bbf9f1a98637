// Camscript Wi-Fi access point service: the native side of the driver
// contract in services/wifi-access-point.md. Call
// cam_wifi_access_point_init() once from app_init_services(), after
// cam_wifi_station_init() (both share the radio through cam_wifi_mode.c).
// The service then owns the access point interface (WIFI_IF_AP) and its
// DHCP server.
#pragma once

void cam_wifi_access_point_init(void);
