// Camscript Ethernet: driver contract v1 (services/ethernet.md) on ESP-IDF
// 5.0's Ethernet driver (esp_eth): the ESP32's internal EMAC with an RMII
// PHY (LAN87xx, IP101, RTL8201, DP83848, KSZ80xx), or a WIZnet W5500 on SPI.
//
// Targets ESP-IDF 5.0.x, the series devicescript-esp32 builds with. It also
// compiles against 5.1 to 5.5: the places where esp_eth's API moved are
// marked with the version checks below. ESP-IDF 6 moved the PHY and SPI chip
// drivers out of esp_eth into separate components and is not supported.
//
// The driver is thin on purpose: set_phy / set_spi store the wiring the
// bytecode read from the board file, set_active(true) builds and starts the
// MAC and PHY with exactly that, and whatever the cable does is reported as
// `link` events. There are no retries and no timeouts on the outcome here;
// DHCP is ESP-IDF's own client (it keeps asking while no server answers).
// The bytecode owns every decision. Any failure to start (no PHY answering,
// but also an unusable pin, a chip without an EMAC, no memory) is reported
// as Stopped / PhyNotFound, the contract's only "could not start" reason;
// the log names the step that failed.
//
// Threading, as in cam_wifi_station.c. ESP-IDF delivers ETH_EVENT and
// IP_EVENT on the system event task. Handlers there only record what
// happened into the link snapshot (under `lock`), set a flag and wake the
// main loop; cam_ethernet_process(), on the Jacdac main loop, sends `link`
// events. Nothing in an event handler calls into Jacdac, the VM, or ESP-IDF
// (not even esp_eth_ioctl: the speed, duplex and DNS server are read by the
// main loop, which owns the driver's lifetime, before it sends the event).
// Commands and process() run on the main loop and take the same lock
// whenever they touch the shared fields; no ESP-IDF call is made while it is
// held. Several changes between two main-loop passes are coalesced into one
// `link` event; as every event carries the whole snapshot, the last is right.
//
// Wire layouts are in cam_ethernet_packets.c (explicit byte offsets, never a
// struct copy).

#include "jdesp.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "driver/gpio.h"
#include "esp_eth.h"
#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "sdkconfig.h"

#include "cam_ethernet.h"
#include "cam_ethernet_packets.h"
#include "cam_netif_address.h"
#include "cam_wifi_station_spec.h" // all camscript contracts' constants, JD_CAM_ETHERNET_* included

// ------------------------------------------------------- ESP-IDF versions

#define IDF_AT_LEAST(major, minor, patch)                                                          \
    (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(major, minor, patch))

#if IDF_AT_LEAST(6, 0, 0)
#error "cam_ethernet targets ESP-IDF 5.x: ESP-IDF 6 moved the PHY and W5500 drivers out of esp_eth"
#endif

// eth_esp32_emac_config_t: 5.0 to 5.2 name the management pins
// smi_mdc_gpio_num / smi_mdio_gpio_num; 5.3 moved them into
// .smi_gpio.mdc_num / .mdio_num (the old names remain, deprecated).
#define HAS_SMI_GPIO_STRUCT IDF_AT_LEAST(5, 3, 0)

// eth_w5500_config_t.poll_period_ms, for a W5500 without its INT line,
// arrived in 5.1.4, 5.2.1 and 5.3. Before that the W5500 driver needs INT.
#define HAS_W5500_POLLING                                                                          \
    ((IDF_AT_LEAST(5, 1, 4) && !IDF_AT_LEAST(5, 2, 0)) || IDF_AT_LEAST(5, 2, 1))

// The contract's ClockMode names the ESP32's RMII clock pins (GPIO0 in,
// GPIO0/16/17 out); other chips with an EMAC are not described by it.
#if defined(CONFIG_ETH_USE_ESP32_EMAC) && CONFIG_ETH_USE_ESP32_EMAC && CONFIG_IDF_TARGET_ESP32
#define HAS_RMII 1
#else
#define HAS_RMII 0
#endif

#if defined(CONFIG_ETH_USE_SPI_ETHERNET) && CONFIG_ETH_USE_SPI_ETHERNET &&                        \
    defined(CONFIG_ETH_SPI_ETHERNET_W5500) && CONFIG_ETH_SPI_ETHERNET_W5500
#define HAS_W5500 1
#include "driver/spi_master.h"
#else
#define HAS_W5500 0
#endif

// ------------------------------------------------------------- constants

#define LOG(msg, ...) DMESG("cam_eth: " msg, ##__VA_ARGS__)

#define CONTRACT_VERSION 1

#define MAC_LENGTH 6
#define HOSTNAME_MAX_LENGTH 32 // what esp_netif_set_hostname() accepts

// The contract's "known to be down" signal: this long after a start with no
// link on the cable, `link` reports Started with reason CableUnplugged, once
// (later losses of the link report it at once). Auto-negotiation with a
// partner takes about 1.5 to 2 s and ESP-IDF sees its result at the next
// link poll (LINK_CHECK_PERIOD_MS), so a plugged cable is normally up
// within 3 s. A link that comes later still reports LinkUp.
#define NO_LINK_REPORT_US (3000 * 1000)

