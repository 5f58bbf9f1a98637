import test from "ava"
import fc from "fast-check"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { loadWorldFile, parseWorld, WorldError } from "../sim/world/world"
import { fuzzParameters } from "./helpers/fuzz"
import { tempDir } from "./helpers/cleanup"

// World files, generated and mutated: each is either accepted or refused
// with a WorldError naming what is wrong; never another exception, never a
// hang (a hang fails the test by its timeout).

const worldsDir = fromRoot("sim/worlds")
const shipped = readdirSync(worldsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ file: join(worldsDir, f), json: JSON.parse(readFileSync(join(worldsDir, f), "utf8")) as unknown }))

type Verdict = "accepted" | "refused"

/** Parse; any exception other than a WorldError with at least one problem fails the property. */
function verdict(json: unknown, source: string): Verdict {
    try {
        const w = parseWorld(json, source)
        if (!Array.isArray(w.accessPoints) || !Array.isArray(w.events)) throw new Error("accepted world without lists")
        return "accepted"
    } catch (e) {
        if (e instanceof WorldError && e.problems.length > 0 && e.problems.every((p) => p.length > 0)) return "refused"
        throw e
    }
}

// --- values a mutation puts in ---------------------------------------------

const edgeNumbers = fc.constantFrom(0, -0, -1, 1, 0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, 5e-324)
const edgeStrings = fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "a".repeat(33),
    "é".repeat(17),
    "1e3s",
    "20s",
    "-5s",
    "999999999999h",
    "192.168.1.0/24",
    "10.0.0.0/31",
    "256.1.1.1",
    "02:ca:00:00:00:01",
    "__proto__",
    "constructor",
    "../../../etc/passwd",
    "pki/ca.pem",
)
const leaf = fc.oneof(
    edgeNumbers,
    edgeStrings,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
)
const anyValue = fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) },
)

// --- mutating a shipped world -------------------------------------------------

interface Mutation {
    kind: "delete" | "replace" | "add-key" | "duplicate" | "empty"
    pick: number
    key: string
    value: unknown
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom("delete", "replace", "replace", "add-key", "duplicate", "empty"),
    pick: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("name", "ssid", "at", "to", "__proto__", "$schema")),
    value: anyValue,
})

type Container = Record<string, unknown> | unknown[]

/** Every (container, key) pair in `root`, in a fixed order. */
function slots(root: unknown): [Container, string | number][] {
    const out: [Container, string | number][] = []
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), walk(x)))
        else if (v && typeof v === "object")
            for (const k of Object.keys(v)) {
                out.push([v as Record<string, unknown>, k])
                walk((v as Record<string, unknown>)[k])
            }
    }
    walk(root)
    return out
}

function mutate(json: unknown, m: Mutation): unknown {
    const all = slots(json)
    if (!all.length) return m.value
    const [parent, key] = all[m.pick % all.length]
    const p = parent as Record<string | number, unknown>
    switch (m.kind) {
        case "delete":
            if (Array.isArray(parent)) parent.splice(key as number, 1)
            else delete p[key]
            break
        case "replace":
            p[key] = m.value
            break
        case "add-key":
            if (!Array.isArray(parent))
                Object.defineProperty(p, m.key, {
                    value: m.value,
                    enumerable: true,
                    writable: true,
                    configurable: true,
                })
            else parent.push(m.value)
            break
        case "duplicate":
            if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]))
            else p[key] = structuredClone(p[key])
            break
        case "empty":
            p[key] = Array.isArray(p[key]) ? [] : typeof p[key] === "object" && p[key] ? {} : ""
    }
    return json
}

const mutatedWorld = fc
    .record({
        base: fc.nat({ max: shipped.length - 1 }),
        mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    })
    .map(({ base, mutations }) => {
        const json = structuredClone(shipped[base].json)
        return { source: shipped[base].file, json: mutations.reduce(mutate, json) }
    })

// --- generating a world from its parts ------------------------------------------

/** Mostly a value the schema allows, sometimes one it does not: whole worlds still pass now and then. */
function mostly<T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
    return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid })
}

