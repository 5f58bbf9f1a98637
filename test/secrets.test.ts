import test from "ava"
import { execFile } from "node:child_process"
import { fromRoot } from "../sim/paths"

// No password ever reaches logs, errors, timelines or reports: run the
// scenarios with every output on (--verbose) and search it all.

const SECRETS = [
    "my-password",
    "a-different-password",
    "not-our-password",
    "the-new-password",
    "setup-1234",
    "guess-1234",
]

function run(...args: string[]): Promise<string> {
    return new Promise((done) => {
        execFile(
            process.execPath,
            [fromRoot("bin/camscript.cjs"), "sim", ...args, "--verbose"],
            { cwd: fromRoot() },
            (_e, out, err) => done(out + err),
        )
    })
}

for (const [script, world] of [
    ["examples/wifi-station.ts", "sim/worlds/default.json"],
    ["examples/wifi-timeout.ts", "sim/worlds/wrong-password.json"],
    ["examples/wifi-timeout.ts", "sim/worlds/enterprise.json"],
    ["examples/wifi-station.ts", "sim/worlds/ap-power-cycle.json"],
    ["test/scripts/watch-link.ts", "sim/worlds/password-changed.json"],
    ["examples/setup-network.ts", "sim/worlds/setup-network.json"],
]) {
    test(`no secret in any output: ${script} against ${world}`, async (t) => {
        const all = await run(script, "--world", world, "--timeout", "60s")
        t.true(all.length > 200, "the run produced output")
        for (const s of SECRETS) t.false(all.includes(s), `"${s}" was printed`)
    })
}
