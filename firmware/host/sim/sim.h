// What the simulator (sim/firmware/*.ts) provides to the C: WebAssembly
// imports of module "camscript". Every ESP-IDF stand-in that touches the
// world goes through these. Strings and buffers are passed as pointer +
// length into this module's memory; structures never cross (their layout
// stays on the C side), so the TypeScript side reads and writes only the
// flat records described here.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_IMPORT(name) __attribute__((import_module("camscript"), import_name(#name)))
#define SIM_EXPORT(name) __attribute__((export_name(#name)))

// ---- time, log, Jacdac
SIM_IMPORT(now_ms) double sim_now_ms(void);
SIM_IMPORT(log) void sim_log(const char *text, size_t length);
SIM_IMPORT(fatal) void sim_fatal(const char *text, size_t length);
SIM_IMPORT(jd_event) void sim_jd_event(uint32_t service_index, uint32_t code, const void *data,
                                      size_t size);
SIM_IMPORT(jd_reply) void sim_jd_reply(uint32_t service_index, uint32_t command, const void *data,
                                      size_t size);
SIM_IMPORT(random) uint32_t sim_random(void);
SIM_IMPORT(base_mac) void sim_base_mac(uint8_t *mac);
// ---- power (esp_sleep, esp_reset_reason): the session sleeps and boots the board
SIM_IMPORT(deep_sleep) void sim_deep_sleep(uint32_t ms_low, uint32_t ms_high);
SIM_IMPORT(reset_reason) uint32_t sim_reset_reason(void);

// ---- FreeRTOS tasks (freertos_sim.c; sim/firmware/tasks.ts). task_wait is
// the one import that suspends (binaryen Asyncify, firmware/Makefile): the
// calling task is unwound and resumed later with the answer to what it
// waits for, which the import called just before it named.
SIM_IMPORT(task_created) void sim_task_created(uint32_t id, uint32_t stack_top, uint32_t save_area);
SIM_IMPORT(task_wait) int32_t sim_task_wait(void);
// answered 0 after `ms` of virtual time
SIM_IMPORT(task_sleep) void sim_task_sleep(uint32_t ms);
// answered 1 when sim_task_wake(id) comes first, 0 after `ms` (UINT32_MAX: never)
SIM_IMPORT(task_block) void sim_task_block(uint32_t ms);
// 1 when task `id` was blocked (it is answered 1), 0 when it was not
SIM_IMPORT(task_wake) uint32_t sim_task_wake(uint32_t id);
// task `id` is deleted: never answered again; the simulator calls sim_task_free
SIM_IMPORT(task_exit) void sim_task_exit(uint32_t id);
// Suspends the current task (fatal on the main loop) until the simulator
// answers the operation an import just began; the answer.
int32_t sim_block_current_task(void);
bool sim_on_task(void);

// ---- esp_http_client (esp_http_client_sim.c; sim/firmware/esp-http-client.ts).
// The blocking calls begin the operation and then sim_block_current_task().
// A body pointer at or above SIM_FRAME_BASE names a camera frame buffer's
// bytes (esp_camera_sim.c), which stay in the simulator's memory.
#define SIM_FRAME_BASE 0xC0000000u
#define SIM_FRAME_SPAN 0x04000000u // 64 MiB of addresses per buffer
// returns a handle, 0 when the URL does not parse; checks: 1 the chain against
// `cert` (no cert: esp-tls skips verification, CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY), 2 the name
SIM_IMPORT(http_init)
uint32_t sim_http_init(const char *url, size_t url_length, uint32_t method, int32_t timeout_ms,
                       const char *cert, size_t cert_length, uint32_t checks, const char *user_agent,
                       size_t user_agent_length);
SIM_IMPORT(http_set_header)
void sim_http_set_header(uint32_t handle, const char *key, size_t key_length, const char *value,
                         size_t value_length);
