#pragma once
// The simulated SDK's version. The default is 5.3.4, the first 5.x release
// with every API the drivers can use (server-domain check, EAP method
// choice, soft-AP SAE, the EMAC's smi_gpio struct); `make -C firmware
// check-idf-5.0` compiles the drivers against 5.0.5's feature set as well.
#ifndef SIM_IDF_MINOR
#define SIM_IDF_MINOR 3
#endif
#ifndef SIM_IDF_PATCH
#define SIM_IDF_PATCH 4
#endif
#define ESP_IDF_VERSION_MAJOR 5
#define ESP_IDF_VERSION_MINOR SIM_IDF_MINOR
#define ESP_IDF_VERSION_PATCH SIM_IDF_PATCH
#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define ESP_IDF_VERSION                                                                            \
    ESP_IDF_VERSION_VAL(ESP_IDF_VERSION_MAJOR, ESP_IDF_VERSION_MINOR, ESP_IDF_VERSION_PATCH)
