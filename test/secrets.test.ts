import test from "ava"
import { camscriptBin } from "./helpers/bin"

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

async function run(...args: string[]): Promise<{ code: number; all: string }> {
    const r = await camscriptBin(["sim", ...args, "--verbose"])
    return { code: r.code, all: r.stdout + r.stderr }
}

// each scenario must also end the way it should: a crash prints no secret
// either, and would pass a search alone
const scenarios: [script: string, world: string, exit: number, shows: RegExp][] = [
    ["examples/wifi-station.ts", "sim/worlds/default.json", 0, /\] link up/],
    ["examples/wifi-timeout.ts", "sim/worlds/wrong-password.json", 1, /Wi-Fi did not come up in 10 s/],
    ["examples/wifi-timeout.ts", "sim/worlds/enterprise.json", 1, /Wi-Fi did not come up in 10 s/],
    ["examples/wifi-station.ts", "sim/worlds/ap-power-cycle.json", 0, /\] link up/],
    ["test/scripts/watch-link.ts", "sim/worlds/password-changed.json", 124, /rejected the password/],
    ["examples/setup-network.ts", "sim/worlds/setup-network.json", 0, /phone joined: .* got 192\.168\.4\./],
]
for (const [script, world, exit, shows] of scenarios) {
    test(`no secret in any output: ${script} against ${world}`, async (t) => {
        const { code, all } = await run(script, "--world", world, "--timeout", "60s")
        t.is(code, exit, all.slice(-500))
        t.regex(all, shows)
        for (const s of SECRETS) t.false(all.includes(s), `"${s}" was printed`)
    })
}