SIM_IMPORT(http_set_timeout) void sim_http_set_timeout(uint32_t handle, int32_t timeout_ms);
// begin: the answer is an esp_err_t
SIM_IMPORT(http_open) void sim_http_open(uint32_t handle, int32_t write_len);
// begin: the answer is the bytes written, or -1
SIM_IMPORT(http_write) void sim_http_write(uint32_t handle, uint32_t buffer, int32_t length);
// begin: the answer is the content length (0 without one), -ESP_ERR_HTTP_EAGAIN or ESP_FAIL
SIM_IMPORT(http_fetch_headers) void sim_http_fetch_headers(uint32_t handle);
SIM_IMPORT(http_status) int32_t sim_http_status(uint32_t handle);
// the socket's error, SIM_ERRNO_* below (the C maps them to its errno.h)
SIM_IMPORT(http_errno) uint32_t sim_http_errno(uint32_t handle);
// esp-tls's last error of the handle (esp_tls_last_error_t: esp_tls_code, esp_tls_flags)
SIM_IMPORT(http_tls_error)
int32_t sim_http_tls_error(uint32_t handle, int32_t *mbedtls_code, int32_t *flags);
SIM_IMPORT(http_close) void sim_http_close(uint32_t handle);
SIM_IMPORT(http_cleanup) void sim_http_cleanup(uint32_t handle);
#define SIM_ERRNO_NONE 0
#define SIM_ERRNO_CONNREFUSED 1
#define SIM_ERRNO_TIMEDOUT 2
#define SIM_ERRNO_CONNRESET 3
#define SIM_ERRNO_HOSTUNREACH 4

// ---- esp_http_server (esp_http_server_sim.c; sim/firmware/esp-http-server.ts).
// A server by the simulator's id (0: the port is taken); sessions by fd (> 0).
SIM_IMPORT(httpd_start) uint32_t sim_httpd_start(uint32_t port, uint32_t max_open_sockets);
SIM_IMPORT(httpd_stop) void sim_httpd_stop(uint32_t id);
// begin: the answer is a session with a request (> 0), 0 sessions to close, < 0 stopped
SIM_IMPORT(httpd_wait) void sim_httpd_wait(uint32_t id);
// the session's request: its method (http_parser's enum), its URI into uri[0..capacity)
SIM_IMPORT(httpd_request)
uint32_t sim_httpd_request(uint32_t id, uint32_t fd, char *uri, uint32_t capacity);
// a request header's value into value[0..capacity) (not terminated); its whole length, -1 when absent
SIM_IMPORT(httpd_header)
int32_t sim_httpd_header(uint32_t id, uint32_t fd, const char *name, size_t name_length, char *value,
                         size_t capacity);
// begin: the answer is the bytes sent (all of them), or -1 (the session is gone)
SIM_IMPORT(httpd_send) void sim_httpd_send(uint32_t id, uint32_t fd, uint32_t buffer, uint32_t length);
// the request was answered; the session stays open for the next
SIM_IMPORT(httpd_done) void sim_httpd_done(uint32_t id, uint32_t fd);
SIM_IMPORT(httpd_close) void sim_httpd_close(uint32_t id, uint32_t fd);
// 1 when the session exists (httpd's task will close it)
SIM_IMPORT(httpd_trigger_close) uint32_t sim_httpd_trigger_close(uint32_t id, uint32_t fd);
SIM_IMPORT(httpd_next_close) uint32_t sim_httpd_next_close(uint32_t id);
SIM_IMPORT(httpd_next_open) uint32_t sim_httpd_next_open(uint32_t id);
// a delay on the main loop (freertos_sim.c): the tasks sleeping in a delay run now
SIM_IMPORT(task_main_delay) void sim_task_main_delay(void);

// ---- Wi-Fi (esp_wifi_*): return esp_err_t
SIM_IMPORT(wifi_set_mode) int sim_wifi_set_mode(uint32_t mode);
SIM_IMPORT(wifi_start) int sim_wifi_start(void);
SIM_IMPORT(wifi_stop) int sim_wifi_stop(void);
SIM_IMPORT(wifi_connect) int sim_wifi_connect(void);
SIM_IMPORT(wifi_disconnect) int sim_wifi_disconnect(void);
SIM_IMPORT(wifi_sta_config)
int sim_wifi_sta_config(const uint8_t *ssid, size_t ssid_length, const uint8_t *password,
                        size_t password_length, uint32_t bssid_set, const uint8_t *bssid,
                        uint32_t channel);
SIM_IMPORT(wifi_ap_config)
int sim_wifi_ap_config(const uint8_t *ssid, size_t ssid_length, const uint8_t *password,
                       size_t password_length, uint32_t channel, uint32_t authmode,
                       uint32_t hidden, uint32_t max_connection);
