// The world side of the table: every bound of world.schema.json, one entry
// per field, each probed through parseWorld (limits/world-probe.ts). The
// numbers are read from the schema, so the table cannot disagree with it.

import * as L from "../src/limits"
import type { Limit, LimitKind } from "./limit"
import { baseWorld, bounds, worldCheck } from "./world-probe"
import { MAX_DURATION_MS } from "../project/duration"

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
const server = (i: number) => ({ name: `s${i}`, url: `http://s${i}.test/in` })
/** An http URL of n characters: "http://frames.test/" and a path of "a"s. */
const urlOf = (n: number) => "http://frames.test/".slice(0, n) + "a".repeat(Math.max(0, n - 19))

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
        id: "world-servers",
        schema: "/properties/servers",
        where: "servers",
        kind: "items",
        path: ["servers"],
        unit: "servers",
        why: "each is a real listener on loopback for the run; a camera uploads to a few",
        make: (n) => Array.from({ length: n }, (_, i) => server(i)),
    },
    {
        id: "world-server-url",
        schema: "/definitions/server/properties/url",
        where: "servers[].url",
        kind: "chars",
        path: ["servers", 0, "url"],
        unit: "characters",
        why: "what a script may give upload.post() (URL_MAX_BYTES)",
        says: "url",
        make: urlOf,
        // shorter than "http://a" is no URL at all: the schema's pattern refuses it
        allowed: ["http://a"],
        refused: ["http://", "ftp://frames.test/"],
    },
    {
        id: "world-server-max-bytes",
        schema: "/definitions/server/properties/maxBytes",
        where: "servers[].maxBytes",
        kind: "whole",
        path: ["servers", 0, "maxBytes"],
        unit: "bytes of body",
        why: "at least a byte; 16 MiB is far past any frame (QSXGA JPEGs are a few hundred KB)",
    },
    {
        id: "world-server-down",
        schema: "/definitions/server/properties/down",
        where: "servers[].down",
        kind: "items",
        path: ["servers", 0, "down"],
        unit: "outages",
        why: "enough outages for any scenario; more is a typo",
        make: (n) => Array.from({ length: n }, (_, i) => ({ from: `${i * 2}s`, until: `${i * 2 + 1}s` })),
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
        id: "world-event-times",
        schema: "/definitions/event/properties/times",
        where: "events[].times (with every)",
        kind: "whole",
        path: ["events", 2, "times"],
        unit: "occurrences of a repeating event",
        why: 'each occurrence is scheduled up front: an hourly event for a year is 8,760; "until" is held to the same count',
        says: "times",
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
        // what connect() refuses no world may offer: NUL, half a UTF-16 pair
        refused: ["a\u0000b", "\ud800", "a\udc00b"],
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
        refused: ["a\u0000b", "\udbff"],
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

/** A MAC-shaped string of n characters (17 is a whole one). */
const macOf = (n: number) => "24:0a:c4:00:00:01".slice(0, n) + "1".repeat(Math.max(0, n - 17))

/** A camera's own MAC: the schema gives its shape; the loader refuses addresses no one station can have. */
const CAMERA_MAC: Limit = {
    id: "world-camera-mac",
    side: "world",
    where: "camera.mac, cameras[].mac",
    kind: "chars",
    min: 17,
    max: 17,
    unit: "characters, aa:bb:cc:dd:ee:ff, a unicast address",
    why: "a station's own address: all zeros is nobody's, broadcast and multicast (group bit set) name many receivers",
    says: "mac",
    boundInMessage: false,
    make: macOf,
    check: worldCheck(["camera", "mac"]),
    allowed: ["02:00:00:00:00:01", "24:0A:C4:FF:FF:FC"],
    refused: ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01"],
}

const FIELDS: Limit[] = WORLD_FIELDS.map((f) => {
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

export const WORLD: Limit[] = [...FIELDS, CAMERA_MAC]
