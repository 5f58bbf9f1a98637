import type { Contract } from "../contract"
import { JDServiceServer, jdpack, type Packet } from "../jacdac"

// What every simulated driver shares: the contract's version and MAC
// registers, commands decoded with the contract's pack formats, and events
// encoded the same way. The formats come from services/*.md, never from here.

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

    /** Handle command `name` of the contract with its fields decoded. */
    protected command(name: string, handler: (values: unknown[]) => void) {
        const { code, format } = this.contract.packet("command", name)
        this.addCommand(code, (pkt: Packet) => handler(format ? pkt.jdunpack(format) : []))
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
