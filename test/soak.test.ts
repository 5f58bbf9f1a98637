import test from "ava"
import {
    CYCLE_MS,
    FAULT_MS,
    FIRST_FAULT_MS,
    heapGrowth,
    RECOVERY_BOUND_MS,
    runSoak,
    type SoakSample,
} from "./helpers/soak"

// A short soak (npm run soak runs 10,000 cycles): one VM through 200
// connect / fault / recover cycles on the virtual clock. The VM's heap must
// stay flat after warm-up and the host's memory must not grow with the
// cycles. docs/reliability.md has the long run's figures.

const CYCLES = 200
const WARM_UP = 20
/** what the last collection kept may grow this much after warm-up: about 3 bytes a cycle here */
const VM_GROWTH_BOUND = 512
/** the host's JS heap + external memory, after a full collection */
const HOST_GROWTH_BOUND = 4 * 1024 * 1024

test.serial(`soak: ${CYCLES} fault cycles, every one recovered in time, VM heap and host memory flat`, async (t) => {
    const samples: SoakSample[] = []
    const run = await runSoak({ cycles: CYCLES, hostEvery: 20, onSample: (s) => samples.push(s) })
    t.is(run.outcome, "finished", run.error)
    t.deepEqual(
        samples.map((s) => s.cycle),
        Array.from({ length: CYCLES + 1 }, (_, i) => i),
        "one recovery per fault, in order",
    )
    // fault n starts at FIRST_FAULT_MS + (n - 1) * CYCLE_MS and lasts FAULT_MS
    for (const s of samples.slice(1)) {
        const faultEnd = FIRST_FAULT_MS + (s.cycle - 1) * CYCLE_MS + FAULT_MS
        if (s.atMs < faultEnd || s.atMs > faultEnd + RECOVERY_BOUND_MS)
            t.fail(`cycle ${s.cycle}: back at ${s.atMs} ms, fault ended at ${faultEnd} ms`)
    }

    const growth = heapGrowth(samples, WARM_UP)
    t.log(
        `VM heap kept by the last collection: ${growth.warmUpKeptBytes} B at warm-up, ${growth.endKeptBytes} B at the end`,
    )
    t.true(growth.growthBytes <= VM_GROWTH_BOUND, JSON.stringify(growth))
    const heap = samples[0].vm.heapBytes
    t.true(
        samples.every((s) => s.vm.usedBytes < heap / 2 && s.vm.largestFreeBytes > heap / 2),
        "never more than half the heap in use, the free space in one piece",
    )
    t.true(
        samples.every((s) => s.vm.wasmMemoryBytes === samples[0].vm.wasmMemoryBytes),
        "the VM's linear memory never grew",
    )

    const host = samples.filter((s) => s.host && s.cycle >= WARM_UP)
    const first = host[0].host!
    const lastHost = host[host.length - 1].host!
    const hostGrowth = lastHost.jsHeapUsed + lastHost.external - (first.jsHeapUsed + first.external)
    t.log(
        `host after GC: JS heap ${(first.jsHeapUsed / 1e6).toFixed(1)} -> ${(lastHost.jsHeapUsed / 1e6).toFixed(1)} MB, ` +
            `RSS ${(first.rss / 1e6).toFixed(0)} -> ${(lastHost.rss / 1e6).toFixed(0)} MB`,
    )
    t.true(hostGrowth <= HOST_GROWTH_BOUND, `host memory grew ${hostGrowth} B from cycle ${host[0].cycle}`)
})

test.serial("soak: the heap check catches a script that keeps 64 bytes a cycle", async (t) => {
    // 20 cycles x 64 B between the windows (plus the array's growth) is past the bound: the check has teeth
    const samples: SoakSample[] = []
    const run = await runSoak({ cycles: 60, leakBytesPerCycle: 64, hostEvery: 1000, onSample: (s) => samples.push(s) })
    t.is(run.outcome, "finished", run.error)
    const growth = heapGrowth(samples, WARM_UP)
    t.true(growth.growthBytes > VM_GROWTH_BOUND, JSON.stringify(growth))
})