const duration = mostly(
    fc.oneof(fc.nat({ max: 600_000 }), fc.constantFrom("300ms", "20s", "1.5m", "1h", "0s")),
    fc.oneof(edgeNumbers, edgeStrings),
)
const position = mostly(
    fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 })),
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
)
const octet = fc.nat({ max: 255 })
const ipv4 = mostly(
    fc.oneof(
        fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
        fc.constantFrom("192.168.1.1", "10.0.0.1"),
    ),
    edgeStrings,
)
const dhcp = fc.record(
    {
        subnet: fc.oneof(
            { weight: 1, arbitrary: fc.tuple(ipv4, fc.nat({ max: 33 })).map(([ip, n]) => `${ip}/${n}`) },
            { weight: 3, arbitrary: fc.constantFrom("192.168.1.0/24", "10.0.0.0/30", "10.0.0.0/8") },
        ),
        gateway: ipv4,
        dns: fc.array(ipv4, { maxLength: 2 }),
        leaseSeconds: mostly(fc.integer({ min: 60, max: 100_000 }), edgeNumbers),
        delay: duration,
        enabled: fc.boolean(),
    },
    { requiredKeys: ["subnet"] },
)
const security = mostly(
    fc.constantFrom("open", "wpa2-psk", "wpa3-sae", "wpa2-enterprise", "wpa3-enterprise"),
    fc.constantFrom("wep", ""),
)
const ssids = ["my-network", "cafe", "office"]
const accessPoint = fc.record(
    {
        name: fc.oneof(fc.constantFrom(...ssids), fc.string({ maxLength: 8 })),
        ssid: mostly(fc.oneof(fc.constantFrom(...ssids), fc.string({ minLength: 1, maxLength: 32 })), edgeStrings),
        bssid: mostly(fc.constantFrom("02:00:00:00:00:0a", "02:00:00:00:00:0A"), edgeStrings),
        channel: mostly(fc.integer({ min: 1, max: 13 }), edgeNumbers),
        security,
        password: mostly(fc.constantFrom("my-password", "office-password"), fc.string({ maxLength: 70 })),
        position,
        txPowerDbm: mostly(fc.integer({ min: 0, max: 20 }), edgeNumbers),
        hidden: fc.boolean(),
        poweredOn: fc.boolean(),
        dhcp,
        loginServer: fc.record(
            {
                caCertFile: fc.constantFrom("pki/ca.pem", "pki/missing.pem", "default.json", ""),
                domain: fc.constantFrom("radius.campus.test", ""),
                methods: fc.array(fc.constantFrom("PEAP", "TTLS", "TLS", "MD5"), { maxLength: 3 }),
                users: fc.array(
                    fc.record(
                        {
                            username: fc.string({ maxLength: 10 }),
                            password: fc.string({ maxLength: 10 }),
                            clientCertFile: fc.constantFrom("pki/client.pem", "nope.pem"),
                        },
                        { requiredKeys: [] },
                    ),
                    { maxLength: 2 },
                ),
                latency: duration,
                down: fc.array(fc.record({ from: duration, until: duration }, { requiredKeys: ["from"] }), {
                    maxLength: 2,
                }),
            },
            { requiredKeys: ["caCertFile", "domain"] },
        ),
    },
    { requiredKeys: ["ssid", "security", "position"] },
)
const actions = [
    "power-off",
    "power-on",
    "set-password",
    "move-camera",
    "dhcp-off",
    "dhcp-on",
    "unplug-cable",
    "plug-cable",
    "ethernet-dhcp-off",
    "ethernet-dhcp-on",
    "explode",
]
const event = fc.record(
    {
        at: duration,
        action: fc.constantFrom(...actions),
        accessPoint: mostly(fc.constantFrom(...ssids), fc.string({ maxLength: 6 })),
        password: mostly(fc.constantFrom("new-password"), fc.string({ maxLength: 70 })),
        to: position,
    },
    { requiredKeys: ["at", "action"] },
)
const generatedWorld = fc
    .record(
        {
            description: fc.string({ maxLength: 20 }),
            board: mostly(fc.constantFrom("ai_thinker_esp32_cam", "wt32_eth01"), fc.constantFrom("Bad Board", "")),
            camera: fc.record(
                {
                    position,
                    antennaGainDbi: mostly(fc.integer({ min: -10, max: 10 }), edgeNumbers),
                    mac: mostly(
                        fc.constantFrom("24:0a:c4:00:c4:3e", "24:0A:C4:00:C4:3E"),
                        fc.constantFrom("24:0a:c4", ""),
                    ),
                },
                { requiredKeys: [] },
            ),
            radio: fc.record(
                {
                    pathLossExponent: mostly(fc.double({ min: 1.5, max: 6, noNaN: true }), edgeNumbers),
                    referenceLossDb: mostly(fc.integer({ min: 20, max: 80 }), edgeNumbers),
                    sensitivityDbm: mostly(fc.integer({ min: -110, max: -50 }), edgeNumbers),
                },
                { requiredKeys: [] },
            ),
            accessPoints: fc.array(accessPoint, { maxLength: 3 }),
            ethernet: fc.record(
                {
                    cable: mostly(fc.constantFrom("plugged", "unplugged"), fc.constant("cut")),
                    speedMbps: mostly(fc.constantFrom(10, 100), fc.constant(1000)),
                    duplex: mostly(fc.constantFrom("full", "half"), fc.constant("quarter")),
                    dhcp,
                },
                { requiredKeys: [] },
            ),
            dnsZone: fc.dictionary(fc.string({ maxLength: 10 }), ipv4, { maxKeys: 2 }),
            clients: fc.array(
                fc.record(
                    {
                        name: fc.constantFrom("phone", "laptop", ""),
                        mac: fc.constantFrom("02:c1:00:00:00:01", "bad"),
                        position,
                        joins: fc.constantFrom("camscript-setup", ""),
                        password: fc.string({ maxLength: 70 }),
                        at: duration,
                        leaveAt: duration,
                        txPowerDbm: fc.integer({ min: -5, max: 30 }),
                    },
                    { requiredKeys: ["name", "position", "joins", "at"] },
                ),
                { maxLength: 2 },
            ),
            events: fc.array(event, { maxLength: 3 }),
        },
        { requiredKeys: ["accessPoints"] },
    )
    .map((json) => ({ source: join(worldsDir, "generated.json"), json: json as unknown }))

