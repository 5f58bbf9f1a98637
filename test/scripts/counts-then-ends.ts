// Counts three ticks 200 ms apart from a timer, then clears it: the script
// has finished once the interval is cleared (its top level returned first).
let n = 0
const timer = setInterval(() => {
    n++
    console.log(`tick ${n}`)
    if (n === 3) clearInterval(timer)
}, 200)
console.log("top level done")
