// `a.length = 0` on an array the type checker cannot see (any): inside an
// on_change handler, the second time, the VM fails an internal assertion
// (objects.c devs_object_get_attached_rw).
import { network } from "camscript"

const wlan = new network.WLAN(network.WLAN.IF_STA)
await wlan.active(true)
const a: any = ["a"]
wlan.on_change(() => {
    a.length = 0
    for (const m of ["b", "c"]) a.push(m)
    console.log(a.length, a[0])
})
await wlan.connect("my-network", "my-password")
