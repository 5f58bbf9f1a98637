import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { loadBoard } from "../../project/boards"
import { compileScript } from "../../compiler/compile"
import { runSimulation, type RunResult } from "../../sim/session"
import type { GcHeapStats } from "../../sim/vm/gc-heap"
import { parseWorld } from "../../sim/world/world"
import { scriptFile } from "./run"

// The soak: one camera script on one VM through many connect / fault /
// recover cycles on the virtual clock, with the VM's own heap and the host's
// memory sampled each time the link is back. Shared by test/soak.test.ts
// (a short run) and bench/soak.ts (`npm run soak`, 10,000 cycles).

/** One fault every this much simulated time. */
export const CYCLE_MS = 30_000
/** The first fault, once the first connect has settled. */
export const FIRST_FAULT_MS = 20_000
/** How long a fault lasts: longer than the 6 s beacon loss, so the link really drops. */
export const FAULT_MS = 10_000
/** A recovery must be complete by then (fault end + back-off of at most 8 s + scan + join + DHCP). */
export const RECOVERY_BOUND_MS = 15_000

/**
 * The world: the spec's network 6 m away, and alternately the access point
 * power-cycled and the camera carried out of range (500 m) and back.
 */
function soakWorld(cycles: number): object {
    const events: object[] = []
    for (let k = 0; k < cycles; k++) {
        const at = FIRST_FAULT_MS + k * CYCLE_MS
        if (k % 2 === 0) {
            events.push({ at, action: "power-off", accessPoint: "my-network" })
            events.push({ at: at + FAULT_MS, action: "power-on", accessPoint: "my-network" })
        } else {
            events.push({ at, action: "move-camera", to: [500, 0] })
            events.push({ at: at + FAULT_MS, action: "move-camera", to: [0, 0] })
        }
    }
    return {
        board: "ai_thinker_esp32_cam",
        accessPoints: [
            {
                ssid: "my-network",
                security: "wpa2-psk",
                password: "my-password",
                position: [6, 2],
                dhcp: { subnet: "192.168.1.0/24", leaseSeconds: 86400 },
            },
        ],
        events,
    }
}

/**
 * The camera script: connect, then for each cycle wait for the fault to take
 * the link down and for it to come back, printing "up <n>" each time. Even
 * cycles recover through the module's own retries; odd ones by the script
 * calling disconnect() and connect() again, so both paths run every cycle pair.
 */
function soakScript(cycles: number, leakBytesPerCycle = 0): string {
    // the leak is for checking the checks: a script that keeps a buffer per cycle
    const leak = leakBytesPerCycle ? `kept.push(Buffer.alloc(${leakBytesPerCycle}))` : ""
    return `import { network, time } from "camscript"

const kept: Buffer[] = []
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
await wlan.connect("my-network", "my-password")
await wlan.wait_connected(30000)
console.log("up 0")
for (let n = 1; n <= ${cycles}; n++) {
    while (wlan.isconnected()) await time.sleep_ms(1000)
    if (n % 2 === 0) {
        await wlan.disconnect()
        await wlan.connect("my-network", "my-password")
    }
    await wlan.wait_connected(${CYCLE_MS})
    ${leak}
    console.log(\`up \${n} \${wlan.ifconfig()[0]} \${wlan.status()} \${kept.length}\`)
}
`
}

interface HostMemory {
    /** process.memoryUsage() right after a full collection, bytes */
    rss: number
    jsHeapUsed: number
    external: number
}

export interface SoakSample {
    /** the cycle whose recovery this is (0: the first connect) */
    cycle: number
    atMs: number
    vm: GcHeapStats
    /** every `hostEvery` cycles (a full host collection first costs tens of milliseconds) */
    host?: HostMemory
}

export interface SoakOptions {
    cycles: number
    /** a deliberate leak in the script (to show the checks catch one) */
    leakBytesPerCycle?: number
    /** measure the host's memory every this many cycles (default 100) */
    hostEvery?: number
    onSample: (s: SoakSample) => void
}

// a full collection before reading the host's memory, so garbage waiting
// for the next one does not read as growth
setFlagsFromString("--expose-gc")
const collect = runInNewContext("gc") as () => void

function hostMemory(): HostMemory {
    collect()
    const m = process.memoryUsage()
    return { rss: m.rss, jsHeapUsed: m.heapUsed, external: m.external }
}

/** Runs the soak; resolves with the run (records not kept: memory must not grow with the cycles). */
export async function runSoak(options: SoakOptions): Promise<RunResult> {
    const board = loadBoard("ai_thinker_esp32_cam")
    const script = await compileScript(scriptFile(soakScript(options.cycles, options.leakBytesPerCycle)), {
        board,
        hostname: "camscript",
    })
    const world = parseWorld(soakWorld(options.cycles), "(soak world)")
    const hostEvery = options.hostEvery ?? 100
    let gcHeap: (() => GcHeapStats) | undefined
    return runSimulation({
        script,
        world,
        board,
        timeoutMs: FIRST_FAULT_MS + (options.cycles + 1) * CYCLE_MS,
        keepRecords: false,
        onVmStarted: (vm) => (gcHeap = vm.gcHeap),
        onOutput: (line) => {
            const m = /^up (\d+)/.exec(line.text)
            if (!m || !gcHeap) return
            const cycle = Number(m[1])
            options.onSample({
                cycle,
                atMs: line.atMs,
                vm: gcHeap(),
                host: cycle % hostEvery === 0 || cycle === options.cycles ? hostMemory() : undefined,
            })
        },
    })
}

/** The VM heap's verdict: what the last collection kept, at warm-up against the end. */
export interface HeapGrowth {
    /** the largest `keptBytes` over the warm-up window */
    warmUpKeptBytes: number
    /** the largest `keptBytes` over the last third of the run */
    endKeptBytes: number
    growthBytes: number
}

/**
 * `keptBytes` moves with where in a cycle the last collection fell (a few
 * hundred bytes), so windows are compared by their largest value, not single
 * samples. Warm-up: cycles [warmUp, 2 * warmUp); end: the last third.
 */
export function heapGrowth(samples: SoakSample[], warmUp: number): HeapGrowth {
    const last = samples[samples.length - 1].cycle
    const max = (xs: SoakSample[]) => Math.max(...xs.map((s) => s.vm.keptBytes))
    const warm = max(samples.filter((s) => s.cycle >= warmUp && s.cycle < 2 * warmUp))
    const end = max(samples.filter((s) => s.cycle >= last - Math.floor(last / 3)))
    return { warmUpKeptBytes: warm, endKeptBytes: end, growthBytes: end - warm }
}
