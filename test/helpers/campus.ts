import { readFileSync } from "node:fs"
import { fromRoot } from "../../project/paths"

// The enterprise (802.1X) fixtures several tests share: the campus world
// (a WPA2-Enterprise access point whose login server knows camera-01 by
// password and by certificate), the test PKI of sim/worlds/pki, and a
// script that connects with given options and reports how it went.

export const pki = (f: string) => fromRoot("sim/worlds/pki", f)
export const PKI = {
    CA: readFileSync(pki("ca.pem"), "utf8"),
    ROGUE_CA: readFileSync(pki("rogue-ca.pem"), "utf8"),
    CLIENT_CERT: readFileSync(pki("client.pem"), "utf8"),
    CLIENT_KEY: readFileSync(pki("client.key"), "utf8"),
}
/** camera-01's password on the campus login server */
export const EAP_PASSWORD = "correct horse battery"

/** The campus world; `login` overrides fields of its login server (methods, down, ...). */
export function campus(security = "wpa2-enterprise", login: object = {}) {
    return {
        accessPoints: [
            {
                ssid: "campus",
                security,
                position: [12, 5],
                dhcp: { subnet: "10.50.0.0/16" },
                loginServer: {
                    caCertFile: pki("ca.pem"),
                    domain: "radius.campus.test",
                    methods: ["PEAP", "TTLS", "TLS"],
                    users: [
                        { username: "camera-01", password: EAP_PASSWORD },
                        { identity: "camera-01", clientCertFile: pki("client.pem") },
                    ],
                    ...login,
                },
            },
        ],
    }
}

/** A network called "campus" that takes a password (WPA2-Personal), not an enterprise login. */
export const PASSWORD_CAMPUS = {
    accessPoints: [{ ssid: "campus", security: "wpa2-psk", password: "home-password", position: [5, 0] }],
}

/**
 * A script that connects to "campus" with `options` (script text that may
 * name CA, ROGUE_CA, CLIENT_CERT and CLIENT_KEY) and prints "up <ip>" or
 * "status <code>: <reason>" after at most 15 s.
 */
export function enterpriseAttempt(options: string): string {
    return `
import { network } from "camscript"
const CA = \`${PKI.CA}\`
const ROGUE_CA = \`${PKI.ROGUE_CA}\`
const CLIENT_CERT = \`${PKI.CLIENT_CERT}\`
const CLIENT_KEY = \`${PKI.CLIENT_KEY}\`
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("campus", ${options})
try {
    await wlan.wait_connected(15000)
    console.log(\`up \${wlan.ifconfig()[0]}\`)
} catch (e) {
    console.log(\`status \${wlan.status()}: \${wlan.reason()}\`)
}
`
}

/** PEAP options for camera-01 (script text), checking the server's domain. */
export const peap = (password = EAP_PASSWORD, extra = "") =>
    `{ eap: "PEAP", username: "camera-01", password: "${password}", caCert: CA, serverDomain: "campus.test"${extra} }`
