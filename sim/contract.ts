import { readdirSync, readFileSync } from "node:fs"
import * as jd from "./jacdac"
import { fromRoot } from "../project/paths"

// The driver contract, read from the same services/*.md files the
// DeviceScript compiler reads: enums, codes and pack formats are never
// written twice.

interface PacketSpec {
    kind: string
    name: string
    identifier: number
    packFormat?: string
    derived?: string
    fields: { name: string }[]
}

interface ServiceSpec {
    shortId: string
    classIdentifier: number
    enums: Record<string, { members: Record<string, number> }>
    packets: PacketSpec[]
    errors?: { message: string; line: number }[]
}

type ParseSpec = (md: string, includes: Record<string, unknown>, file: string) => ServiceSpec

let loaded: Record<string, ServiceSpec> | undefined

/**
 * Parse every services/*.md and register them with jacdac-ts, in one call:
 * jacdac-ts rebuilds its tables from the whole list at each registration
 * (about 15 ms), and a simulation with every driver used to pay it once per
 * contract.
 */
function loadAll(): Record<string, ServiceSpec> {
    const includes: Record<string, unknown> = {}
    for (const s of jd.serviceSpecifications()) includes[s.shortId] = s
    // exported by jacdac-ts at run time, missing from its typings
    const parse = (require("jacdac-ts") as { parseServiceSpecificationMarkdownToJSON: ParseSpec })
        .parseServiceSpecificationMarkdownToJSON
    const specs: Record<string, ServiceSpec> = {}
    for (const file of readdirSync(fromRoot("services"))
        .filter((f) => f.endsWith(".md"))
        .sort()) {
        const path = fromRoot("services", file)
        const spec = parse(readFileSync(path, "utf8"), includes, path)
        if (spec.errors?.length)
            throw new Error(`${path}: ${spec.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`)
        specs[file] = spec
    }
    type JdSpec = Parameters<typeof jd.loadServiceSpecifications>[0][number]
    jd.loadServiceSpecifications([...jd.serviceSpecifications(), ...(Object.values(specs) as unknown as JdSpec[])])
    return specs
}

/** The contract services/<file>.md (all of them parsed and registered with jacdac-ts at the first call). */
export function loadContract(file: string): Contract {
    loaded ??= loadAll()
    const spec = loaded[file]
    if (!spec) throw new Error(`no contract services/${file}`)
    return new Contract(spec)
}

export class Contract {
    constructor(readonly spec: ServiceSpec) {}

    get serviceClass(): number {
        return this.spec.classIdentifier
    }

    enumValue(enumName: string, member: string): number {
        const v = this.spec.enums[enumName]?.members[member]
        if (v === undefined) throw new Error(`contract ${this.spec.shortId}: no ${enumName}.${member}`)
        return v
    }

    enumName(enumName: string, value: number): string {
        const members = this.spec.enums[enumName]?.members ?? {}
        for (const [k, v] of Object.entries(members)) if (v === value) return k
        return `${enumName}(${value})`
    }

    packet(kind: "command" | "event" | "const" | "ro" | "rw", name: string): { code: number; format: string } {
        const p = this.packetSpec(kind, name)
        return { code: p.identifier, format: p.packFormat ?? "" }
    }

    /**
     * A packet's payload as an object named by the contract's fields
     * (`{ state, rssi, reason, ... }`), so no reader keeps its own list of
     * positions that would go stale when a field is added.
     */
    unpack(kind: "command" | "event", name: string, data: Uint8Array): Record<string, unknown> {
        const p = this.packetSpec(kind, name)
        if (!p.packFormat) return {}
        const values = jd.jdunpack(data, p.packFormat) as unknown[]
        const out: Record<string, unknown> = {}
        p.fields.forEach((f, i) => (out[f.name] = values[i]))
        return out
    }

    private packetSpec(kind: string, name: string): PacketSpec {
        const p = this.spec.packets.find((q) => q.kind === kind && q.name === name && !q.derived)
        if (!p) throw new Error(`contract ${this.spec.shortId}: no ${kind} ${name}`)
        return p
    }
}