// ssid: NULL for all; bssid: NULL for any; channel 0: all
SIM_IMPORT(wifi_scan_start)
int sim_wifi_scan_start(const uint8_t *ssid, size_t ssid_length, const uint8_t *bssid,
                        uint32_t channel, uint32_t show_hidden);
SIM_IMPORT(wifi_scan_stop) int sim_wifi_scan_stop(void);
SIM_IMPORT(wifi_scan_count) uint32_t sim_wifi_scan_count(void);
// Writes record `index` of the last scan as a sim_ap_t; 0 when there is none.
SIM_IMPORT(wifi_scan_record) uint32_t sim_wifi_scan_record(uint32_t index, void *record);
SIM_IMPORT(wifi_scan_clear) void sim_wifi_scan_clear(void);
// The AP the station is associated with, as a sim_ap_t; esp_err_t.
SIM_IMPORT(wifi_sta_ap_info) int sim_wifi_sta_ap_info(void *record);
SIM_IMPORT(wifi_channel) uint32_t sim_wifi_channel(void);
SIM_IMPORT(wifi_set_tx_power) int sim_wifi_set_tx_power(int32_t quarter_dbm);
SIM_IMPORT(wifi_deauth_sta) int sim_wifi_deauth_sta(uint32_t aid);
// Up to `capacity` sim_sta_t records of the soft-AP's stations; the count.
SIM_IMPORT(wifi_ap_stations) uint32_t sim_wifi_ap_stations(void *records, uint32_t capacity);

// ---- 802.1X supplicant: credential kinds below; length 0 clears.
#define SIM_EAP_IDENTITY 1
#define SIM_EAP_USERNAME 2
#define SIM_EAP_PASSWORD 3
#define SIM_EAP_CA_CERT 4
#define SIM_EAP_CLIENT_CERT 5
#define SIM_EAP_CLIENT_KEY 6
#define SIM_EAP_DOMAIN 7
SIM_IMPORT(eap_set) int sim_eap_set(uint32_t kind, const void *data, size_t length);
// phase 2: ESP_EAP_TTLS_PHASE2_*; methods: ESP_EAP_TYPE_* bits (0: any)
SIM_IMPORT(eap_options) int sim_eap_options(uint32_t phase2, uint32_t methods);
SIM_IMPORT(eap_enable) int sim_eap_enable(uint32_t on);

// ---- esp_netif: interfaces are numbered by the simulator
#define SIM_NETIF_STA 1
#define SIM_NETIF_AP 2
#define SIM_NETIF_ETH 3
SIM_IMPORT(netif_new) uint32_t sim_netif_new(uint32_t kind);
SIM_IMPORT(netif_destroy) void sim_netif_destroy(uint32_t id);
// client / server: start 1, stop 0; esp_err_t
SIM_IMPORT(netif_dhcpc) int sim_netif_dhcpc(uint32_t id, uint32_t start);
SIM_IMPORT(netif_dhcps) int sim_netif_dhcps(uint32_t id, uint32_t start);
// Addresses as contract u32 (a << 24 | b << 16 | c << 8 | d).
SIM_IMPORT(netif_set_ip)
int sim_netif_set_ip(uint32_t id, uint32_t ip, uint32_t netmask, uint32_t gateway);
// 1 while the interface is up: Ethernet's link, the station's association
SIM_IMPORT(netif_is_up) uint32_t sim_netif_is_up(uint32_t id);
// ip, netmask, gateway (contract u32 each) into words[0..3)
SIM_IMPORT(netif_get_ip) void sim_netif_get_ip(uint32_t id, uint32_t *words);
SIM_IMPORT(netif_set_dns) int sim_netif_set_dns(uint32_t id, uint32_t dns);
SIM_IMPORT(netif_get_dns) uint32_t sim_netif_get_dns(uint32_t id);
SIM_IMPORT(netif_set_hostname)
int sim_netif_set_hostname(uint32_t id, const char *hostname, size_t length);

