import { execFile } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { stackReport, XTENSA_FRAME_OVERHEAD } from "../tools/firmware-stack"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"

// The stack budget of the drivers (firmware/README.md, "Threading rule"). On
// the chip, camscript's services' process() and packet handlers, their
// ESP-IDF event handlers and init functions all run on ESP-IDF's default
// event loop task, sys_evt: 5,120 bytes configured by devicescript-esp32
// (boards/sdkconfig.common, CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE) + 512
// that ESP-IDF adds (components/esp_system/include/esp_task.h,
// ESP_TASKD_EVENT_STACK: TASK_EXTRA_STACK_SIZE, 512 without newlib's nano
// printf, which sdkconfig.common turns off). The same
// stack holds the event loop, the Jacdac / DeviceScript loop above the
// services, and the ESP-IDF, jacdac-c and logging calls below them, which
// are not measured here.
//
// `make -C firmware stack` compiles with clang (and make): without them the
// two measurements are skipped and named, under CI they fail.
const withClang = needs(["wasm-toolchain", "c-compiler"])

const SYS_EVT_STACK = 5120 + 512
/** The drivers' own deepest path may use at most this (clang frames + Xtensa overhead). */
const DRIVER_BUDGET = 1536
/** What is left on sys_evt for everything else: a stated margin. */
const MARGIN = SYS_EVT_STACK - DRIVER_BUDGET

function make(...args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((done) =>
        execFile("make", args, { timeout: 600_000 }, (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
}

withClang("firmware stack: every entry point's deepest path is within the budget on sys_evt", async (t) => {
    const r = await make("-s", "-C", fromRoot("firmware"), "stack")
    t.is(r.code, 0, r.out)
    const report = stackReport(fromRoot("firmware/build/stack"))
    const entries = report.map((p) => p.entry)
    // the entry points jacdac-c and ESP-IDF call, found as roots of the call graph
    for (const e of [
        "cam_wifi_station.c:cam_wifi_station_process",
        "cam_wifi_station.c:cam_wifi_station_handle_packet",
        "cam_wifi_station_events.c:on_wifi_event",
        "cam_wifi_station_events.c:on_ip_event",
        "cam_wifi_access_point.c:cam_wifi_access_point_process",
        "cam_wifi_access_point.c:cam_wifi_access_point_handle_packet",
        "cam_ethernet.c:cam_ethernet_process",
        "cam_ethernet.c:cam_ethernet_handle_packet",
        "cam_ethernet.c:on_eth_event",
    ])
        t.true(entries.includes(e), `${e} is an entry point`)
    t.is(MARGIN, 4096)
    for (const p of report)
        t.true(
            p.bytes <= DRIVER_BUDGET,
            `${p.entry}: ${p.bytes} B > ${DRIVER_BUDGET} B budget: ${p.path.join(" > ")} (then ${p.external.join(", ")})`,
        )
    // the figures behind the budget, for the log (firmware/README.md quotes them)
    t.log(report.slice(0, 6).map((p) => `${p.bytes} B ${p.entry}`))
})

withClang(
    "firmware stack: the measurement follows calls across files and adds every frame, so a deep path fails",
    async (t) => {
        // a small driver-shaped program compiled the same way: root -> middle
        // (another file) -> a leaf with a 2,000-byte buffer
        const dir = tempDir("camscript-stack-")
        writeFileSync(
            join(dir, "a.c"),
            "void middle(int n);\nstatic void helper(int n) { middle(n + 1); }\nvoid root(int n) { helper(n); }\n",
        )
        writeFileSync(
            join(dir, "b.c"),
            "#include <string.h>\nvoid sink(char *b);\n" +
                "static void leaf(int n) { char big[2000]; memset(big, n, sizeof big); sink(big); }\n" +
                "void middle(int n) { leaf(n); }\n",
        )
        const flags = ["-std=c99", "-O1", "-fno-inline"]
        for (const f of ["a", "b"]) {
            const su = await make0("clang", [
                ...flags,
                "-fstack-usage",
                "-c",
                "-o",
                join(dir, `${f}.o`),
                join(dir, `${f}.c`),
            ])
            t.is(su.code, 0, su.out)
            const ll = await make0("clang", [
                ...flags,
                "-S",
                "-emit-llvm",
                "-o",
                join(dir, `${f}.ll`),
                join(dir, `${f}.c`),
            ])
            t.is(ll.code, 0, ll.out)
        }
        const [deepest] = stackReport(dir)
        t.is(deepest.entry, "a.c:root")
        t.deepEqual(deepest.path, ["a.c:root", "a.c:helper", "b.c:middle", "b.c:leaf"])
        // memset is an LLVM intrinsic here (llvm.memset), not a call: only sink is listed
        t.deepEqual(deepest.external, ["sink"])
        // four frames, each with the Xtensa overhead; the leaf's own frame holds the buffer
        t.true(deepest.bytes >= 2000 + 4 * XTENSA_FRAME_OVERHEAD, String(deepest.bytes))
        t.true(deepest.bytes > DRIVER_BUDGET, "a path like this one fails the budget test above")
    },
)

function make0(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((done) =>
        execFile(cmd, args, (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
}
