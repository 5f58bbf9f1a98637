// Camscript Ethernet service: the native side of the driver contract in
// services/ethernet.md. Call cam_ethernet_init() once from
// app_init_services(), only on boards with Ethernet (boards/<id>.board.json
// lists "lan" in camscript.interfaces). The service then owns the Ethernet
// MAC, PHY and interface; the bytecode sends the board's wiring with
// set_phy / set_spi before set_active(true).
#pragma once

#include <stdbool.h>

void cam_ethernet_init(void);

// True while the interface holds an IPv4 address (link state GotAddress).
// Main loop only. For jd_tcpsock_is_available(): see firmware/README.md.
bool cam_ethernet_has_address(void);
