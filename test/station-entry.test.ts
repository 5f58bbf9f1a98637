import test from "ava"
import { readFileSync } from "node:fs"
import { loadBoard } from "../project/boards"
import { compileScript } from "../compiler/compile"
import { fromRoot } from "../project/paths"
import { runScript, scriptFile } from "./helpers/run"

// "camscript/src/station": the same network.WLAN in station mode only, so a
// script that joins a password network does not carry the access point,
// enterprise logins and LAN in its image.

const seed = readFileSync(fromRoot("examples/wifi-station.ts"), "utf8")
const stationOnly = seed.replace('from "camscript"', 'from "camscript/src/station"')

test("the spec's Wi-Fi example through the station entry: link up, in a smaller image", async (t) => {
    t.not(stationOnly, seed)
    const run = await runScript(stationOnly)
    t.deepEqual(run.lines, ["link up"])
    const target = { board: loadBoard("ai_thinker_esp32_cam"), hostname: "camscript" }
    const small = await compileScript(scriptFile(stationOnly), target)
    const full = await compileScript(scriptFile(seed), target)
    t.log(`station entry ${small.image.length} B, "camscript" ${full.image.length} B`)
    // the access point, enterprise and LAN code and their messages stay out
    t.true(small.image.length < 0.7 * full.image.length, `${small.image.length} B vs ${full.image.length} B`)
    const names = small.dbg.functions.map((f) => f.name.replace(/_F\d+$/, ""))
    for (const left of ["checkEnterprise", "writeApConfig", "checkApReady", "ApLink", "LAN", "EthernetLink"])
        t.false(
            names.some((n) => n === left || n.startsWith(`${left}.`)),
            `${left} is in the image`,
        )
    t.true(
        names.some((n) => n.startsWith("StationLink")),
        "the station is",
    )
})

test("the station entry refuses what it leaves out, saying where to get it", async (t) => {
    const run = await runScript(`
import { network } from "camscript/src/station"
try {
    new network.WLAN(network.WLAN.IF_AP)
} catch (e) {
    console.log(\`ap: \${(e as Error).message}\`)
}
const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
try {
    await wlan.connect("campus", { eap: "PEAP", username: "u", password: "p", insecure: true })
} catch (e) {
    console.log(\`eap: \${(e as Error).message}\`)
}
`)
    t.is(run.outcome, "finished", run.error)
    t.regex(
        run.lines[0],
        /^ap: network\.WLAN\(IF_AP\): this script imports camscript\/src\/station, which leaves the access point out .* import \{ network \} from "camscript"/,
    )
    t.regex(
        run.lines[1],
        /^eap: connect\(\): this script imports camscript\/src\/station, which leaves enterprise \(802\.1X\) logins out/,
    )
})
