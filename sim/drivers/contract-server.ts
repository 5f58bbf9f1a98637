import type { Contract } from "../contract"
import { JDServiceServer, jdpack, type Packet } from "../jacdac"

// What every simulated driver shares: the contract's version and MAC
// registers, commands decoded with the contract's pack formats into fields
// named as the contract names them, and events encoded the same way. The formats come from services/*.md, never from here.

/** "aa:bb:cc:dd:ee:ff" -> 6 bytes */
export function macBytes(text: string): Uint8Array {
    return new Uint8Array(text.split(":").map((h) => parseInt(h, 16)))
}

/** 6 bytes -> "aa:bb:cc:dd:ee:ff" */
export function macText(bytes: Uint8Array): string {
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":")
}

/** The ESP32 derives each interface's MAC from its base (station) MAC + an offset. */
export function derivedMac(baseMac: string, offset: number): string {
    const b = macBytes(baseMac)
    b[5] = (b[5] + offset) & 255
    return macText(b)
}

/** The fields of a command, throwing on a name the contract does not give it (a typo would read undefined). */
function strictFields(command: string, fields: Record<string, unknown>): Record<string, unknown> {
    return new Proxy(fields, {
        get(target, key) {
            if (typeof key === "string" && !(key in target))
                throw new Error(
                    `command ${command} has no field "${key}"; it has ${Object.keys(target).join(", ") || "none"}`,
                )
            return target[key as string]
        },
    })
}

export abstract class ContractServer extends JDServiceServer {
    constructor(
        protected readonly contract: Contract,
        version: number,
        /** the interface's MAC register; none for a driver without one (the camera) */
        mac?: string,
    ) {
        super(contract.serviceClass)
        this.addRegister(contract.packet("const", "contract_version").code, [version])
        if (mac !== undefined) this.addRegister(contract.packet("const", "mac").code, [macBytes(mac)])
    }

    /**
     * Handle command `name` of the contract with its fields decoded by the
     * contract's names (`{ channel_hint, ssid, key, bssid }`), as the firmware
     * views read events: no driver keeps a list of positions that would go
     * stale when the contract adds a field.
     */
    protected command(name: string, handler: (fields: Record<string, unknown>) => void) {
        const { code } = this.contract.packet("command", name)
        this.addCommand(code, (pkt: Packet) =>
            handler(strictFields(name, this.contract.unpack("command", name, pkt.data))),
        )
    }

    /** Send event `name` of the contract with `values` in its field order. */
    protected event(name: string, values: unknown[]) {
        const { code, format } = this.contract.packet("event", name)
        void this.sendEvent(code, jdpack(format, values as never))
    }

    /** The `enumName` members of the contract, by name. */
    protected members(enumName: string): Record<string, number> {
        const out: Record<string, number> = {}
        for (const n of Object.keys(this.contract.spec.enums[enumName].members))
            out[n] = this.contract.enumValue(enumName, n)
        return out
    }
}
