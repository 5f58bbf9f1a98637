import type { Contract } from "../contract"
import { ContractServer } from "./contract-server"

// The simulator's implementation of services/board-power.md. It does not sleep by
// itself: the session owns the board (VM, drivers, radio), so a deep_sleep
// command is handed to it; the session powers everything down, moves the
// virtual clock on and boots the board again with the wake cause set here.

const POWER_CONTRACT_VERSION = 1

export class SimPower extends ContractServer {
    private readonly W = this.members("WakeCause")
    private readonly wake: ReturnType<ContractServer["addRegister"]>

    constructor(
        contract: Contract,
        /** the session's deep sleep: power down now, boot again after `ms` */
        private readonly sleep: (ms: number) => void,
    ) {
        super(contract, POWER_CONTRACT_VERSION)
        this.wake = this.addRegister(contract.packet("const", "wake_cause").code, [this.W.PowerOn])
        this.command("deep_sleep", ({ duration_ms }) => this.sleep(duration_ms as number))
    }

    /** The next boot happens because the RTC timer ended a deep sleep. */
    wokeFromDeepSleep() {
        this.wake.setValues([this.W.DeepSleepTimer])
    }
}
