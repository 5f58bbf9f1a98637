import { execFile } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { tempDir } from "./helpers/cleanup"
import { needs } from "./helpers/needs"

// The firmware's pure parts (the reason table, the wire layouts) are plain
// C: their host unit tests build with the machine's cc, once as they are and
// once with AddressSanitizer and UndefinedBehaviorSanitizer. The drivers
// themselves build to WebAssembly for `--driver firmware` (see
// test/conformance.test.ts for what they do there, and
// test/firmware-module.test.ts for the committed module). Without cc and make,
// or clang, these are skipped (test/helpers/needs.ts).

function make(...args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((done) =>
        execFile("make", ["-s", ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
            done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
}

// two tests read the host tests' output: one run of them (two makes at once
// in one folder would build every test twice, racing on the same files)
let hostTests: Promise<{ code: number; out: string }> | undefined
const runHostTests = () => (hostTests ??= make("-C", fromRoot("firmware/test")))

needs("c-compiler")("firmware: ESP-IDF disconnect reasons map onto the contract's LinkReason", async (t) => {
    const r = await runHostTests()
    t.is(r.code, 0, r.out)
    t.regex(r.out, /test_link_reason: all \d+ checks passed/)
})

needs("c-compiler")(
    "firmware: the host tests are clean under AddressSanitizer and UndefinedBehaviorSanitizer",
    async (t) => {
        const r = await make("-C", fromRoot("firmware/test"), "sanitize")
        t.is(r.code, 0, r.out)
        for (const name of [
            "test_link_reason",
            "test_packets",
            "test_ethernet_packets",
            "test_ap_packets",
            "test_http_upload_packets",
            "test_http_upload_driver",
            "test_camera_server_packets",
            "test_camera_server",
        ])
            t.regex(r.out, new RegExp(`${name}: (all )?\\d+ checks passed`))
        t.notRegex(r.out, /runtime error|AddressSanitizer/)
    },
)

needs("wasm-toolchain")(
    "firmware: the drivers compile as every ESP-IDF release from 5.0.0 to 5.5.5 where their API changed",
    async (t) => {
        // the stand-in headers follow the version they claim (firmware/host/include/esp-idf)
        const r = await make("-C", fromRoot("firmware"), "check-idf")
        t.is(r.code, 0, r.out)
        for (const v of ["5.0.0", "5.0.4", "5.0.5", "5.1.0", "5.3.0", "5.5.5"])
            t.true(r.out.includes(`ESP-IDF ${v}: the drivers compile`), v)
    },
)

needs("wasm-toolchain")(
    "firmware: check-idf checks each file as a unit of its own at each release and stops at the first release one fails",
    async (t) => {
        // check-idf runs clang's compiler once per release on all the files
        // (firmware/Makefile): a static name in two files must not collide,
        // and an error in a file after the first must still fail its release
        const dir = tempDir("camscript-check-idf-", t)
        const first = join(dir, "first.c")
        const second = join(dir, "second.c")
        writeFileSync(first, "static int helper(void) { return 1; }\nint first(void) { return helper(); }\n")
        writeFileSync(
            second,
            "static int helper(void) { return 2; }\nint second(void) { return helper(); }\n" +
                "#if SIM_IDF_MINOR >= 3\nint broken(void) { return not_declared_before_5_3; }\n#endif\n",
        )
        const r = await make("-C", fromRoot("firmware"), "check-idf", `DRIVERS=${first} ${second}`)
        t.not(r.code, 0, r.out)
        t.true(r.out.includes("ESP-IDF 5.2.6: the drivers compile"), r.out)
        t.false(r.out.includes("ESP-IDF 5.3.0: the drivers compile"), r.out)
        t.true(r.out.includes("the drivers do not compile as ESP-IDF 5.3.0"), r.out)
        t.regex(r.out, /second\.c:4:\d+: error: use of undeclared identifier 'not_declared_before_5_3'/)
        t.notRegex(r.out, /first\.c.*error|redefinition/)
    },
)

needs("c-compiler")(
    "firmware: auth modes map to the contract's Security at each ESP-IDF release, unknown ones as Unknown",
    async (t) => {
        const r = await runHostTests()
        t.is(r.code, 0, r.out)
        for (const v of ["5.0.0", "5.0.5", "5.0.8", "5.1.7", "5.2.0", "5.3.0", "5.4.3", "5.5.5"])
            t.regex(r.out, new RegExp(`test_security \\(ESP-IDF ${v.replace(/\./g, "\\.")}\\): all \\d+ checks passed`))
    },
)
