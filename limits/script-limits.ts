// The script side of the table: each argument a script passes that has a
// bound (the numbers in src/limits.ts), checked by the same pure functions
// of src/network/credentials.ts, address.ts and ranges.ts that run in the
// VM (test/limits-bytecode.test.ts runs them there too).

import * as L from "../src/limits"
import { parseIp, parseMac } from "../src/network/address"
import { checkHostname, checkKey, checkSsid } from "../src/network/credentials"
import * as R from "../src/network/ranges"
import { checkSettingKey, checkSettingText } from "../src/settings-checks"
import type { Limit } from "./limit"

/** A script-side check `fn(value, what, ...args)` from a src module, run here and in the VM. */
function scriptCheck(
    module: string,
    fns: Record<string, (...a: any[]) => unknown>,
    fn: string,
    args: unknown[],
): Pick<Limit, "check" | "vm"> {
    return { check: (v) => void fns[fn](v, ...args), vm: { module, fn, args } }
}

const credentials = { checkSsid, checkKey, checkHostname } as Record<string, (...a: any[]) => unknown>
const address = { parseIp, parseMac } as Record<string, (...a: any[]) => unknown>
const ranges = R as unknown as Record<string, (...a: any[]) => unknown>
const settingChecks = { checkSettingKey, checkSettingText } as Record<string, (...a: any[]) => unknown>
/** The key the value entry is probed with: 9 characters, so 231 - 9 = 222 bytes. */
const PROBE_KEY = "wifi_pass"

