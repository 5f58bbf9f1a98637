// Joining a school or workplace network (WPA2-Enterprise, PEAP) inside the
// spec's 10-second timeout wrapper.
//   npx camscript sim examples/enterprise.ts --world sim/worlds/campus.json
import { network, time } from "camscript"

// the login server's CA certificate (public): without it a rogue access
// point could pose as "campus" and collect the password
const CAMPUS_CA = `-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIUH35Rx5c8iTC+OMsmXtKpgX/EpnkwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPQ2FtcHVzIExvZ2luIENBMB4XDTI2MTEyMzIxMDQxMloXDTM2
MTEyMDIxMDQxMlowGjEYMBYGA1UEAwwPQ2FtcHVzIExvZ2luIENBMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEmS5qS1u/SDTBA01XV18VE3GWRNtkznaZXoN9Boy5
Lg05OQQAx3eNjpLk1mLcBEO0cIIDo1uU+QgUZe/4rniVTqNTMFEwHQYDVR0OBBYE
FCbLwnd+E9h4c7liMs2gBgdnOgTGMB8GA1UdIwQYMBaAFCbLwnd+E9h4c7liMs2g
BgdnOgTGMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgRdDxJ4Tx
EwkVfDibnlLvU9JJmCRwA52Z5g17oFA6OHMCIQDyLRGFgFk5P5N12usmjcL1qJtW
PkDoGROTmbKKcB5UCg==
-----END CERTIFICATE-----`

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("campus", {
    eap: "PEAP",
    anonymousIdentity: "anonymous@campus.test",
    username: "camera-01",
    password: "correct horse battery",
    caCert: CAMPUS_CA,
    serverDomain: "campus.test",
})

const start = time.ticks_ms()
while (!wlan.isconnected()) {
    if (time.ticks_diff(time.ticks_ms(), start) > 10000) {
        throw new Error(`Wi-Fi did not come up in 10 s (status ${wlan.status()}: ${wlan.reason()})`)
    }
    await time.sleep_ms(100)
}

console.log(`link up as ${wlan.ifconfig()[0]}`)