// ---- esp_eth: one driver object per install
// settings: SIM_ETH_* below (int32 each); the simulator checks them against
// how the board is wired and answers ESP_OK with a handle, or an error.
#define SIM_ETH_PHY_TYPE 0 // the contract's PhyType (LAN8720 0 .. KSZ8041 4, W5500 10)
#define SIM_ETH_PHY_ADDRESS 1
#define SIM_ETH_MDC 2
#define SIM_ETH_MDIO 3
#define SIM_ETH_CLOCK_MODE 4 // emac_rmii_clock_mode_t
#define SIM_ETH_CLOCK_GPIO 5
#define SIM_ETH_SPI_HOST 6
#define SIM_ETH_SCLK 7
#define SIM_ETH_MOSI 8
#define SIM_ETH_MISO 9
#define SIM_ETH_CS 10
#define SIM_ETH_INT 11
#define SIM_ETH_SETTINGS 12
SIM_IMPORT(eth_install) int sim_eth_install(const int32_t *settings, uint32_t *handle);
SIM_IMPORT(eth_attach) int sim_eth_attach(uint32_t handle, uint32_t netif);
SIM_IMPORT(eth_start) int sim_eth_start(uint32_t handle);
SIM_IMPORT(eth_stop) int sim_eth_stop(uint32_t handle);
SIM_IMPORT(eth_uninstall) int sim_eth_uninstall(uint32_t handle);
// speed in Mbit/s (10/100) and 1 for full duplex; esp_err_t
SIM_IMPORT(eth_speed) int sim_eth_speed(uint32_t handle, uint32_t *mbps, uint32_t *full_duplex);
SIM_IMPORT(gpio_set_level) void sim_gpio_set_level(int32_t pin, uint32_t level);

// ---- esp32-camera (esp_camera_*, esp_psram_*): sim/firmware/esp-camera.ts
// camera_init's settings: SIM_CAM_* below (int32 each), camera_config_t's
// fields; the simulator probes the board's sensor with them and allocates
// the buffers as esp32-camera's cam_hal.c does. Returns esp_err_t.
#define SIM_CAM_PIN_PWDN 0 // .. 15: services/camera.md set_pins order
#define SIM_CAM_XCLK_HZ 16
#define SIM_CAM_PIXEL_FORMAT 17
#define SIM_CAM_FRAME_SIZE 18
#define SIM_CAM_JPEG_QUALITY 19
#define SIM_CAM_FB_COUNT 20
#define SIM_CAM_FB_LOCATION 21
#define SIM_CAM_GRAB_MODE 22
#define SIM_CAM_SETTINGS 23
SIM_IMPORT(camera_init) int sim_camera_init(const int32_t *settings);
SIM_IMPORT(camera_deinit) int sim_camera_deinit(void);
SIM_IMPORT(camera_available) uint32_t sim_camera_available(void);
// The next filled buffer, as a sim_fb_t; 0 when there is none now.
SIM_IMPORT(camera_take) uint32_t sim_camera_take(void *record);
SIM_IMPORT(camera_give) void sim_camera_give(uint32_t index);
SIM_IMPORT(camera_give_all) void sim_camera_give_all(void);
// the sensor's product id (camera_pid_t)
SIM_IMPORT(camera_sensor_pid) uint32_t sim_camera_sensor_pid(void);
// one sensor_t setter: the contract's SensorSetting number, and the value
SIM_IMPORT(camera_sensor_set) int sim_camera_sensor_set(uint32_t setting, int32_t value);
SIM_IMPORT(psram_size) uint32_t sim_psram_size(void);

// A filled frame buffer (written by the simulator); the JPEG bytes stay in
// the simulator's memory (sim/firmware/esp-camera.ts), by index.
typedef struct {
    uint32_t index;
    uint32_t length;
    uint32_t width;
    uint32_t height;
    uint32_t format;
    uint32_t timestamp_sec;
    uint32_t timestamp_usec;
} sim_fb_t; // 28 bytes

// A scan record or the associated AP, flat (written by the simulator).
typedef struct {
    uint8_t bssid[6];
    uint8_t ssid[33]; // NUL-terminated
    uint8_t primary;
    int8_t rssi;
    uint8_t authmode; // wifi_auth_mode_t
} sim_ap_t;            // 42 bytes

// A station of the soft-AP (written by the simulator).
typedef struct {
    uint8_t mac[6];
    int8_t rssi;
    uint8_t aid;
    uint32_t ip; // contract u32, 0: no lease yet
} sim_sta_t;      // 12 bytes

// Helpers shared by the stand-ins.
uint32_t sim_ip_to_u32(const void *esp_ip4);
void sim_ip_from_u32(void *esp_ip4, uint32_t value);
void sim_post_event(const char *base, int32_t id, void *data, size_t size);
uint32_t sim_netif_id(const void *netif);
void *sim_netif_by_id(uint32_t id);
