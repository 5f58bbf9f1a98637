import test from "ava"
import { loadContract } from "../sim/contract"
import { ContractServer } from "../sim/drivers/contract-server"
import { jdpack } from "../sim/jacdac"

// The model drivers read a command's fields by the contract's names
// (sim/drivers/contract-server.ts through Contract.unpack), as the firmware
// views read events: the fields arrive named as services/*.md names them,
// and a handler that reads a name the command does not have throws instead
// of reading undefined.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Packet } = require("jacdac-ts") as { Packet: { from(code: number, data: Uint8Array): unknown } }

const contract = loadContract("wifi-station.md")

class Probe extends ContractServer {
    seen: Record<string, unknown>[] = []
    constructor(read: (fields: Record<string, unknown>) => Record<string, unknown>) {
        super(contract, 1, "24:0a:c4:00:00:01")
        this.command("associate", (fields) => this.seen.push(read(fields)))
        this.command("scan", (fields) => this.seen.push({ ...fields }))
    }
    deliver(name: string, values: unknown[]) {
        const { code, format } = contract.packet("command", name)
        const data = format ? jdpack(format, values as never) : new Uint8Array(0)
        // the handler jacdac-ts calls for a command packet (its handlePacket is async and needs a bus)
        const handlers = (this as unknown as { commands: Record<number, (p: unknown) => void> }).commands
        handlers[code](Packet.from(code, data))
    }
}

test("a command's fields arrive by the contract's names", (t) => {
    const probe = new Probe(({ channel_hint, ssid, key, bssid }) => ({ channel_hint, ssid, key, bssid }))
    probe.deliver("associate", [11, "home", "secret-1", new Uint8Array([2, 0, 0, 0, 0, 9])])
    probe.deliver("scan", [])
    t.deepEqual(probe.seen, [
        { channel_hint: 11, ssid: "home", key: "secret-1", bssid: new Uint8Array([2, 0, 0, 0, 0, 9]) },
        {},
    ])
})

test("reading a field the command does not have throws, naming the fields it has", (t) => {
    const probe = new Probe(({ channel }) => ({ channel }))
    t.throws(() => probe.deliver("associate", [11, "home", "secret-1", new Uint8Array(6)]), {
        message: 'command associate has no field "channel"; it has channel_hint, ssid, key, bssid',
    })
})
