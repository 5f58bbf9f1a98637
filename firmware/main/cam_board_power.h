// Camscript board power service: the native side of the driver contract in
// services/board-power.md (deep sleep, and why the board started). Call
// cam_board_power_init() once from app_init_services(), after the Wi-Fi
// services (deep_sleep stops the radio they share).
#pragma once

void cam_board_power_init(void);
