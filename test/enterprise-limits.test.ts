import test from "ava"
import { readFileSync } from "node:fs"
import { fromRoot } from "../project/paths"
import { campus, EAP_PASSWORD as PASSWORD } from "./helpers/campus"
import { runScript } from "./helpers/run"

// Certificates at the documented limits (caCert 8192 bytes, clientCert and
// clientKey 4096) go through the bytecode's checks and connect; one byte
// more is refused. The checks once counted against the VM's watchdog
// (131072 steps without a yield) and killed the script with panic 60001
// at about 2.3 KB; now they yield between slices, so any size up to the
// limit works, and so do several enterprise connects in a row.

const pem = (dir: string, f: string) => readFileSync(fromRoot(dir, f), "utf8")
const CAMPUS_CA = pem("sim/worlds/pki", "ca.pem")
const CLIENT_CERT = pem("sim/worlds/pki", "client.pem")
const big = (f: string) => pem("test/fixtures/pki", f)

/** Pad `text` with newlines to exactly `bytes` (a few at most: the fixtures are sized to fit). */
function exactly(text: string, bytes: number): string {
    const missing = bytes - Buffer.byteLength(text)
    if (missing < 0 || missing > 3) throw new Error(`fixture of ${Buffer.byteLength(text)} bytes, wanted ${bytes}`)
    return text + "\n".repeat(missing)
}

// The campus CA first, so that every prefix of the chain is trusted.
const CHAIN_PARTS = [CAMPUS_CA, big("root-r1.pem"), big("root-r2.pem"), big("intermediate-1.pem"), big("root-r3.pem")]
const CA_8K = exactly(CHAIN_PARTS.join(""), 8192)
// the camera's certificate first: the login server knows it by that
const CLIENT_CERT_4K = exactly(CLIENT_CERT + big("intermediate-1.pem") + big("intermediate-2.pem"), 4096)
const CLIENT_KEY_4K = exactly(big("client-5176.key"), 4096)
// a PEM whose base64 is one line of 8136 characters: more than one slice
const ONE_LINE = exactly(`-----BEGIN CERTIFICATE-----\n${"A".repeat(8136)}\n-----END CERTIFICATE-----`, 8192)

const prelude = `
import { network } from "camscript"
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
/** connect with \`o\`, then print how it went (never the options) */
async function attempt(name: string, o: any) {
    try {
        await wlan.connect("campus", o)
        await wlan.wait_connected(15000)
        console.log(\`\${name}: up \${wlan.ifconfig()[0]}\`)
        await wlan.disconnect()
    } catch (e) {
        console.log(\`\${name}: \${(e as Error).message}\`)
    }
}
`

test("the test certificates are realistic and exactly at the limits", (t) => {
    t.is(Buffer.byteLength(CA_8K), 8192)
    t.is(Buffer.byteLength(CLIENT_CERT_4K), 4096)
    t.is(Buffer.byteLength(CLIENT_KEY_4K), 4096)
    t.is(CA_8K.match(/-----BEGIN CERTIFICATE-----/g)?.length, 5)
    t.true(CLIENT_KEY_4K.startsWith("-----BEGIN PRIVATE KEY-----"))
})

test("PEAP: a CA chain of every size up to exactly 8192 bytes connects, 8193 is refused, repeated connects hold", async (t) => {
    // every prefix of the chain (595 .. 8192 bytes), then the full chain again four times
    const sizes: number[] = []
    const chains: string[] = []
    for (let n = 1; n <= CHAIN_PARTS.length; n++) {
        const chain = n === CHAIN_PARTS.length ? CA_8K : CHAIN_PARTS.slice(0, n).join("")
        chains.push(chain)
        sizes.push(Buffer.byteLength(chain))
    }
    const run = await runScript(
        `${prelude}
const CHAINS = ${JSON.stringify(chains)}
const ONE_LINE = ${JSON.stringify(ONE_LINE)}
const peap = (ca: string) => ({ eap: "PEAP", username: "camera-01", password: "${PASSWORD}", caCert: ca })
for (const ca of CHAINS) await attempt(\`ca \${Buffer.from(ca).length}\`, peap(ca))
for (let i = 1; i <= 4; i++) await attempt(\`again \${i}\`, peap(CHAINS[CHAINS.length - 1]))
await attempt("ca 8193", peap(CHAINS[CHAINS.length - 1] + "\\n"))
// one block whose base64 has no line breaks: 8136 characters on one line
await attempt("one long line", peap(ONE_LINE))
// a bad character far into the chain (past several slices) is still found
const bad = CHAINS[CHAINS.length - 1]
const at = bad.indexOf("\\n", 7000) + 5
await attempt("bad base64", peap(bad.slice(0, at) + "*" + bad.slice(at + 1)))
`,
        { world: campus("wpa2-enterprise", { methods: ["PEAP", "TLS"] }), timeout: "10m" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(sizes, [595, 2669, 4734, 6036, 8192])
    // well formed, so it is checked (in slices) and sent; it is not the login server's CA
    const long = run.lines.find((l) => l.startsWith("one long line:"))
    t.regex(
        long ?? "(missing)",
        /^one long line: Wi-Fi did not come up in 15000 ms: status \d+, the login server's certificate is not signed by the caCert given/,
    )
    t.deepEqual(
        run.lines.filter((l) => l !== long),
        [
            ...sizes.map((s) => `ca ${s}: up 10.50.0.100`),
            ...[1, 2, 3, 4].map((i) => `again ${i}: up 10.50.0.100`),
            "ca 8193: connect(): caCert is 8193 bytes; the camera holds at most 8192 bytes for it",
            `bad base64: connect(): caCert: line ${CA_8K.slice(0, CA_8K.indexOf("\n", 7000) + 5).split("\n").length} is not base64`,
        ],
    )
})

test("TLS: a 4096-byte client certificate and key with an 8192-byte CA chain connect, one byte more is refused", async (t) => {
    const run = await runScript(
        `${prelude}
const CA = ${JSON.stringify(CA_8K)}
const CERT = ${JSON.stringify(CLIENT_CERT_4K)}
const KEY = ${JSON.stringify(CLIENT_KEY_4K)}
const tls = (cert: string, key: string) => ({ eap: "TLS", identity: "camera-01", clientCert: cert, clientKey: key, caCert: CA })
for (let i = 1; i <= 3; i++) await attempt(\`tls \${i}\`, tls(CERT, KEY))
await attempt("cert 4097", tls(CERT + "\\n", KEY))
await attempt("key 4097", tls(CERT, KEY + "\\n"))
`,
        { world: campus("wpa2-enterprise", { methods: ["PEAP", "TLS"] }), timeout: "10m" },
    )
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(run.lines, [
        "tls 1: up 10.50.0.100",
        "tls 2: up 10.50.0.100",
        "tls 3: up 10.50.0.100",
        "cert 4097: connect(): clientCert is 4097 bytes; the camera holds at most 4096 bytes for it",
        "key 4097: connect(): clientKey is 4097 bytes; the camera holds at most 4096 bytes for it",
    ])
})
