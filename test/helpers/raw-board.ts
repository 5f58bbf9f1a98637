// Run as its own process (serialport's native binding must not live in ava's
// worker thread): talks to a (virtual) board's DeviceScript manager and
// settings service directly, without camscript's deploy checks, to probe
// what the runtime itself does at its edges. Steps come as JSON in argv[3];
// prints one JSON object: each step's result and the board's log lines.
import { readFileSync } from "node:fs"
import { jd, openJacdacLink } from "../../usb/jacdac-link"
import type { JDService } from "../../usb/jacdac-link"

type Step =
    | { op: "deploy-size"; size: number }
    | { op: "deploy"; file: string; size?: number; minor?: number; major?: number }
    | { op: "sha" }
    | { op: "identity" }
    | { op: "set-setting"; key: string; valueBytes: number }
    | { op: "get-setting"; key: string }
    | { op: "wait"; ms: number }

const [port, stepsJson] = process.argv.slice(2)
const steps = JSON.parse(stepsJson) as Step[]
const log: string[] = []

function imageFor(step: Extract<Step, { op: "deploy" }>): Uint8Array {
    const file = new Uint8Array(readFileSync(step.file))
    const image = new Uint8Array(step.size ?? file.length)
    image.set(file.subarray(0, image.length))
    if (step.minor !== undefined) image[10] = step.minor
    if (step.major !== undefined) image[11] = step.major
    return image
}

async function readReg(service: JDService, code: number): Promise<Uint8Array | undefined> {
    const reg = service.register(code)
    await reg.refresh()
    return reg.data
}

async function main() {
    const link = await openJacdacLink(port, (line) => log.push(line))
    const results: unknown[] = []
    try {
        for (const step of steps) {
            const manager = await link.manager(10_000)
            if (!manager) throw new Error("no DeviceScript manager answered")
            const R = jd.DeviceScriptManagerReg
            if (step.op === "deploy-size") {
                const pkt = jd.Packet.jdpacked(jd.DeviceScriptManagerCmd.DeployBytecode, "u32", [step.size])
                try {
                    await manager.sendCmdAwaitResponseAsync(pkt, 3000)
                    results.push({ answered: true })
                } catch {
                    results.push({ answered: false })
                }
            } else if (step.op === "deploy") {
                try {
                    await jd.OutPipe.sendBytes(manager, jd.DeviceScriptManagerCmd.DeployBytecode, imageFor(step))
                    results.push({ ok: true })
                } catch (e) {
                    results.push({ ok: false, error: (e as Error).message })
                }
            } else if (step.op === "sha") {
                const data = await readReg(manager, R.ProgramSha256)
                results.push({ sha: data ? Buffer.from(data).toString("hex") : "" })
            } else if (step.op === "identity") {
                const version = await readReg(manager, R.RuntimeVersion)
                const control = manager.device.service(0)!
                const product = await readReg(control, jd.ControlReg.ProductIdentifier)
                const name = await readReg(control, jd.ControlReg.DeviceDescription)
                results.push({
                    version: version ? Buffer.from(version).readUInt32LE(0) : undefined,
                    product: product ? Buffer.from(product).readUInt32LE(0) : undefined,
                    name: name ? Buffer.from(name).toString("utf8") : undefined,
                })
            } else if (step.op === "set-setting" || step.op === "get-setting") {
                const settings = manager.device.services({ serviceClass: jd.SRV_SETTINGS })[0]
                if (!settings) throw new Error("no settings service")
                if (step.op === "set-setting") {
                    const payload = jd.jdpack<[string, Uint8Array]>("z b", [
                        step.key,
                        new Uint8Array(step.valueBytes).fill(0x61),
                    ])
                    try {
                        await settings.sendPacketAsync(jd.Packet.from(jd.SettingsCmd.Set, payload), true)
                        results.push({ sent: payload.length, acked: true })
                    } catch {
                        results.push({ sent: payload.length, acked: false })
                    }
                } else {
                    const pkt = jd.Packet.from(jd.SettingsCmd.Get, jd.jdpack<[string]>("z", [step.key]))
                    try {
                        const resp = await settings.sendCmdAwaitResponseAsync(pkt, 3000)
                        const [, value] = jd.jdunpack<[string, Uint8Array]>(resp.data, "z b")
                        results.push({ answered: true, valueBytes: value.length })
                    } catch {
                        results.push({ answered: false })
                    }
                }
            } else if (step.op === "wait") {
                await new Promise((r) => setTimeout(r, step.ms))
                results.push({})
            }
        }
        process.stdout.write(`${JSON.stringify({ results, log })}\n`)
    } catch (e) {
        process.stdout.write(`${JSON.stringify({ results, log, error: (e as Error).message })}\n`)
    } finally {
        await link.close()
    }
}

void main().finally(() => process.exit(0))
