// The virtual board tests' script: says hello, then ticks until stopped.
import { time } from "camscript"

console.log("hello from the board")
for (let n = 1; ; n++) {
    await time.sleep_ms(300)
    console.log(`tick ${n}`)
}