test("fuzz: mutated shipped worlds are accepted or refused with a WorldError", (t) => {
    const seen = { accepted: 0, refused: 0 }
    fc.assert(
        fc.property(mutatedWorld, ({ source, json }) => {
            seen[verdict(json, source)]++
        }),
        fuzzParameters(600),
    )
    t.log(`${seen.accepted} accepted, ${seen.refused} refused`)
    // both outcomes occur, so the generator reaches past the schema
    t.true(seen.accepted > 0 && seen.refused > 0, JSON.stringify(seen))
})

test("fuzz: generated worlds are accepted or refused with a WorldError", (t) => {
    const seen = { accepted: 0, refused: 0 }
    fc.assert(
        fc.property(generatedWorld, ({ source, json }) => {
            seen[verdict(json, source)]++
        }),
        fuzzParameters(600),
    )
    t.log(`${seen.accepted} accepted, ${seen.refused} refused`)
    t.true(seen.accepted > 0 && seen.refused > 0, JSON.stringify(seen))
})

test("fuzz: world files of arbitrary bytes are refused with a WorldError", (t) => {
    const dir = tempDir("camscript-fuzz-world-")
    mkdirSync(dir, { recursive: true })
    const file = join(dir, "world.json")
    // `mayPass`: only a real world with one byte changed can still be a world (a changed
    // letter inside a string); noise and a world cut short must be refused
    const text = fc.oneof(
        fc.string({ maxLength: 200 }).map((content) => ({ content, mayPass: false })),
        fc.uint8Array({ maxLength: 200 }).map((b) => ({ content: Buffer.from(b), mayPass: false })),
        // a real world cut short, or with a byte changed
        fc.tuple(fc.nat({ max: shipped.length - 1 }), fc.nat(), fc.nat({ max: 255 })).map(([i, at, byte]) => {
            const b = Buffer.from(JSON.stringify(shipped[i].json))
            const cut = at % b.length
            return at % 2
                ? { content: b.subarray(0, cut), mayPass: false }
                : {
                      content: Buffer.concat([b.subarray(0, cut), Buffer.from([byte]), b.subarray(cut + 1)]),
                      mayPass: true,
                  }
        }),
    )
    const seen = { accepted: 0, refused: 0 }
    fc.assert(
        fc.property(text, ({ content, mayPass }) => {
            writeFileSync(file, content)
            try {
                loadWorldFile(file)
            } catch (e) {
                if (!(e instanceof WorldError)) throw e
                seen.refused++
                return
            }
            seen.accepted++
            if (!mayPass) throw new Error(`accepted as a world: ${JSON.stringify(String(content).slice(0, 80))}`)
        }),
        fuzzParameters(400),
    )
    t.log(`${seen.accepted} accepted (a changed byte inside a string can leave a valid world)`)
    t.true(seen.refused > 0, JSON.stringify(seen))
})
