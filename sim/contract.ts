import { readFileSync } from "node:fs"
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

const loaded: Record<string, ServiceSpec> = {}

/** Parse services/<file>.md and register it with jacdac-ts (once). */
export function loadContract(file: string): Contract {
    let spec = loaded[file]
    if (!spec) {
        const includes: Record<string, unknown> = {}
        for (const s of jd.serviceSpecifications()) includes[s.shortId] = s
        const path = fromRoot("services", file)
        // exported by jacdac-ts at run time, missing from its typings
        const parse = (require("jacdac-ts") as { parseServiceSpecificationMarkdownToJSON: ParseSpec })
            .parseServiceSpecificationMarkdownToJSON
        spec = parse(readFileSync(path, "utf8"), includes, path)
        if (spec.errors?.length)
            throw new Error(`${path}: ${spec.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`)
        type JdSpec = Parameters<typeof jd.loadServiceSpecifications>[0][number]
        jd.loadServiceSpecifications([...jd.serviceSpecifications(), spec as unknown as JdSpec])
        loaded[file] = spec
    }
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