// How often ESP-IDF reads the PHY's link status (esp_eth_config_t
// .check_link_period_ms; ETH_DEFAULT_CONFIG's 2000 ms halved). An unplugged
// cable is seen within this.
#define LINK_CHECK_PERIOD_MS 1000

// eth_phy_config_t.autonego_timeout_ms. ESP-IDF 5.x's esp_eth_start() waits
// for auto-negotiation to finish for up to this long, blocking the caller:
// ETH_PHY_DEFAULT_CONFIG's 4000 ms would freeze the VM for 4 s whenever no
// cable is plugged in. With 0 it returns at once and the link poll reports
// the link when negotiation completes.
#define AUTONEGOTIATION_WAIT_MS 0

// The PHY (or its clock oscillator) is powered by set_phy's power_pin; give
// it this long before the MAC and PHY are initialised.
#define POWER_SETTLE_MS 20

// W5500 SPI clock. The chip is rated up to 80 MHz, but on the ESP32 pins
// routed through the GPIO matrix are good for about 26 MHz full duplex;
// 20 MHz works on any pins.
#define W5500_SPI_CLOCK_HZ (20 * 1000 * 1000)
#define W5500_SPI_QUEUE_SIZE 20
// Receive polling period of a W5500 without INT (ESP-IDF's examples use 10).
#define W5500_POLL_PERIOD_MS 10

// lwIP picks the default route by esp_netif route_prio. The Wi-Fi station's
// default is 100, Ethernet's 50; above 100, Ethernet is preferred whenever
// it holds an address, as in the simulator (sim/session.ts).
#define ETHERNET_ROUTE_PRIO 128

#define LINK_STATE(name) JD_CAM_ETHERNET_LINK_STATE_##name
#define LINK_REASON(name) JD_CAM_ETHERNET_LINK_REASON_##name
#define PHY_TYPE(name) JD_CAM_ETHERNET_PHY_TYPE_##name
#define CLOCK_MODE(name) JD_CAM_ETHERNET_CLOCK_MODE_##name
#define ADDRESS_MODE(name) JD_CAM_ETHERNET_ADDRESS_MODE_##name

typedef cam_ipv4_config_t ipv4_config_t;
typedef cam_eth_link_snapshot_t link_snapshot_t;

// What set_active(true) built. Main loop only; torn down in reverse order.
typedef struct {
    esp_eth_mac_t *mac;
    esp_eth_phy_t *phy;
    esp_eth_handle_t eth; // the installed driver
    bool eth_started;     // esp_eth_start() was called on it (whatever it returned)
    esp_eth_netif_glue_handle_t glue;
    esp_netif_t *netif;
    int spi_host;  // an SPI bus this driver initialised and frees; -1: none
    int power_pin; // a GPIO driven high to power the PHY; -1: none
} hardware_t;

struct srv_state {
    SRV_COMMON;

    // Registers; the layout must follow cam_ethernet_regs.
    uint16_t contract_version;
    uint8_t mac[MAC_LENGTH]; // `const mac: bytes`: served as exactly 6 bytes

    // ---- Shared with the ESP-IDF event handlers: only touched under `lock`.
    SemaphoreHandle_t lock;
    link_snapshot_t link;
    bool link_changed; // `link` may differ from what was last sent
    bool speed_due;    // CONNECTED recorded: process() reads speed and duplex
    bool dns_due;      // a DHCP address recorded: process() reads the DNS server
    bool link_seen;    // CONNECTED seen since the last start
    // Which driver and interface events must come from to count. Set by the
    // main loop, NULL while stopped. The handlers only compare these
    // pointers, never call through them.
    esp_eth_handle_t current_eth;
    esp_netif_t *current_netif;
    // ETHERNET_EVENT_STOPs still queued from drivers this service stopped.
    // Until they have gone by, any Ethernet event in the queue belongs to an
    // old driver (the event loop is first in, first out), even one whose
    // freed handle the new driver happens to reuse.
    uint8_t stops_pending;
    uint8_t address_mode; // AddressMode
    ipv4_config_t static_address;

    // ---- Main loop only.
    bool phy_given; // set_phy received
    cam_eth_phy_settings_t phy;
    cam_eth_spi_settings_t spi;
    char hostname[HOSTNAME_MAX_LENGTH + 1]; // "" until set_hostname
    hardware_t hw;
    bool running;                // started; set_active(false) stops it
    int64_t no_link_deadline_us; // 0: the no-link report is not due
    bool link_answer_due;        // a command asked for a `link` event even if nothing changed
    bool link_sent;              // last_link_payload holds the last event sent
    uint8_t last_link_payload[CAM_ETH_LINK_SIZE];
};

REG_DEFINITION(                                       //
    cam_ethernet_regs,                                //
    REG_SRV_COMMON,                                   //
    REG_U16(JD_CAM_ETHERNET_REG_CONTRACT_VERSION),    //
    REG_BYTES(JD_CAM_ETHERNET_REG_MAC, MAC_LENGTH),   //
)

static srv_t *ethernet; // for cam_ethernet_has_address()

// ---------------------------------------------------------------- helpers

static void lock(srv_t *state) {
    xSemaphoreTake(state->lock, portMAX_DELAY);
}