export const SCRIPT: Limit[] = [
    {
        id: "ssid",
        side: "script",
        where: "wlan.connect(ssid), wlan.scan({ ssid }), ap.config({ ssid })",
        kind: "utf8",
        min: L.SSID_MIN_BYTES,
        max: L.SSID_MAX_BYTES,
        unit: "bytes of UTF-8",
        why: "802.11 carries a name of at most 32 bytes; an empty one is a hidden network's",
        says: "1..32 bytes",
        ...scriptCheck("network/credentials", credentials, "checkSsid", ["connect()"]),
        refused: ["a\u0000b", "\ud800"],
    },
    {
        id: "key",
        side: "script",
        where: "wlan.connect(ssid, key), ap.config({ key })",
        kind: "chars",
        min: L.KEY_MIN_CHARS,
        max: L.KEY_MAX_CHARS,
        unit: "printable ASCII characters (or exactly 64 hex digits)",
        why: "a WPA2/WPA3 passphrase (IEEE 802.11i); 64 hex digits are the key itself",
        says: "8..63 characters",
        // not a hex digit: 64 of them would be a raw key, allowed
        make: (n) => "k".repeat(n),
        ...scriptCheck("network/credentials", credentials, "checkKey", ["connect()"]),
        // the raw key in hex digits of both cases; the first and last printable characters; "" for open
        allowed: [
            "0123456789abcdefABCDEF".repeat(3).slice(0, L.KEY_HEX_DIGITS),
            String.fromCharCode(L.KEY_FIRST_CHAR_CODE).repeat(L.KEY_MIN_CHARS),
            String.fromCharCode(L.KEY_LAST_CHAR_CODE).repeat(L.KEY_MIN_CHARS),
            "",
        ],
        // 64 characters but not hex; 65 hex digits; a character below space and one above tilde
        refused: [
            "0123456789abcdefABCDEF".repeat(3).slice(0, L.KEY_HEX_DIGITS - 1) + "g",
            "a".repeat(L.KEY_HEX_DIGITS + 1),
            String.fromCharCode(L.KEY_FIRST_CHAR_CODE - 1).repeat(L.KEY_MIN_CHARS),
            String.fromCharCode(L.KEY_LAST_CHAR_CODE + 1).repeat(L.KEY_MIN_CHARS),
            "é".repeat(L.KEY_MIN_CHARS),
        ],
    },
    {
        id: "hostname",
        side: "script",
        where: "wlan.config({ hostname }), lan.config({ hostname })",
        kind: "chars",
        min: L.HOSTNAME_MIN_CHARS,
        max: L.HOSTNAME_MAX_CHARS,
        unit: "letters, digits or '-', not starting or ending with '-'",
        why: "ESP-IDF's netif keeps a hostname of at most 32 characters",
        says: "1..32 letters, digits or '-'",
        ...scriptCheck("network/credentials", credentials, "checkHostname", ["config()"]),
        allowed: ["a-b", "Z9"],
        refused: ["-ab", "ab-", "a_b", "a.b", "é"],
    },
    {
        id: "ipv4",
        side: "script",
        where: "wlan.ifconfig([ip, netmask, gateway, dns]), lan.ifconfig(...)",
        kind: "whole",
        min: 0,
        max: L.IPV4_PART_MAX,
        unit: "each of the four numbers",
        why: "an IPv4 address is four bytes",
        says: "four numbers 0..255 joined by dots",
        make: (n) => `${n}.0.0.0`,
        ...scriptCheck("network/address", address, "parseIp", ["ifconfig() ip"]),
        allowed: ["255.255.255.255", "0.0.0.0", "1.2.3.255"],
        refused: ["1.2.3.256", "1.2.3", "1.2.3.4.5", "1..3.4", "01234.1.1.1", 1234, "1.2.3.-1", "1.2.3.4 "],
    },
    {
        id: "bssid",
        side: "script",
        where: "wlan.connect(ssid, key, { bssid }), connect(ssid, { bssid, ... })",
        kind: "items",
        min: L.MAC_BYTES,
        max: L.MAC_BYTES,
        unit: "bytes, as two hex digits each joined by ':' or '-'",
        why: "a MAC address (the access point's BSSID) is six bytes",
        says: "a MAC address (six hex bytes like aa:bb:cc:dd:ee:ff)",
        boundInMessage: false,
        make: (n) => Array.from({ length: n }, (_, i) => (0xa0 + i).toString(16)).join(":"),
        ...scriptCheck("network/address", address, "parseMac", ["connect() bssid"]),
        allowed: ["AA-BB-CC-DD-EE-FF", "00:00:00:00:00:00", "ff:FF:ff:FF:ff:FF"],
        refused: [
            "gg:bb:cc:dd:ee:ff",
            "aa:bb:cc:dd:ee:f",
            "aa:bb:cc:dd:ee:fff",
            "aa.bb.cc.dd.ee.ff",
            "aabbccddeeff",
            6,
        ],
    },
    {
        id: "ap-channel",
        side: "script",
        where: "ap.config({ channel })",
        kind: "whole",
        min: L.CHANNEL_MIN,
        max: L.CHANNEL_MAX,
        unit: "Wi-Fi channel",
        why: "the 2.4 GHz channels of the ESP32's default country (CN)",
        says: "channel must be 1..13",
        ...scriptCheck("network/ranges", ranges, "checkChannel", ["config(): channel"]),
    },
    {
        id: "ap-max-clients",
        side: "script",
        where: "ap.config({ max_clients })",
        kind: "whole",
        min: L.AP_CLIENTS_MIN,
        max: L.AP_CLIENTS_MAX,
        unit: "stations",
        why: "ESP-IDF's soft-AP serves at most 10 stations",
        says: "max_clients must be 1..10",
        ...scriptCheck("network/ranges", ranges, "checkApClients", ["config(): max_clients"]),
    },
    {
        id: "txpower",
        side: "script",
        where: "wlan.config({ txpower })",
        kind: "number",
        min: L.TXPOWER_MIN_DBM,
        max: L.TXPOWER_MAX_DBM,
        unit: "dBm (rounded by the driver)",
        why: "esp_wifi_set_max_tx_power takes 2..21 dBm; 20 dBm is the regulatory cap",
        says: "txpower must be 2..20 dBm",
        ...scriptCheck("network/ranges", ranges, "checkTxpower", ["config(): txpower"]),
    },
    {
        id: "reconnects",
        side: "script",
        where: "wlan.config({ reconnects })",
        kind: "whole",
        min: L.RECONNECTS_MIN,
        unit: "retries (-1 = forever)",
        why: "MicroPython's meaning: -1 retries forever, 0 never",
        says: "reconnects must be an integer >= -1",
        ...scriptCheck("network/ranges", ranges, "checkReconnects", ["config(): reconnects"]),
        allowed: [1_000_000],
    },
    {
        id: "scan-max",
        side: "script",
        where: "wlan.scan({ max })",
        kind: "whole",
        min: L.SCAN_MIN_RESULTS,
        max: L.SCAN_MAX_RESULTS,
        unit: "networks kept",
        why: "a kept network costs about 380 bytes of the VM's 64 KB heap",
        says: "max must be an integer 1..20",
        ...scriptCheck("network/ranges", ranges, "checkScanMax", ["scan(): max"]),
    },
    {
        id: "phy-addr",
        side: "script",
        where: "network.LAN({ phy_addr })",
        kind: "whole",
        min: L.PHY_ADDR_MIN,
        max: L.PHY_ADDR_MAX,
        unit: "MDIO address",
        why: "the management bus addresses PHYs with 5 bits",
        says: "phy_addr must be 0..31",
        ...scriptCheck("network/ranges", ranges, "checkPhyAddr", ["network.LAN: phy_addr"]),
    },
    {
        id: "pin",
        side: "script",
        where: "network.LAN({ mdc, mdio, power, sclk, mosi, miso, cs, int })",
        kind: "whole",
        min: L.GPIO_NONE,
        max: L.GPIO_MAX,
        unit: "GPIO number (-1 = not wired)",
        why: "the ESP32 family's GPIOs (the S3 has 0..48)",
        says: "a GPIO number 0..48, or -1 for none",
        ...scriptCheck("network/ranges", ranges, "checkPin", ["network.LAN: mdc"]),
    },
    {
        id: "spi-host",
        side: "script",
        where: "network.LAN({ spi_host })",
        kind: "whole",
        min: L.SPI_HOST_MIN,
        max: L.SPI_HOST_MAX,
        unit: "SPI host",
        why: "SPI2 or SPI3; SPI1 holds the flash",
        says: "spi_host must be 1 (SPI2) or 2 (SPI3)",
        ...scriptCheck("network/ranges", ranges, "checkSpiHost", ["network.LAN: spi_host"]),
    },
    {
        id: "ref-clk-mode",
        side: "script",
        where: "network.LAN({ ref_clk_mode })",
        kind: "whole",
        min: L.REF_CLK_MODE_MIN,
        max: L.REF_CLK_MODE_MAX,
        unit: "LAN.CLOCK_* mode",
        why: "the four RMII clock wirings ESP-IDF supports",
        says: "one of LAN.CLOCK_GPIO0_IN, CLOCK_GPIO0_OUT, CLOCK_GPIO16_OUT, CLOCK_GPIO17_OUT",
        boundInMessage: false,
        ...scriptCheck("network/ranges", ranges, "checkRefClkMode", ["network.LAN: ref_clk_mode"]),
    },
    {
        id: "eap-text",
        side: "script",
        where: "connect(ssid, { identity, anonymousIdentity, username, password })",
        kind: "utf8",
        min: L.EAP_TEXT_MIN_BYTES,
        max: L.EAP_TEXT_MAX_BYTES,
        unit: "bytes of UTF-8",
        why: "ESP-IDF's EAP client takes 1..127 bytes",
        says: "a string of 1..127 bytes",
        ...scriptCheck("network/ranges", ranges, "checkEapText", ["connect(): username"]),
    },
    {
        id: "server-domain",
        side: "script",
        where: "connect(ssid, { serverDomain })",
        kind: "chars",
        max: L.DOMAIN_MAX_CHARS,
        unit: "characters, in labels of 1..63 letters, digits or '-'",
        why: "a DNS name (RFC 1035): labels of at most 63, at most 253 in all",
        says: "a domain name like radius.example.org",
        make: (n) => domainOf(n),
        ...scriptCheck("network/ranges", ranges, "checkDomain", ["connect(): serverDomain"]),
        allowed: ["a".repeat(L.DOMAIN_LABEL_MAX_CHARS) + ".org", "radius-1.example.org", "R.EXAMPLE.ORG"],
        refused: [
            "a".repeat(L.DOMAIN_LABEL_MAX_CHARS + 1) + ".org",
            "a..b",
            ".a",
            "a.",
            "-a.org",
            "a-.org",
            "a_b.org",
            "",
        ],
    },
    {
        id: "ca-cert",
        side: "script",
        where: "connect(ssid, { caCert })",
        kind: "size",
        max: L.CA_CERT_MAX_BYTES,
        unit: "bytes of PEM text",
        why: "what the chip holds in RAM for a CA chain",
        says: "the camera holds at most 8192 bytes",
        ...scriptCheck("network/ranges", ranges, "checkPemSize", ["connect(): caCert", L.CA_CERT_MAX_BYTES]),
    },
    {
        id: "client-cert",
        side: "script",
        where: "connect(ssid, { clientCert })",
        kind: "size",
        max: L.CLIENT_CERT_MAX_BYTES,
        unit: "bytes of PEM text",
        why: "what the chip holds in RAM for its own certificate",
        says: "the camera holds at most 4096 bytes",
        ...scriptCheck("network/ranges", ranges, "checkPemSize", ["connect(): clientCert", L.CLIENT_CERT_MAX_BYTES]),
    },
    {
        id: "client-key",
        side: "script",
        where: "connect(ssid, { clientKey })",
        kind: "size",
        max: L.CLIENT_KEY_MAX_BYTES,
        unit: "bytes of PEM text",
        why: "what the chip holds in RAM for its private key",
        says: "the camera holds at most 4096 bytes",
        ...scriptCheck("network/ranges", ranges, "checkPemSize", ["connect(): clientKey", L.CLIENT_KEY_MAX_BYTES]),
    },
    {
        id: "setting-key",
        side: "script",
        where: "settings.get/set/delete(key), --secret KEY=, secrets file",
        kind: "chars",
        min: L.SETTING_KEY_MIN_CHARS,
        max: L.SETTING_KEY_MAX_CHARS,
        unit: "characters: letters, digits, '_', '-', '.'",
        why: "DeviceScript's settings client allows 13; jacdac-c keeps a key behind ':' in a 15-character C string (jd_fstor.c)",
        says: "1..13 characters",
        ...scriptCheck("settings-checks", settingChecks, "checkSettingKey", ["settings.set()"]),
        allowed: ["a.b-c_D9", "wifi_pass"],
        refused: ["a b", "é", "a\u0000b", "camscript.x"],
    },
    {
        id: "setting-value",
        side: "script",
        where: `settings.set(key, value), key of ${PROBE_KEY.length} characters`,
        kind: "size",
        max: L.SETTING_PACKET_BYTES - PROBE_KEY.length,
        unit: "bytes of JSON text (231 minus the key's length)",
        why: "key, NUL and value travel in one Jacdac packet, at most 232 bytes (236 of frame less a 4-byte header), to the store and back",
        says: "231 minus the key",
        ...scriptCheck("settings-checks", settingChecks, "checkSettingText", [PROBE_KEY, "settings.set()"]),
    },
]

/** A domain name of exactly `n` characters, in labels of at most 63. */
function domainOf(n: number): string {
    const labels: string[] = []
    let left = n
    while (left > 0) {
        const take = Math.min(L.DOMAIN_LABEL_MAX_CHARS, left)
        labels.push("a".repeat(take))
        left -= take + 1
    }
    const s = labels.join(".")
    // a dot would fall at the very end: make the last label one longer instead
    return s.length < n ? s + "a".repeat(n - s.length) : s.slice(0, n)
}
