// Says hello, then throws half a second later: on a board, a crash loop
// (the runtime starts a crashed program again 5 s later).
import * as ds from "@devicescript/core"

console.log("starting")
await ds.sleep(500)
throw new Error("boom")