static void unlock(srv_t *state) {
    xSemaphoreGive(state->lock);
}

static void wake_main_loop(void) {
#ifdef JD_WAKE_MAIN
    JD_WAKE_MAIN();
#endif
}

static bool link_is_up(uint8_t link_state) {
    return link_state == LINK_STATE(LINK_UP) || link_state == LINK_STATE(GOT_ADDRESS);
}

static void clear_address(link_snapshot_t *link) {
    memset(&link->address, 0, sizeof(link->address));
}

// Not linked: no speed, no duplex, no address.
static void clear_link_details(link_snapshot_t *link) {
    link->speed_mbps = 0;
    link->full_duplex = false;
    clear_address(link);
}

static void record_link(srv_t *state, uint8_t link_state, uint16_t reason) {
    link_snapshot_t *link = &state->link;
    link->state = link_state;
    link->reason = reason;
    clear_link_details(link);
    state->link_changed = true;
}

// ---------------------------------------------------- ESP-IDF event handlers
// These run on the system event task: record, flag, wake. Nothing else.

static void on_eth_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    // Every ETH_EVENT carries the driver's handle.
    esp_eth_handle_t handle = data != NULL ? *(esp_eth_handle_t *)data : NULL;
    bool changed = false;

    lock(state);
    link_snapshot_t *link = &state->link;
    if (id == ETHERNET_EVENT_STOP) {
        // The end of a driver we stopped; set_active(false) has already
        // reported it. Events after this one are the current driver's.
        if (state->stops_pending > 0)
            --state->stops_pending;
        unlock(state);
        return;
    }
    bool ours = handle != NULL && handle == state->current_eth && state->stops_pending == 0;
    if (ours && id == ETHERNET_EVENT_CONNECTED) {
        // The PHY reports a negotiated link. Speed and duplex are read by
        // the main loop (speed_due) before the event goes out.
        state->link_seen = true;
        link->reason = LINK_REASON(NONE);
        clear_link_details(link);
        state->speed_due = true;
        state->dns_due = false;
        if (state->address_mode == ADDRESS_MODE(STATIC)) {
            // The static address was set on the interface beforehand; there
            // is nothing to obtain.
            link->address = state->static_address;
            link->state = LINK_STATE(GOT_ADDRESS);
        } else {
            link->state = LINK_STATE(LINK_UP);
        }
        changed = true;
    } else if (ours && id == ETHERNET_EVENT_DISCONNECTED) {
        if (link_is_up(link->state)) {
            record_link(state, LINK_STATE(STARTED), LINK_REASON(CABLE_UNPLUGGED));
            state->speed_due = false;
            state->dns_due = false;
            changed = true;
        }
    }
    // ETHERNET_EVENT_START: nothing to record; set_active(true) recorded
    // Started just before calling esp_eth_start().
    if (changed)
        state->link_changed = true;
    unlock(state);
    if (changed)
        wake_main_loop();
}

static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
    srv_t *state = arg;
    (void)base;
    bool changed = false;

    lock(state);
    link_snapshot_t *link = &state->link;
    bool running = state->current_netif != NULL && state->stops_pending == 0;
    if (id == IP_EVENT_ETH_GOT_IP) {
        const ip_event_got_ip_t *event = data;
        // Only a linked interface of ours has a link to give an address to.
        if (running && event->esp_netif == state->current_netif && link_is_up(link->state)) {
            link->address.ip = cam_ipv4_to_contract(&event->ip_info.ip);
            link->address.netmask = cam_ipv4_to_contract(&event->ip_info.netmask);
            link->address.gateway = cam_ipv4_to_contract(&event->ip_info.gw);
            if (state->address_mode == ADDRESS_MODE(STATIC)) {
                link->address.dns = state->static_address.dns;
            } else {
                link->address.dns = 0;
                state->dns_due = true; // what DHCP gave, read by the main loop
            }
            link->state = LINK_STATE(GOT_ADDRESS);
            link->reason = LINK_REASON(NONE);
            changed = true;
        }
    } else if (id == IP_EVENT_ETH_LOST_IP) {
        const ip_event_got_ip_t *event = data; // LOST_IP carries the same struct
        // Still linked, but the lease ran out without renewal. (After the
        // cable is pulled ESP-IDF posts LOST_IP too, minutes later: ignored,
        // the link was reported down already.)
        if (running && event->esp_netif == state->current_netif &&
            link->state == LINK_STATE(GOT_ADDRESS)) {
            clear_address(link);
            link->state = LINK_STATE(LINK_UP);
            link->reason = LINK_REASON(ADDRESS_TIMEOUT);
            state->dns_due = false;
            changed = true;
        }
    }
    if (changed)
        state->link_changed = true;
    unlock(state);
    if (changed)
        wake_main_loop();
}

// ------------------------------------------------------------ event sending

static void send_snapshot(srv_t *state, const link_snapshot_t *link) {
    uint8_t payload[CAM_ETH_LINK_SIZE];
    size_t size = cam_eth_encode_link(payload, link);
    jd_send_event_ext(state, JD_CAM_ETHERNET_EV_LINK, payload, (unsigned)size);
    memcpy(state->last_link_payload, payload, size);
    state->link_sent = true;
}

