// The table of every documented limit: a script's arguments (the numbers in
// src/limits.ts, checked by src/network/credentials.ts, address.ts and
// ranges.ts), a world file's fields (the bounds in world.schema.json, which
// the world loader validates against) and the host's own (file sizes,
// durations). docs/limits.md is written from this table (npm run
// docs:limits), and test/limits.test.ts probes every entry at its edges:
// the last value allowed and the first refused on each side, with the
// multi-byte and wrong-type variants its kind implies. A limit in
// src/limits.ts or in the schema without an entry here fails that test.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as L from "../src/limits"
import { parseIp, parseMac } from "../src/network/address"
import { checkHostname, checkKey, checkSsid } from "../src/network/credentials"
import * as R from "../src/network/ranges"
import * as C from "../src/camera/checks"
import schema from "../sim/world/world.schema.json"
import { MAX_DURATION_MS, parseDuration } from "../project/duration"
import { parseWorld } from "../sim/world/world"
import { MAX_WORLD_FILE_BYTES, readRegularFile } from "../sim/world/world-text"
import { MAX_SOURCE_BYTES, readSourceFile } from "../compiler/compile"
import { loadFlashFile, MAX_FLASH_BYTES } from "../sim/flash-file"
import { projectSettings } from "../project/settings"
import { fromRoot } from "../project/paths"

/**
 * How a limit counts, which decides its edge probes:
 * - whole: an integer min..max (a fraction and a numeric string are refused too)
 * - number: a real min..max (probed a hair past each end)
 * - utf8: a string of min..max bytes of UTF-8 (probed with 2-, 3- and 4-byte characters)
 * - chars: a string of min..max characters
 * - items: a list of min..max entries
 * - size: at most max bytes (a file, a certificate)
 */
export type LimitKind = "whole" | "number" | "utf8" | "chars" | "items" | "size"

export interface Limit {
    /** unique, stable: names the probes in test output */
    id: string
    /** who sets it: a script's call, a world file, or the host (CLI, files) */
    side: "script" | "world" | "host"
    /** where it applies, as the docs name it */
    where: string
    kind: LimitKind
    /** inclusive; absent when unbounded on that side */
    min?: number
    max?: number
    unit: string
    /** why the limit is what it is */
    why: string
    /** text every refusal's message holds (besides the bound crossed), e.g. "1..32 bytes" */
    says: string
    /** Builds a value of `n` units (characters, items, bytes) from `unit`; default repeats "a". */
    make?: (n: number, unit?: string) => unknown
    /** throws (an Error whose message says what is allowed) when `value` is refused */
    check(value: unknown): void
    /** script side: the same check as called in the VM, `fn(value, ...args)` from src/`module` */
    vm?: { module: string; fn: string; args: unknown[] }
    /** probes besides the generated ones */
    allowed?: unknown[]
    refused?: unknown[]
    /** false when refusals name the allowed values in words, not the bound's number */
    boundInMessage?: false
    /** world side: the schema node this entry covers (a JSON pointer) */
    schema?: string
}

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
const cameraChecks = C as unknown as Record<string, (...a: any[]) => unknown>
/** The default board's PSRAM (ai_thinker_esp32_cam): 4 MiB. */
const PSRAM_4MIB = 4194304

