import test from "ava"
import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { needs } from "./helpers/needs"
import { freeradiusAvailable, freeUdpPort, type RunningRadius, startFreeRadius } from "./helpers/freeradius"
import { events, everything, runScript } from "./helpers/run"

// Enterprise logins through the bytecode, checked by a real FreeRADIUS on
// loopback: the simulated access point is its RADIUS client (NAS). The
// client itself is tested in radius.test.ts. `npm run setup` installs
// freeradius; without it these tests are skipped, saying so.

const available = freeradiusAvailable()
// without the server the tests below are skipped (or fail under CI): test/helpers/needs.ts
const maybe = needs("freeradius", test.serial)

const PASSWORD = "correct horse battery"
let radius: RunningRadius

test.before(async () => {
    if (available) radius = await startFreeRadius([{ username: "camera-01", password: PASSWORD }])
})

test.after.always(async () => {
    await radius?.stop()
})

const CA = readFileSync(fromRoot("sim/worlds/pki/ca.pem"), "utf8")
const script = (password: string) => `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("campus", { eap: "PEAP", username: "camera-01", password: "${password}", caCert: \`${CA}\` })
try {
    await wlan.wait_connected(15000)
    console.log(\`up \${wlan.ifconfig()[0]}\`)
} catch (e) {
    console.log(\`status \${wlan.status()}: \${wlan.reason()}\`)
}
`
const world = (port: number, secret: string) => ({
    accessPoints: [
        {
            ssid: "campus",
            security: "wpa2-enterprise",
            position: [12, 5],
            dhcp: { subnet: "10.50.0.0/16" },
            loginServer: {
                caCertFile: fromRoot("sim/worlds/pki/ca.pem"),
                domain: "radius.campus.test",
                radius: { host: "127.0.0.1", port, secret },
            },
        },
    ],
})

maybe("through the bytecode: FreeRADIUS accepts the right password, the link comes up", async (t) => {
    const run = await runScript(script(PASSWORD), { world: world(radius.port, radius.secret) })
    t.deepEqual(run.lines, ["up 10.50.0.100"])
    t.true(events(run).includes("eap PEAP with campus's login server: accepted"))
    t.false(everything(run).includes(PASSWORD))
    t.false(everything(run).includes(radius.secret))
})

maybe("through the bytecode: FreeRADIUS rejects a wrong password (WRONG_PASSWORD)", async (t) => {
    const run = await runScript(script("wrong horse"), { world: world(radius.port, radius.secret) })
    t.deepEqual(run.lines, ["status 202: the login server rejected the credentials"])
})

maybe("through the bytecode: RADIUS server down (nothing on the port): CONNECT_FAIL, unreachable", async (t) => {
    const port = await freeUdpPort() // nothing listens there
    const run = await runScript(script(PASSWORD), { world: world(port, radius.secret) })
    t.deepEqual(run.lines, ["status 203: the login server did not answer (the access point could not reach it)"])
})
