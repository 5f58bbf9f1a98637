// esp_eth, the PHY and MAC constructors, GPIO and the SPI bus over the
// simulated wire. The MAC and PHY objects only collect their settings;
// esp_eth_driver_install() hands them to the simulator, which answers as
// the board's PHY would (wrong address, pins or clock: no answer).

#include <stdlib.h>
#include <string.h>

#include "driver/gpio.h"
#include "driver/spi_master.h"
#include "esp_eth.h"
#include "sim.h"


typedef struct {
    esp_eth_mac_t base;
    int32_t settings[SIM_ETH_SETTINGS];
} sim_mac_t;

typedef struct {
    esp_eth_phy_t base;
    int32_t phy_type;
    int32_t phy_address;
} sim_phy_t;

typedef struct {
    uint32_t sim_handle;
    bool started;
} sim_eth_t;

struct esp_eth_netif_glue_t {
    sim_eth_t *eth;
};

#define MAX_DRIVERS 8
// Handles ever given out, by simulator handle: ETH_EVENT data carries the
// handle value, also for a driver already uninstalled (the driver compares it,
// never follows it).
static esp_eth_handle_t handle_values[MAX_DRIVERS + 1];

static esp_err_t mac_del(esp_eth_mac_t *mac) {
    free(mac);
    return ESP_OK;
}

static esp_err_t phy_del(esp_eth_phy_t *phy) {
    free(phy);
    return ESP_OK;
}

static sim_mac_t *new_mac(void) {
    sim_mac_t *mac = calloc(1, sizeof(*mac));
    if (mac == NULL)
        return NULL;
    mac->base.del = mac_del;
    for (int i = 0; i < SIM_ETH_SETTINGS; ++i)
        mac->settings[i] = -1;
    return mac;
}

esp_eth_mac_t *esp_eth_mac_new_esp32(const eth_esp32_emac_config_t *esp32_config,
                                     const eth_mac_config_t *config) {
    if (esp32_config == NULL || config == NULL)
        return NULL;
    sim_mac_t *mac = new_mac();
    if (mac == NULL)
        return NULL;
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 3, 0)
    mac->settings[SIM_ETH_MDC] = esp32_config->smi_gpio.mdc_num;
    mac->settings[SIM_ETH_MDIO] = esp32_config->smi_gpio.mdio_num;
#else
    mac->settings[SIM_ETH_MDC] = esp32_config->smi_mdc_gpio_num;
    mac->settings[SIM_ETH_MDIO] = esp32_config->smi_mdio_gpio_num;
#endif
    mac->settings[SIM_ETH_CLOCK_MODE] = esp32_config->clock_config.rmii.clock_mode;
    mac->settings[SIM_ETH_CLOCK_GPIO] = esp32_config->clock_config.rmii.clock_gpio;
    return &mac->base;
}

esp_eth_mac_t *esp_eth_mac_new_w5500(const eth_w5500_config_t *w5500_config,
                                     const eth_mac_config_t *mac_config) {
    if (w5500_config == NULL || mac_config == NULL || w5500_config->spi_devcfg == NULL)
        return NULL;
    sim_mac_t *mac = new_mac();
    if (mac == NULL)
        return NULL;
    mac->settings[SIM_ETH_SPI_HOST] = w5500_config->spi_host_id;
    mac->settings[SIM_ETH_CS] = w5500_config->spi_devcfg->spics_io_num;
    mac->settings[SIM_ETH_INT] = w5500_config->int_gpio_num;
    return &mac->base;
}

static esp_eth_phy_t *new_phy(const eth_phy_config_t *config, int32_t type) {
    if (config == NULL)
        return NULL;
    sim_phy_t *phy = calloc(1, sizeof(*phy));
    if (phy == NULL)
        return NULL;
    phy->base.del = phy_del;
    phy->phy_type = type;
    phy->phy_address = config->phy_addr;
    return &phy->base;
}

esp_eth_phy_t *esp_eth_phy_new_lan87xx(const eth_phy_config_t *config) {
    return new_phy(config, 0);
}

