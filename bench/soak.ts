// npm run soak: 10,000 connect / fault / recover cycles on one VM, on the
// virtual clock (SOAK_CYCLES=n for another count). Prints the VM's heap and
// the host's memory at warm-up and at the end; exits 1 when either grew past
// its bound, or a cycle did not recover. The figures go in docs/reliability.md.
import { heapGrowth, runSoak, type SoakSample } from "../test/helpers/soak"

const cycles = Number(process.env.SOAK_CYCLES ?? 10_000)
if (!Number.isInteger(cycles) || cycles < 30) {
    process.stderr.write(`soak: SOAK_CYCLES must be a whole number >= 30, got ${process.env.SOAK_CYCLES}\n`)
    process.exit(2)
}
const warmUp = Math.max(10, Math.floor(cycles / 100))
/** the same bounds as test/soak.test.ts */
const VM_GROWTH_BOUND = 512
const HOST_GROWTH_BOUND = 4 * 1024 * 1024

// captured before the run fakes the clock
const wallNow = performance.now.bind(performance)
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`

async function main() {
    // every sample is kept, but only its numbers: 10,000 of them are about a megabyte
    const samples: SoakSample[] = []
    const wall0 = wallNow()
    const run = await runSoak({
        cycles,
        hostEvery: Math.max(10, Math.floor(cycles / 100)),
        onSample: (s) => {
            samples.push(s)
            if (s.host && s.cycle % Math.max(1, Math.floor(cycles / 10)) === 0)
                process.stderr.write(
                    `cycle ${String(s.cycle).padStart(6)}  sim ${(s.atMs / 3_600_000).toFixed(1)} h  ` +
                        `VM used ${s.vm.usedBytes} B, kept ${s.vm.keptBytes} B, ${s.vm.objects} objects  ` +
                        `host JS heap ${mb(s.host.jsHeapUsed)}, RSS ${mb(s.host.rss)}  ` +
                        `(${((wallNow() - wall0) / 1000).toFixed(0)} s)\n`,
                )
        },
    })
    const wallS = (wallNow() - wall0) / 1000
    const recovered = samples.length - 1
    const growth = heapGrowth(samples, warmUp)
    const hosts = samples.filter((s) => s.host && s.cycle >= warmUp)
    const h0 = hosts[0]
    const h1 = hosts[hosts.length - 1]
    const hostGrowth = h1.host!.jsHeapUsed + h1.host!.external - (h0.host!.jsHeapUsed + h0.host!.external)
    const used = samples.slice(warmUp).map((s) => s.vm.usedBytes)
    const rows: [string, string][] = [
        ["cycles run / recovered", `${cycles} / ${recovered}`],
        ["outcome", `${run.outcome}${run.error ? `: ${run.error}` : ""}`],
        ["simulated time", `${(run.simulatedMs / 3_600_000).toFixed(1)} h`],
        ["wall time", `${wallS.toFixed(0)} s`],
        ["VM heap (GC heap capacity)", `${samples[0].vm.heapBytes} B`],
        [`VM heap kept by a collection, warm-up (cycles ${warmUp}..${2 * warmUp})`, `${growth.warmUpKeptBytes} B`],
        ["VM heap kept by a collection, last third", `${growth.endKeptBytes} B`],
        ["VM heap in use (with uncollected garbage), min..max", `${Math.min(...used)}..${Math.max(...used)} B`],
        [
            "VM linear memory, start -> end",
            `${mb(samples[0].vm.wasmMemoryBytes)} -> ${mb(samples.at(-1)!.vm.wasmMemoryBytes)}`,
        ],
        [
            `host JS heap after GC, cycle ${h0.cycle} -> ${h1.cycle}`,
            `${mb(h0.host!.jsHeapUsed)} -> ${mb(h1.host!.jsHeapUsed)}`,
        ],
        [
            `host external after GC, cycle ${h0.cycle} -> ${h1.cycle}`,
            `${mb(h0.host!.external)} -> ${mb(h1.host!.external)}`,
        ],
        [`host RSS, cycle ${h0.cycle} -> ${h1.cycle}`, `${mb(h0.host!.rss)} -> ${mb(h1.host!.rss)}`],
    ]
    const w = Math.max(...rows.map((r) => r[0].length))
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`)
    const problems: string[] = []
    if (run.outcome !== "finished" || recovered !== cycles) problems.push("not every cycle recovered")
    if (growth.growthBytes > VM_GROWTH_BOUND)
        problems.push(`VM heap grew ${growth.growthBytes} B (bound ${VM_GROWTH_BOUND})`)
    if (hostGrowth > HOST_GROWTH_BOUND)
        problems.push(`host memory grew ${mb(hostGrowth)} (bound ${mb(HOST_GROWTH_BOUND)})`)
    if (problems.length) {
        process.stdout.write(`FAIL: ${problems.join("; ")}\n`)
        process.exit(1)
    }
    process.stdout.write("flat: no growth past the bounds after warm-up\n")
}

main().catch((e: unknown) => {
    process.stderr.write(`soak: ${(e as Error).stack ?? e}\n`)
    process.exit(3)
})