static void send_link_if_due(srv_t *state) {
    lock(state);
    link_snapshot_t link = state->link;
    bool changed = state->link_changed;
    state->link_changed = false;
    unlock(state);

    if (!changed && !state->link_answer_due)
        return;

    uint8_t payload[CAM_ETH_LINK_SIZE];
    size_t size = cam_eth_encode_link(payload, &link);
    bool same = state->link_sent && memcmp(payload, state->last_link_payload, size) == 0;
    if (same && !state->link_answer_due)
        return;

    send_snapshot(state, &link);
    state->link_answer_due = false;
}

// A fresh link-up is reported as LinkUp before its address, also when the
// address is known at once (static, or a lease that came in the same pass):
// each step is an event, as the bytecode's on_change reports them.
static void send_link_up_step(srv_t *state) {
    lock(state);
    link_snapshot_t link = state->link;
    unlock(state);
    if (link.state != LINK_STATE(GOT_ADDRESS))
        return;
    link.state = LINK_STATE(LINK_UP);
    memset(&link.address, 0, sizeof(link.address));
    send_snapshot(state, &link);
}

// ------------------------------------------------------- address settings

// Puts the interface's address configuration into effect. DHCP is a fresh
// interface's default, so at start-up only a static address is applied.
static void apply_hostname(srv_t *state) {
    if (state->hw.netif == NULL || state->hostname[0] == 0)
        return;
    esp_err_t err = esp_netif_set_hostname(state->hw.netif, state->hostname);
    if (err != ESP_OK)
        LOG("set_hostname failed: %s", esp_err_to_name(err));
}

// ---------------------------------------------------- building the driver

static void power_phy(srv_t *state) {
    int pin = state->phy.power_pin;
    if (pin < 0)
        return;
    gpio_reset_pin((gpio_num_t)pin);
    gpio_set_direction((gpio_num_t)pin, GPIO_MODE_OUTPUT);
    gpio_set_level((gpio_num_t)pin, 1);
    state->hw.power_pin = pin;
    vTaskDelay(pdMS_TO_TICKS(POWER_SETTLE_MS));
}

// The internal EMAC and an RMII PHY. False when nothing was created.
static bool create_rmii(srv_t *state, const eth_mac_config_t *mac_config,
                        const eth_phy_config_t *phy_config) {
#if HAS_RMII
    const cam_eth_phy_settings_t *phy = &state->phy;
    hardware_t *hw = &state->hw;
    if (phy->mdc_pin < 0 || phy->mdio_pin < 0) {
        LOG("RMII PHY without MDC/MDIO pins (%d/%d)", phy->mdc_pin, phy->mdio_pin);
        return false;
    }
    eth_esp32_emac_config_t emac = ETH_ESP32_EMAC_DEFAULT_CONFIG();
#if HAS_SMI_GPIO_STRUCT
    emac.smi_gpio.mdc_num = phy->mdc_pin;
    emac.smi_gpio.mdio_num = phy->mdio_pin;
#else
    emac.smi_mdc_gpio_num = phy->mdc_pin;
    emac.smi_mdio_gpio_num = phy->mdio_pin;
#endif
    emac.interface = EMAC_DATA_INTERFACE_RMII;
    switch (phy->clock_mode) {
    case CLOCK_MODE(GPIO0IN): // 50 MHz from the PHY's oscillator into GPIO0
        emac.clock_config.rmii.clock_mode = EMAC_CLK_EXT_IN;
        emac.clock_config.rmii.clock_gpio = EMAC_CLK_IN_GPIO;
        break;
    case CLOCK_MODE(GPIO0OUT): // the ESP32 generates it (APLL) on GPIO0
        emac.clock_config.rmii.clock_mode = EMAC_CLK_OUT;
        emac.clock_config.rmii.clock_gpio = EMAC_APPL_CLK_OUT_GPIO;
        break;
    case CLOCK_MODE(GPIO16OUT):
        emac.clock_config.rmii.clock_mode = EMAC_CLK_OUT;
        emac.clock_config.rmii.clock_gpio = EMAC_CLK_OUT_GPIO;
        break;
    case CLOCK_MODE(GPIO17OUT): // the inverted clock
        emac.clock_config.rmii.clock_mode = EMAC_CLK_OUT;
        emac.clock_config.rmii.clock_gpio = EMAC_CLK_OUT_180_GPIO;
        break;
    default:
        LOG("RMII PHY needs a clock mode, got %u", (unsigned)phy->clock_mode);
        return false;
    }

    switch (phy->phy_type) {
    case PHY_TYPE(LAN8720): // LAN8720A, LAN8710A and the rest of the LAN87xx family
        hw->phy = esp_eth_phy_new_lan87xx(phy_config);
        break;
    case PHY_TYPE(IP101):
        hw->phy = esp_eth_phy_new_ip101(phy_config);
        break;
    case PHY_TYPE(RTL8201):
        hw->phy = esp_eth_phy_new_rtl8201(phy_config);
        break;
    case PHY_TYPE(DP83848):
        hw->phy = esp_eth_phy_new_dp83848(phy_config);
        break;
    case PHY_TYPE(KSZ8041): // esp_eth's KSZ80xx driver covers the KSZ8041
        hw->phy = esp_eth_phy_new_ksz80xx(phy_config);
        break;
    default:
        LOG("unknown PHY type %u", (unsigned)phy->phy_type);
        return false;
    }
    if (hw->phy == NULL) {
        LOG("creating the PHY driver failed");
        return false;
    }
    hw->mac = esp_eth_mac_new_esp32(&emac, mac_config);
    if (hw->mac == NULL) {
        LOG("creating the EMAC driver failed (pins or clock refused, or no memory)");
        return false;
    }
    return true;
#else
    (void)state;
    (void)mac_config;
    (void)phy_config;
    LOG("no RMII Ethernet in this build (ESP32 with CONFIG_ETH_USE_ESP32_EMAC only)");
    return false;
#endif
}

