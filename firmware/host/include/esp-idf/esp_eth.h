#pragma once
// esp_eth.h of ESP-IDF 5.x (esp_eth_driver.h, esp_eth_com.h, esp_eth_mac.h,
// esp_eth_phy.h, esp_eth_netif_glue.h), as much as cam_ethernet.c uses.
#include <stdbool.h>
#include <stdint.h>
#include "driver/spi_master.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_idf_version.h"

typedef void *esp_eth_handle_t;
typedef struct esp_eth_netif_glue_t *esp_eth_netif_glue_handle_t;

ESP_EVENT_DECLARE_BASE(ETH_EVENT);

typedef enum {
    ETHERNET_EVENT_START,
    ETHERNET_EVENT_STOP,
    ETHERNET_EVENT_CONNECTED,
    ETHERNET_EVENT_DISCONNECTED,
} eth_event_t;

typedef enum {
    ETH_SPEED_10M,
    ETH_SPEED_100M,
    ETH_SPEED_MAX
} eth_speed_t;

typedef enum {
    ETH_DUPLEX_HALF,
    ETH_DUPLEX_FULL,
} eth_duplex_t;

typedef enum {
    ETH_CMD_G_MAC_ADDR,
    ETH_CMD_S_MAC_ADDR,
    ETH_CMD_G_PHY_ADDR,
    ETH_CMD_S_PHY_ADDR,
    ETH_CMD_G_AUTONEGO,
    ETH_CMD_S_AUTONEGO,
    ETH_CMD_G_SPEED,
    ETH_CMD_S_SPEED,
    ETH_CMD_S_PROMISCUOUS,
    ETH_CMD_S_FLOW_CTRL,
    ETH_CMD_G_DUPLEX_MODE,
    ETH_CMD_S_DUPLEX_MODE,
    ETH_CMD_S_PHY_LOOPBACK,
} esp_eth_io_cmd_t;

typedef struct esp_eth_mac_s esp_eth_mac_t;
struct esp_eth_mac_s {
    esp_err_t (*del)(esp_eth_mac_t *mac);
};

typedef struct esp_eth_phy_s esp_eth_phy_t;
struct esp_eth_phy_s {
    esp_err_t (*del)(esp_eth_phy_t *phy);
};

typedef struct {
    uint32_t sw_reset_timeout_ms;
    uint32_t rx_task_stack_size;
    uint32_t rx_task_prio;
    uint32_t flags;
} eth_mac_config_t;

#define ETH_MAC_DEFAULT_CONFIG()                                                                   \
    {                                                                                              \
        .sw_reset_timeout_ms = 100, .rx_task_stack_size = 4096, .rx_task_prio = 15, .flags = 0,    \
    }

typedef struct {
    int32_t phy_addr;
    uint32_t reset_timeout_ms;
    uint32_t autonego_timeout_ms;
    int reset_gpio_num;
} eth_phy_config_t;

#define ETH_PHY_DEFAULT_CONFIG()                                                                   \
    {                                                                                              \
        .phy_addr = -1, .reset_timeout_ms = 100, .autonego_timeout_ms = 4000,                      \
        .reset_gpio_num = 5,                                                                       \
    }

typedef struct {
    esp_eth_mac_t *mac;
    esp_eth_phy_t *phy;
    uint32_t check_link_period_ms;
    esp_err_t (*stack_input)(esp_eth_handle_t eth_handle, uint8_t *buffer, uint32_t length,
                             void *priv);
    esp_err_t (*on_lowlevel_init_done)(esp_eth_handle_t eth_handle);
    esp_err_t (*on_lowlevel_deinit_done)(esp_eth_handle_t eth_handle);
    esp_err_t (*read_phy_reg)(esp_eth_handle_t eth_handle, uint32_t phy_addr, uint32_t phy_reg,
                              uint32_t *reg_value);
    esp_err_t (*write_phy_reg)(esp_eth_handle_t eth_handle, uint32_t phy_addr, uint32_t phy_reg,
                               uint32_t reg_value);
} esp_eth_config_t;

#define ETH_DEFAULT_CONFIG(emac, ephy)                                                             \
    {                                                                                              \
        .mac = emac, .phy = ephy, .check_link_period_ms = 2000, .stack_input = NULL,               \
        .on_lowlevel_init_done = NULL, .on_lowlevel_deinit_done = NULL, .read_phy_reg = NULL,      \
        .write_phy_reg = NULL,                                                                     \
    }

