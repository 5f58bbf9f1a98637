// Run as its own process (serialport's native binding must not live in ava's
// worker thread): deploys an image (or flashes a firmware folder) to a port
// and, once 30% is sent, kills the process that holds the cable (socat), as
// if the USB cable were pulled. Prints what was rejected with, as JSON.
import { deployProgram } from "../../usb/deploy"
import { loadFirmware } from "../../usb/firmware"
import { flashFirmware } from "../../usb/flash"
import { readProgram } from "../../usb/program"

const [what, port, input, cablePid] = process.argv.slice(2)
let pulled = false
const pull = (fraction: number) => {
    if (fraction > 0.3 && !pulled) {
        pulled = true
        process.kill(Number(cablePid))
    }
}
const run =
    what === "flash"
        ? flashFirmware(port, "esp32", loadFirmware(input, "esp32"), {
              // the last region is the large one
              onProgress: (p) => p.region === p.regions - 1 && pull(p.written / p.total),
          })
        : deployProgram(port, readProgram(input), { onProgress: pull })
run.then(
    () => console.log(JSON.stringify({ pulled, error: null })),
    (e: Error) => console.log(JSON.stringify({ pulled, error: e.message })),
).finally(() => process.exit(0)) // the flasher may still wait on a port that is gone