// A W5500 on SPI. False when the MAC or PHY driver could not be created.
static bool create_w5500(srv_t *state, const eth_mac_config_t *mac_config,
                         const eth_phy_config_t *phy_config) {
#if HAS_W5500
    const cam_eth_spi_settings_t *spi = &state->spi;
    hardware_t *hw = &state->hw;
    if (spi->host < (int)SPI2_HOST || spi->host >= (int)SPI_HOST_MAX || spi->sclk_pin < 0 ||
        spi->mosi_pin < 0 || spi->miso_pin < 0 || spi->cs_pin < 0) {
        LOG("W5500 needs an SPI host and SCLK/MOSI/MISO/CS pins (set_spi): host %d, %d/%d/%d/%d",
            spi->host, spi->sclk_pin, spi->mosi_pin, spi->miso_pin, spi->cs_pin);
        return false;
    }
#if !HAS_W5500_POLLING
    if (spi->int_pin < 0) {
        LOG("W5500 without INT needs ESP-IDF 5.1.4, 5.2.1 or later (polling)");
        return false;
    }
#endif
    esp_err_t err;
    if (spi->int_pin >= 0) {
        // The W5500 driver hooks its INT pin through the shared GPIO ISR
        // service; "already installed" (by another driver) is fine.
        err = gpio_install_isr_service(0);
        if (err != ESP_OK && err != ESP_ERR_INVALID_STATE) {
            LOG("gpio_install_isr_service failed: %s", esp_err_to_name(err));
            return false;
        }
    }
    spi_bus_config_t bus;
    memset(&bus, 0, sizeof(bus));
    bus.miso_io_num = spi->miso_pin;
    bus.mosi_io_num = spi->mosi_pin;
    bus.sclk_io_num = spi->sclk_pin;
    bus.quadwp_io_num = -1;
    bus.quadhd_io_num = -1;
    err = spi_bus_initialize((spi_host_device_t)spi->host, &bus, SPI_DMA_CH_AUTO);
    if (err == ESP_OK) {
        hw->spi_host = spi->host; // ours: freed on stop
    } else if (err == ESP_ERR_INVALID_STATE) {
        // Another driver set the bus up (with its own pins); share it and
        // leave it alone on stop.
        LOG("SPI host %d already initialised: sharing it", spi->host);
    } else {
        LOG("spi_bus_initialize failed: %s", esp_err_to_name(err));
        return false;
    }

    spi_device_interface_config_t device;
    memset(&device, 0, sizeof(device));
    device.mode = 0;
    device.clock_speed_hz = W5500_SPI_CLOCK_HZ;
    device.queue_size = W5500_SPI_QUEUE_SIZE;
    device.spics_io_num = spi->cs_pin;
    // Copied by the driver (spi_bus_add_device) while it is created.
    eth_w5500_config_t w5500 = ETH_W5500_DEFAULT_CONFIG((spi_host_device_t)spi->host, &device);
    w5500.int_gpio_num = spi->int_pin;
#if HAS_W5500_POLLING
    w5500.poll_period_ms = spi->int_pin < 0 ? W5500_POLL_PERIOD_MS : 0;
#endif
    hw->mac = esp_eth_mac_new_w5500(&w5500, mac_config);
    if (hw->mac == NULL) {
        LOG("creating the W5500 driver failed");
        return false;
    }
    hw->phy = esp_eth_phy_new_w5500(phy_config);
    if (hw->phy == NULL) {
        LOG("creating the W5500 PHY driver failed");
        return false;
    }
    return true;
#else
    (void)state;
    (void)mac_config;
    (void)phy_config;
    LOG("no W5500 support in this build (CONFIG_ETH_SPI_ETHERNET_W5500)");
    return false;
#endif
}