// ---- the ESP32's internal EMAC
typedef enum {
    EMAC_DATA_INTERFACE_RMII,
    EMAC_DATA_INTERFACE_MII,
} eth_data_interface_t;

typedef enum {
    EMAC_CLK_DEFAULT,
    EMAC_CLK_EXT_IN,
    EMAC_CLK_OUT
} emac_rmii_clock_mode_t;

typedef enum {
    EMAC_CLK_IN_GPIO = 0,
    EMAC_APPL_CLK_OUT_GPIO = 0,
    EMAC_CLK_OUT_GPIO = 16,
    EMAC_CLK_OUT_180_GPIO = 17
} emac_rmii_clock_gpio_t;

typedef union {
    struct {
        emac_rmii_clock_mode_t clock_mode;
        emac_rmii_clock_gpio_t clock_gpio;
    } rmii;
} eth_mac_clock_config_t;

typedef struct {
    int mdc_num;
    int mdio_num;
} emac_esp_smi_gpio_config_t;

typedef struct {
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0)
    emac_esp_smi_gpio_config_t smi_gpio;
#else
    int smi_mdc_gpio_num;
    int smi_mdio_gpio_num;
#endif
    eth_data_interface_t interface;
    eth_mac_clock_config_t clock_config;
    int dma_burst_len;
    int intr_priority;
} eth_esp32_emac_config_t;

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0)
#define ETH_ESP32_EMAC_SMI_DEFAULT .smi_gpio = {.mdc_num = 23, .mdio_num = 18},
#else
#define ETH_ESP32_EMAC_SMI_DEFAULT .smi_mdc_gpio_num = 23, .smi_mdio_gpio_num = 18,
#endif
#define ETH_ESP32_EMAC_DEFAULT_CONFIG()                                                            \
    {                                                                                              \
        ETH_ESP32_EMAC_SMI_DEFAULT.interface = EMAC_DATA_INTERFACE_RMII,                           \
        .clock_config = {.rmii = {.clock_mode = EMAC_CLK_DEFAULT, .clock_gpio = EMAC_CLK_IN_GPIO}}, \
        .dma_burst_len = 0, .intr_priority = 0,                                                    \
    }

esp_eth_mac_t *esp_eth_mac_new_esp32(const eth_esp32_emac_config_t *esp32_config,
                                     const eth_mac_config_t *config);
esp_eth_phy_t *esp_eth_phy_new_lan87xx(const eth_phy_config_t *config);
esp_eth_phy_t *esp_eth_phy_new_ip101(const eth_phy_config_t *config);
esp_eth_phy_t *esp_eth_phy_new_rtl8201(const eth_phy_config_t *config);
esp_eth_phy_t *esp_eth_phy_new_dp83848(const eth_phy_config_t *config);
esp_eth_phy_t *esp_eth_phy_new_ksz80xx(const eth_phy_config_t *config);

// ---- WIZnet W5500 on SPI
typedef struct {
    int int_gpio_num;
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 2, 1) ||                                             \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 1, 4) && ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 2, 0))
    uint32_t poll_period_ms;
#endif
    spi_host_device_t spi_host_id;
    spi_device_interface_config_t *spi_devcfg;
} eth_w5500_config_t;

#define ETH_W5500_DEFAULT_CONFIG(spi_host, spi_devcfg_p)                                           \
    {                                                                                              \
        .int_gpio_num = 4, .spi_host_id = spi_host, .spi_devcfg = spi_devcfg_p,                    \
    }

esp_eth_mac_t *esp_eth_mac_new_w5500(const eth_w5500_config_t *w5500_config,
                                     const eth_mac_config_t *mac_config);
esp_eth_phy_t *esp_eth_phy_new_w5500(const eth_phy_config_t *config);

// ---- the driver
esp_err_t esp_eth_driver_install(const esp_eth_config_t *config, esp_eth_handle_t *out_hdl);
esp_err_t esp_eth_driver_uninstall(esp_eth_handle_t hdl);
esp_err_t esp_eth_start(esp_eth_handle_t hdl);
esp_err_t esp_eth_stop(esp_eth_handle_t hdl);
esp_err_t esp_eth_ioctl(esp_eth_handle_t hdl, esp_eth_io_cmd_t cmd, void *data);
esp_eth_netif_glue_handle_t esp_eth_new_netif_glue(esp_eth_handle_t eth_hdl);
esp_err_t esp_eth_del_netif_glue(esp_eth_netif_glue_handle_t eth_netif_glue);
