// Run as its own process (serialport's native binding must not live in ava's
// worker thread): deploys an image to a port and, once 30% is sent, kills the
// process that holds the cable (socat), as if the USB cable were pulled.
// Prints what deployProgram rejected with, as JSON.
import { deployProgram } from "../../usb/deploy"
import { readProgram } from "../../usb/program"

const [port, devs, cablePid] = process.argv.slice(2)
let pulled = false
deployProgram(port, readProgram(devs), {
    onProgress: (p) => {
        if (p > 0.3 && !pulled) {
            pulled = true
            process.kill(Number(cablePid))
        }
    },
}).then(
    () => console.log(JSON.stringify({ pulled, error: null })),
    (e: Error) => console.log(JSON.stringify({ pulled, error: e.message })),
)