esp_eth_phy_t *esp_eth_phy_new_ip101(const eth_phy_config_t *config) {
    return new_phy(config, 1);
}

esp_eth_phy_t *esp_eth_phy_new_rtl8201(const eth_phy_config_t *config) {
    return new_phy(config, 2);
}

esp_eth_phy_t *esp_eth_phy_new_dp83848(const eth_phy_config_t *config) {
    return new_phy(config, 3);
}

esp_eth_phy_t *esp_eth_phy_new_ksz80xx(const eth_phy_config_t *config) {
    return new_phy(config, 4);
}

esp_eth_phy_t *esp_eth_phy_new_w5500(const eth_phy_config_t *config) {
    return new_phy(config, 10);
}

// The SPI bus pins of each host, as spi_bus_initialize() was given them.
static spi_bus_config_t buses[SPI_HOST_MAX];
static bool bus_in_use[SPI_HOST_MAX];

esp_err_t spi_bus_initialize(spi_host_device_t host_id, const spi_bus_config_t *bus_config,
                             spi_dma_chan_t dma_chan) {
    (void)dma_chan;
    if (host_id <= SPI1_HOST || host_id >= SPI_HOST_MAX || bus_config == NULL)
        return ESP_ERR_INVALID_ARG;
    if (bus_in_use[host_id])
        return ESP_ERR_INVALID_STATE;
    buses[host_id] = *bus_config;
    bus_in_use[host_id] = true;
    return ESP_OK;
}

esp_err_t spi_bus_free(spi_host_device_t host_id) {
    if (host_id <= SPI1_HOST || host_id >= SPI_HOST_MAX || !bus_in_use[host_id])
        return ESP_ERR_INVALID_STATE;
    bus_in_use[host_id] = false;
    return ESP_OK;
}

esp_err_t gpio_reset_pin(gpio_num_t gpio_num) {
    return gpio_num >= 0 && gpio_num < 40 ? ESP_OK : ESP_ERR_INVALID_ARG;
}

esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode) {
    (void)mode;
    return gpio_num >= 0 && gpio_num < 40 ? ESP_OK : ESP_ERR_INVALID_ARG;
}

esp_err_t gpio_set_level(gpio_num_t gpio_num, uint32_t level) {
    if (gpio_num < 0 || gpio_num >= 40)
        return ESP_ERR_INVALID_ARG;
    sim_gpio_set_level(gpio_num, level);
    return ESP_OK;
}

static bool isr_service;

esp_err_t gpio_install_isr_service(int intr_alloc_flags) {
    (void)intr_alloc_flags;
    if (isr_service)
        return ESP_ERR_INVALID_STATE;
    isr_service = true;
    return ESP_OK;
}

esp_err_t esp_eth_driver_install(const esp_eth_config_t *config, esp_eth_handle_t *out_hdl) {
    if (config == NULL || out_hdl == NULL || config->mac == NULL || config->phy == NULL)
        return ESP_ERR_INVALID_ARG;
    const sim_mac_t *mac = (const sim_mac_t *)config->mac;
    const sim_phy_t *phy = (const sim_phy_t *)config->phy;
    int32_t settings[SIM_ETH_SETTINGS];
    memcpy(settings, mac->settings, sizeof(settings));
    settings[SIM_ETH_PHY_TYPE] = phy->phy_type;
    settings[SIM_ETH_PHY_ADDRESS] = phy->phy_address;
    int32_t host = settings[SIM_ETH_SPI_HOST];
    if (host > SPI1_HOST && host < SPI_HOST_MAX && bus_in_use[host]) {
        settings[SIM_ETH_SCLK] = buses[host].sclk_io_num;
        settings[SIM_ETH_MOSI] = buses[host].mosi_io_num;
        settings[SIM_ETH_MISO] = buses[host].miso_io_num;
    }
    uint32_t handle = 0;
    esp_err_t err = sim_eth_install(settings, &handle);
    if (err != ESP_OK)
        return err;
    if (handle == 0 || handle > MAX_DRIVERS)
        return ESP_ERR_NO_MEM;
    sim_eth_t *eth = calloc(1, sizeof(*eth));
    if (eth == NULL) {
        sim_eth_uninstall(handle);
        return ESP_ERR_NO_MEM;
    }
    eth->sim_handle = handle;
    handle_values[handle] = eth;
    *out_hdl = eth;
    return ESP_OK;
}

