import test from "ava"
import { parseWorld, WorldError } from "../sim/world/world"

// The world's `servers` (sim/world/servers.ts): what the loader accepts,
// its defaults, and each refusal's words.

const pki = (f: string) => `sim/worlds/pki/${f}`

function problems(servers: unknown[], extra: object = {}): string[] {
    try {
        parseWorld({ accessPoints: [], servers, ...extra }, "w.json")
        return []
    } catch (e) {
        if (e instanceof WorldError) return e.problems
        throw e
    }
}

test("a server's defaults: accept, 20 ms round trips, a slow answer after 10 s, no size limit, no outage; the port from the scheme", (t) => {
    const w = parseWorld(
        {
            accessPoints: [],
            servers: [
                { name: "a", url: "http://A.camscript.test/in" },
                {
                    name: "b",
                    url: "https://b.camscript.test",
                    tls: { certFile: pki("upload-server.pem"), keyFile: pki("upload-server.key") },
                },
                { name: "c", url: "http://c.camscript.test:8080/x?y=1", behaviour: "slow" },
            ],
        },
        "w.json",
    )
    const [a, b, c] = w.servers
    t.like(a, {
        host: "a.camscript.test",
        port: 80,
        path: "/in",
        https: false,
        behaviour: "accept",
        latencyMs: 20,
        slowByMs: 10000,
        maxBytes: undefined,
        down: [],
    })
    t.like(b, { port: 443, path: "/", https: true })
    t.true(b.tls!.cert.startsWith("-----BEGIN CERTIFICATE-----"))
    t.like(c, { port: 8080, path: "/x?y=1", behaviour: "slow" })
    t.deepEqual(parseWorld({ accessPoints: [] }, "w.json").servers, [])
})

test("https needs tls, http takes none", (t) => {
    t.deepEqual(problems([{ name: "a", url: "https://a.test/" }]), [
        'servers[0]: an https URL needs "tls": { "certFile", "keyFile" } (the server\'s certificate and key)',
    ])
    t.deepEqual(
        problems([
            {
                name: "a",
                url: "http://a.test/",
                tls: { certFile: pki("upload-server.pem"), keyFile: pki("upload-server.key") },
            },
        ]),
        ['servers[0].tls: the URL is http://; "tls" is for https:// servers'],
    )
})

test("names and places are unique; a server's host is not also in dnsZone", (t) => {
    t.deepEqual(
        problems([
            { name: "a", url: "http://a.test/" },
            { name: "a", url: "http://b.test/" },
        ]),
        ['servers[1]: servers[0] is already called "a"; names must be unique'],
    )
    t.deepEqual(
        problems([
            { name: "a", url: "http://a.test/" },
            { name: "b", url: "http://A.test:80/x" },
        ]),
        ["servers[1].url: servers[0] already answers at a.test:80; give each server its own host or port"],
    )
    t.deepEqual(problems([{ name: "a", url: "http://a.test/" }], { dnsZone: { "a.test": "127.0.0.1" } }), [
        "servers[0].url: a.test is also in dnsZone; the world's DNS answers a server's host by itself, so leave it out of dnsZone",
    ])
})

test("the PEM files: readable, a certificate and an unencrypted key, each where it belongs", (t) => {
    const https = (certFile: string, keyFile: string) =>
        problems([{ name: "a", url: "https://a.test/", tls: { certFile, keyFile } }])
    t.regex(
        https(pki("missing.pem"), pki("upload-server.key"))[0],
        /^servers\[0\]\.tls\.certFile: cannot read .*ENOENT/,
    )
    t.deepEqual(https(pki("upload-server.key"), pki("upload-server.key")), [
        `servers[0].tls.certFile: ${pki("upload-server.key")} holds a "PRIVATE KEY" block; expected CERTIFICATE`,
    ])
    t.deepEqual(https(pki("upload-server.pem"), pki("upload-server.pem")), [
        `servers[0].tls.keyFile: ${pki("upload-server.pem")} holds a "CERTIFICATE" block; expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY`,
    ])
})

test("slowBy only for slow, outages end after they start, servers for one camera or a fleet, behaviours by name", (t) => {
    t.deepEqual(problems([{ name: "a", url: "http://a.test/", slowBy: "3s" }]), [
        'servers[0].slowBy is for behaviour "slow" (this server\'s is "accept")',
    ])
    t.deepEqual(problems([{ name: "a", url: "http://a.test/", down: [{ from: "5s", until: "5s" }] }]), [
        'servers[0].down[0].until must be after its "from"',
    ])
    // a fleet's cameras upload too (sim/fleet/camera.ts): servers beside cameras are a world
    t.deepEqual(problems([{ name: "a", url: "http://a.test/" }], { cameras: [{ name: "c1", position: [0, 0] }] }), [])
    t.regex(
        problems([{ name: "a", url: "http://a.test/", behaviour: "flaky" }])[0],
        /^servers\[0\]\.behaviour must be one of.*"accept".*"slow".*"down".*"500"/,
    )
    t.regex(problems([{ name: "a", url: "ftp://a.test/" }])[0], /^servers\[0\]\.url must match pattern/)
})
