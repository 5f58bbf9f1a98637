// The spec's Ethernet example ("Ethernet, when present"), ported line by
// line. Run it on a board with a port:
//   npx camscript sim examples/ethernet.ts --world sim/worlds/ethernet.json
import { network } from "camscript"

const lan = new network.LAN()
await lan.active(true)
console.log("link up")
