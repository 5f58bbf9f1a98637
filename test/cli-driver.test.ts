import test from "ava"
import { camscript } from "./helpers/bin"

// `camscript sim --driver`: the firmware's C drivers behind the same command.

test("sim --driver firmware: the spec's example prints 'link up', the C station got the address", async (t) => {
    const r = await camscript("sim", "examples/wifi-station.ts", "--driver", "firmware")
    t.is(r.code, 0, r.stderr)
    t.regex(r.stdout, /^\[ +2\.\d{3}s\] link up\n$/)
    t.regex(r.stderr, /wifi +GotAddress +ap=my-network \(02:ca:00:00:00:01, ch 6\) rssi=-44 dBm ip=192\.168\.1\.100/)
})

test("sim --driver: anything but model or firmware is refused, saying which are allowed", async (t) => {
    const r = await camscript("sim", "examples/wifi-station.ts", "--driver", "c")
    t.is(r.code, 2)
    t.regex(r.stderr, /--driver: "c" is not a driver; use model or firmware/)
})
