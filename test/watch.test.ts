import test from "ava"
import { camscriptMain } from "./helpers/main"

// `camscript sim --watch`. (A spawned rerun-on-save test hung under ava and was left out: see the report.)

test.serial("--watch refuses --json", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--watch", "--json")
    t.is(r.code, 2)
    t.regex(r.stderr, /--watch reruns on the terminal: not with --json or --realtime/)
})
