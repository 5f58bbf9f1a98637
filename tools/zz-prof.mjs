import { Session } from "node:inspector"
import { writeFileSync } from "node:fs"
import test from "ava"
const s = new Session(); s.connect()
s.post("Profiler.enable"); s.post("Profiler.setSamplingInterval", { interval: 500 }); s.post("Profiler.start")
test.after.always("prof", async () => {
  await new Promise((res) => s.post("Profiler.stop", (e, r) => { writeFileSync(`/tmp/lead/wprof-${process.pid}-${Date.now()}.cpuprofile`, JSON.stringify(r.profile)); res() }))
})
