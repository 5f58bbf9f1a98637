// World side: every bound of world.schema.json is probed through parseWorld
// with one field of a complete world set. This file holds that complete
// world (one camera, or a fleet of one), how one field is set in it, and the
// schema's bounds; limits/world-limits.ts lists the fields.

import schema from "../sim/world/world.schema.json"
import { parseWorld } from "../sim/world/world"
import { fromRoot } from "../project/paths"

const PROBE_SOURCE = fromRoot("sim/worlds/limits-probe.json")

export function baseWorld(): any {
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
        servers: [
            { name: "frames", url: "http://frames.test/in", maxBytes: 100000, down: [{ from: "1s", until: "2s" }] },
        ],
        events: [
            { at: "10s", accessPoint: "home", action: "set-password", password: "password-2" },
            { at: "20s", accessPoint: "home", action: "set-channel", channel: 11 },
            { at: "30s", accessPoint: "home", action: "dhcp-off", every: "1m", times: 2 },
        ],
    }
}

function fleetWorld(): any {
    const w = baseWorld()
    delete w.camera
    // uploads are for one camera
    delete w.servers
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

export function worldCheck(path: (string | number)[], fleet = false): (v: unknown) => void {
    return (v) => void parseWorld(worldWith(path, v, fleet), PROBE_SOURCE)
}

/** The bounds of a schema node, read from world.schema.json: the world's numbers live there. */
export function bounds(pointer: string): { min?: number; max?: number } {
    let node: any = schema
    for (const k of pointer.split("/").slice(1)) node = node[k]
    return {
        min: node.minimum ?? node.minLength ?? node.minItems,
        max: node.maximum ?? node.maxLength ?? node.maxItems,
    }
}
