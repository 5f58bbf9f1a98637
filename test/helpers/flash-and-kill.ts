// Run as its own process (serialport's native binding must not live in ava's
// worker thread): flashes a firmware folder to a port and, once 30% of the
// last region is written, kills the process that plays the board (SIGKILL)
// while the cable (socat's pty pair) stays: the board dies, the USB adapter
// stays. Prints what the flash was rejected with and how long after the kill.
import { loadFirmware } from "../../usb/firmware"
import { flashFirmware } from "../../usb/flash"

const [port, input, boardPid, stallMs] = process.argv.slice(2)
let killedAt = 0
flashFirmware(port, "esp32", loadFirmware(input, "esp32"), {
    stallMs: Number(stallMs),
    onProgress: (p) => {
        if (p.region === p.regions - 1 && p.written / p.total > 0.3 && !killedAt) {
            killedAt = Date.now()
            process.kill(Number(boardPid), "SIGKILL")
        }
    },
})
    .then(
        () => console.log(JSON.stringify({ killed: killedAt > 0, error: null, ms: 0 })),
        (e: Error) =>
            console.log(JSON.stringify({ killed: killedAt > 0, error: e.message, ms: Date.now() - killedAt })),
    )
    .finally(() => process.exit(0))