// Undoes whatever start_interface() built, in reverse order. Safe on a
// partial build. Main loop.
static void tear_down(srv_t *state) {
    hardware_t *hw = &state->hw;

    // From here on, no event of this driver or interface is recorded.
    lock(state);
    state->current_eth = NULL;
    state->current_netif = NULL;
    state->speed_due = false;
    state->dns_due = false;
    unlock(state);

    if (hw->eth_started) {
        // esp_eth_stop() posts ETHERNET_EVENT_STOP (last, so a failure means
        // it was not posted). Counted before the call: it may be handled at once.
        lock(state);
        ++state->stops_pending;
        unlock(state);
        esp_err_t err = esp_eth_stop(hw->eth);
        if (err != ESP_OK) {
            // Also after a failed esp_eth_start(): the call still marks the
            // driver stopped, so it can be uninstalled.
            lock(state);
            --state->stops_pending;
            unlock(state);
        }
        hw->eth_started = false;
    }
    if (hw->glue != NULL) {
        esp_eth_del_netif_glue(hw->glue);
        hw->glue = NULL;
    }
    if (hw->eth != NULL) {
        esp_err_t err = esp_eth_driver_uninstall(hw->eth);
        if (err != ESP_OK) {
            // The driver still holds the MAC and PHY; deleting them would
            // pull them from under it. They are leaked.
            LOG("esp_eth_driver_uninstall failed: %s", esp_err_to_name(err));
            hw->mac = NULL;
            hw->phy = NULL;
        }
        hw->eth = NULL;
    }
    // After a failed esp_eth_driver_install() the MAC and PHY objects are
    // still ours to delete.
    if (hw->phy != NULL) {
        hw->phy->del(hw->phy);
        hw->phy = NULL;
    }
    if (hw->mac != NULL) {
        hw->mac->del(hw->mac); // a W5500's also removes its SPI device
        hw->mac = NULL;
    }
#if HAS_W5500
    if (hw->spi_host >= 0) {
        esp_err_t err = spi_bus_free((spi_host_device_t)hw->spi_host);
        if (err != ESP_OK)
            LOG("spi_bus_free failed: %s", esp_err_to_name(err));
    }
#endif
    hw->spi_host = -1;
    if (hw->netif != NULL) {
        esp_netif_destroy(hw->netif);
        hw->netif = NULL;
    }
    if (hw->power_pin >= 0) {
        // PHY (or its oscillator) off. Left driven low: releasing the pin
        // could let a pull-up power it again.
        gpio_set_level((gpio_num_t)hw->power_pin, 0);
        hw->power_pin = -1;
    }
}

// Builds and starts the MAC, PHY and interface from the stored settings.
// Returns NULL when running, or the step that failed (with its error in
// *err); the caller then tears down whatever was built.
static const char *bring_up(srv_t *state, esp_err_t *err) {
    hardware_t *hw = &state->hw;
    *err = ESP_OK;

    if (!state->phy_given)
        return "set_phy (none received before set_active(true))";
    power_phy(state);

    eth_mac_config_t mac_config = ETH_MAC_DEFAULT_CONFIG();
    eth_phy_config_t phy_config = ETH_PHY_DEFAULT_CONFIG();
    phy_config.phy_addr = state->phy.phy_address; // a W5500 ignores it
    phy_config.reset_gpio_num = -1; // the power pin is driven above, never pulsed as a reset
    phy_config.autonego_timeout_ms = AUTONEGOTIATION_WAIT_MS;

    bool w5500 = state->phy.phy_type == PHY_TYPE(W5500);
    bool created = w5500 ? create_w5500(state, &mac_config, &phy_config)
                         : create_rmii(state, &mac_config, &phy_config);
    if (!created)
        return "creating the MAC and PHY drivers";

    // MAC init, PHY reset and its ID check: the PHY answers here or not.
    esp_eth_config_t config = ETH_DEFAULT_CONFIG(hw->mac, hw->phy);
    config.check_link_period_ms = LINK_CHECK_PERIOD_MS;
    *err = esp_eth_driver_install(&config, &hw->eth);
    if (*err != ESP_OK) {
        hw->eth = NULL;
        return "esp_eth_driver_install (no PHY answered)";
    }
    if (w5500) {
        // A W5500 has no factory MAC address: give it the ESP32's Ethernet
        // one (the EMAC reads that itself).
        *err = esp_eth_ioctl(hw->eth, ETH_CMD_S_MAC_ADDR, state->mac);
        if (*err != ESP_OK)
            return "setting the W5500's MAC address";
    }

    esp_netif_inherent_config_t netif_base = ESP_NETIF_INHERENT_DEFAULT_ETH();
    netif_base.route_prio = ETHERNET_ROUTE_PRIO;
    esp_netif_config_t netif_config = {
        .base = &netif_base,
        .driver = NULL,
        .stack = ESP_NETIF_NETSTACK_DEFAULT_ETH,
    };
    hw->netif = esp_netif_new(&netif_config);
    if (hw->netif == NULL)
        return "esp_netif_new";
    hw->glue = esp_eth_new_netif_glue(hw->eth);
    if (hw->glue == NULL)
        return "esp_eth_new_netif_glue";
    *err = esp_netif_attach(hw->netif, hw->glue);
    if (*err != ESP_OK)
        return "esp_netif_attach";

    // The settings the bytecode gave, for this start's link-ups.
    apply_hostname(state);
    lock(state);
    uint8_t address_mode = state->address_mode;
    ipv4_config_t static_address = state->static_address;
    unlock(state);
    if (address_mode == ADDRESS_MODE(STATIC))
        cam_netif_apply_address(hw->netif, address_mode == ADDRESS_MODE(STATIC), &static_address);

    // Events of this driver count from here; a CONNECTED may come quickly.
    lock(state);
    state->current_eth = hw->eth;
    state->current_netif = hw->netif;
    state->link_seen = false;
    state->speed_due = false;
    state->dns_due = false;
    record_link(state, LINK_STATE(STARTED), LINK_REASON(NONE));
    unlock(state);

    hw->eth_started = true;
    *err = esp_eth_start(hw->eth);
    if (*err != ESP_OK)
        return "esp_eth_start (the PHY stopped answering)";
    return NULL;
}

