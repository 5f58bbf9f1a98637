import test from "ava"
import { execFile } from "node:child_process"
import { fromRoot } from "../sim/paths"

// The firmware's reason table (ESP-IDF wifi_err_reason_t -> contract
// LinkReason) is plain C: its host unit test builds with the machine's cc.

test("firmware: ESP-IDF disconnect reasons map onto the contract's LinkReason", async (t) => {
    const r = await new Promise<{ code: number; out: string }>((done) =>
        execFile("make", ["-s", "-C", fromRoot("firmware/test")], (err, stdout, stderr) =>
            done({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        ),
    )
    t.is(r.code, 0, r.out)
})
