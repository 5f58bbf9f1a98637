// The table of every documented limit: a script's arguments (the numbers in
// src/limits.ts, checked by src/network/credentials.ts, address.ts and
// ranges.ts), a world file's fields (the bounds in world.schema.json, which
// the world loader validates against) and the host's own (file sizes,
// durations). docs/limits.md is written from this table (npm run
// docs:limits), and test/limits.test.ts probes every entry at its edges:
// the last value allowed and the first refused on each side, with the
// multi-byte and wrong-type variants its kind implies. A limit in
// src/limits.ts or in the schema without an entry here fails that test.
//
// The entries live by side: limits/script-limits.ts, world-limits.ts (with
// world-probe.ts, the world each field is set in) and host-limits.ts; one
// entry's shape is limits/limit.ts.

import { HOST } from "./host-limits"
import type { Limit } from "./limit"
import { SCRIPT } from "./script-limits"
import { WORLD } from "./world-limits"

export type { Limit } from "./limit"

/** Every limit, in the order docs/limits.md lists them. */
export const LIMITS: Limit[] = [...SCRIPT, ...WORLD, ...HOST]
