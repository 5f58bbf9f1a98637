// What the simulated ESP-IDF pieces share: error codes, the event task's
// queue, and the network interfaces (esp_netif) with their addresses.

/**
 * esp_err_t values (ESP-IDF's numbers; the Wi-Fi ones from
 * components/esp_wifi/include/esp_wifi.h, the same from v5.0 to v5.5.5).
 */
export const ESP = {
    OK: 0,
    FAIL: -1,
    ERR_INVALID_ARG: 0x102,
    ERR_INVALID_STATE: 0x103,
    ERR_NOT_FOUND: 0x105,
    ERR_NOT_SUPPORTED: 0x106,
    ERR_TIMEOUT: 0x107,
    ERR_WIFI_NOT_STARTED: 0x3002,
    ERR_WIFI_MODE: 0x3005,
    ERR_WIFI_STATE: 0x3006,
    ERR_WIFI_SSID: 0x300a,
    ERR_WIFI_NOT_CONNECT: 0x300f,
    ERR_NETIF_INVALID_PARAMS: 0x5001,
    ERR_NETIF_DHCP_ALREADY_STARTED: 0x5004,
    ERR_NETIF_DHCP_ALREADY_STOPPED: 0x5005,
} as const

/** ESP-IDF's event task: what is posted runs later, in order, on the C side. */
export interface EventTask<T> {
    post(deliver: (exports: T) => void): void
}

export const NETIF_STA = 1
export const NETIF_AP = 2
export const NETIF_ETH = 3

export interface Netif {
    id: number
    kind: number
    dhcpClient: boolean
    dhcpServer: boolean
    /** contract u32 addresses; 0 when none */
    ip: number
    netmask: number
    gateway: number
    dns: number
    hostname: string
}

/** esp_netif: interfaces by number. */
export class Netifs {
    private readonly all = new Map<number, Netif>()
    private next = 1

    create(kind: number): Netif {
        const netif: Netif = {
            id: this.next++,
            kind,
            // ESP-IDF's defaults: a DHCP client on the station and Ethernet, a server on the AP
            dhcpClient: kind !== NETIF_AP,
            dhcpServer: kind === NETIF_AP,
            ip: 0,
            netmask: 0,
            gateway: 0,
            dns: 0,
            hostname: "",
        }
        this.all.set(netif.id, netif)
        return netif
    }

    get(id: number): Netif | undefined {
        return this.all.get(id)
    }

    byKind(kind: number): Netif | undefined {
        for (const n of this.all.values()) if (n.kind === kind) return n
        return undefined
    }

    destroy(id: number) {
        this.all.delete(id)
    }

    /** Deep sleep: esp_netif's objects were in RAM. */
    clear() {
        this.all.clear()
        this.next = 1
    }
}
