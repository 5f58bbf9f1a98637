import { compileScript } from "../compiler/compile"
import { loadBoard } from "../project/boards"
import { runSimulation } from "../sim/session"
import { parseWorld } from "../sim/world/world"
import { scriptFile } from "./script-file"

// How much of the VM's watchdog budget a piece of bytecode uses. The
// DeviceScript VM panics with InfiniteLoop (60001) when one fiber runs
// 131072 opcodes (DEVS_MAX_STEPS) without yielding, on the chip as in the
// simulator. The VM counts no steps for us, so this measures by
// difference: a loop of n empty iterations after the work under test, n
// raised until the run panics. The work costs (n_alone - n_after) loop
// iterations, each 131072 / n_alone steps.
//
//   npm run bench:vm-steps

const BUDGET_STEPS = 128 * 1024

// The workload and n travel in the camera's MAC (the world file), so the
// script is compiled once: 02:WW:NN:NN:NN:00.
const SCRIPT = `
import * as ds from "@devicescript/core"
import { network } from "camscript"
import { checkPem } from "camscript/src/network/enterprise"
import { parseMac } from "camscript/src/network/address"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
const m = parseMac(wlan.config("mac"), "mac")
const work = m[1]
const n = m[2] * 65536 + m[3] * 256 + m[4]
// a PEM of (work * 512) bytes: 64 base64 characters a line
let pem = ""
if (work > 0) {
    const head = "-----BEGIN CERTIFICATE-----\\n"
    const tail = "-----END CERTIFICATE-----\\n"
    const line = "MIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu\\n"
    let body = work * 512 - head.length - tail.length
    while (body >= line.length) {
        pem += line
        body -= line.length
    }
    pem = head + pem + tail
}
await ds.sleep(0)
if (work > 0) await checkPem("caCert", pem, ["CERTIFICATE"], 1000000)
let i = 0
while (i < n) i++
console.log("survived")
`

function world(work: number, n: number): object {
    const b = (v: number) => v.toString(16).padStart(2, "0")
    const mac = `02:${b(work)}:${b((n >> 16) & 255)}:${b((n >> 8) & 255)}:${b(n & 255)}:00`
    return { camera: { position: [0, 0], mac }, accessPoints: [] }
}

async function main() {
    const board = loadBoard("ai_thinker_esp32_cam")
    const script = await compileScript(scriptFile(SCRIPT), { board, hostname: "bench" })
    const survives = async (work: number, n: number) => {
        const r = await runSimulation({
            script,
            world: parseWorld(world(work, n), "(bench)"),
            board,
            timeoutMs: 60_000,
        })
        if (r.outcome === "error" && !/60001|InfiniteLoop|infinite loop/i.test(r.error ?? "")) throw new Error(r.error)
        return r.outcome === "finished"
    }
    // the largest n that still survives, by bisection
    const threshold = async (work: number) => {
        let lo = 0
        let hi = 1 << 18
        if (!(await survives(work, lo))) return -1
        while (hi - lo > 1) {
            const mid = (lo + hi) >> 1
            if (await survives(work, mid)) lo = mid
            else hi = mid
        }
        return lo
    }
    const alone = await threshold(0)
    const perIteration = BUDGET_STEPS / alone
    console.log(`empty loop: ${alone} iterations fill the budget (${perIteration.toFixed(2)} steps each)`)
    for (const work of [1, 2]) {
        const bytes = work * 512
        const left = await threshold(work)
        const steps = (alone - left) * perIteration
        console.log(
            `checkPem, ${bytes} bytes (one slice): ${Math.round(steps)} steps, ${Math.round((steps * 1024) / bytes)} per KB, ${((100 * steps) / BUDGET_STEPS).toFixed(1)}% of the budget`,
        )
    }
}

main().catch((e) => {
    console.error(e)
    process.exit(1)
})