esp_err_t esp_eth_driver_uninstall(esp_eth_handle_t hdl) {
    sim_eth_t *eth = hdl;
    if (eth == NULL)
        return ESP_ERR_INVALID_ARG;
    if (eth->started)
        return ESP_ERR_INVALID_STATE; // ESP-IDF: stop first
    esp_err_t err = sim_eth_uninstall(eth->sim_handle);
    free(eth);
    return err;
}

esp_err_t esp_eth_start(esp_eth_handle_t hdl) {
    sim_eth_t *eth = hdl;
    if (eth == NULL)
        return ESP_ERR_INVALID_ARG;
    if (eth->started)
        return ESP_ERR_INVALID_STATE;
    eth->started = true;
    return sim_eth_start(eth->sim_handle);
}

esp_err_t esp_eth_stop(esp_eth_handle_t hdl) {
    sim_eth_t *eth = hdl;
    if (eth == NULL)
        return ESP_ERR_INVALID_ARG;
    if (!eth->started)
        return ESP_ERR_INVALID_STATE;
    eth->started = false;
    return sim_eth_stop(eth->sim_handle);
}

esp_err_t esp_eth_ioctl(esp_eth_handle_t hdl, esp_eth_io_cmd_t cmd, void *data) {
    sim_eth_t *eth = hdl;
    if (eth == NULL || data == NULL)
        return ESP_ERR_INVALID_ARG;
    uint32_t mbps = 0, full = 0;
    switch (cmd) {
    case ETH_CMD_S_MAC_ADDR:
        return ESP_OK;
    case ETH_CMD_G_SPEED: {
        esp_err_t err = sim_eth_speed(eth->sim_handle, &mbps, &full);
        if (err == ESP_OK)
            *(eth_speed_t *)data = mbps >= 100 ? ETH_SPEED_100M : ETH_SPEED_10M;
        return err;
    }
    case ETH_CMD_G_DUPLEX_MODE: {
        esp_err_t err = sim_eth_speed(eth->sim_handle, &mbps, &full);
        if (err == ESP_OK)
            *(eth_duplex_t *)data = full ? ETH_DUPLEX_FULL : ETH_DUPLEX_HALF;
        return err;
    }
    default:
        return ESP_ERR_NOT_SUPPORTED;
    }
}

esp_eth_netif_glue_handle_t esp_eth_new_netif_glue(esp_eth_handle_t eth_hdl) {
    if (eth_hdl == NULL)
        return NULL;
    esp_eth_netif_glue_handle_t glue = calloc(1, sizeof(*glue));
    if (glue != NULL)
        glue->eth = eth_hdl;
    return glue;
}

esp_err_t esp_eth_del_netif_glue(esp_eth_netif_glue_handle_t eth_netif_glue) {
    free(eth_netif_glue);
    return ESP_OK;
}

// The glue ties the driver to the interface: the simulator's DHCP client
// runs on that interface when the link comes up.
esp_err_t sim_eth_glue_attach(void *handle, uint32_t netif) {
    esp_eth_netif_glue_handle_t glue = handle;
    return sim_eth_attach(glue->eth->sim_handle, netif);
}

// ETH_EVENT for the driver the simulator numbered `handle`.
SIM_EXPORT(sim_event_eth) void sim_event_eth(int32_t id, uint32_t handle) {
    extern esp_event_base_t const ETH_EVENT;
    esp_eth_handle_t value = handle <= MAX_DRIVERS ? handle_values[handle] : NULL;
    sim_post_event(ETH_EVENT, id, &value, sizeof(value));
}