// True when running; false (everything freed again) when it could not start.
static bool start_interface(srv_t *state) {
    esp_err_t err = ESP_OK;
    const char *failed_step = bring_up(state, &err);
    if (failed_step == NULL)
        return true;
    if (err != ESP_OK)
        LOG("start failed at %s: %s", failed_step, esp_err_to_name(err));
    else
        LOG("start failed at %s", failed_step);
    tear_down(state);
    return false;
}

// ------------------------------------------------------------- main loop

// CONNECTED was recorded: fill in the negotiated speed and duplex.
static void read_link_speed(srv_t *state) {
    if (state->hw.eth == NULL)
        return;
    eth_speed_t speed = ETH_SPEED_10M;
    eth_duplex_t duplex = ETH_DUPLEX_HALF;
    if (esp_eth_ioctl(state->hw.eth, ETH_CMD_G_SPEED, &speed) != ESP_OK ||
        esp_eth_ioctl(state->hw.eth, ETH_CMD_G_DUPLEX_MODE, &duplex) != ESP_OK) {
        LOG("reading the link speed failed");
        return;
    }
    uint16_t mbps = 0;
    switch (speed) {
    case ETH_SPEED_10M:
        mbps = 10;
        break;
    case ETH_SPEED_100M:
        mbps = 100;
        break;
    default: // nothing else on these PHYs; the contract knows 10 and 100
        break;
    }
    lock(state);
    if (link_is_up(state->link.state)) {
        state->link.speed_mbps = mbps;
        state->link.full_duplex = duplex == ETH_DUPLEX_FULL;
        state->link_changed = true;
    }
    unlock(state);
}

// A DHCP address was recorded: fill in the DNS server the lease gave. (lwIP
// keeps one DNS table for all interfaces: this reads what was set last.)
static void read_dns(srv_t *state) {
    if (state->hw.netif == NULL)
        return;
    esp_netif_dns_info_t dns;
    memset(&dns, 0, sizeof(dns));
    if (esp_netif_get_dns_info(state->hw.netif, ESP_NETIF_DNS_MAIN, &dns) != ESP_OK)
        return;
    uint32_t server = dns.ip.type == ESP_IPADDR_TYPE_V4 ? cam_ipv4_to_contract(&dns.ip.u_addr.ip4) : 0;
    lock(state);
    if (state->link.state == LINK_STATE(GOT_ADDRESS) &&
        state->address_mode == ADDRESS_MODE(DHCP)) {
        state->link.address.dns = server;
        state->link_changed = true;
    }
    unlock(state);
}

// "Known to be down": no link within NO_LINK_REPORT_US of a start.
static void report_missing_link(srv_t *state) {
    if (!state->running || state->no_link_deadline_us == 0)
        return;
    if (esp_timer_get_time() < state->no_link_deadline_us)
        return;
    state->no_link_deadline_us = 0; // once per start
    lock(state);
    link_snapshot_t *link = &state->link;
    if (!state->link_seen && link->state == LINK_STATE(STARTED) &&
        link->reason == LINK_REASON(NONE)) {
        link->reason = LINK_REASON(CABLE_UNPLUGGED);
        state->link_changed = true;
    }
    unlock(state);
}

static void cam_ethernet_process(srv_t *state) {
    lock(state);
    bool speed_due = state->speed_due;
    bool dns_due = state->dns_due;
    state->speed_due = false;
    state->dns_due = false;
    unlock(state);

    if (speed_due) {
        read_link_speed(state);
        send_link_up_step(state);
    }
    if (dns_due)
        read_dns(state);
    report_missing_link(state);
    send_link_if_due(state);
}

// ---------------------------------------------------------------- commands

static void handle_set_phy(srv_t *state, jd_packet_t *pkt) {
    cam_eth_phy_settings_t phy;
    if (!cam_eth_parse_set_phy(pkt->data, pkt->service_size, &phy)) {
        LOG("set_phy: %u bytes, expected %u", (unsigned)pkt->service_size,
            (unsigned)CAM_ETH_SET_PHY_SIZE);
        return;
    }
    // Applies at the next start; checked then.
    state->phy = phy;
    state->phy_given = true;
}

static void handle_set_spi(srv_t *state, jd_packet_t *pkt) {
    cam_eth_spi_settings_t spi;
    if (!cam_eth_parse_set_spi(pkt->data, pkt->service_size, &spi)) {
        LOG("set_spi: %u bytes, expected %u", (unsigned)pkt->service_size,
            (unsigned)CAM_ETH_SET_SPI_SIZE);
        return;
    }
    state->spi = spi; // applies at the next start
}