const SCRIPT: Limit[] = [
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
        id: "camera-quality",
        side: "script",
        where: "cam.init({ quality }), cam.config({ quality })",
        kind: "whole",
        min: L.JPEG_QUALITY_MIN,
        max: L.JPEG_QUALITY_MAX,
        unit: "esp32-camera JPEG quality (lower is better)",
        why: "camera_config_t.jpeg_quality and sensor_t.set_quality take 0..63",
        says: "quality must be an integer 0..63",
        ...scriptCheck("camera/checks", cameraChecks, "checkQuality", ["init(): quality"]),
    },
    {
        id: "camera-fb-count",
        side: "script",
        where: "cam.init({ fb_count }) on a board with PSRAM",
        kind: "whole",
        min: L.FB_COUNT_MIN,
        max: L.FB_COUNT_MAX,
        unit: "frame buffers",
        why: "a fresh capture gives back every buffer filled before it, so more buffers only help streaming",
        says: "fb_count must be an integer 1..4",
        ...scriptCheck("camera/checks", cameraChecks, "checkFbCount", ["init(): fb_count", PSRAM_4MIB]),
    },
    {
        id: "camera-fb-count-no-psram",
        side: "script",
        where: "cam.init({ fb_count }) on a board without PSRAM",
        kind: "whole",
        min: L.FB_COUNT_MIN,
        max: L.FB_COUNT_MIN,
        unit: "frame buffers",
        why: "without PSRAM esp32-camera has room in internal RAM for one buffer",
        says: "fb_count must be 1",
        ...scriptCheck("camera/checks", cameraChecks, "checkFbCount", ["init(): fb_count", 0]),
    },
    {
        id: "camera-level",
        side: "script",
        where: "cam.init({ brightness, contrast, saturation })",
        kind: "whole",
        min: L.SENSOR_LEVEL_MIN,
        max: L.SENSOR_LEVEL_MAX,
        unit: "steps",
        why: "sensor_t's set_brightness, set_contrast and set_saturation take -2..2",
        says: "brightness must be an integer -2..2",
        ...scriptCheck("camera/checks", cameraChecks, "checkLevel", ["init(): brightness"]),
    },
    {
        id: "camera-exposure",
        side: "script",
        where: "cam.init({ auto_exposure: false, exposure })",
        kind: "whole",
        min: L.EXPOSURE_MIN,
        max: L.EXPOSURE_MAX,
        unit: "lines (set_aec_value)",
        why: "the OV2640's manual exposure takes 0..1200",
        says: "exposure must be an integer 0..1200",
        ...scriptCheck("camera/checks", cameraChecks, "checkExposure", ["init(): exposure"]),
    },
    {
        id: "camera-gain",
        side: "script",
        where: "cam.init({ auto_gain: false, gain })",
        kind: "whole",
        min: L.GAIN_MIN,
        max: L.GAIN_MAX,
        unit: "gain steps (set_agc_gain)",
        why: "the OV2640's manual gain takes 0..30 (1x..31x)",
        says: "gain must be an integer 0..30",
        ...scriptCheck("camera/checks", cameraChecks, "checkGain", ["init(): gain"]),
    },
    {
        id: "camera-wb-mode",
        side: "script",
        where: "cam.init({ wb_mode })",
        kind: "whole",
        min: L.WB_MODE_MIN,
        max: L.WB_MODE_MAX,
        unit: "white balance mode",
        why: "set_wb_mode: 0 auto, 1 sunny, 2 cloudy, 3 office, 4 home",
        says: "wb_mode must be an integer 0..4",
        ...scriptCheck("camera/checks", cameraChecks, "checkWbMode", ["init(): wb_mode"]),
    },
    {
        id: "camera-flash-level",
        side: "script",
        where: "cam.flash(level)",
        kind: "whole",
        min: L.FLASH_LEVEL_MIN,
        max: L.FLASH_LEVEL_MAX,
        unit: "LEDC duty (8 bits)",
        why: "the flash LED dims through an 8-bit PWM duty",
        says: "flash() must be true, false or an integer 0..255",
        ...scriptCheck("camera/checks", cameraChecks, "checkFlashLevel", ["flash()"]),
        allowed: [true, false],
    },
    {
        id: "camera-frame-memory-dram",
        side: "script",
        where: "cam.init({ framesize, fb_count }) on a board without PSRAM",
        kind: "whole",
        min: 0,
        max: L.DRAM_FRAME_BUFFER_MAX_BYTES,
        unit: "bytes of frame buffers (count x width*height/5)",
        why: "internal RAM also holds the VM's 64 KB heap and the Wi-Fi buffers: one HVGA JPEG buffer fits",
        says: "0..32768 bytes of frame buffers on a board with no PSRAM",
        ...scriptCheck("camera/checks", cameraChecks, "checkFrameMemory", ["init(): frame buffers", 0]),
    },
    {
        id: "camera-frame-memory-psram",
        side: "script",
        where: "cam.init({ framesize, fb_count }) on a board with 4 MiB of PSRAM",
        kind: "whole",
        min: 0,
        max: PSRAM_4MIB - L.PSRAM_RESERVED_BYTES,
        unit: "bytes of frame buffers (count x width*height/5)",
        why: "1 MiB of the PSRAM is left to Wi-Fi, lwIP and the network's send queues",
        says: "0..3145728 bytes of frame buffers on a board with 4 MiB of PSRAM",
        ...scriptCheck("camera/checks", cameraChecks, "checkFrameMemory", ["init(): frame buffers", PSRAM_4MIB]),
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

// World side: every bound of world.schema.json, probed through parseWorld
// with one field of a complete world set.

const PROBE_SOURCE = fromRoot("sim/worlds/limits-probe.json")

function baseWorld(): any {
    return {
        camera: { position: [0, 0], antennaGainDbi: 0 },
        radio: { pathLossExponent: 3, referenceLossDb: 40, sensitivityDbm: -90 },
        accessPoints: [
            {
                name: "home",
                ssid: "home",
                security: "wpa2-psk",
                password: "password-1",
                channel: 6,
                position: [5, 0],
                txPowerDbm: 20,
                maxClients: 4,
                joinsPerSecond: 10,
                dhcp: { subnet: "192.168.1.0/24", dns: ["192.168.1.1"], leaseSeconds: 3600 },
            },
            {
                name: "school",
                ssid: "school",
                security: "wpa2-enterprise",
                position: [9, 0],
                loginServer: {
                    caCertFile: "pki/ca.pem",
                    domain: "radius.school.test",
                    methods: ["PEAP"],
                    users: [{ username: "ann", password: "secret-1", identity: "ann@school.test" }],
                    radius: undefined,
                },
            },
        ],
        clients: [
            {
                name: "phone",
                position: [1, 1],
                joins: "camscript-setup",
                password: "setup-1234",
                txPowerDbm: 15,
                at: "1s",
            },
        ],
        events: [
            { at: "10s", accessPoint: "home", action: "set-password", password: "password-2" },
            { at: "20s", accessPoint: "home", action: "set-channel", channel: 11 },
        ],
    }
}

function fleetWorld(): any {
    const w = baseWorld()
    delete w.camera
    w.cameras = [{ name: "cam-1", position: [0, 0], antennaGainDbi: 0, hostname: "cam-1" }]
    return w
}

/** A world with `value` at `path` (keys and indices into baseWorld() or fleetWorld()). */
function worldWith(path: (string | number)[], value: unknown, fleet = false): any {
    const w = fleet ? fleetWorld() : baseWorld()
    let node = w
    for (const k of path.slice(0, -1)) node = node[k]
    node[path[path.length - 1]] = value
    return JSON.parse(JSON.stringify(w))
}

function worldCheck(path: (string | number)[], fleet = false): (v: unknown) => void {
    return (v) => void parseWorld(worldWith(path, v, fleet), PROBE_SOURCE)
}

/** The bounds of a schema node, read from world.schema.json: the world's numbers live there. */
function bounds(pointer: string): { min?: number; max?: number } {
    let node: any = schema
    for (const k of pointer.split("/").slice(1)) node = node[k]
    return {
        min: node.minimum ?? node.minLength ?? node.minItems,
        max: node.maximum ?? node.maxLength ?? node.maxItems,
    }
}

interface WorldField {
    id: string
    schema: string
    where: string
    kind: LimitKind
    path: (string | number)[]
    fleet?: boolean
    unit: string
    why: string
    says?: string
    make?: (n: number) => unknown
    allowed?: unknown[]
    refused?: unknown[]
    boundInMessage?: false
    /** a bound the code checks beyond the schema (e.g. SSID bytes against characters) */
    max?: number
}

const AP = "/definitions/accessPoint/properties"
const position = (n: number) => Array.from({ length: n }, () => 1)
const ap = (i: number) => ({
    name: `ap-${i}`,
    ssid: "net",
    security: "open",
    position: [i, 0],
    bssid: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")}`,
})
const client = (i: number) => ({ name: `c${i}`, position: [0, 1], joins: "net", at: "1s" })
const camera = (i: number) => ({ name: `cam-${i}`, position: [i, 0] })

const WORLD_FIELDS: WorldField[] = [
    {
        id: "world-camera-gain",
        schema: "/properties/camera/properties/antennaGainDbi",
        where: "camera.antennaGainDbi",
        kind: "number",
        path: ["camera", "antennaGainDbi"],
        unit: "dBi",
        why: "the range of real antennas, from a weak PCB trace to a directional one",
    },
    {
        id: "world-cameras",
        schema: "/properties/cameras",
        where: "cameras",
        kind: "items",
        path: ["cameras"],
        fleet: true,
        unit: "cameras",
        why: "each camera is a VM of about 1 MB; more is not a site, it is a typo",
        make: (n) => Array.from({ length: n }, (_, i) => camera(i)),
    },
    {
        id: "world-sensor-images",
        schema: "/definitions/sensor/properties/images",
        where: "camera.sensor.images",
        kind: "items",
        path: ["camera", "sensor"],
        unit: "images",
        why: "a day and a night, or a few scenes; each is decoded and held in memory",
        make: (n) => ({
            images: Array.from({ length: n }, (_, i) => ({ at: i * 1000, file: "scenes/garden-day.jpg" })),
        }),
    },
    {
        id: "world-path-loss-exponent",
        schema: "/properties/radio/properties/pathLossExponent",
        where: "radio.pathLossExponent",
        kind: "number",
        path: ["radio", "pathLossExponent"],
        unit: "n of the log-distance model",
        why: "free space is 2; dense buildings reach 6",
    },
    {
        id: "world-reference-loss",
        schema: "/properties/radio/properties/referenceLossDb",
        where: "radio.referenceLossDb",
        kind: "number",
        path: ["radio", "referenceLossDb"],
        unit: "dB at 1 m",
        why: "2.4 GHz loses about 40 dB in the first metre",
    },
    {
        id: "world-sensitivity",
        schema: "/properties/radio/properties/sensitivityDbm",
        where: "radio.sensitivityDbm",
        kind: "number",
        path: ["radio", "sensitivityDbm"],
        unit: "dBm",
        why: "the weakest signal a receiver decodes",
    },
    {
        id: "world-access-points",
        schema: "/properties/accessPoints",
        where: "accessPoints",
        kind: "items",
        path: ["accessPoints"],
        unit: "access points",
        why: "a campus, not a typo",
        // the first is the world's own "home", which its events name
        make: (n) => [baseWorld().accessPoints[0], ...Array.from({ length: n - 1 }, (_, i) => ap(i + 1))],
    },
    {
        id: "world-clients",
        schema: "/properties/clients",
        where: "clients",
        kind: "items",
        path: ["clients"],
        unit: "phones and laptops",
        why: "a crowd around the camera's access point",
        make: (n) => Array.from({ length: n }, (_, i) => client(i)),
    },
    {
        id: "world-position",
        schema: "/definitions/position",
        where: "every position and move-camera's to",
        kind: "items",
        path: ["camera", "position"],
        unit: "numbers, [x, y] in metres",
        why: "the world is a floor plan",
        says: "must be [x, y] in metres",
        boundInMessage: false,
        make: position,
    },
    {
        id: "world-duration",
        schema: "/definitions/duration/oneOf/0",
        where: "every duration (at, bootTime, latency, ...)",
        kind: "number",
        path: ["events", 0, "at"],
        unit: "milliseconds (or a string like 20s)",
        why: "a time before the start does not exist; past 10 years is a typo",
        max: MAX_DURATION_MS,
        says: "duration",
    },
    {
        id: "world-dhcp-dns",
        schema: "/definitions/dhcp/properties/dns",
        where: "accessPoints[].dhcp.dns",
        kind: "items",
        path: ["accessPoints", 0, "dhcp", "dns"],
        unit: "DNS servers",
        why: "a DHCP offer names at least one",
        make: (n) => Array.from({ length: n }, () => "192.168.1.1"),
    },
    {
        id: "world-lease",
        schema: "/definitions/dhcp/properties/leaseSeconds",
        where: "accessPoints[].dhcp.leaseSeconds, ethernet.dhcp.leaseSeconds",
        kind: "whole",
        path: ["accessPoints", 0, "dhcp", "leaseSeconds"],
        unit: "seconds",
        why: "shorter leases than a minute are a denial of service, not a network",
    },
    {
        id: "world-ap-name",
        schema: `${AP}/name`,
        where: "accessPoints[].name",
        kind: "chars",
        path: ["accessPoints", 1, "name"],
        unit: "characters",
        why: "events name access points by it",
    },
    {
        id: "world-ap-ssid",
        schema: `${AP}/ssid`,
        where: "accessPoints[].ssid",
        kind: "utf8",
        path: ["accessPoints", 0, "ssid"],
        max: L.SSID_MAX_BYTES,
        unit: "bytes of UTF-8 (and characters)",
        why: "802.11 carries a name of at most 32 bytes",
    },
    {
        id: "world-ap-channel",
        schema: `${AP}/channel`,
        where: "accessPoints[].channel",
        kind: "whole",
        path: ["accessPoints", 0, "channel"],
        unit: "Wi-Fi channel",
        why: "the 2.4 GHz channels the ESP32 scans by default",
    },
    {
        id: "world-ap-password",
        schema: `${AP}/password`,
        where: "accessPoints[].password",
        kind: "chars",
        path: ["accessPoints", 0, "password"],
        unit: "characters",
        why: "a WPA2/WPA3 passphrase",
    },
    {
        id: "world-ap-txpower",
        schema: `${AP}/txPowerDbm`,
        where: "accessPoints[].txPowerDbm",
        kind: "number",
        path: ["accessPoints", 0, "txPowerDbm"],
        unit: "dBm",
        why: "from off to the strongest outdoor access points",
    },
    {
        id: "world-ap-max-clients",
        schema: `${AP}/maxClients`,
        where: "accessPoints[].maxClients",
        kind: "whole",
        path: ["accessPoints", 0, "maxClients"],
        unit: "stations",
        why: "an access point admits at least one",
    },
    {
        id: "world-ap-joins-per-second",
        schema: `${AP}/joinsPerSecond`,
        where: "accessPoints[].joinsPerSecond",
        kind: "whole",
        path: ["accessPoints", 0, "joinsPerSecond"],
        unit: "associations a second",
        why: "real access points admit a handful a second",
    },
    {
        id: "world-event-password",
        schema: "/definitions/event/properties/password",
        where: "events[].password (set-password)",
        kind: "chars",
        path: ["events", 0, "password"],
        unit: "characters",
        why: "a WPA2/WPA3 passphrase",
    },
    {
        id: "world-event-channel",
        schema: "/definitions/event/properties/channel",
        where: "events[].channel (set-channel)",
        kind: "whole",
        path: ["events", 1, "channel"],
        unit: "Wi-Fi channel",
        why: "as accessPoints[].channel",
    },
    {
        id: "world-client-name",
        schema: "/definitions/client/properties/name",
        where: "clients[].name",
        kind: "chars",
        path: ["clients", 0, "name"],
        unit: "characters",
        why: "events and the timeline name clients by it",
    },
    {
        id: "world-client-joins",
        schema: "/definitions/client/properties/joins",
        where: "clients[].joins",
        kind: "utf8",
        path: ["clients", 0, "joins"],
        max: L.SSID_MAX_BYTES,
        unit: "bytes of UTF-8 (an SSID)",
        why: "the name of the network it joins: an SSID",
    },
    {
        id: "world-client-password",
        schema: "/definitions/client/properties/password",
        where: "clients[].password",
        kind: "chars",
        path: ["clients", 0, "password"],
        unit: "characters",
        why: "what a phone types: wrong ones too, so shorter than a valid key is allowed",
    },
    {
        id: "world-client-txpower",
        schema: "/definitions/client/properties/txPowerDbm",
        where: "clients[].txPowerDbm",
        kind: "number",
        path: ["clients", 0, "txPowerDbm"],
        unit: "dBm",
        why: "as accessPoints[].txPowerDbm",
    },
    {
        id: "world-fleet-camera-name",
        schema: "/definitions/fleetCamera/properties/name",
        where: "cameras[].name",
        kind: "chars",
        path: ["cameras", 0, "name"],
        fleet: true,
        unit: "characters",
        why: "the name that prefixes the camera's lines",
    },
    {
        id: "world-fleet-camera-gain",
        schema: "/definitions/fleetCamera/properties/antennaGainDbi",
        where: "cameras[].antennaGainDbi",
        kind: "number",
        path: ["cameras", 0, "antennaGainDbi"],
        fleet: true,
        unit: "dBi",
        why: "as camera.antennaGainDbi",
    },
    {
        id: "world-fleet-camera-script",
        schema: "/definitions/fleetCamera/properties/script",
        where: "cameras[].script",
        kind: "chars",
        path: ["cameras", 0, "script"],
        fleet: true,
        unit: "characters (a path)",
        why: "the shortest is a.ts",
        make: (n) => "a".repeat(Math.max(0, n - 3)) + ".ts".slice(0, n),
    },
    {
        id: "world-fleet-camera-hostname",
        schema: "/definitions/fleetCamera/properties/hostname",
        where: "cameras[].hostname",
        kind: "chars",
        path: ["cameras", 0, "hostname"],
        fleet: true,
        unit: "characters",
        why: "the DHCP hostname, as wlan.config({ hostname })",
    },
    {
        id: "world-login-domain",
        schema: "/definitions/loginServer/properties/domain",
        where: "accessPoints[].loginServer.domain",
        kind: "chars",
        path: ["accessPoints", 1, "loginServer", "domain"],
        unit: "characters",
        why: "the server certificate's domain",
    },
    {
        id: "world-login-methods",
        schema: "/definitions/loginServer/properties/methods",
        where: "accessPoints[].loginServer.methods",
        kind: "items",
        path: ["accessPoints", 1, "loginServer", "methods"],
        unit: "EAP methods",
        why: "a server that accepts no method accepts nobody",
        make: (n) => ["PEAP", "TTLS", "TLS", "PEAP"].slice(0, n),
    },
    {
        id: "world-radius-port",
        schema: "/definitions/loginServer/properties/radius/properties/port",
        where: "accessPoints[].loginServer.radius.port",
        kind: "whole",
        path: ["accessPoints", 1, "loginServer", "radius"],
        unit: "UDP port",
        why: "a UDP port number",
        make: (n) => ({ host: "127.0.0.1", port: n, secret: "testing123" }),
    },
    {
        id: "world-radius-secret",
        schema: "/definitions/loginServer/properties/radius/properties/secret",
        where: "accessPoints[].loginServer.radius.secret",
        kind: "chars",
        path: ["accessPoints", 1, "loginServer", "radius"],
        unit: "characters",
        why: "RADIUS needs a shared secret",
        make: (n) => ({ host: "127.0.0.1", port: 1812, secret: "s".repeat(n) }),
    },
    {
        id: "world-login-username",
        schema: "/definitions/loginUser/properties/username",
        where: "accessPoints[].loginServer.users[].username",
        kind: "chars",
        path: ["accessPoints", 1, "loginServer", "users", 0, "username"],
        unit: "characters",
        why: "an account has a name",
    },
    {
        id: "world-login-password",
        schema: "/definitions/loginUser/properties/password",
        where: "accessPoints[].loginServer.users[].password",
        kind: "chars",
        path: ["accessPoints", 1, "loginServer", "users", 0, "password"],
        unit: "characters",
        why: "an account has a password",
    },
    {
        id: "world-login-identity",
        schema: "/definitions/loginUser/properties/identity",
        where: "accessPoints[].loginServer.users[].identity",
        kind: "chars",
        path: ["accessPoints", 1, "loginServer", "users", 0, "identity"],
        unit: "characters",
        why: "an identity is never empty",
    },
]

const WORLD: Limit[] = WORLD_FIELDS.map((f) => {
    const b = bounds(f.schema)
    return {
        id: f.id,
        side: "world",
        schema: f.schema,
        where: f.where,
        kind: f.kind,
        min: b.min,
        max: f.max ?? b.max,
        unit: f.unit,
        why: f.why,
        says: f.says ?? f.where.split(/[.\s]/).filter((p) => /^[a-zA-Z]+$/.test(p))[0] ?? "",
        make: f.make,
        boundInMessage: f.boundInMessage,
        check: worldCheck(f.path, f.fleet),
        allowed: f.allowed,
        refused: f.refused,
    }
})

const HOST: Limit[] = [
    {
        id: "duration",
        side: "host",
        where: "--timeout, --run-for, and every duration in a world",
        kind: "number",
        min: 0,
        max: MAX_DURATION_MS,
        unit: "milliseconds of simulated time (10 years at most)",
        why: "longer is a typo, not a soak: refused rather than shortened",
        says: "duration",
        check: (v) => void parseDuration(v as number | string),
        allowed: ["3650d", "0ms"],
        refused: ["3651d", "-1ms", "1y"],
    },
    {
        id: "world-file",
        side: "host",
        where: "--world FILE",
        kind: "size",
        max: MAX_WORLD_FILE_BYTES,
        unit: "bytes",
        why: "a world is a floor plan, not a data dump: a bigger file is the wrong file",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => readRegularFile(f, "the world file")),
    },
    {
        id: "settings-hostname",
        side: "host",
        where: "devicescript.json network.hostname",
        kind: "chars",
        min: L.HOSTNAME_MIN_CHARS,
        max: L.HOSTNAME_MAX_CHARS,
        unit: "letters, digits or '-', not starting or ending with '-'",
        why: "the hostname every interface starts with: the same check as wlan.config({ hostname })",
        says: "1..32 letters, digits or '-'",
        check: (v) =>
            void withFolder((dir) => {
                writeFileSync(join(dir, "devicescript.json"), JSON.stringify({ network: { hostname: v } }))
                projectSettings(dir)
            }),
        allowed: ["cam-1", "A9"],
        refused: ["-cam", "cam-", "cam_1", "cam.1"],
    },
    {
        id: "flash-file",
        side: "host",
        where: "camscript sim --flash FILE",
        kind: "size",
        max: MAX_FLASH_BYTES,
        unit: "bytes",
        why: "a board's flash is 4 MB at most",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => loadFlashFile(f)),
    },
    {
        id: "script-file",
        side: "host",
        where: "camscript sim / build SCRIPT",
        kind: "size",
        max: MAX_SOURCE_BYTES,
        unit: "bytes",
        why: "a camera script, not a generated bundle",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => readSourceFile(f)),
    },
]

/** Runs `use` in a temporary folder, removed after. */
function withFolder(use: (dir: string) => void) {
    const dir = mkdtempSync(join(tmpdir(), "camscript-limit-"))
    try {
        use(dir)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
}

/** Runs `read` on a temporary file holding `text`. */
function withFile(text: string, read: (file: string) => unknown) {
    withFolder((dir) => {
        const file = join(dir, "probe.ts")
        writeFileSync(file, text)
        read(file)
    })
}

/** Every limit, in the order docs/limits.md lists them. */
export const LIMITS: Limit[] = [...SCRIPT, ...WORLD, ...HOST]
