import { loadBoard } from "../project/boards"
import { buildForBoard } from "../usb/program"
async function main() {
    for (const [f, b] of [["examples/ethernet.ts", "wt32_eth01"], ["examples/wifi-station.ts", "ai_thinker_esp32_cam"], ["examples/ethernet.ts", "ai_thinker_esp32_cam"]]) {
        try {
            const p = await buildForBoard(f, loadBoard(b))
            const names = p.script.dbg.functions.map((x) => x.name)
            console.log(f, b, p.image.length, names.filter((n) => /lan|eth/i.test(n)).slice(0, 12).join(" "))
        } catch (e) { console.log(f, b, "ERR", (e as Error).message.slice(0, 300)) }
    }
}
void main()