static void handle_set_active(srv_t *state, jd_packet_t *pkt) {
    if (pkt->service_size < 1)
        return;
    bool on = pkt->data[0] != 0;

    if (on && !state->running) {
        if (start_interface(state)) {
            state->running = true;
            state->no_link_deadline_us = esp_timer_get_time() + NO_LINK_REPORT_US;
        } else {
            lock(state);
            record_link(state, LINK_STATE(STOPPED), LINK_REASON(PHY_NOT_FOUND));
            unlock(state);
        }
    } else if (!on) {
        if (state->running) {
            tear_down(state);
            state->running = false;
            state->no_link_deadline_us = 0;
        }
        lock(state);
        record_link(state, LINK_STATE(STOPPED), LINK_REASON(STOPPED_BY_REQUEST));
        unlock(state);
    }
    state->link_answer_due = true; // "Answered with a link event"
}

static void handle_set_address(srv_t *state, jd_packet_t *pkt) {
    cam_set_address_t command; // the same 17 bytes as the Wi-Fi station's
    if (!cam_parse_set_address(pkt->data, pkt->service_size, &command))
        return;
    uint8_t mode = command.mode;
    if (mode != ADDRESS_MODE(DHCP) && mode != ADDRESS_MODE(STATIC))
        return;
    ipv4_config_t address = command.address;

    lock(state);
    bool was_dhcp = state->address_mode == ADDRESS_MODE(DHCP);
    state->address_mode = mode;
    state->static_address = address;
    unlock(state);

    if (mode == ADDRESS_MODE(DHCP) && was_dhcp)
        return; // already in effect; a repeat does not restart the exchange

    // Stopped: kept for the next start (start_interface applies it).
    if (state->hw.netif == NULL)
        return;
    cam_netif_apply_address(state->hw.netif, mode == ADDRESS_MODE(STATIC), &address);

    // "Applies at once when the link is up."
    lock(state);
    link_snapshot_t *link = &state->link;
    if (link_is_up(link->state)) {
        if (mode == ADDRESS_MODE(STATIC)) {
            link->address = address;
            link->state = LINK_STATE(GOT_ADDRESS);
        } else {
            clear_address(link);
            link->state = LINK_STATE(LINK_UP);
        }
        link->reason = LINK_REASON(NONE);
        state->dns_due = false;
        state->link_changed = true;
    }
    unlock(state);
}

static void handle_set_hostname(srv_t *state, jd_packet_t *pkt) {
    size_t length = pkt->service_size;
    if (length == 0 || length > HOSTNAME_MAX_LENGTH) {
        LOG("set_hostname: length %u not in 1..%u", (unsigned)length, (unsigned)HOSTNAME_MAX_LENGTH);
        return;
    }
    memcpy(state->hostname, pkt->data, length);
    state->hostname[length] = 0;
    // Sent as DHCP option 12 from the next exchange on; kept for later starts.
    apply_hostname(state);
}

static void cam_ethernet_handle_packet(srv_t *state, jd_packet_t *pkt) {
    switch (pkt->service_command) {
    case JD_CAM_ETHERNET_CMD_SET_PHY:
        handle_set_phy(state, pkt);
        return;
    case JD_CAM_ETHERNET_CMD_SET_SPI:
        handle_set_spi(state, pkt);
        return;
    case JD_CAM_ETHERNET_CMD_SET_ACTIVE:
        handle_set_active(state, pkt);
        return;
    case JD_CAM_ETHERNET_CMD_SET_ADDRESS:
        handle_set_address(state, pkt);
        return;
    case JD_CAM_ETHERNET_CMD_SET_HOSTNAME:
        handle_set_hostname(state, pkt);
        return;
    }
    service_handle_register_final(state, pkt, cam_ethernet_regs);
}

// ------------------------------------------------------------------- init

SRV_DEF(cam_ethernet, JD_SERVICE_CLASS_CAM_ETHERNET);

void cam_ethernet_init(void) {
    SRV_ALLOC(cam_ethernet); // zero-filled by jd_allocate_service()

    state->contract_version = CONTRACT_VERSION;
    state->lock = xSemaphoreCreateMutex();
    ESP_ERROR_CHECK(state->lock != NULL ? ESP_OK : ESP_ERR_NO_MEM);

    // Off until set_active(true); nothing has failed yet.
    state->link.state = LINK_STATE(STOPPED);
    state->link.reason = LINK_REASON(NONE);
    state->address_mode = ADDRESS_MODE(DHCP);
    state->hw.spi_host = -1;
    state->hw.power_pin = -1;
    // No wiring until the bytecode sends the board's (set_phy / set_spi).
    memset(&state->spi, 0xff, sizeof(state->spi)); // every pin -1

    // The EMAC uses this address itself; a W5500 is given it at start.
    ESP_ERROR_CHECK(esp_read_mac(state->mac, ESP_MAC_ETH));

    // The default event loop is created by app_main() before services
    // start; esp_netif_init() may already have run (Wi-Fi station) and
    // returns ESP_OK again.
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_handler_instance_register(ETH_EVENT, ESP_EVENT_ANY_ID, on_eth_event,
                                                        state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_ETH_GOT_IP,
                                                        on_ip_event, state, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_ETH_LOST_IP,
                                                        on_ip_event, state, NULL));
    ethernet = state;
}

bool cam_ethernet_has_address(void) {
    if (ethernet == NULL)
        return false;
    lock(ethernet);
    bool usable = ethernet->link.state == LINK_STATE(GOT_ADDRESS);
    unlock(ethernet);
    return usable;
}
